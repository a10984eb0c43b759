"""normalize_unicode: NFC (or NFKC), invisible characters removed, no-break spaces as spaces.

Scraped text carries characters that look like nothing but defeat matching and
deduplication: zero-width spaces, word joiners, byte-order marks, soft hyphens, no-break
spaces, and control characters from broken encoders. This cleaner removes the invisible ones
(the same set boilerplate matching ignores), turns no-break and ideographic spaces into plain
spaces, drops C0/C1 control characters other than tab, LF and CR, and normalises to ``form``
(``NFC`` by default; ``NFKC`` also folds compatibility forms such as full-width letters and
ligatures). Zero-width joiners and non-joiners are kept between two non-ASCII characters,
where they shape Persian and Indic words and join emoji; bidirectional marks are kept.

Properties: idempotent; the output is in the chosen normal form and holds none of the
removed characters. Not deletion-only: normalisation may recompose or expand characters.

Example::

    cleaners: [normalize_unicode]
    "Cafe\\u0301\\u00a0open\\u200b"  ->  "Café open"
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..registry import ParamError
from ..textnorm import INVISIBLE, SPACES
from ._registry import CleanFunction, cleaner

FORMS = ("NFC", "NFKC")
SCHEMA: dict[str, Any] = {
    "form": {
        "enum": list(FORMS),
        "default": "NFC",
        "description": "Unicode normal form: NFC (default) or NFKC (also folds compatibility "
        "forms such as full-width letters and ligatures).",
    },
}

_JOINERS = "\u200c\u200d"
_ALWAYS = "".join(sorted(INVISIBLE - set(_JOINERS)))
_CONTROLS = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r")
_DROP = re.compile(f"[{re.escape(_ALWAYS + _CONTROLS)}]+")
# Every character this cleaner may remove (joiners only sometimes): what comes after it
# must not find markup or mojibake that these characters were keeping apart.
REMOVED = frozenset(_ALWAYS + _JOINERS + _CONTROLS)
_SPACE = re.compile(f"[{re.escape(''.join(sorted(SPACES)))}]")
# A run of joiners survives only between two characters that are neither ASCII nor space.
_LONE_JOINERS = re.compile(
    rf"(?:(?<=[\x00-\x7f\s])|\A)[{_JOINERS}]+|[{_JOINERS}]+(?=[\x00-\x7f\s]|\Z)"
)


@dataclass(frozen=True)
class NormalizeUnicodeParams:
    """The normal form."""

    form: str = "NFC"


def _round(text: str, form: str) -> str:
    text = _DROP.sub("", text)
    text = _LONE_JOINERS.sub("", text)
    text = _SPACE.sub(" ", text)
    return unicodedata.normalize(cast(Literal["NFC", "NFKC"], form), text)


def normalize_unicode_text(text: str, form: str = "NFC") -> str:
    """The cleaner itself, for direct use."""
    # After the first round only removals can change anything, and normalisation never
    # creates a removed character: each further round shortens the text, so the loop ends.
    while True:
        cleaned = _round(text, form)
        if cleaned == text:
            return cleaned
        text = cleaned


@cleaner("normalize_unicode", params=NormalizeUnicodeParams, schema=SCHEMA)
def normalize_unicode(params: NormalizeUnicodeParams) -> CleanFunction:
    """Build the cleaner."""
    if params.form not in FORMS:
        raise ParamError("form", f"unknown form {params.form!r}; use one of {', '.join(FORMS)}")
    form = params.form

    def clean(text: str) -> str:
        if text.isascii() and not _DROP.search(text):
            return text
        return normalize_unicode_text(text, form)

    return clean

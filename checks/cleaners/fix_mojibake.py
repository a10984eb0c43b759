"""fix_mojibake: text decoded with the wrong encoding repaired (``CafÃ©`` -> ``Café``).

Runs ftfy's encoding fixes: mis-decoded UTF-8 (also mixed with correct text), Windows-1252
C1 controls and lone surrogates. Whatever else ftfy can do is switched off because other
cleaners own it or because it changes correct text: HTML entities stay for ``strip_html``,
curly quotes stay curly, ligatures and full-width letters stay for
``normalize_unicode: {form: NFKC}``, line breaks stay for ``normalize_whitespace``, and a
plain space after ``Ã`` is not taken for a lost no-break space (collapsing spaces would
otherwise turn text into mojibake). Repaired text gets ``normalize_unicode``'s NFC clean-up
and ftfy runs again until nothing changes: removing a control or zero-width character can
join two halves of a garbled character (``\x80\x1fß``), and the pipeline must not find new
mojibake on a second run. Run it before ``normalize_unicode``.

Properties: idempotent; the output is what ``normalize_unicode`` (NFC) returns for it;
ASCII text comes back unchanged. Not deletion-only: a repaired character replaces the bytes
it was garbled into.

Example::

    cleaners: [fix_mojibake]
    "The cafÃ© doesnâ€™t open"  ->  "The café doesn’t open"
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from checks.cleaners._registry import CleanFunction, cleaner
from checks.cleaners.normalize_unicode import _DROP as _CONTROLS
from checks.cleaners.normalize_unicode import normalize_unicode_text

SCHEMA: dict[str, Any] = {}


@functools.cache
def _config() -> Any:
    import ftfy  # lazy: suites are parsed on every run, mojibake fixed only in some

    return ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=False,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization="NFC",
        explain=False,
    )


_MAX_ROUNDS = 32


@dataclass(frozen=True)
class FixMojibakeParams:
    """fix_mojibake takes no parameters besides ``fields``."""


def fix_mojibake_text(text: str) -> str:
    """The cleaner itself, for direct use."""
    if text.isascii() and not _CONTROLS.search(text):
        return text
    import ftfy

    # A round that changes the text repairs mojibake (shorter) or removes characters, so the
    # fixed point comes within a few rounds; the bound only guards against an ftfy surprise.
    for _ in range(_MAX_ROUNDS):
        fixed = normalize_unicode_text(ftfy.fix_text(text, _config()))
        if fixed == text:
            break
        text = fixed
    return text


@cleaner("fix_mojibake", params=FixMojibakeParams, schema=SCHEMA)
def fix_mojibake(params: FixMojibakeParams) -> CleanFunction:
    """Build the cleaner."""
    return fix_mojibake_text

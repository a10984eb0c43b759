"""The one escaping of text for people and parsers: data, file names and suite text.

``printable`` is what every writer that a person reads uses (terminal, JUnit, HTML, Markdown,
annotations, the pytest plugin, error messages); ``utf8_safe`` is for writers that keep the
data as it is (the result JSON) and for comparing document ids across runs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_VISIBLE = {"\n": "⏎", "\r": "\\r", "\t": "→"}
# Kept although str.isprintable() says no: spaces (no-break, ideographic) and private-use
# glyphs are seen, and neither reorders nor hides text.
_SEEN = frozenset({"Zs", "Co"})


@lru_cache(maxsize=4096)
def _shown(ch: str) -> str:
    if ch in _VISIBLE:
        return _VISIBLE[ch]
    if ch.isprintable() or unicodedata.category(ch) in _SEEN:
        return ch
    # C0/C1 controls, bidi and invisible formatting (Cf), separators (Zl, Zp), lone
    # surrogates from undecodable file names (Cs) and noncharacters (Cn): \x1b, \u202e, \udcff.
    return ch.encode("unicode_escape").decode("ascii")


def printable(text: str, keep: str = "") -> str:
    """``text`` safe to show: every control, bidi, invisible or unencodable character escaped.

    The one escaping function for text from data, file names or the suite, wherever it is
    shown (terminal, JUnit, HTML, Markdown, annotations). Newlines show as ⏎, tabs as →,
    others as Python escapes (``\\x1b``, ``\\u202e``, ``\\udcff``); characters in ``keep``
    pass through (``"\\n"`` for multi-line messages). The result is printable and valid
    UTF-8, and escaping it again changes nothing.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch in keep else _shown(ch) for ch in text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8_safe(text: str) -> str:
    """``text`` with lone surrogates (from undecodable file names) written as ``\\udcff``.

    For writers that keep every other character as it is (JSON): the result encodes as
    UTF-8, and the same input always gives the same text, so ids still match across runs.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)

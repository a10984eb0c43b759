"""fix_mojibake: text decoded with the wrong encoding repaired (``CafÃ©`` -> ``Café``).

Runs ftfy's encoding fixes: mis-decoded UTF-8 (also mixed with correct text), Windows-1252
C1 controls and lone surrogates. Whatever else ftfy can do is switched off because other
cleaners own it or because it changes correct text: HTML entities stay for ``strip_html``,
curly quotes stay curly, ligatures and full-width letters stay for ``normalize_unicode:
{form: NFKC}``, line breaks stay for ``normalize_whitespace``, and a plain space is never
taken for a lost no-break space (``Ã `` stays ``Ã ``): ftfy reads one that way inside longer
text, so ``Ã\\tÃ`` stayed as it was while the ``Ã Ã`` that ``normalize_whitespace`` makes of
it became ``à Ã`` on the next run. Repaired text gets ``normalize_unicode``'s NFC clean-up
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
import re
from dataclasses import dataclass
from typing import Any

from ._registry import CleanFunction, cleaner
from .normalize_unicode import _DROP as _CONTROLS
from .normalize_unicode import normalize_unicode_text

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


@functools.cache
def _space_in_sequence() -> re.Pattern[str]:
    """A space right after a character that can begin or continue a garbled UTF-8
    sequence: where ftfy would read it as a lost no-break space (byte 0xA0)."""
    from ftfy.chardata import UTF8_CLUES

    clues = "".join(
        UTF8_CLUES[key]
        for key in ("utf8_first_of_2", "utf8_first_of_3", "utf8_first_of_4", "utf8_continuation")
    ).replace(" ", "")
    return re.compile(f"(?<=[{clues}]) ")


# Stand-ins for such a space: single bytes in every legacy encoding (so ftfy can still
# re-decode the whole line) that no UTF-8 sequence continues with and ftfy leaves alone
# (not "\x1a", which ftfy reads as a lost byte).
_STAND_INS = "\x7f" + "".join(map(chr, [*range(1, 9), *range(0x0E, 0x1A), *range(0x1B, 0x20)]))
# What normalize_whitespace splits lines at, and the characters it turns into spaces (not
# no-break spaces, which garbled UTF-8 holds as byte 0xA0, nor the controls that
# normalize_unicode removes and ftfy's C1 repair owns).
_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
_BLANK = re.compile(r"[^\S\r\n\x0b\x0c\x1c-\x1f\x85\xa0]")


def _ftfy_line(line: str) -> str:
    """ftfy on one line, as normalize_whitespace will leave it: ftfy's choices depend on
    the characters around a garbled sequence, so a tab or a line separator must look to it
    as the space it becomes, or the next run would repair what this one kept."""
    import ftfy

    originals = _BLANK.findall(line)
    stand_in = next((ch for ch in _STAND_INS if ch not in line), None)
    if not originals or stand_in is None:
        return str(ftfy.fix_text(line, _config()))
    spaced = _space_in_sequence().sub(stand_in, _BLANK.sub(" ", line))
    fixed = str(ftfy.fix_text(spaced, _config()))
    # ftfy keeps ASCII characters in order, so the n-th space or stand-in is the n-th
    # original blank; should that ever not hold, the line is repaired as it is.
    blanks = re.compile(f"[ {re.escape(stand_in)}]")
    if len(blanks.findall(fixed)) != len(originals):
        return str(ftfy.fix_text(line, _config()))
    restore = iter(originals)
    return blanks.sub(lambda _: next(restore), fixed)


def _ftfy(text: str) -> str:
    # Line by line, split where normalize_whitespace splits ("\r" too, unlike ftfy).
    parts = _LINE_BREAK.split(text)
    parts[::2] = [_ftfy_line(line) if not line.isascii() else line for line in parts[::2]]
    return "".join(parts)


@dataclass(frozen=True)
class FixMojibakeParams:
    """fix_mojibake takes no parameters besides ``fields``."""


def fix_mojibake_text(text: str) -> str:
    """The cleaner itself, for direct use."""
    if text.isascii() and not _CONTROLS.search(text):
        return text
    # A round that changes the text repairs mojibake (shorter) or removes characters, so the
    # fixed point comes within a few rounds; the bound only guards against an ftfy surprise.
    for _ in range(_MAX_ROUNDS):
        fixed = normalize_unicode_text(_ftfy(text))
        if fixed == text:
            break
        text = fixed
    return text


@cleaner("fix_mojibake", params=FixMojibakeParams, schema=SCHEMA)
def fix_mojibake(params: FixMojibakeParams) -> CleanFunction:
    """Build the cleaner."""
    return fix_mojibake_text

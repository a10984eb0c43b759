"""normalize_whitespace: one space between words, one blank line between paragraphs.

CRLF and lone CR become LF; on every line, runs of spaces, tabs and other non-newline
whitespace become one space and the line is stripped; runs of blank lines become one blank
line; blank lines at the start and end go. Text that ended with a line break still ends
with exactly one.

Properties: idempotent; deletion-only (the output's lines are the input's non-blank lines,
whitespace-normalised, in order); never lengthens its input.

Example::

    cleaners: [normalize_whitespace]
    "  Rain  fell.  \\r\\n\\r\\n\\r\\nRoads   closed.\\n\\n"  ->  "Rain fell.\\n\\nRoads closed.\\n"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._registry import CleanFunction, cleaner

# Python's \s includes \x1c-\x1f, \x85 and \u2028: every whitespace character except LF.
_SPACES = re.compile(r"[^\S\n]+")
SCHEMA: dict[str, Any] = {}


@dataclass(frozen=True)
class NormalizeWhitespaceParams:
    """normalize_whitespace takes no parameters besides ``fields``."""


def normalize_whitespace_text(text: str) -> str:
    """The cleaner itself, for direct use."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    blank = False
    raw_lines = text.split("\n")
    last = -1
    for index, raw in enumerate(raw_lines):
        line = _SPACES.sub(" ", raw).strip(" ")
        if not line:
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
        last = index
    # A final line break after the last text is kept (a text file stays a text file).
    final = "\n" if 0 <= last < len(raw_lines) - 1 else ""
    return "\n".join(out) + final


@cleaner(
    "normalize_whitespace",
    params=NormalizeWhitespaceParams,
    schema=SCHEMA,
    deletion_only=True,
)
def normalize_whitespace(params: NormalizeWhitespaceParams) -> CleanFunction:
    """Build the cleaner."""
    return normalize_whitespace_text

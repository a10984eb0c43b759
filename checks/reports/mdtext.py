"""Escaping for Markdown that GitHub and GitLab render (PR comments, step summaries).

Scraped text goes into code spans: inside one, GitHub renders no emphasis, links, raw HTML,
@mentions or #issue references, so ``<script>``, ``[x](javascript:...)`` or ``@team`` stay
inert text. Text we write ourselves (expectation names from the suite) is escaped instead.
"""

from __future__ import annotations

import re

from ..escaping import printable

_LONGEST = 200
_PUNCT = re.compile(r"([\\`*_\[\]~|#@!])")


def clip(text: str, limit: int = _LONGEST) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(text: str, table: bool = True, limit: int = _LONGEST) -> str:
    """``text`` as an inline code span that nothing in it can break out of.

    ``table``: the span sits in a table cell, where GFM splits cells on ``|`` before parsing
    spans, so pipes are escaped (and GFM unescapes them inside the span).
    """
    shown = clip(printable(text), limit)
    if not shown:
        return "*(empty)*"
    if table:
        shown = shown.replace("|", "\\|")
    runs = [len(r) for r in re.findall(r"`+", shown)]
    fence = "`" * (max(runs, default=0) + 1)
    # A span that starts or ends with a backtick needs a space so the fence is unambiguous.
    pad = " " if shown[0] in "` " or shown[-1] in "` " else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def text(value: str, limit: int = _LONGEST) -> str:
    """Plain Markdown text with every inline construct (and ``<``, ``&``) neutralised.

    Only for text that never starts a line, where ``>``, ``-`` or ``1.`` cannot open a block.
    """
    shown = clip(printable(value), limit)
    shown = shown.replace("&", "&amp;").replace("<", "&lt;")
    return _PUNCT.sub(r"\\\1", shown)

"""strip_html: HTML tags removed, entities decoded, script and style content dropped.

For extractors that leave markup in text fields. ``<script>``, ``<style>`` and
``<template>`` elements go with their content, comments go whole, other tags go and keep
their text. A block-level tag (``<p>``, ``<div>``, ``<br>``, ``<li>``, headings...) becomes
a line break unless a line already ends or starts there, so ``<div>Comments</div>`` on its
own line stays one line and a page flattened into ``<p>`` elements gets its paragraphs
back. Entities are decoded (``&amp;`` -> ``&``, ``&nbsp;`` -> no-break space). Tags and
entities are removed until none is left, so markup that was escaped twice
(``&lt;b&gt;``) goes too. A "tag" is ``<`` then a letter, ``/``, ``!`` or ``?`` up to the
next ``>``: prose such as ``x < y and z > w`` is kept.

Properties: idempotent; the output holds no tag and no decodable entity; never lengthens its
input (a tag is at least as long as the line break it may become, an entity as long as the
character it stands for).

Example::

    cleaners: [strip_html]
    "<p>Rain&nbsp;fell.</p><p>Roads <b>closed</b>.</p>"  ->  "Rain\\u00a0fell.\\nRoads closed."
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from checks.cleaners._registry import CleanFunction, cleaner

SCHEMA: dict[str, Any] = {}

TAG = re.compile(r"<(?:/?[A-Za-z]|[!?])[^<>]*>")
_RAW_OPEN = re.compile(r"<(script|style|template)\b[^<>]*>", re.IGNORECASE)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_BLOCK_NAMES = (
    "address article aside blockquote body br dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 head header hr html li main nav ol p pre section summary "
    "table tbody td tfoot th thead title tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_NAMES.split(" "))


@dataclass(frozen=True)
class StripHtmlParams:
    """strip_html takes no parameters besides ``fields``."""


def _drop_raw_text(text: str) -> str:
    """Remove script/style/template elements with their content, in linear time."""
    lowered = text.lower()
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()
    while True:
        m = _RAW_OPEN.search(text, pos)
        if m is None:
            break
        name = m.group(1).lower()
        close = -1 if name in unclosed else lowered.find(f"</{name}", m.end())
        if close < 0:
            # No closing tag anywhere after: only the opening tag goes (the tag pass).
            unclosed.add(name)
            out.append(text[pos : m.end()])
            pos = m.end()
            continue
        end = text.find(">", close)
        end = len(text) if end < 0 else end + 1
        out.append(text[pos : m.start()])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _drop_comments(text: str) -> str:
    """Remove ``<!-- ... -->`` comments; an unclosed one is left to the tag pass."""
    out: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        close = text.find("-->", start + 4)
        if close < 0:
            break
        out.append(text[pos:start])
        pos = close + 3
    out.append(text[pos:])
    return "".join(out)


def _starts_line(text: str, pos: int) -> bool:
    """Whether only spaces/tabs lie between ``pos`` and a line break or the end."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos == len(text) or text[pos] == "\n"


def _drop_tags(text: str) -> str:
    out: list[str] = []
    pos = 0
    # Whether the output so far ends a line (ignoring spaces and tabs): no break is added there.
    at_break = True
    for m in TAG.finditer(text):
        chunk = text[pos : m.start()]
        out.append(chunk)
        stripped = chunk.rstrip(" \t")
        if stripped:
            at_break = stripped.endswith("\n")
        pos = m.end()
        name = _TAG_NAME.match(m.group(0))
        if name is None or name.group(1).lower() not in BLOCK_TAGS:
            continue
        if at_break or _starts_line(text, pos):
            continue
        out.append("\n")
        at_break = True
    out.append(text[pos:])
    return "".join(out)


def strip_html_text(text: str) -> str:
    """The cleaner itself, for direct use."""
    # Every round that changes the text shortens it, so the loop ends at a fixed point.
    while "<" in text or "&" in text:
        cleaned = _drop_comments(text)
        cleaned = _drop_raw_text(cleaned)
        cleaned = _drop_tags(cleaned)
        cleaned = html.unescape(cleaned)
        if cleaned == text:
            break
        text = cleaned
    return text


@cleaner("strip_html", params=StripHtmlParams, schema=SCHEMA, removing=True)
def strip_html(params: StripHtmlParams) -> CleanFunction:
    """Build the cleaner."""
    return strip_html_text

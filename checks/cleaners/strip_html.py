"""strip_html: HTML tags removed, entities decoded, script and style content dropped.

For extractors that leave markup in text fields. ``<script>``, ``<style>`` and
``<template>`` elements go with their content, comments (``<!-- ... -->``) go whole, other
tags go and keep their text. A block-level tag (``<p>``, ``<div>``, ``<br>``, ``<li>``,
headings...) becomes a line break unless a line already ends or starts there, so
``<div>Comments</div>`` on its own line stays one line and a page flattened into ``<p>``
elements gets its paragraphs back. Tags and entities are removed until none is left, so
markup that was escaped twice (``&lt;b&gt;``) goes too.

What counts as markup is narrow, because article text is full of ``<``, ``>`` and ``&``:

- A tag is ``<`` or ``</``, a name (letters, digits, ``-``, one ``prefix:``), then
  whitespace, ``/`` or ``>``; attributes look like attributes (``name``, ``name=value``,
  quoted values without ``<``) and the tag ends on the line it starts on. So ``x < y and
  z > w``, ``a<b`` in one paragraph and ``->`` in the next, ``<tips@paper.example>``, a
  URL in angle brackets and a sentence's full stop before some ``>`` are prose. A ``<``
  right after another ``<`` starts no tag: ``<<Nous sommes prêts>>`` is quoted speech.
  ``<!DOCTYPE ...>`` and ``<?xml ...?>`` count as tags.
- An entity ends with ``;``: a named one from the HTML5 list (``&amp;``, ``&nbsp;``) or a
  numeric one (``&#8217;``, ``&#x2019;``). Legacy forms without ``;`` are text, so
  ``?id=4&section=budget&region=north`` and ``this&nothing`` stay as written.

Markup is found in the text as ``normalize_unicode`` would leave it: zero-width characters,
soft hyphens and control characters are ignored and compatibility forms are folded (NFKC),
so ``<\\u200bb>``, ``AT&\\u200bamp;T`` and a full-width ``＜b＞`` are markup here too. A
later ``normalize_unicode`` (either form) therefore never turns what this cleaner kept into
a new tag or entity, and a pipeline that runs both is idempotent whatever their order.

Properties: idempotent; the output holds no tag, comment or entity as defined above (also
after ``normalize_unicode``); never lengthens its input (a tag is at least as long as the
line break it may become, an entity longer than the characters it stands for); text
without markup comes back unchanged. Not deletion-only: entities are replaced by the
characters they stand for and a block tag may split a line.

Example::

    cleaners: [strip_html]
    "<p>Rain&nbsp;fell.</p><p>Roads <b>closed</b>.</p>"  ->  "Rain\\u00a0fell.\\nRoads closed."
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.entities import html5
from typing import Any

from ._registry import CleanFunction, cleaner
from .normalize_unicode import REMOVED

SCHEMA: dict[str, Any] = {}

# Whitespace within one line: a tag never spans a line break.
_SP = r"[^\S\n\r]"
_NAME = r"[A-Za-z][A-Za-z0-9-]*(?::[A-Za-z][A-Za-z0-9-]*)?"
# No sentence punctuation in attribute names: prose such as "a<b was the rule. Fees rise ->"
# would otherwise read as one long tag.
_ATTR_NAME = r"[A-Za-z_:@][A-Za-z0-9_:@-]*(?:\.[A-Za-z0-9_:@-]+)*"
_VALUE = r"""(?:"[^"<\n\r]*"|'[^'<\n\r]*'|[^\s"'=<>`]+)"""
_ATTR = rf"{_ATTR_NAME}(?:{_SP}*={_SP}*{_VALUE})?"
# A tag must also not follow "<" directly in the original text (see _Scanner.at).
TAG = re.compile(rf"</?{_NAME}(?:{_SP}+{_ATTR})*{_SP}*/?>|<[!?][A-Za-z][^<>\n\r]*>")
# Digits are bounded: int() refuses numbers of thousands of digits.
ENTITY = re.compile(r"&(?:#[0-9]{1,16}|#[xX][0-9A-Fa-f]{1,16}|[A-Za-z][A-Za-z0-9]{0,31});")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_RAW_CLOSE = {
    name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style", "template")
}
_BLOCK_NAMES = (
    "address article aside blockquote body br dd details div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 head header hr html li main nav ol p pre section summary "
    "table tbody td tfoot th thead title tr ul"
)
BLOCK_TAGS = frozenset(_BLOCK_NAMES.split(" "))

# Characters whose NFKC form holds "<" or "&" (checked over all of Unicode): without one of
# them a text holds no markup and the cleaner returns it at once.
_MAYBE_MARKUP = re.compile("[<&\ufe60\ufe64\uff06\uff1c]")
_START = re.compile("[<&]")
# Runs of characters that the view may change: everything but printable ASCII and line
# breaks (ASCII controls are removed by normalize_unicode).
_ODD = re.compile(r"[^\t\n\r\x20-\x7e]+")
_REMOVED = re.compile(f"[{re.escape(''.join(sorted(REMOVED)))}]")


@dataclass(frozen=True)
class StripHtmlParams:
    """strip_html takes no parameters besides ``fields``."""


class _View:
    """The text as normalize_unicode would leave it (per character NFKC, removed characters
    gone), with a map from each of its offsets back to the original."""

    __slots__ = ("offsets", "text")

    def __init__(self, text: str, offsets: list[int] | None) -> None:
        self.text = text
        self.offsets = offsets

    def start(self, index: int) -> int:
        """The original offset of the view's character at ``index``."""
        return index if self.offsets is None else self.offsets[index]

    def end(self, index: int) -> int:
        """The original offset just after the view's characters up to ``index``."""
        return index if self.offsets is None else self.offsets[index - 1] + 1


def _view(text: str) -> _View:
    """The view of ``text`` that markup is looked for in (the text itself when plain)."""
    pieces: list[str] = []
    offsets: list[int] = []
    pos = 0
    for run in _ODD.finditer(text):
        chars = run.group()
        if _REMOVED.search(chars) is None and unicodedata.is_normalized("NFKC", chars):
            continue  # already what normalize_unicode leaves: part of the plain stretch
        start, end = run.span()
        pieces.append(text[pos:start])
        offsets.extend(range(pos, start))
        for index in range(start, end):
            ch = text[index]
            if ch in REMOVED:
                continue
            folded = unicodedata.normalize("NFKC", ch)
            pieces.append(folded)
            offsets.extend([index] * len(folded))
        pos = end
    if not pieces:
        return _View(text, None)
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return _View("".join(pieces), offsets)


def _decode(entity: str) -> str | None:
    """The characters an entity stands for; None for a name HTML5 does not define."""
    if entity[1] == "#":
        return html.unescape(entity)
    return html5.get(entity[1:])


class _Scanner:
    """Finds the markup of one view, left to right."""

    def __init__(self, text: str, view: _View) -> None:
        self.text = text
        self.mapping = view
        self.view = view.text
        # Searches that failed once fail for every later start too: remembered, so that many
        # unclosed comments or scripts cost one scan each, not one per occurrence.
        self.comments_closed = True
        self.unclosed: set[str] = set()

    def at(self, index: int) -> tuple[int, str, bool] | None:
        """Markup starting at ``index``: (end, replacement, is a block tag), or None."""
        view = self.view
        if view[index] == "&":
            found = ENTITY.match(view, index)
            if found is None:
                return None
            decoded = _decode(found.group())
            return None if decoded is None else (found.end(), decoded, False)
        if self.comments_closed and view.startswith("<!--", index):
            close = view.find("-->", index + 4)
            if close >= 0:
                return close + 3, "", False
            self.comments_closed = False
        tag = TAG.match(view, index)
        if tag is None or self._after_less_than(index):
            return None
        name_match = _TAG_NAME.match(tag.group())
        name = name_match.group(1).lower() if name_match else ""
        if name in _RAW_CLOSE and not tag.group().startswith("</") and name not in self.unclosed:
            close_match = _RAW_CLOSE[name].search(view, tag.end())
            if close_match is not None:
                end = view.find(">", close_match.end())
                return (len(view) if end < 0 else end + 1), "", False
            # No closing tag anywhere after: only the opening tag goes.
            self.unclosed.add(name)
        return tag.end(), "", name in BLOCK_TAGS

    def _after_less_than(self, index: int) -> bool:
        """Whether the character before this "<" in the original text is (or folds to) "<".

        ``<<Nous sommes prêts>>`` is quoted speech, not a tag. The original text decides,
        not the view: a character between the two that a later cleaner removes or turns
        into something else (C1 controls become Windows-1252 characters in fix_mojibake)
        must not decide whether the second run finds a tag.
        """
        start = self.mapping.start(index)
        if start == 0:
            return False
        return unicodedata.normalize("NFKC", self.text[start - 1]).endswith("<")


# Spaces, tabs and the characters normalize_unicode removes: none of them starts a line.
_BLANK = " \t" + "".join(sorted(REMOVED))


def _starts_line(text: str, pos: int) -> bool:
    """Whether only blanks lie between ``pos`` and a line break or the end."""
    while pos < len(text) and text[pos] in _BLANK:
        pos += 1
    return pos == len(text) or text[pos] in "\n\r"


def _ends_line(chunk: str, before: bool) -> bool:
    """Whether output that ended a line (``before``) still does after ``chunk``."""
    stripped = chunk.rstrip(_BLANK)
    return stripped.endswith(("\n", "\r")) if stripped else before


def _round(text: str) -> str:
    """Remove or decode every markup found in one scan of the text's view."""
    view = _view(text)
    scanner = _Scanner(text, view)
    out: list[str] = []
    pos = 0
    # Whether the output so far ends a line (ignoring spaces and tabs): no break is added there.
    at_break = True
    index = 0
    while (start := _START.search(view.text, index)) is not None:
        index = start.start()
        found = scanner.at(index)
        if found is None:
            index += 1
            continue
        end, replacement, block = found
        first, last = view.start(index), view.end(end)
        chunk = text[pos:first]
        ends_line = _ends_line(chunk, at_break)
        if block and not ends_line and not _starts_line(text, last):
            replacement = "\n"
        # A replacement must shorten the text (and markup folded out of one character must
        # not overlap the previous one): every round then shortens it, so the loop ends.
        if first < pos or len(replacement) >= last - first:
            index += 1
            continue
        out.append(chunk)
        out.append(replacement)
        at_break = _ends_line(replacement, ends_line)
        pos = last
        index = end
    out.append(text[pos:])
    return "".join(out)


def find_markup(text: str) -> str | None:
    """The first tag, comment or entity strip_html would act on, as the view shows it."""
    if _MAYBE_MARKUP.search(text) is None:
        return None
    view = _view(text)
    scanner = _Scanner(text, view)
    for start in _START.finditer(view.text):
        found = scanner.at(start.start())
        if found is not None:
            return view.text[start.start() : found[0]]
    return None


def strip_html_text(text: str) -> str:
    """The cleaner itself, for direct use."""
    # Every round that changes the text shortens it, so the loop ends at a fixed point.
    while _MAYBE_MARKUP.search(text) is not None:
        cleaned = _round(text)
        if cleaned == text:
            break
        text = cleaned
    return text


@cleaner("strip_html", params=StripHtmlParams, schema=SCHEMA, removing=True)
def strip_html(params: StripHtmlParams) -> CleanFunction:
    """Build the cleaner."""
    return strip_html_text

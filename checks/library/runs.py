"""Runs of page chrome: junk that survives when an extractor flattens a page.

Extractors often join a page into one line, so a comment widget, a portlet menu and a captcha
form end up as ``... --Reuters-- Comments Actions Loading... CLOSE Your Name:* Submit``. Each
word alone is ordinary prose; together they are chrome. A *run* is a sequence of chrome items
(whole-line rules of the shipped packs, matched anywhere, and inline phrases) with nothing
between them but whitespace, line breaks and menu separators (``| · • / » › >``). Commas and
full stops end a run, so a list in a sentence ("Facebook, Twitter and LinkedIn") never is one.

Which items count:

* an inline phrase (``comments powered by Disqus``) and an unambiguous word alone on its line
  (``Comments``) count on their own, as they always did;
* every item of a run of at least ``min_run`` items (default 3) counts, inside a line too;
  when only spaces join them (no line break, no menu separator, no inline phrase), one more
  item is needed, since a Title Case headline ("Print Advertising Close") has three;
* an *ambiguous* word alone on its line (``Twitter``, ``x``, ``×``, ``Reset``, ``Search``,
  ``Share``) counts only in a run that also holds an item that counts on its own, so the
  heading ``Twitter`` in an article about Twitter passes.

The vocabulary is every rule of the shipped packs except opt-in packs (``in_runs: false``,
such as ``legal_footer``) and rules that match free text (a negated class, or a long bounded
class such as ``[a-z ]{1,60}``), which inside a flattened line would swallow prose. Matching
runs on the normalised view (see :mod:`scrapegate.textnorm`) in linear time: one RE2 pass
finds the runs, and only their text is split into items.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2

from ..packs import PackRule, available_packs, load_pack
from ..regex import PatternSet

DEFAULT_MIN_RUN = 3
SEPARATORS = " \t\r\n|·•/»›>"
_SEP_CLASS = r"[ \t\r\n|·•/»›>]"
_LINE_SPACE = " \t\r"
# A long bounded class ({1,60} and up) reads free text: "Follow us on <anything>".
_FREE_TEXT = re.compile(r"\[\^|\]\{\d*,\d{2,}\}")


@dataclass(frozen=True)
class Item:
    """One chrome item of a run: its span in the view and what it is."""

    start: int
    end: int
    rules: frozenset[str]
    ambiguous: bool
    phrase: bool
    alone: bool
    line: int

    @property
    def counts_alone(self) -> bool:
        """Chrome by itself: an inline phrase, or an unambiguous word alone on its line."""
        return self.phrase or (self.alone and not self.ambiguous)


@dataclass(frozen=True)
class Run:
    """Two or more adjacent items; ``separated`` when a line break or menu separator joins some."""

    items: tuple[Item, ...]
    separated: bool


@dataclass(frozen=True)
class Segment:
    """The counted items of one run on one line: what a check reports and a cleaner removes."""

    start: int
    end: int
    items: tuple[Item, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules of its items, in order, each once."""
        seen: dict[str, None] = {}
        for item in self.items:
            for rule in sorted(item.rules):
                seen.setdefault(rule, None)
        return tuple(seen)


def takes_part_in_runs(rule: PackRule) -> bool:
    """Whether a pack rule is part of the run vocabulary (see the module docstring)."""
    return rule.in_runs and not _FREE_TEXT.search(rule.pattern)


def _longest_options() -> Any:
    options = re2.Options()
    options.log_errors = False
    options.longest_match = True
    options.max_mem = 256 << 20
    return options


class RunFinder:
    """Finds runs of chrome items in normalised text; built once per vocabulary."""

    def __init__(self, rules: Sequence[PackRule]) -> None:
        self.rules = tuple(rules)
        alternatives = "|".join(f"(?:{r.pattern})" for r in self.rules)
        token = f"(?:{alternatives})"
        options = _longest_options()
        self._run = re2.compile(
            rf"(?i)(?:\A|{_SEP_CLASS}){token}(?:{_SEP_CLASS}+{token})+(?:{_SEP_CLASS}|\z)",
            options,
        )
        self._token = re2.compile(f"(?i){token}", options)
        self._identify = PatternSet([rf"(?i)\A(?:{r.pattern})\z" for r in self.rules])
        self._last_text: str | None = None
        self._last_runs: list[Run] = []

    def runs(self, text: str) -> list[Run]:
        """Every run of two or more adjacent items, in text order (memoised for the last text)."""
        if text is self._last_text:
            return self._last_runs
        runs: list[Run] = []
        for match in self._run.finditer(text):
            runs.extend(self._split(text, match.start(), match.end()))
        self._last_text, self._last_runs = text, runs
        return runs

    def _split(self, text: str, start: int, end: int) -> list[Run]:
        while start < end and text[start] in SEPARATORS:
            start += 1
        while end > start and text[end - 1] in SEPARATORS:
            end -= 1
        groups: list[Run] = []
        current: list[Item] = []
        separated = False
        previous_end = start
        for match in self._token.finditer(text[start:end]):
            item = self._item(text, start + match.start(), start + match.end())
            inside_word = not _bounded(text, item.start, item.end)
            gap = text[previous_end : item.start]
            joined = all(c in SEPARATORS for c in gap)
            if inside_word or not joined:
                if len(current) >= 2:
                    groups.append(Run(tuple(current), separated))
                current, separated = [], False
            if not inside_word:
                if current and gap.strip(" \t"):
                    separated = True
                current.append(item)
            previous_end = item.end
        if len(current) >= 2:
            groups.append(Run(tuple(current), separated))
        return groups

    def _item(self, text: str, start: int, end: int) -> Item:
        piece = text[start:end]
        matched = [self.rules[i] for i in self._identify.hits(piece)]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        alone = not text[line_start:start].strip(_LINE_SPACE) and not text[end:line_end].strip(
            _LINE_SPACE
        )
        return Item(
            start=start,
            end=end,
            rules=frozenset(r.qualified_name for r in matched),
            ambiguous=bool(matched) and all(r.ambiguous for r in matched),
            phrase=any(r.match == "inline" for r in matched),
            alone=alone,
            line=text.count("\n", 0, start),
        )


def _bounded(text: str, start: int, end: int) -> bool:
    """An item starts and ends at a separator or the edge of the text (not inside a word)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before in SEPARATORS and after in SEPARATORS


def counted(run: Run, min_run: int = DEFAULT_MIN_RUN) -> list[Item]:
    """The items of ``run`` that count as chrome (see the module docstring)."""
    items = run.items
    loose = not run.separated and not any(item.phrase for item in items)
    if len(items) >= min_run + (1 if loose else 0):
        return list(items)
    anchors = [item for item in items if item.counts_alone]
    return [
        item
        for item in items
        if item.counts_alone or (item.alone and any(a is not item for a in anchors))
    ]


def segments(
    runs: Sequence[Run], own: frozenset[str], min_run: int = DEFAULT_MIN_RUN
) -> list[Segment]:
    """Per run and line, the counted items as one span, where they hold a rule of ``own``.

    A segment that is a single item counting on its own is left out: the plain rule scan
    already reports and removes it.
    """
    out: list[Segment] = []
    for run in runs:
        by_line: dict[int, list[Item]] = {}
        for item in counted(run, min_run):
            by_line.setdefault(item.line, []).append(item)
        for items in by_line.values():
            if not any(item.rules & own for item in items):
                continue
            if len(items) == 1 and items[0].counts_alone:
                continue
            out.append(Segment(items[0].start, items[-1].end, tuple(items)))
    return out


@functools.cache
def shipped_runs() -> RunFinder:
    """The run finder over the shipped packs' vocabulary, built once per process."""
    rules = [
        rule
        for name in available_packs()
        if (pack := load_pack(name)).in_runs
        for rule in pack.rules
        if takes_part_in_runs(rule)
    ]
    return RunFinder(rules)

"""Runs of page chrome: junk that survives when an extractor flattens a page.

Extractors often join a page into one line, so a comment widget, a portlet menu and a captcha
form end up as ``... --Reuters-- Comments Actions Loading... CLOSE Your Name:* Submit``. Each
word alone is ordinary prose; together they are chrome. A *run* is a sequence of chrome items
(whole-line rules of the shipped packs, matched anywhere, and inline phrases) with nothing
between them but whitespace, line breaks, menu separators (``| · • / » › > * – —``) and the
markup of a markdown link list (``* [Comments](#comments)``, as html2text writes a menu).
Commas and full stops end a run, so a list in a sentence ("Facebook, Twitter and LinkedIn")
never is one. A chrome word alone on its line in markdown link dress counts as if it stood
alone on a plain line.

Which items count:

* an inline phrase (``comments powered by Disqus``) and an unambiguous word alone on its line
  (``Comments``) count on their own, as they always did;
* a last word followed by a lower-case word opens the prose after the run and is left out;
* every item of a run of at least ``min_run`` items (default 3) counts, inside a line too;
  when only spaces join them (no line break, no menu separator) and every item is a single
  word, one more item is needed, since a Title Case headline inside a line ("The Search
  Engine Print Advertising Close Reading Group met") has three; a line made of nothing but
  those words (``Print Email Share``, a share bar) needs only ``min_run``;
* a pair of items counts when it opens the text and one of them is a search placeholder (a
  word and an ellipsis, ``Menu Cerca...``): the header of a flattened page with a short menu;
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

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2

from ..packs import PackRule, available_packs, load_pack
from ..regex import PatternSet, finditer_spans, utf8
from ..textnorm import ByIdentity

DEFAULT_MIN_RUN = 3
# What may stand between two items of a run: whitespace, line breaks, menu separators, and the
# markup of a markdown link list as html2text writes it ("* [World](https://...)").
SEPARATORS = " \t\r\n|·•/»›>*–—"
_BOUNDARY = SEPARATORS + "[]"
_BOUNDARY_CLASS = r"[ \t\r\n|·•/»›>*–—\[\]]"
_LINK_TARGET = r"\([^()\s]{0,500}\)"
_GAP = rf"(?:[ \t\r\n|·•/»›>*–—\[]|\]|\]{_LINK_TARGET}|\n[ \t]*[-+][ \t])+"
_LINE_SPACE = " \t\r"
# A line that holds one item in markdown dress: "* [Comments](#comments)".
_LINE_PREFIX = r"[ \t]*(?:[-*+•][ \t]+)?(?:\[[ \t]*)?"
_LINE_SUFFIX = rf"[ \t]*(?:\][ \t]*(?:{_LINK_TARGET})?)?[ \t\r]*"
# A long bounded class ({1,60} and up) reads free text: "Follow us on <anything>".
_FREE_TEXT = re.compile(r"\[\^|\]\{\d*,\d{2,}\}")


@dataclass(frozen=True)
class Item:
    """One chrome item of a run: its span in the view and what it is.

    ``alone``: nothing else on its line but markdown list or link markup; ``plain``: nothing
    but whitespace (the whole-line rule scan sees those items itself).
    """

    start: int
    end: int
    rules: frozenset[str]
    ambiguous: bool
    phrase: bool
    alone: bool
    plain: bool
    line: int
    text_is_word: bool = False
    # Nothing but whitespace or markdown list/link markup before it on its line.
    opens_line: bool = False
    # A word and an ellipsis, as a search box's placeholder: "Search...", "Szukaj…".
    placeholder: bool = False
    # Nothing but whitespace after it on its line.
    closes_line: bool = False

    @property
    def word(self) -> bool:
        """A single word of letters (a Title Case headline is made of these)."""
        return self.text_is_word

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
    # RE2's budget for the program and its DFA caches, which grow with the variety of text
    # scanned and are kept for the process. The run pattern's program needs about 48 MB of
    # budget to keep a DFA at all (below it RE2 falls back to the NFA, 30x slower); at 96 MB
    # the bench corpus scans as fast as at 256 MB, and a process holds at most that much.
    options.max_mem = 96 << 20
    return options


class RunFinder:
    """Finds runs of chrome items in normalised text; built once per vocabulary."""

    def __init__(self, rules: Sequence[PackRule]) -> None:
        self.rules = tuple(rules)
        alternatives = "|".join(f"(?:{r.pattern})" for r in self.rules)
        self._token_source = f"(?:{alternatives})"
        # Runs of the texts being checked, by identity (see scrapegate.textnorm's memo).
        self._memo: ByIdentity[list[Run]] = ByIdentity()

    # Each pattern is compiled on first use: the token pattern (~30 ms) and the small ones
    # only once a text holds a run, the run pattern (~0.1 s) once a text is scanned for runs.

    @functools.cached_property
    def _run(self) -> Any:
        token = self._token_source
        # A run may start where a markdown list line starts ("* [Comments](#c)"), so that a
        # list of link lines is one run, not one lone item per line.
        start = rf"(?:\A|{_BOUNDARY_CLASS}|(?m:^){_LINE_PREFIX})"
        run = rf"{start}{token}(?:{_GAP}{token})+(?:{_BOUNDARY_CLASS}|\z)"
        link_line = rf"(?m:^){_LINE_PREFIX}{token}{_LINE_SUFFIX}(?m:$)"
        return re2.compile(rf"(?i){run}|{link_line}", _longest_options())

    @functools.cached_property
    def _token(self) -> Any:
        # The boundary after a token belongs to the match, so that the longest match cannot
        # end inside a word ("Submit Comment|s"); _split trims it off again.
        return re2.compile(rf"(?i){self._token_source}({_BOUNDARY_CLASS}|\z)", _longest_options())

    @functools.cached_property
    def _identify(self) -> PatternSet:
        return PatternSet([rf"(?i)\A(?:{r.pattern})\z" for r in self.rules])

    @functools.cached_property
    def _gap(self) -> Any:
        return re2.compile(_GAP, _longest_options())

    @functools.cached_property
    def _prefix(self) -> Any:
        return re2.compile(_LINE_PREFIX, _longest_options())

    @functools.cached_property
    def _suffix(self) -> Any:
        return re2.compile(_LINE_SUFFIX, _longest_options())

    def runs(self, text: str) -> list[Run]:
        """Every run of adjacent items (and lone markdown link items), in text order.

        Memoised for a batch's texts: every expectation on a field asks for the same runs.
        """
        known = self._memo.get(text)
        if known is not None:
            return known
        runs: list[Run] = []
        line_starts: list[int] | None = None
        for start, end in finditer_spans(self._run, text, utf8(text)):
            if line_starts is None:
                line_starts = _line_starts(text)
            runs.extend(self._split(text, start, end, line_starts))
        self._memo.put(text, runs)
        return runs

    def _split(self, text: str, start: int, end: int, line_starts: list[int]) -> list[Run]:
        groups: list[Run] = []
        current: list[Item] = []
        separated = False
        previous_end = start
        for match in self._token.finditer(text[start:end]):
            low, high = start + match.start(), start + match.end() - len(match.group(1))
            while low < high and text[low] in " \t":
                low += 1
            while high > low and text[high - 1] in " \t":
                high -= 1
            item = self._item(text, low, high, line_starts)
            inside_word = not _bounded(text, item.start, item.end)
            gap = text[previous_end : item.start]
            joined = not current or self._gap.fullmatch(gap) is not None
            if inside_word or not joined:
                _close(text, self._shorten_last(text, current, line_starts), separated, groups)
                current, separated = [], False
            if not inside_word:
                if current and gap.strip(" \t"):
                    separated = True
                current.append(item)
            previous_end = item.end
        _close(text, self._shorten_last(text, current, line_starts), separated, groups)
        return groups

    def _shorten_last(self, text: str, items: list[Item], line_starts: list[int]) -> list[Item]:
        """Give back the last word of a last item that opens the prose after the run.

        "... CLOSE Comments from the public ..." matches one item, "Close Comments"; its
        last word starts the sentence that follows (see :func:`_close`), but the rest of it
        is still chrome and stays in the run when a rule matches it alone.
        """
        if not items or items[-1].alone:
            return items
        last = items[-1]
        rest = text[last.end : last.end + 2]
        if len(rest) < 2 or rest[0] != " " or not rest[1].islower():
            return items
        cut = text.rfind(" ", last.start, last.end)
        while cut > last.start and text[cut - 1] == " ":
            cut -= 1
        if cut <= last.start or not self._identify.hits(text[last.start : cut]):
            return items
        return [*items[:-1], self._item(text, last.start, cut, line_starts)]

    def _item(self, text: str, start: int, end: int, line_starts: list[int]) -> Item:
        piece = text[start:end]
        matched = [self.rules[i] for i in self._identify.hits(piece)]
        line = bisect.bisect_right(line_starts, start) - 1
        line_start = line_starts[line]
        line_end = line_starts[line + 1] - 1 if line + 1 < len(line_starts) else len(text)
        before, after = text[line_start:start], text[end:line_end]
        plain = not before.strip(_LINE_SPACE) and not after.strip(_LINE_SPACE)
        alone = plain or (
            len(before) <= 64
            and len(after) <= 600
            and self._prefix.fullmatch(before) is not None
            and self._suffix.fullmatch(after) is not None
        )
        return Item(
            start=start,
            end=end,
            rules=frozenset(r.qualified_name for r in matched),
            ambiguous=bool(matched) and all(r.ambiguous for r in matched),
            phrase=any(r.match == "inline" for r in matched),
            alone=alone,
            plain=plain,
            line=line,
            text_is_word=piece.isalpha(),
            opens_line=len(before) <= 64 and self._prefix.fullmatch(before) is not None,
            placeholder=piece.endswith(("...", "…")) and piece.rstrip(".…").isalpha(),
            closes_line=not after.strip(_LINE_SPACE),
        )


def _line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts (str.find runs in C; a char loop does not)."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _close(text: str, items: list[Item], separated: bool, into: list[Run]) -> None:
    """Add ``items`` to ``into`` as a run, without a last word that starts a sentence.

    A capitalised chrome word followed by a lower-case word opens the prose after the run
    ("... CLOSE Actions taken by the officers were lawful"), so it is not part of the run.
    A single item is kept only when markdown link markup surrounds it on its own line.
    """
    if items and not items[-1].alone:
        rest = text[items[-1].end : items[-1].end + 2]
        if len(rest) == 2 and rest[0] == " " and rest[1].islower():
            items = items[:-1]
    if len(items) >= 2 or (len(items) == 1 and items[0].alone and not items[0].plain):
        into.append(Run(tuple(items), separated or len(items) == 1))


def _bounded(text: str, start: int, end: int) -> bool:
    """An item starts and ends at a separator or the edge of the text (not inside a word)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before in _BOUNDARY and after in _BOUNDARY


def counted(run: Run, min_run: int = DEFAULT_MIN_RUN) -> list[Item]:
    """The items of ``run`` that count as chrome (see the module docstring)."""
    items = run.items
    loose = not run.separated and all(item.word for item in items)
    whole_line = items[0].opens_line and items[-1].closes_line
    if len(items) >= min_run + (1 if loose and not whole_line else 0):
        return list(items)
    if len(items) == min_run - 1 and _opens_a_page(items):
        return list(items)
    anchors = [item for item in items if item.counts_alone]
    return [
        item
        for item in items
        if item.counts_alone or (item.alone and any(a is not item for a in anchors))
    ]


def _opens_a_page(items: Sequence[Item]) -> bool:
    """A short menu that opens the text and holds a search placeholder: ``Menu Cerca... <title>``.

    A flattened page starts with its header; when that is only a menu word and a search box,
    the run is one item short of ``min_run``. A placeholder (a word and an ellipsis) next to
    another chrome item as the very first words of the value is not how an article opens, so
    the pair counts there and nowhere else: later in the text, "... Menu Search..." stays
    below the threshold, as a pair of words in prose must.
    """
    first = items[0]
    return (
        first.line == 0
        and first.opens_line
        and any(item.placeholder and not item.ambiguous for item in items)
    )


_LINK_TAIL = re.compile(r"\](?:\([^()\s]{0,500}\))?")


def _link_markup(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a segment over the markdown around its first and last item.

    ``[Comments](#c) [Share](#s)`` is quoted and removed whole, with its list marker, rather
    than as ``Comments](#c) [Share`` (which would leave ``[](#s)`` behind).
    """
    if start > 0 and text[start - 1] == "[":
        start -= 1
        marker = text[max(0, start - 2) : start]
        if marker in ("* ", "- ", "+ ", "• ") and (start < 3 or text[start - 3] in " \t\n"):
            start -= 2
    if end < len(text) and text[end] == "]":
        tail = _LINK_TAIL.match(text, end)
        if tail is not None:
            end = tail.end()
    return start, end


def segments(
    text: str, runs: Sequence[Run], own: frozenset[str], min_run: int = DEFAULT_MIN_RUN
) -> list[Segment]:
    """Per run and line, the counted items as one span, where they hold a rule of ``own``.

    A segment that is a single item alone on a plain line and counting on its own is left
    out: the whole-line rule scan already reports and removes it.
    """
    out: list[Segment] = []
    for run in runs:
        by_line: dict[int, list[Item]] = {}
        for item in counted(run, min_run):
            by_line.setdefault(item.line, []).append(item)
        for items in by_line.values():
            if not any(item.rules & own for item in items):
                continue
            if len(items) == 1 and items[0].plain and items[0].counts_alone:
                continue
            start, end = _link_markup(text, items[0].start, items[-1].end)
            out.append(Segment(start, end, tuple(items)))
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

"""strip_boilerplate: page chrome from the listed ``packs`` (and extra ``patterns``) removed.

The counterpart of the ``no_boilerplate`` check: the same packs, the same patterns, the same
normalised view (case, no-break spaces and zero-width characters do not hide a match). A
match that covers whole lines removes those lines. A phrase that only ever appears in page
chrome (``match: inline``, such as ``comments powered by Disqus``) removes its whole line
when fewer than ``min_words_left`` words would be left around it (a widget line), and
otherwise only the phrase itself (a page flattened into one long line). A run of chrome that
``no_boilerplate`` flags (at least ``min_run`` items in a row inside a line, or an ambiguous
word such as ``Share`` next to other chrome) is cut out whole, and its line stays as long as
a word of it is left: the rest of a flattened line is the article.
Matching repeats until nothing matches, so text left after a removal is judged again.

Properties: idempotent; deletion-only: whole lines go (the output's lines are a subsequence
of the input's), except that a phrase is cut out of a line that keeps at least
``min_words_left`` words, and a run of chrome out of a line that keeps a word (there only
characters are deleted); nothing is invented or
reordered; never lengthens its input; after it, a ``no_boilerplate`` expectation with the
same packs and patterns passes.

Example::

    cleaners:
      - strip_boilerplate: {packs: [comment_widgets, portal_chrome]}
    "Rain fell.\\nComments\\ncomments powered by Disqus\\nLoading..."  ->  "Rain fell."
    "Rain fell on the city all day and the rivers rose. Comments Actions Loading... CLOSE"
        ->  "Rain fell on the city all day and the rivers rose. "
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from ..library.no_boilerplate import run_segments
from ..library.rules import PATTERN_ITEM_SCHEMA, build_rules, pack_rule_names
from ..library.runs import DEFAULT_MIN_RUN
from ..packs import available_packs
from ..regex import PatternSet, compile_pattern
from ..registry import ParamError, raise_all
from ..textnorm import matching_view
from ._registry import CleanFunction, cleaner

SCHEMA: dict[str, Any] = {
    "packs": {
        "type": "array",
        "items": {"type": "string"},
        "description": f"Boilerplate packs to remove: {', '.join(available_packs())}; "
        "or a pack file by path (./site-templates.yaml, relative to the suite's folder).",
    },
    "patterns": {
        "type": "array",
        "items": PATTERN_ITEM_SCHEMA,
        "description": "Extra RE2 patterns to remove (inline unless match: line).",
    },
    "min_words_left": {
        "type": "integer",
        "minimum": 1,
        "default": 12,
        "description": "An inline match removes its whole line when fewer words than this "
        "would be left; otherwise only the match is cut out of the line.",
    },
    "min_run": {
        "type": "integer",
        "minimum": 2,
        "default": DEFAULT_MIN_RUN,
        "description": "How many chrome items in a row count as chrome inside a line; "
        "the same as no_boilerplate's min_run.",
    },
}

_WORD = re.compile(r"\w+")
# Chinese and Japanese write no spaces: each ideograph or kana counts as a word, or a
# flattened Japanese page would count as a handful of words and lose its whole line.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _word_count(text: str) -> int:
    """Words in ``text``, each CJK character counted as one."""
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))


@dataclass(frozen=True)
class StripBoilerplateParams:
    """Packs, extra patterns and the whole-line threshold for inline matches."""

    packs: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = ()
    min_words_left: int = 12
    min_run: int = DEFAULT_MIN_RUN


def _spans(
    text: str, patterns: PatternSet, own: frozenset[str], min_run: int
) -> list[tuple[int, int, bool]]:
    """Every non-empty match of every pattern and every run, as spans of the original text.

    The flag is True for a run of chrome: it is cut out of any line that keeps a word, since
    what is left of the line is whatever the run was not (an article flattened with it).
    """
    view = matching_view(text)
    spans = []
    for index in patterns.hits(view.text):
        for span in patterns.all(view.text, index):
            start, end = view.to_original(span.start), view.to_original(span.end)
            if end > start:
                spans.append((start, end, False))
    if own:
        spans.extend((s.start, s.end, True) for s in run_segments(text, own, min_run))
    return sorted(spans)


def _one_pass(
    text: str, patterns: PatternSet, min_words: int, own: frozenset[str], min_run: int
) -> str | None:
    """Remove what matches now; None when nothing matches."""
    spans = _spans(text, patterns, own, min_run)
    if not spans:
        return None
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    # Group the spans into clusters of lines they touch (a match may span several lines).
    clusters: list[tuple[int, int, list[tuple[int, int, bool]]]] = []
    for start, end, run in spans:
        first = bisect.bisect_right(starts, start) - 1
        last = bisect.bisect_right(starts, end - 1) - 1
        if clusters and first <= clusters[-1][1]:
            low, high, members = clusters[-1]
            clusters[-1] = (low, max(high, last), [*members, (start, end, run)])
        else:
            clusters.append((first, last, [(start, end, run)]))
    out: list[str] = []
    done = 0
    for first, last, members in clusters:
        out.extend(lines[done:first])
        done = last + 1
        base = starts[first]
        block = "\n".join(lines[first : last + 1])
        kept: list[str] = []
        pos = 0
        for start, end, _run in members:
            if start - base > pos:
                kept.append(block[pos : start - base])
            pos = max(pos, end - base)
        kept.append(block[pos:])
        left = "".join(kept)
        words = _word_count(left)
        if words >= min_words or (words and all(run for _s, _e, run in members)):
            out.append(left)
    out.extend(lines[done:])
    return "\n".join(out)


@cleaner(
    "strip_boilerplate",
    params=StripBoilerplateParams,
    schema=SCHEMA,
    deletion_only=True,
)
def strip_boilerplate(params: StripBoilerplateParams) -> CleanFunction:
    """Build the cleaner."""
    if not params.packs and not params.patterns:
        raise ParamError("packs", "strip_boilerplate needs 'packs', 'patterns' or both")
    rules = build_rules(params.packs, params.patterns)
    raise_all(
        [
            ParamError(
                ("patterns", index),
                f"pattern {rule.name!r} matches empty text, so it would remove nothing "
                "(or every blank line); make it match at least one character",
            )
            for index, rule in enumerate(rules[len(rules) - len(params.patterns) :])
            if compile_pattern(rule.source).search("") is not None
        ]
    )
    patterns = PatternSet([rule.source for rule in rules])
    min_words = params.min_words_left
    own, min_run = pack_rule_names(params.packs), params.min_run

    def clean(text: str) -> str:
        # Each pass removes at least one character, so the loop ends; it stops when nothing
        # matches any more, which is what no_boilerplate then sees.
        while (cleaned := _one_pass(text, patterns, min_words, own, min_run)) is not None:
            if cleaned == text:
                break
            text = cleaned
        return text

    return clean

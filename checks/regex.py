"""Every user and pack pattern runs on RE2: linear time whatever the scraped text holds.

Patterns are restricted to the syntax RE2 accepts; constructs it rejects (look-around,
back-references, atomic groups) are reported with what to use instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import re2

from .regexrelax import relaxed

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 64 << 20

_UNSUPPORTED = (
    (re.compile(r"\(\?<[=!]"), "look-behind '(?<=' / '(?<!'"),
    (re.compile(r"\(\?[=!]"), "look-ahead '(?=' / '(?!'"),
    (re.compile(r"\(\?>"), "atomic group '(?>'"),
    (re.compile(r"\\[1-9]"), "back-reference like '\\1'"),
    (re.compile(r"\(\?P=\w+\)"), "named back-reference '(?P=name)'"),
    (re.compile(r"[*+?}]\+"), "possessive quantifier like '*+'"),
)


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message says which construct and what to do."""


def explain_error(pattern: str, raw: str) -> str:
    """Turn an RE2 compile error into a message that names the unsupported construct."""
    for detector, construct in _UNSUPPORTED:
        if detector.search(pattern):
            return (
                f"pattern {pattern!r} uses {construct}, which RE2 does not support "
                "(scrapegate runs patterns in linear time); rewrite it without that construct"
            )
    return f"pattern {pattern!r} does not compile: {raw}"


def compile_pattern(pattern: str) -> Any:
    """Compile ``pattern`` with RE2 or raise :class:`PatternError` with an actionable message."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raw = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(explain_error(pattern, raw)) from None


@functools.lru_cache(maxsize=256)
def _search_set(patterns: tuple[str, ...]) -> Any:
    """The RE2 set of two or more patterns, shared per process.

    Compiling a pack's set costs tens of milliseconds; a parallel run builds its evaluators
    again for every slice, and the parent warms this cache before forking so that workers
    inherit compiled sets instead of compiling their own. RE2 objects are read-only once
    compiled, so sharing them is safe.
    """
    rset = re2.Set.SearchSet(_OPTIONS)
    confirm: dict[int, str] = {}
    for pattern in patterns:
        try:
            rset.Add(pattern)
        except Exception:
            compile_pattern(pattern)  # raises PatternError, which says what to change
            raise
    # Large bounded repetitions make most of a set's compile time: scan a relaxed superset
    # instead, confirmed by the original pattern (scrapegate.regexrelax). Only when every
    # pattern compiled as given, so that a bad one is reported as the user wrote it.
    relaxed_patterns = [relaxed(pattern) for pattern in patterns]
    if any(relaxed_patterns):
        widened = re2.Set.SearchSet(_OPTIONS)
        try:
            for index, (pattern, wide) in enumerate(zip(patterns, relaxed_patterns, strict=True)):
                widened.Add(wide or pattern)
                if wide:
                    confirm[index] = pattern
        except Exception:
            confirm = {}  # a relaxed pattern RE2 refuses: the original set it is
        else:
            rset = widened
    rset.Compile()
    return _ConfirmedSet(rset, confirm) if confirm else rset


class _ConfirmedSet:
    """A set of relaxed patterns whose hits on relaxed ones are confirmed by the original."""

    def __init__(self, rset: Any, confirm: dict[int, str]) -> None:
        self._set = rset
        self._confirm = confirm
        self._exact: dict[int, Any] = {}

    def Match(self, text: str) -> list[int] | None:  # re2.Set's spelling: PatternSet calls it
        hits: list[int] | None = self._set.Match(text)
        if not hits or self._confirm.keys().isdisjoint(hits):
            return hits
        return [i for i in hits if i not in self._confirm or self._matches(i, text)] or None

    def _matches(self, index: int, text: str) -> bool:
        exact = self._exact.get(index)
        if exact is None:
            exact = self._exact[index] = compile_pattern(self._confirm[index])
        return exact.search(text) is not None


@functools.lru_cache(maxsize=256)
def _alone(patterns: tuple[str, ...]) -> list[Any]:
    """Each pattern compiled alone, shared per process; a slot is filled on its first use.

    Each pattern alone is needed only to locate a hit (first/all); the set decides which
    patterns hit. Compiling all of them up front cost ~0.2 s per process for the packs.
    """
    if len(patterns) < 2:
        return [compile_pattern(p) for p in patterns]
    return [None] * len(patterns)


@dataclass(frozen=True)
class Span:
    """A match inside a string: character offsets and the matched text."""

    start: int
    end: int
    text: str


class PatternSet:
    """Several patterns scanned in one RE2 pass; exact spans located only on a hit."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        # One pattern compiles now (cheap), so that a bad one is reported where it is given.
        self._compiled = _alone(self.patterns)
        # The set is compiled on the first scan, not here: a suite is built (and its
        # parameters checked) before any scan, and a check whose scans all go through the
        # engine's shared set per field (rules.SharedScan) never needs its own.
        self._set: Any = None

    def hits(self, text: str) -> list[int]:
        """Indices of the patterns that match somewhere in ``text``, in pattern order."""
        if self._set is not None:
            return sorted(self._set.Match(text) or ())
        if not self._compiled:
            return []
        if len(self.patterns) < 2:
            return [0] if self._compiled[0].search(text) else []
        self._set = _search_set(self.patterns)
        return sorted(self._set.Match(text) or ())

    def _one(self, index: int) -> Any:
        compiled = self._compiled[index]
        if compiled is None:
            compiled = self._compiled[index] = compile_pattern(self.patterns[index])
        return compiled

    def first(self, text: str, index: int) -> Span | None:
        """The first match of pattern ``index`` in ``text``."""
        m = self._one(index).search(text)
        return Span(m.start(), m.end(), m.group(0)) if m else None

    def all(self, text: str, index: int) -> Iterator[Span]:
        """Every match of pattern ``index`` in ``text``."""
        for m in self._one(index).finditer(text):
            yield Span(m.start(), m.end(), m.group(0))

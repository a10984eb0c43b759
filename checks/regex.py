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
from .textnorm import ByIdentity

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

    def match_utf8(self, data: bytes) -> list[int]:
        """``Match`` on UTF-8 bytes (see :func:`utf8`), confirmed the same way."""
        hits: list[int] = self._set._set.Match(data)
        if not hits or self._confirm.keys().isdisjoint(hits):
            return hits
        return [i for i in hits if i not in self._confirm or self._matches_utf8(i, data)]

    def _exact_pattern(self, index: int) -> Any:
        exact = self._exact.get(index)
        if exact is None:
            exact = self._exact[index] = compile_pattern(self._confirm[index])
        return exact

    def _matches(self, index: int, text: str) -> bool:
        return self._exact_pattern(index).search(text) is not None

    def _matches_utf8(self, index: int, data: bytes) -> bool:
        regexp = self._exact_pattern(index)._regexp
        return bool(regexp.Match(_UNANCHORED, data, 0, len(data))[0][0] >= 0)


@functools.lru_cache(maxsize=256)
def _alone(patterns: tuple[str, ...]) -> list[Any]:
    """Each pattern compiled alone, shared per process; a slot is filled on its first use.

    Each pattern alone is needed only to locate a hit (first/all); the set decides which
    patterns hit. Compiling all of them up front cost ~0.2 s per process for the packs.
    """
    if len(patterns) < 2:
        return [compile_pattern(p) for p in patterns]
    return [None] * len(patterns)


# The wrapper's str API encodes the whole text to UTF-8 again on every call (set scan, span
# location, runs): the engine asks several of them per value, so each value is encoded once
# per batch here and RE2 is called on the bytes. Offsets RE2 returns are then byte offsets,
# mapped back to characters only for the few matches found.
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED
_NO_MATCH = (-1, -1)
_encoded: ByIdentity[bytes] = ByIdentity()
# Longer texts are encoded again on each call rather than kept for the batch: scanning them
# costs far more than encoding, and a batch of long pages would otherwise hold a UTF-8 copy
# of each until the batch ends.
_MAX_KEPT = 1 << 16


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, encoded once for the batch being evaluated (memo by identity)."""
    if len(text) > _MAX_KEPT:
        return text.encode("utf-8")
    data = _encoded.get(text)
    if data is None:
        data = text.encode("utf-8")
        _encoded.put(text, data)
    return data


class ByteOffsets:
    """Maps byte offsets of a UTF-8 encoding back to character offsets of its text.

    ASCII text maps to itself; otherwise the count of characters is carried forward from
    the last offset asked, so increasing offsets (matches in text order) cost one pass.
    """

    __slots__ = ("_byte", "_char", "_data", "_same")

    def __init__(self, text: str, data: bytes) -> None:
        self._data = data
        self._same = len(data) == len(text)
        self._byte = 0
        self._char = 0

    def char(self, offset: int) -> int:
        """The character offset of byte ``offset`` (a boundary RE2 returned)."""
        if self._same:
            return offset
        if offset < self._byte:
            self._byte = self._char = 0
        self._char += len(self._data[self._byte : offset].decode("utf-8"))
        self._byte = offset
        return self._char


def finditer_spans(compiled: Any, text: str, data: bytes) -> Iterator[tuple[int, int]]:
    """Character spans of every match of ``compiled`` in ``text`` (``data`` is its UTF-8).

    The same matches as ``compiled.finditer(text)``: after an empty match the search resumes
    one character further, as the wrapper does.
    """
    regexp = compiled._regexp
    offsets = ByteOffsets(text, data)
    end = len(data)
    pos = 0
    while True:
        span = regexp.Match(_UNANCHORED, data, pos, end)[0]
        if span == _NO_MATCH:
            return
        yield offsets.char(span[0]), offsets.char(span[1])
        if pos == end:
            return
        if pos == span[1]:
            pos += re2._re2.CharLenToBytes(data, pos, 1)
        else:
            pos = span[1]


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

    def hits_utf8(self, data: bytes) -> list[int]:
        """``hits`` of the text whose UTF-8 encoding is ``data`` (see :func:`utf8`)."""
        rset = self._set
        if rset is None:
            if not self._compiled:
                return []
            if len(self.patterns) < 2:
                return [0] if self._compiled[0].search(data) else []
            rset = self._set = _search_set(self.patterns)
        if isinstance(rset, _ConfirmedSet):
            # Relaxed patterns' hits are confirmed by the originals, as in ``hits``.
            return sorted(rset.match_utf8(data))
        return sorted(rset._set.Match(data))

    def _one(self, index: int) -> Any:
        compiled = self._compiled[index]
        if compiled is None:
            compiled = self._compiled[index] = compile_pattern(self.patterns[index])
        return compiled

    def first(self, text: str, index: int) -> Span | None:
        """The first match of pattern ``index`` in ``text``."""
        m = self._one(index).search(text)
        return Span(m.start(), m.end(), m.group(0)) if m else None

    def first_utf8(self, text: str, data: bytes, index: int) -> Span | None:
        """``first`` on ``text`` whose UTF-8 encoding is ``data`` (see :func:`utf8`)."""
        start, end = self._one(index)._regexp.Match(_UNANCHORED, data, 0, len(data))[0]
        if start < 0:
            return None
        offsets = ByteOffsets(text, data)
        start, end = offsets.char(start), offsets.char(end)
        return Span(start, end, text[start:end])

    def all(self, text: str, index: int) -> Iterator[Span]:
        """Every match of pattern ``index`` in ``text``."""
        for m in self._one(index).finditer(text):
            yield Span(m.start(), m.end(), m.group(0))

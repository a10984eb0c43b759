"""The normalised view of scraped text that boilerplate matching runs on.

Matching sees NFKC text with zero-width characters and soft hyphens removed and no-break
spaces as spaces; case is folded by the patterns themselves (RE2's ``(?i)``). Offsets found in
the view map back to the original string, so evidence always quotes what the scraper produced.
"""

from __future__ import annotations

import unicodedata
import weakref
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

# Characters scrapers leave in text that carry no meaning for matching.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
SPACES = frozenset("\u00a0\u2007\u202f\u3000")
T = TypeVar("T")

# One ``in`` per character: str.find runs in C over the text (measured on 1.5k non-ASCII
# bodies of 4.5 KB: 4.6 us for the eleven, where one regex character class took 13.7 us).
_SPECIAL = tuple(sorted(INVISIBLE | SPACES))


@dataclass(frozen=True)
class MatchView:
    """Normalised text plus a map from each of its offsets back to the original."""

    text: str
    # None when the view is the original string (the common ASCII case).
    offsets: tuple[int, ...] | None
    original_length: int

    def to_original(self, offset: int) -> int:
        """Map an offset in the view to an offset in the original string."""
        if self.offsets is None:
            return offset
        if offset >= len(self.offsets):
            return self.original_length
        return self.offsets[offset]


def _needs_work(text: str) -> bool:
    if text.isascii():
        return False
    for ch in _SPECIAL:
        if ch in text:
            return True
    return not unicodedata.is_normalized("NFKC", text)


class ByIdentity(Generic[T]):
    """What was computed for each of the last few thousand texts, by the text's identity.

    The engine evaluates a batch of documents one expectation at a time, so every check on
    a field asks for the same few hundred values in turn (their view, scan hits, runs): this
    answers the second ask without comparing strings. An entry holds its text, so the text's
    id cannot be reused by another string while the entry is kept; past ``size`` entries the
    memo starts again, which bounds it whatever the corpus.
    """

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._entries: dict[int, tuple[str, T]] = {}
        _MEMOS.add(self)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, text: str) -> T | None:
        """What was stored for this very string, or None."""
        entry = self._entries.get(id(text))
        return entry[1] if entry is not None and entry[0] is text else None

    def put(self, text: str, value: T) -> None:
        """Remember ``value`` for ``text``."""
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[id(text)] = (text, value)

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()


# Every memo, so that the engine can empty them all once a batch is evaluated: held past
# their batch, 2048 long pages and their views would be hundreds of megabytes.
_MEMOS: weakref.WeakSet[ByIdentity[Any]] = weakref.WeakSet()


def forget_batch() -> None:
    """Empty every identity memo (the engine calls it after each batch)."""
    for memo in list(_MEMOS):
        memo.clear()


_views: ByIdentity[MatchView] = ByIdentity()


def matching_view(text: str) -> MatchView:
    """Return the normalised view of ``text`` used for boilerplate matching."""
    view = _views.get(text)
    if view is None:
        view = _build_view(text)
        _views.put(text, view)
    return view


def _build_view(text: str) -> MatchView:
    if not _needs_work(text):
        return MatchView(text, None, len(text))
    out: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        if ch in INVISIBLE:
            continue
        if ch in SPACES:
            piece = " "
        elif ch.isascii():
            piece = ch
        else:
            piece = unicodedata.normalize("NFKC", ch)
        out.append(piece)
        offsets.extend([index] * len(piece))
    return MatchView("".join(out), tuple(offsets), len(text))


def normalize_for_matching(text: str) -> str:
    """The normalised text alone (what a pattern sees), case preserved."""
    return matching_view(text).text


def snippet(text: str, start: int, end: int, context: int = 30, limit: int = 160) -> str:
    """A short excerpt around ``text[start:end]`` with ``...`` where it was cut."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if end - start > limit:
        end = start + limit
    left = max(0, start - context)
    right = min(len(text), end + context)
    prefix = "..." if left > 0 else ""
    suffix = "..." if right < len(text) else ""
    return f"{prefix}{text[left:right]}{suffix}"

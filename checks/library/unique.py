"""unique: no two documents share a value of the field (urls, ids, titles).

Catches pagination loops and re-crawls that store the same page twice. The first document
with a value is the original; every later document with the same value fails and names where
the value was first seen. State is a 64-bit digest per distinct value and its first location,
never the documents themselves. Values are compared exactly (strings as written; other JSON
values by their canonical JSON).

Passes::

    expectation: {name: urls unique, check: unique, field: url}
    document: {url: "https://news.example.com/a/1"}

Fails::

    expectation: {name: urls unique, check: unique, field: url}
    documents: [{url: "https://news.example.com/a/1"}, {url: "https://news.example.com/a/1"}]
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from ..digests import DigestTable, PlacePacker
from ..registry import (
    CheckContext,
    CorpusViolation,
    DocRef,
    Violation,
    check,
)
from ..textnorm import snippet

_LINE_BITS = PlacePacker.LINE_BITS
_LINE_MASK = PlacePacker.LINE_MASK

SCHEMA: dict[str, Any] = {}


@dataclass(frozen=True)
class UniqueParams:
    """unique takes no parameters."""


def digest(value: Any) -> int:
    """A 64-bit digest of a value; collisions are negligible below billions of values."""
    raw = (
        value.encode("utf-8", "surrogatepass")
        if isinstance(value, str)
        else orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    )
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


def _duplicate(value: Any, first_source: str) -> Violation:
    shown = snippet(value, 0, len(value), context=0) if isinstance(value, str) else value
    return Violation(f"duplicate value {shown!r}, first seen at {first_source}")


_ODD_PLACE = (1 << 64) - 1  # payload of a first occurrence whose source is not path:line


class UniqueState:
    """First occurrence of every distinct value (by digest), and the later occurrences.

    A first occurrence costs a digest and a packed ``path:line`` in a :class:`DigestTable`
    (about 32 bytes), never the value or the document. Duplicates are reported at the end,
    so that when the input is checked in slices by several workers every duplicate names
    the corpus-wide first occurrence, exactly as a single pass would. A slice that follows
    an earlier one also keeps the id and value of its own first occurrences: the merge may
    find them repeating the earlier slice, and then they are the failing documents.
    """

    def __init__(self, keeps_first_details: bool = False) -> None:
        self.first = DigestTable()
        self.places = PlacePacker()
        self.odd_sources: dict[int, str] = {}
        self.first_details: dict[int, tuple[DocRef, Any]] | None = (
            {} if keeps_first_details else None
        )
        self.later: list[tuple[int, DocRef, Any]] = []

    def observe(self, value: Any, doc: DocRef) -> list[Violation]:
        """Remember the value's first occurrence, or that this document repeats it."""
        key = digest(value)
        path, _, line = doc.source.rpartition(":")
        place = self.places.pack(path, int(line)) if path and line.isdigit() else _ODD_PLACE
        if self.first.setdefault(key, place) is not None:
            self.later.append((key, doc, _shown(value)))
            return []
        if place == _ODD_PLACE:
            self.odd_sources[key] = doc.source
        if self.first_details is not None:
            self.first_details[key] = (doc, _shown(value))
        return []

    def merge(self, later: UniqueState) -> Iterable[CorpusViolation]:
        """Fold in the state of the next slice: its first occurrences may be repeats."""
        remap = self.places.remap(later.places)
        details = later.first_details or {}
        for key, place in later.first.items():
            moved = (
                place if place == _ODD_PLACE else remap[place >> _LINE_BITS] | (place & _LINE_MASK)
            )
            if self.first.setdefault(key, moved) is None:
                if place == _ODD_PLACE:
                    self.odd_sources[key] = later.odd_sources[key]
                if self.first_details is not None and key in details:
                    self.first_details[key] = details[key]
                continue
            if key in details:
                doc, shown = details[key]
            else:
                # A partial scanned without follows_earlier_slice: name it by its place.
                where = later.first_source(key)
                doc, shown = DocRef(where, where), "(value not kept)"
            self.later.append((key, doc, shown))
        self.later.extend(later.later)
        return ()

    def first_source(self, key: int) -> str:
        """``path:line`` of the first occurrence of a value."""
        place = self.first.get(key)
        if place is None or place == _ODD_PLACE:
            return self.odd_sources.get(key, "?")
        path, line = self.places.unpack(place)
        return f"{path}:{line}"

    def finish(self) -> Iterable[CorpusViolation]:
        """Every later occurrence of a value, naming where it was first seen."""
        for key, doc, value in self.later:
            yield CorpusViolation(doc, _duplicate(value, self.first_source(key)))


def _shown(value: Any) -> Any:
    return value[:200] if isinstance(value, str) else value


@check("unique", params=UniqueParams, schema=SCHEMA, corpus=True, text_only=False)
def unique(params: UniqueParams, ctx: CheckContext) -> UniqueState:
    """Build a fresh state for one run."""
    return UniqueState(keeps_first_details=ctx.follows_earlier_slice)

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

from checks.registry import (
    CheckContext,
    CorpusViolation,
    DocRef,
    Violation,
    check,
)
from checks.textnorm import snippet

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


class UniqueState:
    """First occurrence of every distinct value (by digest), and the later occurrences.

    Duplicates are reported at the end, so that when the input is checked in slices by
    several workers every duplicate names the corpus-wide first occurrence, exactly as a
    single pass would.
    """

    def __init__(self) -> None:
        self.first: dict[int, tuple[str, str, Any]] = {}
        self.later: list[tuple[int, DocRef, Any]] = []

    def observe(self, value: Any, doc: DocRef) -> list[Violation]:
        """Remember the value's first occurrence, or that this document repeats it."""
        key = digest(value)
        shown = value[:200] if isinstance(value, str) else value
        if key in self.first:
            self.later.append((key, doc, shown))
        else:
            self.first[key] = (doc.source, doc.id, shown)
        return []

    def merge(self, later: UniqueState) -> Iterable[CorpusViolation]:
        """Fold in the state of the next slice: its first occurrences may be repeats."""
        for key, (source, doc_id, value) in later.first.items():
            if key in self.first:
                self.later.append((key, DocRef(doc_id, source), value))
            else:
                self.first[key] = (source, doc_id, value)
        self.later.extend(later.later)
        return ()

    def finish(self) -> Iterable[CorpusViolation]:
        """Every later occurrence of a value, naming where it was first seen."""
        for key, doc, value in self.later:
            yield CorpusViolation(doc, _duplicate(value, self.first[key][0]))


@check("unique", params=UniqueParams, schema=SCHEMA, corpus=True, text_only=False)
def unique(params: UniqueParams, ctx: CheckContext) -> UniqueState:
    """Build a fresh state for one run."""
    return UniqueState()

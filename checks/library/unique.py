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


class UniqueState:
    """First location of every distinct value seen so far, keyed by digest."""

    def __init__(self) -> None:
        self.first: dict[int, str] = {}

    def observe(self, value: Any, doc: DocRef) -> list[Violation]:
        """Fail the document when its value was seen in an earlier one."""
        key = digest(value)
        first = self.first.get(key)
        if first is None:
            self.first[key] = doc.source
            return []
        shown = snippet(value, 0, len(value), context=0) if isinstance(value, str) else value
        return [Violation(f"duplicate value {shown!r}, first seen at {first}")]

    def finish(self) -> Iterable[CorpusViolation]:
        """Nothing more to say at the end: every duplicate was reported when seen."""
        return ()


@check("unique", params=UniqueParams, schema=SCHEMA, corpus=True, text_only=False)
def unique(params: UniqueParams, ctx: CheckContext) -> UniqueState:
    """Build a fresh state for one run."""
    return UniqueState()

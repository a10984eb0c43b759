"""count: the corpus holds between ``min`` and ``max`` documents.

Catches a scraper that quietly returned nothing (a blocked crawl, a changed listing page) or
far too much (a pagination loop). It is evaluated once per run, not per document; unreadable
records do not count as documents.

Passes::

    expectation: {name: enough articles, check: count, min: 1}
    documents: [{url: "https://news.example.com/a/1"}]

Fails::

    expectation: {name: enough articles, check: count, min: 2}
    documents: [{url: "https://news.example.com/a/1"}]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..registry import (
    CheckContext,
    CorpusViolation,
    DocRef,
    ParamError,
    Violation,
    check,
)
from ..wording import plural

SCHEMA: dict[str, Any] = {
    "min": {"type": "integer", "minimum": 0, "description": "Fewest documents allowed."},
    "max": {"type": "integer", "minimum": 0, "description": "Most documents allowed."},
}


@dataclass(frozen=True)
class CountParams:
    """Bounds on the number of documents."""

    min: int | None = None
    max: int | None = None


class CountState:
    """Counts documents; judges the total at the end."""

    def __init__(self, params: CountParams) -> None:
        self.params = params
        self.seen = 0

    def observe(self, value: Any, doc: DocRef) -> list[Violation]:
        """Count one document."""
        self.seen += 1
        return []

    def merge(self, later: CountState) -> Iterable[CorpusViolation]:
        """Add the next slice's count."""
        self.seen += later.seen
        return ()

    def finish(self) -> Iterable[CorpusViolation]:
        """One corpus-level violation when the total is out of bounds."""
        low, high = self.params.min, self.params.max
        if low is not None and self.seen < low:
            yield CorpusViolation(
                None, Violation(f"{plural(self.seen, 'document')}, fewer than min {low}")
            )
        elif high is not None and self.seen > high:
            yield CorpusViolation(
                None, Violation(f"{plural(self.seen, 'document')}, more than max {high}")
            )


@check(
    "count",
    params=CountParams,
    schema=SCHEMA,
    needs_field=False,
    corpus=True,
    text_only=False,
    missing_fails=False,
)
def count(params: CountParams, ctx: CheckContext) -> CountState:
    """Build a fresh counter for one run."""
    if params.min is None and params.max is None:
        raise ParamError("check", "count needs 'min', 'max' or both")
    if params.min is not None and params.max is not None and params.min > params.max:
        raise ParamError("min", f"min {params.min} is larger than max {params.max}")
    return CountState(params)

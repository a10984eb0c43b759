"""Documents checked one at a time as they arrive (a crawl's items), with one pass's verdicts.

Each document is scanned as a one-document slice and folded into the running partial with
:meth:`Engine.scan` and :meth:`Engine.merge`, the calls the parallel workers use: row checks,
corpus checks (``unique`` sees every earlier item) and the final result are what ``scrapegate
check`` finds on the same documents exported as a feed. The engine itself is not changed.

Per document the caller learns which row checks it failed *now*. Corpus checks (``unique``,
``count``, ``repeated_lines``) and dates whose reading waits for the corpus's evidence
(``date_parses`` with an ambiguous day/month) give their verdicts at the end, in
:meth:`IncrementalRun.finish`, as in one pass over a feed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from .documents import Document
from .engine import Engine, Partial
from .failurespool import FailureSpool
from .loaders._common import record_id
from .result import Failure, RunResult
from .suite import Suite
from .waivers import apply_waivers


@dataclass(slots=True)
class ArrivedDocument(Document):
    """A document that arrived without a file: ``path`` names its origin (a spider), ``line``
    is its number in arrival order (from 1), ``url`` the page it came from, if known.

    Its source reads ``https://example.com/a.html books:7`` (the page, then ``origin:N``), or
    ``books:7`` without a page. It ends in ``:N`` like a file's ``path:line``, so corpus
    checks keep it packed (a number per document, not a string) and order failures by it.
    """

    url: str | None = None

    @property
    def source(self) -> str:
        """``page origin:N``, or ``origin:N`` when the page is not known."""
        base = f"{self.path}:{self.line}"
        return f"{self.url} {base}" if self.url else base


@dataclass(frozen=True)
class Count:
    """One expectation's running counts."""

    name: str
    severity: str
    mostly: float
    evaluated: int
    failed: int

    @property
    def pass_rate(self) -> float:
        """Share of evaluated documents that passed (1.0 before any was evaluated)."""
        return 1.0 - self.failed / self.evaluated if self.evaluated else 1.0


@dataclass(frozen=True)
class Verdict:
    """What one document failed when it arrived: expectation names, in suite order."""

    failed: tuple[str, ...]
    # The failed expectations whose severity is 'error' (they fail the gate).
    errors: tuple[str, ...]


class IncrementalRun:
    """One suite over documents handed in one at a time; :meth:`finish` gives the result."""

    def __init__(self, suite: Suite, origin: str, now: datetime | None = None) -> None:
        self.suite = suite
        self.origin = origin
        self.engine = Engine(suite, now)
        self.engine.warm_up()
        self.total: Partial = self.engine.scan(())
        self.arrived = 0
        self.result: RunResult | None = None
        # preview(): the result it built and how many documents had arrived then.
        self._preview: tuple[int, RunResult] | None = None

    def document(self, fields: dict[str, Any], url: str | None = None) -> ArrivedDocument:
        """The next document for ``fields`` (numbered in arrival order), named by the suite's
        ``documents.id`` field when it has a usable value, else by its source."""
        self.arrived += 1
        doc = ArrivedDocument("", self.origin, self.arrived, fields, url=url)
        id_field = self.suite.documents.id
        doc.id = record_id(fields, id_field, doc.source) if id_field else doc.source
        return doc

    def add(self, doc: Document) -> Verdict:
        """Check one document against every expectation; what it failed, now."""
        if self.result is not None:
            raise RuntimeError("the run is finished; no document can be added")
        before = [t.failed for t in self.total.tallies]
        part = self.engine.scan((doc,), follows_earlier_slice=True)
        self.total = self.engine.merge([self.total, part])
        failed: list[str] = []
        errors: list[str] = []
        for spec, was, tally in zip(
            self.suite.expectations, before, self.total.tallies, strict=True
        ):
            if tally.failed > was:
                failed.append(spec.name)
                if spec.severity == "error":
                    errors.append(spec.name)
        return Verdict(tuple(failed), tuple(errors))

    def counts(self) -> list[Count]:
        """Every expectation's counts so far, in suite order (corpus checks still open)."""
        return [
            Count(spec.name, spec.severity, spec.mostly, tally.evaluated, tally.failed)
            for spec, tally in zip(self.suite.expectations, self.total.tallies, strict=True)
        ]

    def finish(self, inputs: Sequence[str] = (), started: float = 0.0) -> RunResult:
        """Close the corpus checks once and build the result (waivers applied), failures in
        arrival order; a :meth:`preview` taken after the last document is that result."""
        if self.result is None:
            if self._preview is not None and self._preview[0] == self.arrived:
                self.result = self._preview[1]
            else:
                self.result = self._build(self.total, inputs, started)
            self._preview = None
        return self.result

    def preview(self, inputs: Sequence[str] = (), started: float = 0.0) -> RunResult:
        """The result as if no more documents came, leaving the run open: corpus checks close
        on a copy of their state (its size in memory, once)."""
        if self.result is not None:
            return self.result
        result = self._build(copy.deepcopy(self.total), inputs, started)
        self._preview = (self.arrived, result)
        return result

    def _build(self, total: Partial, inputs: Sequence[str], started: float) -> RunResult:
        result = self.engine.finish(total, inputs, started)
        ordered = tuple(
            replace(er, failures=_in_order(er.failures, self._arrival))
            for er in result.expectations
        )
        return apply_waivers(self.suite, replace(result, expectations=ordered))

    def _arrival(self, failure: Failure) -> int:
        """A failure's document number (0 for the corpus as a whole): arrival order."""
        _, _, number = failure.source.rpartition(":")
        return int(number) if number.isdigit() else 0


def _in_order(failures: Sequence[Failure], key: Callable[[Failure], int]) -> Sequence[Failure]:
    """``failures`` sorted by ``key``, through the spool (on disk past a few thousand)."""
    if isinstance(failures, FailureSpool):
        return failures.sorted(key)
    return tuple(sorted(failures, key=key))

"""Glue shared by the CLI and the pytest plugin: suite + paths -> inputs -> engine -> result."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from .documents import Loaded
from .engine import Engine, Progress, Transform, run_suite
from .errors import UsageError
from .fingerprints import Watch
from .loaders import (
    Input,
    canonical_path,
    iter_documents,
    require_paths,
    resolve_inputs,
    skipped_warning,
)
from .loaders.meter import METER
from .parallel import plan, run_parallel, scan_parallel, worker_count
from .result import RunResult
from .routing import Expected, Routing, Spool, remove_spool, split, spool_directory
from .sitegroups import GroupViews
from .suite import Suite
from .waivers import accepted_by_waivers
from .wording import plural


def input_paths(suite: Suite, paths: Sequence[str] | None) -> list[str]:
    """The paths to read (given, else the suite's ``documents.paths``), canonically spelled.

    The result records these paths; like document names they must not depend on whether the
    user typed ``data``, ``./data`` or an absolute path (see :func:`canonical_path`). A given
    path that does not exist is a UsageError naming it relative to the working directory.
    """
    if paths:
        if "-" in paths and sys.stdin is None:
            # Python leaves sys.stdin None when file descriptor 0 is closed (`<&-`). That is
            # not an empty input: reading it as one would let a gate pass on nothing.
            raise UsageError(
                "-: standard input is closed, so there are no documents to read from it; "
                "pipe them in (scraper | scrapegate check - ...) or name the files to check"
            )
        require_paths(paths)  # before the suite's hint about suite-relative paths can apply
        return [canonical_path(p) for p in paths]
    defaults = [canonical_path(p) for p in suite.default_paths()]
    if not defaults:
        raise UsageError(
            f"{suite.path}: no documents to check; pass paths on the command line or set "
            "'documents.paths' in the suite"
        )
    return defaults


def run_paths(
    suite: Suite,
    paths: Sequence[str] | None = None,
    fmt: str | None = None,
    now: datetime | None = None,
    transform: Transform | None = None,
    progress: Progress | None = None,
    sample: int | None = None,
    seed: int = 0,
    workers: int = 1,
    group_by: str | None = None,
    views: GroupViews | None = None,
    routing: Routing | None = None,
    watch: Watch | None = None,
) -> RunResult:
    """Load the documents at ``paths`` (or the suite's defaults) and run the suite on them.

    ``sample`` checks a seeded random sample of that many records (reservoir sampling, one
    pass); the result says so. ``workers`` processes check slices of the input in
    parallel (0 means every core); the result is the same as a single pass. ``routing``
    (check --quarantine/--passing) writes every record read to the quarantine or the passing
    file once the run is over; its counts go into the result's ``routing`` key.
    """
    if routing is not None and sample is not None:
        raise UsageError(
            "--quarantine and --passing route every record read, and --sample checks only "
            "some of them: the records left out would be in neither file; drop --sample"
        )
    chosen = input_paths(suite, paths)
    # The suite's format describes its own default paths, not files named on the command line.
    skipped: list[str] = []
    walked: list[str] = []
    inputs = resolve_inputs(
        chosen, fmt if paths else (fmt or suite.documents.format), skipped, walked
    )
    unread = [*walked, *skipped_warning(skipped)]
    METER.expect(i.path for i in inputs if i.problem is None)  # the progress line's total
    count = worker_count(workers)
    if routing is not None:
        engine = Engine(suite, now, group_by, views, watch)
        result = run_routed(engine, inputs, chosen, count, transform, progress, routing)
        return replace(result, warnings=(*result.warnings, *unread)) if unread else result
    if count > 1 and sample is None and all(i.path != "-" for i in inputs):
        slices = plan(inputs, count)
        if len(slices) > 1:
            engine = Engine(suite, now, group_by, views, watch)
            result = run_parallel(
                engine, slices, chosen, count, suite.documents.id, transform, progress
            )
            return replace(result, warnings=(*result.warnings, *unread)) if unread else result
    records: Iterable[Loaded] = iter_documents(inputs, suite.documents.id)
    counted = None
    if sample is not None:
        records, counted = sample_counting(suite, records, sample, seed, now, transform, progress)
        progress = None  # the full pass reported every record read
    result = run_suite(
        suite,
        records,
        chosen,
        now=now,
        transform=transform,
        progress=progress,
        group_by=group_by,
        views=views,
        watch=watch,
    )
    if sample is not None:
        result = sampled_result(result, counted, sample, seed)
    if unread:
        result = replace(result, warnings=(*result.warnings, *unread))
    return result


def run_routed(
    engine: Engine,
    inputs: Sequence[Input],
    chosen: Sequence[str],
    workers: int,
    transform: Transform | None,
    progress: Progress | None,
    routing: Routing,
) -> RunResult:
    """Check ``inputs`` spooling every record, then route each to quarantine or passing.

    Routing waits for the end of the run because corpus checks (a duplicate for ``unique``)
    fail a record only after later records were read.
    """
    started = time.perf_counter()
    suite = engine.suite
    directory = spool_directory([routing.quarantine_path, routing.passing_path])
    try:
        slices = plan(inputs, workers) if workers > 1 and all(i.path != "-" for i in inputs) else []
        if len(slices) > 1:
            partial = scan_parallel(
                engine, slices, workers, suite.documents.id, transform, progress, directory
            )
        else:
            records = iter_documents(inputs, suite.documents.id, keep_raw=True)
            partial = engine.scan(records, transform, progress, spool=Spool(directory, 0))
        result = engine.finish(partial, chosen, started)
        expected = [Expected(e.name, e.check, e.field, e.severity) for e in suite.expectations]
        # A failure the suite's waivers accept does not keep a record out of --passing: the
        # team accepted it (the quarantine line of a record held for another failure marks it).
        accepted = accepted_by_waivers(suite, result) if suite.waivers else None
        split(routing, partial.spool_parts, partial.routed or {}, expected, accepted)
    finally:
        remove_spool(directory)
    if routing.read != partial.records:
        raise RuntimeError(
            f"routing wrote {routing.read} records but the run read {partial.records}"
        )
    return replace(result, extra={**result.extra, "routing": routing.to_json()})


def sample_counting(
    suite: Suite,
    records: Iterable[Loaded],
    size: int,
    seed: int,
    now: datetime | None = None,
    transform: Transform | None = None,
    progress: Progress | None = None,
) -> tuple[list[Loaded], RunResult | None]:
    """The sample of ``records``, and the suite's ``count`` expectations run on all of them.

    ``count`` judges the size of the crawl: on a sample of 100 it would count 100 and fail
    ``min: 1000`` on a crawl of a million. Every record is read anyway to draw the sample, so
    the counts are taken in that same pass. None when the suite has no ``count``.
    """
    counts = tuple(e for e in suite.expectations if e.check == "count")
    if not counts:
        return reservoir_sample(records, size, seed), None
    reservoir = Reservoir(size, seed)

    def offered() -> Iterable[Loaded]:
        for record in records:
            reservoir.offer(record)
            yield record

    # The transform matters to a count only through a 'where' on a cleaned field.
    cleaned = transform if any(e.where is not None for e in counts) else None
    counted = Engine(replace(suite, expectations=counts), now).run(offered(), (), cleaned, progress)
    return reservoir.records(), counted


def sampled_result(result: RunResult, counted: RunResult | None, size: int, seed: int) -> RunResult:
    """``result`` of a sample, with the note saying so and ``count`` taken from every record."""
    notes = [f"sampled {min(size, result.records)} records with seed {seed}"]
    expectations = result.expectations
    if counted is not None:
        full = {e.name: e for e in counted.expectations if e.check == "count"}
        expectations = tuple(full.get(e.name, e) for e in expectations)
        notes.append(
            f"count expectations were evaluated on all {plural(counted.documents, 'document')} "
            "read, not on the sample"
        )
    return replace(
        result,
        expectations=expectations,
        warnings=(*notes, *result.warnings),
        extra={**result.extra, "sample": {"size": size, "seed": seed}},
    )


class Reservoir:
    """A uniform random sample of a stream, kept in the stream's order, in one pass."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.seen = 0
        self.kept: list[tuple[int, Loaded]] = []

    def offer(self, record: Loaded) -> None:
        """Consider the next record of the stream."""
        index = self.seen
        self.seen += 1
        if index < self.size:
            self.kept.append((index, record))
        else:
            slot = self.rng.randint(0, index)
            if slot < self.size:
                self.kept[slot] = (index, record)

    def records(self) -> list[Loaded]:
        """The sample, in input order."""
        return [record for _, record in sorted(self.kept, key=lambda pair: pair[0])]


def reservoir_sample(records: Iterable[Loaded], size: int, seed: int) -> list[Loaded]:
    """A uniform random sample of ``size`` records in their original order, in one pass."""
    reservoir = Reservoir(size, seed)
    for record in records:
        reservoir.offer(record)
    return reservoir.records()

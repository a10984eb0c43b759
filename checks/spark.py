"""Run a suite on Spark: the native engine's own scan, one task per slice or partition.

The native engine's parallel runs (:mod:`scrapegate.parallel`) cut the input into slices, scan
each in a worker and fold the compact :class:`~scrapegate.engine.Partial` results in input
order. Here Spark tasks are the workers: each scans its slice (local files, read with the
project's own loaders, so sources stay ``file:line``) or its partition of a DataFrame (Arrow
batches), and returns its pickled partial; the driver folds them in order with
:meth:`Engine.merge` and closes the corpus checks with :meth:`Engine.finish`. The verdicts are
therefore the native engine's, check for check.

The engine travels to the executors once per run as a broadcast, and each executor process
unpickles it once (a cache keyed by its digest), so pattern sets are compiled once per
process, not once per task.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial as bind
from itertools import groupby, islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .documents import Document, Loaded
from .engine import Engine, Partial, Transform
from .errors import UsageError
from .failurespool import FailureSpool
from .fingerprints import Watch
from .library.unique import UniqueState
from .library.unique import _duplicate as duplicate_violation
from .loaders._common import record_id
from .loaders.jsonl import _records as jsonl_records
from .loaders.text import _document as text_document
from .parallel import Slice, read_slice
from .registry import CorpusViolation, DocRef
from .result import READABLE_NAME, ExpectationResult, Failure, RunResult
from .routing import (
    Expected,
    Routing,
    Spool,
    is_quarantined,
    ordinal,
    quarantine_tail,
    split_lines,
    unreadable_line,
    waived_by,
)
from .sitegroups import GroupViews
from .suite import Suite, load_suite
from .waivers import accepted_by_waivers

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MISSING_PYSPARK = (
    "--engine spark needs pyspark (and Java 17): pip install 'scrapegate[spark]', "
    "and install a Java runtime (e.g. apt-get install openjdk-17-jre-headless)"
)
# Columns of failures_df and of the Parquet dataset of failures: the result JSON's names, and
# whether a waiver of the suite accepts the failure (the result JSON's "waived": true).
FAILURE_COLUMNS = (
    "doc", "source", "field", "expectation", "message", "start", "end", "snippet", "waived",
)  # fmt: skip
FAILURE_SCHEMA = (
    "doc string, source string, field string, expectation string, message string, "
    "start long, end long, snippet string, waived boolean"
)
# When the executors write the failures (failures_path): the unwaived failures per
# expectation the result keeps, the first in input order (the HTML report lists as many).
KEPT_FAILURES = 1000
# Columns the readers add to say where a row came from (dropped before checking).
PATH_COLUMN = "_scrapegate_path"
# The line number of a block's first row: 2 in the first block of a CSV file (its header is
# line 1), else 1.
FIRST_COLUMN = "_scrapegate_first"
# Hadoop filesystem URLs are read by Spark; anything else is a local path.
URL_SCHEMES = (
    "s3a://",
    "s3://",
    "s3n://",
    "hdfs://",
    "gs://",
    "abfs://",
    "abfss://",
    "wasbs://",
    "dbfs:/",
)


def require_pyspark() -> None:
    """Fail with what to install when pyspark is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise UsageError(MISSING_PYSPARK) from None


def session(master: str | None = None) -> SparkSession:
    """The active SparkSession, else a new one (``master`` or spark-submit's, else local[*])."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("scrapegate")
    if master is not None:
        builder = builder.master(master)
    elif not _launched_with_master():
        builder = builder.master("local[*]")
    return builder.getOrCreate()


def _launched_with_master() -> bool:
    """Whether Spark's launcher chose the master: spark-submit (and the pyspark shell) start
    the JVM before Python and pass it this way; PYSPARK_SUBMIT_ARGS may name one too."""
    if os.environ.get("PYSPARK_GATEWAY_PORT"):
        return True
    return "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", "")


# -- executors ------------------------------------------------------------------------------

# Per executor process: the engines unpickled so far, by digest of their pickle.
_ENGINES: dict[str, tuple[Engine, Transform | None]] = {}


@dataclass(frozen=True)
class _Shipped:
    """The engine and whether to clean, as they travel to the executors (a broadcast of this)."""

    digest: str
    payload: bytes


def _ship(engine: Engine, clean: bool) -> _Shipped:
    # The cleaners travel as a flag: each process builds them from the suite (compiled
    # pattern sets do not pickle). Built once here too, so that a suite without cleaners is
    # the native engine's usage error on the driver, not a failed task.
    if clean:
        from .cleaning import pipeline_transform

        pipeline_transform(engine.suite, count_lines=False)
    payload = pickle.dumps((engine, clean), protocol=pickle.HIGHEST_PROTOCOL)
    return _Shipped(hashlib.sha256(payload).hexdigest(), payload)


def _unship(shipped: _Shipped) -> tuple[Engine, Transform | None]:
    cached = _ENGINES.get(shipped.digest)
    if cached is None:
        engine, clean = pickle.loads(shipped.payload)
        engine.warm_up()
        transform = None
        if clean:
            from .cleaning import pipeline_transform

            transform = pipeline_transform(engine.suite, count_lines=False)
        _ENGINES.clear()  # one run at a time per process: do not keep old suites
        cached = _ENGINES[shipped.digest] = (engine, transform)
    return cached


@contextmanager
def _working_dir(path: str) -> Iterator[None]:
    """In ``path`` for a while: relative paths mean what they meant to the driver.

    Spark starts its Python workers in the JVM's working directory, not the driver
    process's. Where ``path`` does not exist (an executor on another machine) the paths are
    read as they are, and a missing file is reported as unreadable, naming it.
    """
    before = os.getcwd()
    try:
        os.chdir(path)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        os.chdir(before)


# The rows a task returns: its partial ("partial", payload set); per unique expectation the
# first occurrence in the task of each distinct value ("first") and the later ones ("later"),
# for the Spark aggregation that finds the duplicates (see _duplicates); with failures_path
# every failure the task found ("failure", the FAILURE_COLUMNS set); with routing every
# record as the native spool holds it ("record": ordinal its position, payload its line).
ROW_SCHEMA = (
    "kind string, part long, expectation long, key long, doc string, source string, "
    "ordinal long, shown binary, payload binary, field string, name string, message string, "
    "start long, end long, snippet string, waived boolean"
)
Row = tuple[Any, ...]
_NO_FAILURE: Row = (None,) * 7
# Rows per Arrow batch a task returns: failure and record rows may be many.
BATCH_ROWS = 4096


@dataclass(frozen=True)
class _Wanted:
    """What a task returns besides its partial, and how its partitions are numbered."""

    # Write every failure as a row, keep only a sample of them in the partial.
    failures: bool = False
    kept: int = KEPT_FAILURES
    # Return every record (check --quarantine/--passing), its raw line kept.
    route: bool = False
    # The moment waivers are judged at (the driver's clock), for the rows' "waived".
    now: datetime | None = None
    # The part index of the first partition: a run over several URLs scans several frames.
    offset: int = 0


def _signed(key: int) -> int:
    """A 64-bit digest as Spark's (signed) long."""
    return key - (1 << 64) if key >= 1 << 63 else key


def _detach_unique(found: Partial, index: int) -> Iterator[Row]:
    """The unique states of ``found`` as rows; the partial keeps empty states.

    A state holds every distinct value of the task (its digest and first place): summed over
    tasks that is the corpus, too much to send to the driver. Spark groups it by digest.
    """
    for number, tally in enumerate(found.tallies):
        state = tally.state
        if not isinstance(state, UniqueState):
            continue
        details = state.first_details or {}
        for key, _ in state.first.items():
            doc, shown = details.get(key, (None, None))
            yield (
                "first", index, number, _signed(key), doc.id if doc else None,
                state.first_source(key), doc.ordinal if doc else -1,
                None if doc is None else pickle.dumps(shown), None, *_NO_FAILURE,
            )  # fmt: skip
        for key, doc, shown in state.later:
            yield (
                "later", index, number, _signed(key), doc.id, doc.source, doc.ordinal,
                pickle.dumps(shown), None, *_NO_FAILURE,
            )  # fmt: skip
        tally.state = UniqueState(keeps_first_details=state.first_details is not None)


def _failure_row(index: int, name: str, f: Failure, waived: bool) -> Row:
    return (
        "failure", index, -1, 0, f.doc, f.source, -1, None, None,
        f.field, name, f.message, f.start, f.end, f.snippet, waived,
    )  # fmt: skip


def waiver_acceptance(
    suite: Suite, result: RunResult, now: datetime | None
) -> Callable[[str, str | None], bool] | None:
    """Whether a waiver of ``suite`` accepts a failure (by expectation name and doc id), as
    :func:`scrapegate.waivers.apply_waivers` would; None when the suite has no waivers."""
    return accepted_by_waivers(suite, result, now) if suite.waivers else None


def _acceptance(
    engine: Engine, found: Partial, now: datetime | None
) -> Callable[[str, str | None], bool] | None:
    """Whether a waiver accepts a failure of ``found``: for a row check the choosers need only
    the documents of the failure's own part (a waiver's ``where`` is judged per document)."""
    chosen = {index: frozenset(docs) for index, docs in found.waiver_docs.items()}
    return waiver_acceptance(engine.suite, RunResult("", "", (), 0, (), waiver_docs=chosen), now)


def _sample(
    engine: Engine,
    found: Partial,
    accepted: Callable[[str, str | None], bool] | None,
    taken: Counter[str],
    kept: int,
) -> Iterator[tuple[str, Failure, bool]]:
    """Keep in ``found`` the unwaived failures of each expectation while fewer than ``kept``
    were taken (``taken`` counts them by name), and every waived one (the waiver counts
    applied on the driver need those); yield every failure with whether it is waived."""
    for spec, tally in zip(engine.suite.expectations, found.tallies, strict=True):
        sample = FailureSpool()
        for f in tally.failures:
            waived = accepted is not None and accepted(spec.name, f.doc)
            yield spec.name, f, waived
            if waived or taken[spec.name] < kept:
                sample.append(f)
                taken[spec.name] += not waived
        tally.failures = sample


def _detach_failures(engine: Engine, found: Partial, index: int, wanted: _Wanted) -> Iterator[Row]:
    """Every failure of ``found`` as a row; the partial keeps a sample (see :func:`_sample`)
    and every unreadable record (their number is the count)."""
    for f in found.unreadable:
        yield _failure_row(index, READABLE_NAME, f, False)
    accepted = _acceptance(engine, found, wanted.now)
    for name, f, waived in _sample(engine, found, accepted, Counter(), wanted.kept):
        yield _failure_row(index, name, f, waived)


def _task_rows(
    engine: Engine, found: Partial, index: int, wanted: _Wanted, spool: str | None = None
) -> Iterator[Row]:
    yield from _detach_unique(found, index)
    if wanted.failures:
        yield from _detach_failures(engine, found, index, wanted)
    if spool is not None:
        # The records as the native spool holds them; the partial must not name the task's
        # files (the driver may be another machine).
        found.spool_parts = []
        with open(spool, "rb") as fh:
            for position, line in enumerate(fh):
                yield ("record", index, -1, 0, None, None, position, None, line, *_NO_FAILURE)
    # The driver may be another machine: failures past the spool's memory must travel in
    # the partial, not as the names of this task's files.
    found.unreadable.travel_far()
    for tally in found.tallies:
        tally.failures.travel_far()
    payload = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
    yield ("partial", index, -1, 0, None, None, -1, None, payload, *_NO_FAILURE)


@contextmanager
def _spooled(wanted: _Wanted, index: int) -> Iterator[Spool | None]:
    """A spool part for the records of part ``index`` in a private folder of this task."""
    if not wanted.route:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="scrapegate-spark-spool-")
    try:
        yield Spool(folder, index)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _scan_slices(
    broadcast: Any,
    id_field: str | None,
    cwd: str,
    wanted: _Wanted,
    jobs: Iterable[tuple[int, Slice]],
) -> Any:
    """A task over local slices: each read by the project's loaders and scanned."""
    engine, transform = _unship(broadcast.value)
    for index, piece in jobs:
        with _spooled(wanted, index) as spool:
            with _working_dir(cwd):
                records = read_slice(piece, id_field, keep_raw=wanted.route)
                found = engine.scan(
                    records, transform, follows_earlier_slice=index > 0, spool=spool
                )
            yield from _task_rows(engine, found, index, wanted, spool.path if spool else None)


class _Lines:
    """The lines of one file's block as a stream with ``readline``, for the JSON Lines parser."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines

    def readline(self, size: int = -1) -> bytes:
        line = next(self.lines, None)
        return b"" if line is None else line.encode("utf-8", "surrogateescape") + b"\n"


def _documents(
    batches: Iterable[Any], id_field: str | None, fallback: str, mode: str, keep_raw: bool = False
) -> Iterator[Loaded]:
    """The records of a partition's Arrow batches.

    ``mode`` is how rows were read: "rows" (one document a row, from a plain DataFrame or a
    Parquet, CSV or JSON reader), "jsonl" (a line of JSON Lines a row, parsed here by the
    native parser) or "text" (a whole text dump a row).
    """
    rows = (fields for batch in batches for fields in batch.to_pylist())
    if mode == "dataframe":
        for row, fields in enumerate(rows, 1):
            source = f"{fallback}:{row}"
            ident = record_id(fields, id_field, source) if id_field else source
            yield Document(ident, fallback, row, fields)
        return
    # A task reads its files (blocks) one after the other: a file's rows are consecutive.
    for path, group in groupby(rows, key=itemgetter(PATH_COLUMN)):
        if mode == "jsonl":
            lines = _Lines(row["value"] for row in group)
            yield from jsonl_records(lines, path, id_field, keep_raw=keep_raw)
        elif mode == "text":
            for row in group:
                yield text_document(path, row["value"].encode("utf-8", "surrogateescape"))
        else:
            for offset, fields in enumerate(group):
                del fields[PATH_COLUMN]
                line = fields.pop(FIRST_COLUMN) + offset
                source = f"{path}:{line}"
                ident = record_id(fields, id_field, source) if id_field else source
                yield Document(ident, path, line, fields)


def _scan_arrow(
    broadcast: Any, id_field: str | None, mode: str, wanted: _Wanted, batches: Any
) -> Any:
    """A task over one DataFrame partition (Arrow batches): its partial and wanted rows."""
    import pyarrow as pa
    from pyspark import TaskContext

    engine, transform = _unship(broadcast.value)
    context = TaskContext.get()
    partition = context.partitionId() if context is not None else 0
    index = wanted.offset + partition
    fallback = f"dataframe/part-{partition:05d}"
    types = {
        "string": pa.string(),
        "long": pa.int64(),
        "binary": pa.binary(),
        "boolean": pa.bool_(),
    }
    schema = pa.schema([(n, types[t]) for n, t in (f.split() for f in ROW_SCHEMA.split(", "))])
    with _spooled(wanted, index) as spool:
        records = _documents(batches, id_field, fallback, mode, keep_raw=wanted.route)
        found = engine.scan(records, transform, follows_earlier_slice=index > 0, spool=spool)
        rows = _task_rows(engine, found, index, wanted, spool.path if spool else None)
        while chunk := list(islice(rows, BATCH_ROWS)):
            columns = zip(*chunk, strict=True)
            yield pa.RecordBatch.from_arrays(
                [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                schema=schema,
            )


# -- driver ---------------------------------------------------------------------------------


class _Found:
    """A unique expectation's duplicates as Spark found them, in place of its state."""

    def __init__(self, violations: list[CorpusViolation]) -> None:
        self.violations = violations

    def merge(self, later: Any) -> Iterable[CorpusViolation]:
        return ()

    def finish(self) -> Iterable[CorpusViolation]:
        return self.violations


class _Outputs:
    """What a run writes besides its result (the failure dataset, the routed records), and
    the task rows it keeps (persisted in the executors) until they are written."""

    def __init__(
        self,
        failures_path: str | None = None,
        routing: Routing | None = None,
        now: datetime | None = None,
    ) -> None:
        self.failures_path = failures_path
        self.routing = routing
        self.now = now
        # The failures the tasks kept in their partials: they wrote them already.
        self.sampled: Counter[Failure] = Counter()
        # Per scan, its record rows (routing), in input order.
        self.records: list[DataFrame] = []
        self.persisted: list[DataFrame] = []
        self.parts = 0
        self.writes = 0
        # Unwaived failures written per expectation (by name).
        self.unwaived: Counter[str] = Counter()

    def wanted(self) -> _Wanted:
        return _Wanted(
            failures=self.failures_path is not None,
            kept=KEPT_FAILURES,
            route=self.routing is not None,
            now=self.now,
            offset=self.parts,
        )

    def write_mode(self) -> str:
        """The first write of a run replaces an old dataset; the later ones add to it."""
        self.writes += 1
        return "overwrite" if self.writes == 1 else "append"

    def close(self) -> None:
        for frame in self.persisted:
            frame.unpersist()
        self.persisted.clear()


def _duplicates(rows: DataFrame) -> list[Any]:
    """Every later occurrence of a value, with the source of its first occurrence.

    The first occurrence corpus-wide is the first in the earliest task that saw the value;
    the other tasks' first occurrences are duplicates too, as in Engine.merge.
    """
    from pyspark.sql import functions as F

    firsts = rows.where(F.col("kind") == "first")
    earliest = firsts.groupBy("expectation", "key").agg(
        F.min(F.struct("part", "source")).alias("earliest")
    )
    repeated = firsts.join(earliest, ["expectation", "key"]).where(
        F.col("part") != F.col("earliest.part")
    )
    later = rows.where(F.col("kind") == "later").join(earliest, ["expectation", "key"])
    wanted = ["expectation", "doc", "source", "ordinal", "shown", "earliest.source"]
    return repeated.select(*wanted).unionAll(later.select(*wanted)).collect()


def _fold(engine: Engine, rows: DataFrame, outputs: _Outputs) -> Partial:
    """The tasks' partials folded in input order, as the native parallel run folds them;
    unique's duplicates found by a Spark aggregation; the tasks' failure rows written.

    The rows are persisted: the tasks run once, whatever is read from them (the failure
    rows written, the partials collected, the records routed after the run).
    """
    from pyspark.sql import functions as F

    rows.persist()
    outputs.persisted.append(rows)
    if outputs.failures_path is not None:
        failures = rows.where(F.col("kind") == "failure").select(
            "doc", "source", "field", F.col("name").alias("expectation"), "message",
            "start", "end", "snippet", "waived",
        )  # fmt: skip
        failures.write.mode(outputs.write_mode()).parquet(outputs.failures_path)
        # Read from the persisted rows: how many failures each expectation has beyond the
        # sample (the terminal's "... and N more").
        unwaived = failures.where(~F.col("waived")).groupBy("expectation").count().collect()
        outputs.unwaived.update({row["expectation"]: int(row["count"]) for row in unwaived})
    parts = rows.where(F.col("kind") == "partial").select("part", "payload").collect()
    duplicates = (
        _duplicates(rows) if any(e.check == "unique" for e in engine.suite.expectations) else []
    )
    if outputs.routing is not None:
        outputs.records.append(
            rows.where(F.col("kind") == "record").select("part", "ordinal", "payload")
        )
    else:
        outputs.close()
    total: Partial | None = None
    # Task failures the result can list: the first KEPT_FAILURES unwaived ones in input order
    # (each task sent its first ones; once as many were merged, later ones only are written).
    taken: Counter[str] = Counter()
    parts.sort(key=lambda row: int(row["part"]), reverse=True)
    while parts:
        part = parts.pop()  # in input order; each payload freed once unpickled
        found: Partial = pickle.loads(part["payload"])
        if outputs.failures_path is not None:
            accepted = _acceptance(engine, found, outputs.now)
            # Trims ``found``; the failures themselves were written by its task.
            for _ in _sample(engine, found, accepted, taken, KEPT_FAILURES):
                pass
            outputs.sampled.update(found.unreadable)
            for tally in found.tallies:
                outputs.sampled.update(tally.failures)
        outputs.parts = max(outputs.parts, int(part["part"]) + 1)
        total = found if total is None else engine.merge([total, found])
    if total is None:
        return engine.scan(())
    found_by: dict[int, list[CorpusViolation]] = {}
    for row in duplicates:
        ref = DocRef(row["doc"], row["source"], int(row["ordinal"]))
        violation = duplicate_violation(pickle.loads(row["shown"]), row[5])
        found_by.setdefault(int(row["expectation"]), []).append(CorpusViolation(ref, violation))
    for number, tally in enumerate(total.tallies):
        if isinstance(tally.state, UniqueState):
            tally.state = _Found(found_by.get(number, []))
    return total


def _engine_for(suite: Suite | str, now: datetime | None) -> Engine:
    loaded = load_suite(suite) if isinstance(suite, str) else suite
    return Engine(loaded, now)


def scan_dataframe(
    engine: Engine,
    df: DataFrame,
    clean: bool = False,
    mode: str = "dataframe",
    outputs: _Outputs | None = None,
) -> Partial:
    """Scan every partition of ``df`` in its executors; the partials folded in order."""
    outputs = outputs or _Outputs()
    spark = df.sparkSession
    broadcast = spark.sparkContext.broadcast(_ship(engine, clean))
    try:
        task = bind(_scan_arrow, broadcast, engine.suite.documents.id, mode, outputs.wanted())
        return _fold(engine, df.mapInArrow(task, ROW_SCHEMA), outputs)
    finally:
        broadcast.unpersist()


def scan_slices(
    engine: Engine,
    spark: SparkSession,
    slices: Sequence[Slice],
    clean: bool = False,
    outputs: _Outputs | None = None,
) -> Partial:
    """Scan local slices (:func:`scrapegate.parallel.plan`), one Spark task each."""
    outputs = outputs or _Outputs()
    context = spark.sparkContext
    broadcast = context.broadcast(_ship(engine, clean))
    try:
        task = bind(
            _scan_slices, broadcast, engine.suite.documents.id, os.getcwd(), outputs.wanted()
        )
        jobs = list(enumerate(slices))
        rows = context.parallelize(jobs, max(1, len(jobs))).mapPartitions(task)
        return _fold(engine, spark.createDataFrame(rows, ROW_SCHEMA), outputs)
    finally:
        broadcast.unpersist()


def _finish_failures(
    result: RunResult, suite: Suite, outputs: _Outputs, spark: SparkSession
) -> RunResult:
    """Write the failures found on the driver (corpus checks, deferred dates) to the dataset
    the tasks wrote theirs to; keep the first KEPT_FAILURES unwaived failures per expectation
    (and every waived one: applying the waivers counts them) in the result."""
    path = outputs.failures_path
    if path is None:
        return result
    accepted = waiver_acceptance(suite, result, outputs.now)
    left = outputs.sampled
    rows: list[tuple[Any, ...]] = []
    expectations: list[ExpectationResult] = []
    for er in result.expectations:
        kept: list[Failure] = []
        unwaived = 0
        for f in er.failures:
            waived = accepted is not None and accepted(er.name, f.doc)
            if left[f] > 0:
                left[f] -= 1  # a task wrote it
            else:
                shown = (f.doc, f.source, f.field, er.name, f.message, f.start, f.end, f.snippet)
                rows.append((*shown, waived))
                outputs.unwaived[er.name] += not waived
            if waived or unwaived < KEPT_FAILURES:
                kept.append(f)
                unwaived += not waived
        expectations.append(replace(er, failures=tuple(kept)))
    if rows or outputs.writes == 0:
        spark.createDataFrame(rows, FAILURE_SCHEMA).write.mode(outputs.write_mode()).parquet(path)
    dataset = {
        "path": path,
        "kept_per_expectation": KEPT_FAILURES,
        "failures": {er.name: outputs.unwaived[er.name] for er in result.expectations},
    }
    return replace(
        result,
        expectations=tuple(expectations),
        extra={**result.extra, "failures_dataset": dataset},
    )


def validate(
    df: DataFrame,
    suite: Suite | str,
    *,
    now: datetime | None = None,
    inputs: Sequence[str] = (),
    failures_path: str | None = None,
    clean: bool = False,
) -> RunResult:
    """Run ``suite`` (a Suite or the path of its YAML) over ``df``: the native engine's result.

    Each row is one document (its columns are the fields). A row's source is
    ``dataframe/part-NNNNN:ROW`` (its partition and its row in it); files read by
    :func:`run_spark` keep their ``file:line``. ``clean`` applies the suite's cleaners
    first, as ``check --clean`` does. Waivers are not applied here, as with
    :func:`scrapegate.engine.run_suite`; the CLI applies them.

    ``failures_path`` (a folder or any URL Spark writes) receives every failure as a Parquet
    dataset of :data:`FAILURE_COLUMNS`, written by the executors (the failures of corpus
    checks by the driver, which finds them); the result then keeps the first
    :data:`KEPT_FAILURES` unwaived failures of each expectation (its counts are all of them)
    and says where the rest are (its ``failures_dataset`` key).
    """
    require_pyspark()
    started = time.perf_counter()
    engine = _engine_for(suite, now)
    outputs = _Outputs(failures_path, now=now)
    try:
        result = engine.finish(scan_dataframe(engine, df, clean, outputs=outputs), inputs, started)
        return _finish_failures(result, engine.suite, outputs, df.sparkSession)
    finally:
        outputs.close()


def failure_rows(result: RunResult) -> Iterator[tuple[Any, ...]]:
    """Every failure of ``result`` as a row of :data:`FAILURE_COLUMNS`."""
    for er in result.expectations:
        for failures in (er.failures, er.waived_failures):
            for f in failures:
                yield (
                    f.doc, f.source, f.field, er.name, f.message, f.start, f.end, f.snippet,
                    f.waiver is not None,
                )  # fmt: skip


def failures_df(result: RunResult, spark: SparkSession | None = None) -> DataFrame:
    """The failures of ``result`` as a DataFrame with the result JSON's failure columns
    (``waived``: a waiver accepted it, once :func:`scrapegate.waivers.apply_waivers` ran)."""
    spark = spark or session()
    return spark.createDataFrame(list(failure_rows(result)), FAILURE_SCHEMA)


# -- reading Hadoop URLs --------------------------------------------------------------------


def is_url(path: str) -> bool:
    """Whether Spark, not the local loaders, reads ``path`` (a Hadoop filesystem URL)."""
    return path.startswith((*URL_SCHEMES, "file://"))


def read_urls(spark: SparkSession, urls: Sequence[str], fmt: str) -> DataFrame:
    """Read Hadoop URLs with Spark's readers, each row tagged with its file and position.

    A row's source is ``URL:N``: N is the line of JSON Lines (blank lines counted) and of CSV
    (the header is line 1; exact while no cell spans lines), the row of Parquet and JSON. A
    file Spark splits into blocks (uncompressed, over spark.sql.files.maxPartitionBytes) has
    sources ``URL@BYTE:N`` for the blocks after the first, N counting from the block's start.
    """
    from pyspark.sql import functions as F

    reader = spark.read
    if fmt == "jsonl":
        df = reader.text(list(urls))
    elif fmt == "text":
        df = reader.text(list(urls), wholetext=True)
    elif fmt == "parquet":
        df = reader.parquet(*urls)
    elif fmt == "csv":
        df = reader.option("header", True).option("inferSchema", False).csv(list(urls))
    elif fmt == "json":
        df = reader.option("multiLine", True).json(list(urls))
    else:
        raise UsageError(f"--engine spark cannot read format {fmt!r} from a URL")
    df = df.select(
        "*",
        F.col("_metadata.file_path").alias("_file"),
        F.col("_metadata.file_block_start").alias("_block"),
    )
    source = F.when(F.col("_block") == 0, F.col("_file")).otherwise(
        F.concat(F.col("_file"), F.lit("@"), F.col("_block").cast("string"))
    )
    header = F.when(F.col("_block") == 0, F.lit(2)).otherwise(F.lit(1))
    first = header if fmt == "csv" else F.lit(1)
    return (
        df.withColumn(PATH_COLUMN, source).withColumn(FIRST_COLUMN, first).drop("_file", "_block")
    )


def read_kind(fmt: str) -> str:
    """How :func:`_documents` turns the rows :func:`read_urls` gives for ``fmt`` into records."""
    return fmt if fmt in ("jsonl", "text") else "rows"


def run_spark(
    suite: Suite,
    paths: Sequence[str] | None,
    fmt: str | None = None,
    master: str | None = None,
    now: datetime | None = None,
    clean: bool = False,
    group_by: str | None = None,
    views: GroupViews | None = None,
    watch: Watch | None = None,
    failures_path: str | None = None,
    routing: Routing | None = None,
) -> RunResult:
    """``check --engine spark``: the native engine's result, each part scanned in a Spark task.

    Local paths are planned as the native parallel run plans them (JSON Lines cut into
    line-aligned byte ranges) and read in the tasks by the project's loaders, so sources,
    messages and verdicts are the native ones; Hadoop URLs (s3a://, hdfs://, file://...) are
    read by Spark's readers (see :func:`read_urls`). ``failures_path`` is
    :func:`validate`'s; ``routing`` (check --quarantine/--passing) routes every record as
    the native engine does (see :func:`route_records`).
    """
    from .loaders import format_of, resolve_inputs, skipped_warning
    from .parallel import numbered, plan
    from .runner import input_paths

    require_pyspark()
    started = time.perf_counter()
    given = list(paths or ())
    urls = [p for p in given if is_url(p)]
    if urls and len(urls) != len(given):
        raise UsageError(
            "--engine spark reads either local paths or URLs (s3a://, hdfs://, file://...) in "
            "one run, not both; pass the local files as file:// URLs"
        )
    engine = Engine(suite, now, group_by, views, watch)
    spark = session(master)
    outputs = _Outputs(failures_path, routing, now)
    try:
        if urls:
            partials: list[Partial] = []
            for url in urls:
                chosen = fmt or format_of(url.rstrip("/")) or suite.documents.format
                if chosen is None:
                    raise UsageError(
                        f"{url}: cannot tell the format from the name; pass --format "
                        "(jsonl, json, csv, parquet or text)"
                    )
                df = read_urls(spark, [url], chosen)
                partials.append(scan_dataframe(engine, df, clean, read_kind(chosen), outputs))
            total = engine.merge(partials) if partials else engine.scan(())
            result = engine.finish(total, urls, started)
            return _outputs_written(result, total, engine, outputs, spark)
        chosen_paths = input_paths(suite, paths)
        skipped: list[str] = []
        walked: list[str] = []
        inputs = resolve_inputs(
            chosen_paths, fmt if paths else (fmt or suite.documents.format), skipped, walked
        )
        if any(i.path == "-" for i in inputs):
            raise UsageError(
                "-: --engine spark reads files, not standard input; save the documents to a "
                "file and pass its path"
            )
        parallelism = max(1, spark.sparkContext.defaultParallelism)
        # Numbered on the driver: each task must know the line its slice starts on.
        slices = list(numbered(plan(inputs, parallelism)))
        total = scan_slices(engine, spark, slices, clean, outputs)
        result = engine.finish(total, chosen_paths, started)
        result = _outputs_written(result, total, engine, outputs, spark)
    finally:
        outputs.close()
    unread = [*walked, *skipped_warning(skipped)]
    return replace(result, warnings=(*result.warnings, *unread)) if unread else result


def _outputs_written(
    result: RunResult, total: Partial, engine: Engine, outputs: _Outputs, spark: SparkSession
) -> RunResult:
    """``result`` once the records are routed and the driver's failures written."""
    if outputs.routing is not None:
        result = route_records(result, total, engine.suite, outputs.routing, outputs.records)
    return _finish_failures(result, engine.suite, outputs, spark)


def route_records(
    result: RunResult,
    total: Partial,
    suite: Suite,
    routing: Routing,
    records: Sequence[DataFrame],
) -> RunResult:
    """Route every record the tasks spooled, as ``check --quarantine/--passing`` does natively.

    A local destination is the native engine's file, the same bytes: the records stream
    through the driver in input order, a partition at a time. A URL destination
    (s3a://, hdfs://, file://...) is a Spark dataset folder of JSON Lines text files (part-*),
    the same lines, written by the executors. The driver holds what the failing records
    failed, as the native run does, never the records.
    """
    expected = [Expected(e.name, e.check, e.field, e.severity) for e in suite.expectations]
    # The native run's waivers: a failure they accept does not quarantine a record.
    accepted = accepted_by_waivers(suite, result) if suite.waivers else None
    routed = total.routed or {}
    quarantined = 0
    decided: dict[int, bytes | None] = {}
    for number, record in routed.items():
        waived = waived_by(record, expected, accepted)
        if is_quarantined(record, expected, waived):
            quarantined += 1
            decided[number] = quarantine_tail(record, expected, waived)
        else:
            decided[number] = None
    # Routing for the local destinations only: the URL ones are written by the executors.
    local = Routing(
        None if is_url(routing.quarantine_path or "") else routing.quarantine_path,
        None if is_url(routing.passing_path or "") else routing.passing_path,
    )
    if local.quarantine_path or local.passing_path:
        split_lines(local, _streamed(records), routed, expected, accepted)
    for path, where in ((routing.quarantine_path, "quarantine"), (routing.passing_path, "passing")):
        if path is not None and is_url(path):
            _write_routed(records, decided, where, path)
    routing.read = total.records
    routing.unreadable = len(total.unreadable)
    routing.quarantined = quarantined
    routing.passing = routing.read - routing.unreadable - quarantined
    if local.quarantine_path or local.passing_path:
        counted = (local.read, local.passing, local.quarantined, local.unreadable)
        expected_counts = (routing.read, routing.passing, routing.quarantined, routing.unreadable)
        if counted != expected_counts:
            raise RuntimeError(
                f"routing wrote {counted} records but the run read {expected_counts}"
            )
    return replace(result, extra={**result.extra, "routing": routing.to_json()})


def _streamed(records: Sequence[DataFrame]) -> Iterator[tuple[int, bytes]]:
    """The spooled lines of every scan, in input order (partitions in order, a task's lines
    in order), with their records' ordinals."""
    for frame in records:
        for row in frame.toLocalIterator():
            yield ordinal(int(row["part"]), int(row["ordinal"])), bytes(row["payload"])


def _write_routed(
    records: Sequence[DataFrame], decided: dict[int, bytes | None], where: str, url: str
) -> None:
    """Write the lines bound for ``where`` as a text dataset at ``url``, from the executors."""
    if not records:
        return
    spark = records[0].sparkSession
    # What each failing record failed (its quarantine line's tail), to every executor.
    broadcast = spark.sparkContext.broadcast(decided)
    try:
        frame = records[0]
        for more in records[1:]:
            frame = frame.unionAll(more)
        lines = frame.rdd.mapPartitions(bind(_routed_lines, broadcast, where))
        spark.createDataFrame(lines, "value string").write.mode("overwrite").text(url)
    finally:
        broadcast.unpersist()


def _routed_lines(broadcast: Any, where: str, rows: Iterable[Any]) -> Iterator[tuple[str]]:
    """The lines of ``rows`` (spooled records) that go ``where``, without their newline."""
    decided: dict[int, bytes | None] = broadcast.value
    for row in rows:
        line = bytes(row["payload"])
        tag, body = line[:1], line[1:].rstrip(b"\r\n")
        if tag == b"U":
            if where == "quarantine":
                yield (unreadable_line(body).rstrip(b"\n").decode("utf-8", "replace"),)
            continue
        tail = decided.get(ordinal(int(row["part"]), int(row["ordinal"])))
        if tail is None and where == "passing":
            yield (body.decode("utf-8", "replace"),)
        elif tail is not None and where == "quarantine":
            yield ((b'{"record":' + body + tail).rstrip(b"\n").decode("utf-8", "replace"),)

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
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial as bind
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .documents import Document, Loaded
from .engine import Engine, Partial, Transform
from .errors import UsageError
from .fingerprints import Watch
from .library.unique import UniqueState
from .library.unique import _duplicate as duplicate_violation
from .loaders._common import record_id
from .loaders.jsonl import _records as jsonl_records
from .loaders.text import _document as text_document
from .parallel import Slice, read_slice
from .registry import CorpusViolation, DocRef
from .result import RunResult
from .sitegroups import GroupViews
from .suite import Suite, load_suite

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

MISSING_PYSPARK = (
    "--engine spark needs pyspark (and Java 17): pip install 'scrapegate[spark]', "
    "and install a Java runtime (e.g. apt-get install openjdk-17-jre-headless)"
)
# Columns of failures_df and of the Parquet dataset of failures: the result JSON's names.
FAILURE_COLUMNS = ("doc", "source", "field", "expectation", "message", "start", "end", "snippet")
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


# The rows a task returns: its partial ("partial", payload set), and per unique expectation
# the first occurrence in the task of each distinct value ("first") and the later ones
# ("later"), for the Spark aggregation that finds the duplicates (see _duplicates).
ROW_SCHEMA = (
    "kind string, part long, expectation long, key long, doc string, source string, "
    "ordinal long, shown binary, payload binary"
)
Row = tuple[str, int, int, int, str | None, str | None, int, bytes | None, bytes | None]


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
                None if doc is None else pickle.dumps(shown), None,
            )  # fmt: skip
        for key, doc, shown in state.later:
            yield (
                "later", index, number, _signed(key), doc.id, doc.source, doc.ordinal,
                pickle.dumps(shown), None,
            )  # fmt: skip
        tally.state = UniqueState(keeps_first_details=state.first_details is not None)


def _task_rows(found: Partial, index: int) -> Iterator[Row]:
    yield from _detach_unique(found, index)
    payload = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
    yield ("partial", index, -1, 0, None, None, -1, None, payload)


def _scan_slices(
    broadcast: Any, id_field: str | None, cwd: str, jobs: Iterable[tuple[int, Slice]]
) -> Any:
    """A task over local slices: each read by the project's loaders and scanned."""
    engine, transform = _unship(broadcast.value)
    for index, piece in jobs:
        with _working_dir(cwd):
            records = read_slice(piece, id_field)
            found = engine.scan(records, transform, follows_earlier_slice=index > 0)
        yield from _task_rows(found, index)


class _Lines:
    """The lines of one file's block as a stream with ``readline``, for the JSON Lines parser."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines

    def readline(self, size: int = -1) -> bytes:
        line = next(self.lines, None)
        return b"" if line is None else line.encode("utf-8", "surrogateescape") + b"\n"


def _documents(
    batches: Iterable[Any], id_field: str | None, fallback: str, mode: str
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
            yield from jsonl_records(_Lines(row["value"] for row in group), path, id_field)
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


def _scan_arrow(broadcast: Any, id_field: str | None, mode: str, batches: Any) -> Any:
    """A task over one DataFrame partition (Arrow batches); one row out: its partial."""
    import pyarrow as pa
    from pyspark import TaskContext

    engine, transform = _unship(broadcast.value)
    context = TaskContext.get()
    index = context.partitionId() if context is not None else 0
    fallback = f"dataframe/part-{index:05d}"
    records = _documents(batches, id_field, fallback, mode)
    found = engine.scan(records, transform, follows_earlier_slice=index > 0)
    rows = list(_task_rows(found, index))
    text, number, raw = pa.string(), pa.int64(), pa.binary()
    types = {"string": text, "long": number, "binary": raw}
    schema = pa.schema([(n, types[t]) for n, t in (f.split() for f in ROW_SCHEMA.split(", "))])
    columns = [list(column) for column in zip(*rows, strict=True)]
    yield pa.RecordBatch.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
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


def _fold(engine: Engine, rows: DataFrame) -> Partial:
    """The tasks' partials folded in input order, as the native parallel run folds them;
    unique's duplicates found by a Spark aggregation."""
    from pyspark.sql import functions as F

    rows.persist()
    try:
        parts = rows.where(F.col("kind") == "partial").select("part", "payload").collect()
        duplicates = (
            _duplicates(rows) if any(e.check == "unique" for e in engine.suite.expectations) else []
        )
    finally:
        rows.unpersist()
    total: Partial | None = None
    for part in sorted(parts, key=lambda row: int(row["part"])):
        found: Partial = pickle.loads(part["payload"])
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
    engine: Engine, df: DataFrame, clean: bool = False, mode: str = "dataframe"
) -> Partial:
    """Scan every partition of ``df`` in its executors; the partials folded in order."""
    spark = df.sparkSession
    broadcast = spark.sparkContext.broadcast(_ship(engine, clean))
    try:
        task = bind(_scan_arrow, broadcast, engine.suite.documents.id, mode)
        return _fold(engine, df.mapInArrow(task, ROW_SCHEMA))
    finally:
        broadcast.unpersist()


def scan_slices(
    engine: Engine, spark: SparkSession, slices: Sequence[Slice], clean: bool = False
) -> Partial:
    """Scan local slices (:func:`scrapegate.parallel.plan`), one Spark task each."""
    context = spark.sparkContext
    broadcast = context.broadcast(_ship(engine, clean))
    try:
        task = bind(_scan_slices, broadcast, engine.suite.documents.id, os.getcwd())
        jobs = list(enumerate(slices))
        rows = context.parallelize(jobs, max(1, len(jobs))).mapPartitions(task)
        return _fold(engine, spark.createDataFrame(rows, ROW_SCHEMA))
    finally:
        broadcast.unpersist()


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
    :func:`run_spark` keep their ``file:line``. ``failures_path`` also writes every
    failure as a Parquet dataset (see :func:`failures_df`); ``clean`` applies the suite's
    cleaners first, as ``check --clean`` does. Waivers are not applied here, as
    with :func:`scrapegate.engine.run_suite`; the CLI applies them.
    """
    require_pyspark()
    started = time.perf_counter()
    engine = _engine_for(suite, now)
    result = engine.finish(scan_dataframe(engine, df, clean), inputs, started)
    if failures_path is not None:
        failures_df(result, df.sparkSession).write.mode("overwrite").parquet(failures_path)
    return result


def failure_rows(result: RunResult) -> Iterator[tuple[Any, ...]]:
    """Every failure of ``result`` as a row of :data:`FAILURE_COLUMNS`."""
    for er in result.expectations:
        for failures in (er.failures, er.waived_failures):
            for f in failures:
                yield (f.doc, f.source, f.field, er.name, f.message, f.start, f.end, f.snippet)


def failures_df(result: RunResult, spark: SparkSession | None = None) -> DataFrame:
    """The failures of ``result`` as a DataFrame with the result JSON's failure columns."""
    spark = spark or session()
    schema = (
        "doc string, source string, field string, expectation string, message string, "
        "start long, end long, snippet string"
    )
    return spark.createDataFrame(list(failure_rows(result)), schema)


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
) -> RunResult:
    """``check --engine spark``: the native engine's result, each part scanned in a Spark task.

    Local paths are planned as the native parallel run plans them (JSON Lines cut into
    line-aligned byte ranges) and read in the tasks by the project's loaders, so sources,
    messages and verdicts are the native ones; Hadoop URLs (s3a://, hdfs://, file://...) are
    read by Spark's readers (see :func:`read_urls`).
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
            partials.append(scan_dataframe(engine, df, clean, read_kind(chosen)))
        total = engine.merge(partials) if partials else engine.scan(())
        return engine.finish(total, urls, started)
    chosen_paths = input_paths(suite, paths)
    skipped: list[str] = []
    walked: list[str] = []
    inputs = resolve_inputs(
        chosen_paths, fmt if paths else (fmt or suite.documents.format), skipped, walked
    )
    if any(i.path == "-" for i in inputs):
        raise UsageError(
            "-: --engine spark reads files, not standard input; save the documents to a file "
            "and pass its path"
        )
    parallelism = max(1, spark.sparkContext.defaultParallelism)
    # Numbered on the driver: each task must know the line its slice starts on.
    slices = list(numbered(plan(inputs, parallelism)))
    total = scan_slices(engine, spark, slices, clean)
    result = engine.finish(total, chosen_paths, started)
    unread = [*walked, *skipped_warning(skipped)]
    return replace(result, warnings=(*result.warnings, *unread)) if unread else result

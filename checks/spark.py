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
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial as bind
from itertools import groupby, islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

from .atomic import unfinished_outputs
from .documents import Document, Loaded
from .engine import Engine, Partial, Transform
from .errors import UsageError
from .escaping import printable
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
    '--engine spark needs pyspark (and Java 17): pip install "scrapegate[spark]", '
    "and install a Java runtime (e.g. apt-get install openjdk-17-jre-headless)"
)
# The native engine's refusal (scrapegate.runner.run_paths), word for word.
ROUTED_SAMPLE = (
    "--quarantine and --passing route every record read, and --sample checks only some of "
    "them: the records left out would be in neither file; drop --sample"
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


def session(master: str | None = None, quiet: bool = False) -> SparkSession:
    """The active SparkSession, else a new one (``master`` or spark-submit's, else local[*]).

    A session started here checks Java and ``master`` first (exit 2 naming the problem, not
    Java's stack trace), keeps Spark's console output to errors (nothing with ``quiet``) and
    shows no progress bars of its own.
    """
    require_pyspark()
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    # pyspark warns about the pandas version on every Arrow job: nothing a user of the CLI
    # can act on (the spark extra pins what pyspark runs with).
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("scrapegate")
    if master is not None:
        check_master(master)
        builder = builder.master(master)
    elif not _launched_with_master():
        builder = builder.master("local[*]")
    if SparkContext._active_spark_context is not None or os.environ.get("PYSPARK_GATEWAY_PORT"):
        return builder.getOrCreate()  # Java runs already: its console is its launcher's
    check_java()
    _quiet_logging(quiet)
    if (master is None and not _launched_with_master()) or (master or "").startswith("local"):
        # Local tasks run on this machine: with this Python, which has scrapegate, not the
        # first python3 on PATH (pipx, or a virtualenv run without activating it).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    failure: Exception | None = None
    with _java_console(quiet) as console:
        try:
            spark = builder.getOrCreate()
        except Exception as exc:
            failure = exc
    if failure is not None:
        raise start_failure(str(failure), console, master) from failure
    console.go_live()
    spark.sparkContext.setLogLevel("OFF" if quiet else "ERROR")
    return spark


def start_failure(text: str, console: _JavaConsole, master: str | None) -> Exception:
    """Why Spark did not start (``text``: its exception), as a user reads it."""
    if "JAVA_GATEWAY_EXITED" in text:
        why = console.reason()
        return UsageError(
            "Spark could not start: Java exited before it was ready"
            + (f" ({printable(why)})" if why else "")
            + "; check JAVA_HOME, --spark-master and PYSPARK_SUBMIT_ARGS"
        )
    if "stopped SparkContext" in text or any("masters are unresponsive" in h for h in console.held):
        # A standalone master that never answered: Spark gives up after a minute of retries.
        return UsageError(
            f"--spark-master {printable(master or '(from PYSPARK_SUBMIT_ARGS)')}: no Spark master "
            "answered there, and Spark gave up after its retries; check the host and port "
            "(spark://HOST:7077, as the master's web page shows it) and that the master runs"
        )
    problem = user_problem(text)
    return UsageError(problem) if problem else SparkFailed(printable(_first_line(text)))


def _launched_with_master() -> bool:
    """Whether Spark's launcher chose the master: spark-submit (and the pyspark shell) start
    the JVM before Python and pass it this way; PYSPARK_SUBMIT_ARGS may name one too."""
    if os.environ.get("PYSPARK_GATEWAY_PORT"):
        return True
    return "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", "")


# The master URLs Spark accepts (SparkSubmit and SparkContext.createTaskScheduler).
MASTER_URL = re.compile(
    r"local(\[(\*|[1-9]\d*)(,\s*[1-9]\d*)?\])?"
    r"|local-cluster\[\s*[1-9]\d*\s*,\s*[1-9]\d*\s*,\s*[1-9]\d*\s*\]"
    r"|spark://[^\s/,]+(,[^\s/,]+)*"
    r"|yarn"
    r"|k8s://\S+"
)


def check_master(master: str) -> None:
    """Refuse a --spark-master value Spark would reject with a stack trace."""
    if MASTER_URL.fullmatch(master.strip()) is None:
        raise UsageError(
            f"--spark-master {printable(master)!r} is not a Spark master URL; use local[*] "
            "(or local[N]), spark://HOST:7077, yarn or k8s://https://HOST:PORT, or leave it "
            "out to run locally (spark-submit passes its own)"
        )


# Spark 4 runs on Java 17 and 21; Spark 3 on 8, 11 and 17.
def _java_needed() -> int:
    from pyspark import __version__

    return 17 if int(__version__.split(".")[0]) >= 4 else 8


def check_java() -> None:
    """Refuse to start Spark without a Java it runs on, as Spark's launcher finds it."""
    needed = _java_needed()
    install = (
        f"install Java {needed} (e.g. apt-get install openjdk-17-jre-headless) and set "
        "JAVA_HOME to it"
    )
    home = os.environ.get("JAVA_HOME")
    if home:
        java: str | None = os.path.join(home, "bin", "java")
        if not os.access(str(java), os.X_OK):
            raise UsageError(
                f"JAVA_HOME is {printable(home)}, which has no bin/java: set JAVA_HOME to a "
                f"Java {needed} or later installation, or unset it to use the java on PATH; "
                f"or {install}"
            )
    else:
        java = shutil.which("java")
        if java is None:
            raise UsageError(
                f"--engine spark needs Java {needed} or later, and there is no java on PATH "
                f"and no JAVA_HOME: {install}"
            )
    version = _java_version(str(java))
    if version is not None and version < needed:
        where = f"JAVA_HOME={home}" if home else f"{java} (from PATH)"
        raise UsageError(
            f"--engine spark needs Java {needed} or later, and {printable(where)} is Java "
            f"{version}: {install}"
        )


def _java_version(java: str) -> int | None:
    """The major version of ``java``: from its installation's ``release`` file, else from
    ``java -version``; None when neither says."""
    release = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(java))), "release")
    text = ""
    try:
        with open(release, encoding="utf-8", errors="replace") as fh:
            text = fh.read(4096)
    except OSError:
        try:
            ran = subprocess.run(
                [java, "-version"], capture_output=True, text=True, timeout=30, check=False
            )
            text = ran.stderr + ran.stdout
        except (OSError, subprocess.SubprocessError):
            return None
    found = re.search(r'version\s*[=:]?\s*"(\d+)(?:\.(\d+))?', text, re.IGNORECASE)
    if found is None:
        return None
    major = int(found[1])
    return int(found[2] or 0) if major == 1 else major  # "1.8.0_392" is Java 8


def _quiet_logging(quiet: bool) -> None:
    """Spark's log4j output kept to errors (off with ``quiet``), from its first line on.

    ``setLogLevel`` comes too late for the warnings Spark logs while starting; a log4j
    configuration passed in the environment the JVM inherits does not. A configuration of
    the user's own (LOG4J_CONFIGURATION_FILE, or log4j2.properties in Spark's conf folder)
    is kept.
    """
    os.environ["SCRAPEGATE_SPARK_LOG_LEVEL"] = "off" if quiet else "error"
    conf = os.environ.get("SPARK_CONF_DIR") or os.path.join(
        os.environ.get("SPARK_HOME", os.sep + "nonexistent"), "conf"
    )
    if os.environ.get("LOG4J_CONFIGURATION_FILE") or os.path.exists(
        os.path.join(conf, "log4j2.properties")
    ):
        return
    os.environ["LOG4J_CONFIGURATION_FILE"] = os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "spark_log4j2.properties"
    )


# What Java prints on its own console that is no use to a scrapegate user: the JVM's note on
# the vector module Spark enables, and the frames of a stack trace.
JAVA_NOISE = re.compile(
    r"WARNING: Using incubator modules|Setting default log level|To adjust logging level"
    r"|\s+at |\s+\.\.\. \d+ more|Using Spark's default log4j profile"
)


class _JavaConsole:
    """What Java prints on its console: held while it starts (a failed start is explained
    by its reason alone, not spark-submit's usage text or a stack trace), then passed on
    without its noise, or not at all with ``quiet``."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.held: list[str] = []
        self.live = False
        self.lock = threading.Lock()
        self.out: Any = None
        self.closed = threading.Event()

    def take(self, line: str) -> None:
        with self.lock:
            if not self.live:
                if len(self.held) < 1000:
                    self.held.append(line)
                return
        self._show(line)

    def go_live(self) -> None:
        """Java is up: pass on what it said while starting, and what it says from now on."""
        with self.lock:
            held, self.held, self.live = self.held, [], True
        for line in held:
            self._show(line)

    def reason(self) -> str:
        """The line that says why Java stopped while starting, or ""."""
        self.closed.wait(5)  # Java has exited: its last lines are on their way (or here)
        for line in self.held:
            if re.match(r"\s*(Error|Exception)\b|\S+(Exception|Error): ", line):
                return line.strip()[:300]
        return ""

    def _show(self, line: str) -> None:
        if self.quiet or self.out is None or JAVA_NOISE.match(line):
            return
        try:
            self.out.write(printable(line.rstrip("\n"), keep="\t").encode() + b"\n")
        except OSError:
            self.out = None


@contextmanager
def _java_console(quiet: bool) -> Iterator[_JavaConsole]:
    """Java's console output (the JVM writes to file descriptor 2 directly), through a
    :class:`_JavaConsole`.

    The JVM started meanwhile inherits a pipe as its stderr for its whole life, and a thread
    copies the pipe to the real stderr.
    """
    console = _JavaConsole(quiet)
    try:
        sys.stderr.flush()
        reader, writer = os.pipe()
        real = os.dup(2)
    except (OSError, ValueError):
        console.live = True
        console.closed.set()
        yield console
        return

    def copy() -> None:
        with os.fdopen(reader, "rb") as lines, os.fdopen(real, "wb", buffering=0) as out:
            console.out = out
            for raw in lines:
                console.take(raw.decode("utf-8", "replace"))
        console.closed.set()

    saved = os.dup(2)
    os.dup2(writer, 2)
    os.close(writer)
    threading.Thread(target=copy, name="scrapegate-java-console", daemon=True).start()
    try:
        yield console
    finally:
        os.dup2(saved, 2)
        os.close(saved)


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
class _Keep:
    """Which records a --sample run keeps: the sorted indices of the chosen records in the
    whole input, and where each part's records start in it."""

    chosen: tuple[int, ...]
    starts: dict[int, int]


def _kept(records: Iterable[Loaded], keep: _Keep | None, part: int) -> Iterable[Loaded]:
    if keep is None:
        return records
    start = keep.starts.get(part, 0)
    wanted = set(keep.chosen[bisect_left(keep.chosen, start) :])
    return (record for index, record in enumerate(records, start) if index in wanted)


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
    # The part index of the first partition or slice: parts count on across the inputs, so
    # that the partials fold in the order the inputs were given.
    offset: int = 0
    # The records a --sample run keeps (None: all of them).
    keep: _Keep | None = None


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
                records = _kept(
                    read_slice(piece, id_field, keep_raw=wanted.route), wanted.keep, index
                )
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
    """A task over one DataFrame partition (Arrow batches): its partial and wanted rows. Its
    part is ``wanted.offset`` (the parts of the inputs before this DataFrame) plus its
    partition."""
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
        records = _kept(
            _documents(batches, id_field, fallback, mode, keep_raw=wanted.route),
            wanted.keep,
            index,
        )
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
        # Where Java writes it: a relative local path means the driver's working directory,
        # and the JVM's may be another (a session started before a chdir).
        self.failures_target = (
            failures_path
            if failures_path is None or is_url(failures_path)
            else os.path.abspath(failures_path)
        )
        self.routing = routing
        self.now = now
        # The failures the tasks kept in their partials: they wrote them already.
        self.sampled: Counter[Failure] = Counter()
        # Per scan, its record rows (routing), in input order.
        self.records: list[DataFrame] = []
        self.persisted: list[DataFrame] = []
        self.writes = 0
        # Unwaived failures written per expectation (by name).
        self.unwaived: Counter[str] = Counter()

    def wanted(self, offset: int = 0, keep: _Keep | None = None) -> _Wanted:
        """What the tasks of a scan whose parts are numbered from ``offset`` return."""
        return _Wanted(
            failures=self.failures_path is not None,
            kept=KEPT_FAILURES,
            route=self.routing is not None,
            now=self.now,
            offset=offset,
            keep=keep,
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


def _fold(
    engine: Engine, rows: DataFrame, outputs: _Outputs, counts: dict[int, int] | None = None
) -> Partial:
    """The tasks' partials folded in input order, as the native parallel run folds them;
    unique's duplicates found by a Spark aggregation; the tasks' failure rows written.
    ``counts`` gets each part's records.

    The rows are persisted: the tasks run once, whatever is read from them (the failure
    rows written, the partials collected, the records routed after the run).
    """
    from pyspark.sql import functions as F

    rows.persist()
    outputs.persisted.append(rows)
    if outputs.failures_target is not None:
        failures = rows.where(F.col("kind") == "failure").select(
            "doc", "source", "field", F.col("name").alias("expectation"), "message",
            "start", "end", "snippet", "waived",
        )  # fmt: skip
        unfinished_outputs.add(f"--failures-dataset {outputs.failures_path}")
        failures.write.mode(outputs.write_mode()).parquet(outputs.failures_target)
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
        if counts is not None:
            counts[int(part["part"])] = found.records
        if outputs.failures_path is not None:
            accepted = _acceptance(engine, found, outputs.now)
            # Trims ``found``; the failures themselves were written by its task.
            for _ in _sample(engine, found, accepted, taken, KEPT_FAILURES):
                pass
            outputs.sampled.update(found.unreadable)
            for tally in found.tallies:
                outputs.sampled.update(tally.failures)
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
        return _fold(engine, _frame_rows(broadcast, engine, df, mode, outputs.wanted()), outputs)
    finally:
        broadcast.unpersist()


def _frame_rows(
    broadcast: Any, engine: Engine, df: DataFrame, mode: str, wanted: _Wanted
) -> DataFrame:
    """The rows (:data:`ROW_SCHEMA`) of scanning ``df``, its parts numbered from
    ``wanted.offset``."""
    task = bind(_scan_arrow, broadcast, engine.suite.documents.id, mode, wanted)
    return df.mapInArrow(task, ROW_SCHEMA)


def _slice_rows(
    broadcast: Any, engine: Engine, spark: SparkSession, slices: Sequence[Slice], wanted: _Wanted
) -> DataFrame:
    """The rows of scanning local ``slices``, one task each, numbered from ``wanted.offset``."""
    task = bind(_scan_slices, broadcast, engine.suite.documents.id, os.getcwd(), wanted)
    jobs = list(enumerate(slices, wanted.offset))
    rows = spark.sparkContext.parallelize(jobs, max(1, len(jobs))).mapPartitions(task)
    return spark.createDataFrame(rows, ROW_SCHEMA)


def _finish_failures(
    result: RunResult, suite: Suite, outputs: _Outputs, spark: SparkSession
) -> RunResult:
    """Write the failures found on the driver (corpus checks, deferred dates) to the dataset
    the tasks wrote theirs to; keep the first KEPT_FAILURES unwaived failures per expectation
    (and every waived one: applying the waivers counts them) in the result."""
    path, target = outputs.failures_path, outputs.failures_target
    if path is None or target is None:
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
        written = spark.createDataFrame(rows, FAILURE_SCHEMA).write.mode(outputs.write_mode())
        written.parquet(target)
    unfinished_outputs.discard(f"--failures-dataset {path}")
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
    *,
    quiet: bool = False,
    sample: int | None = None,
    seed: int = 0,
) -> RunResult:
    """``check --engine spark``: the native engine's result, each part scanned in a Spark task.

    Local paths are planned as the native parallel run plans them (JSON Lines cut into
    line-aligned byte ranges) and read in the tasks by the project's loaders, so sources,
    messages and verdicts are the native ones; Hadoop URLs (s3a://, hdfs://, file://...) are
    read by Spark's readers (see :func:`read_urls`). Both may be given in one run: every
    part of every input is one job's task, folded in the order the inputs were given.
    ``failures_path`` is :func:`validate`'s; ``routing`` (check --quarantine/--passing)
    routes every record as the native engine does (see :func:`route_records`); both are
    written from that one fold. ``sample`` checks the records the native engine's
    ``--sample`` draws with ``seed`` (with ``routing``, refused as the native engine refuses
    it). What the user can fix (a missing path, a filesystem without its connector, Java,
    the master) is a UsageError naming it, checked before Spark starts where it can be.
    """
    from .loaders import resolve_inputs, skipped_warning

    require_pyspark()
    started = time.perf_counter()
    if routing is not None and sample is not None:
        raise UsageError(ROUTED_SAMPLE)
    chosen = ordered_inputs(suite, paths)
    skipped: list[str] = []
    walked: list[str] = []
    # The inputs in the order given: runs of local paths (planned together, as the native
    # engine plans them) and URLs (read by Spark), each checked before Spark starts.
    groups: list[tuple[str, Any]] = []
    for is_remote, run in groupby(chosen, key=is_url):
        if is_remote:
            groups.extend(("url", (url, _url_format(url, fmt, suite))) for url in run)
            continue
        inputs = resolve_inputs(
            list(run), fmt if paths else (fmt or suite.documents.format), skipped, walked
        )
        if any(i.path == "-" for i in inputs):
            raise UsageError(
                "-: --engine spark reads files, not standard input; save the documents to a "
                "file and pass its path"
            )
        groups.append(("local", inputs))
    engine = Engine(suite, now, group_by, views, watch)
    spark = session(master, quiet)
    outputs = _Outputs(failures_path, routing, now)
    try:
        with spark_errors():
            scans = _planned(spark, groups)
            keep, counted = None, None
            if sample is not None:
                keep, counted = _draw_sample(spark, scans, suite, now, clean, sample, seed)
            total = _scan_all(spark, engine, scans, clean, outputs, keep)
            result = engine.finish(total, chosen, started)
            if sample is not None:
                from .runner import sampled_result

                # Before the driver's failures are written: the dataset then holds the
                # count expectations' failures the result shows (those of every record).
                result = sampled_result(result, counted, sample, seed)
            result = _outputs_written(result, total, engine, outputs, spark)
    finally:
        outputs.close()
    unread = [*walked, *skipped_warning(skipped)]
    return replace(result, warnings=(*result.warnings, *unread)) if unread else result


def ordered_inputs(suite: Suite, paths: Sequence[str] | None) -> list[str]:
    """The inputs of a run in the order given: local paths as the native engine spells
    them (a missing one is a UsageError naming it), URLs as given."""
    from .runner import input_paths

    if not paths:
        return input_paths(suite, None)
    local = [p for p in paths if not is_url(p)]
    spelt = iter(input_paths(suite, local) if local else ())
    return [p if is_url(p) else next(spelt) for p in paths]


def _url_format(url: str, fmt: str | None, suite: Suite) -> str:
    """The format Spark reads ``url`` in; a file:// URL that names no file is refused here,
    before Spark starts (Spark says "Path does not exist" with a Java stack trace)."""
    from urllib.parse import unquote, urlparse

    from .loaders import format_of

    if url.startswith("file:"):
        local = unquote(urlparse(url).path)
        if not any(c in local for c in "*?[{") and not os.path.exists(local):
            raise UsageError(
                f"{printable(url)}: no such file or directory ({printable(local)}); check the "
                "path (a file:// URL is absolute: file:///home/me/crawl.jsonl)"
            )
    chosen = fmt or format_of(url.rstrip("/")) or suite.documents.format
    if chosen is None:
        raise UsageError(
            f"{printable(url)}: cannot tell the format from the name; pass --format "
            "(jsonl, json, csv, parquet or text)"
        )
    return chosen


# One input's scan: ("local", slices, first part) or ("url", (DataFrame, mode), first part).
_Scan = tuple[str, Any, int]


def _planned(spark: SparkSession, groups: list[tuple[str, Any]]) -> list[_Scan]:
    """Each group's slices or DataFrame, and the number of its first part (parts count on
    across the inputs, so that the partials fold in the order the inputs were given)."""
    from .parallel import numbered, plan

    parallelism = max(1, spark.sparkContext.defaultParallelism)
    scans: list[_Scan] = []
    first = 0
    for kind, what in groups:
        if kind == "local":
            # Numbered on the driver: each task must know the line its slice starts on.
            slices = list(numbered(plan(what, parallelism)))
            scans.append(("local", slices, first))
            first += len(slices)
        else:
            url, chosen = what
            df = read_urls(spark, [url], chosen)
            scans.append(("url", (df, read_kind(chosen)), first))
            first += df.rdd.getNumPartitions()
    return scans


def _scan_all(
    spark: SparkSession,
    engine: Engine,
    scans: list[_Scan],
    clean: bool,
    outputs: _Outputs,
    keep: _Keep | None = None,
    counts: dict[int, int] | None = None,
) -> Partial:
    """Every input scanned in one Spark job (one task per part), folded in input order; the
    duplicates of ``unique`` found across all of them at once, and the tasks' ``outputs``
    (failure rows, records to route) taken from that one fold."""
    from functools import reduce

    broadcast = spark.sparkContext.broadcast(_ship(engine, clean))
    try:
        frames = [
            _slice_rows(broadcast, engine, spark, what, outputs.wanted(first, keep))
            if kind == "local"
            else _frame_rows(broadcast, engine, what[0], what[1], outputs.wanted(first, keep))
            for kind, what, first in scans
        ]
        if not frames:
            return engine.scan(())
        return _fold(engine, reduce(lambda a, b: a.unionAll(b), frames), outputs, counts)
    finally:
        broadcast.unpersist()


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


def _draw_sample(
    spark: SparkSession,
    scans: list[_Scan],
    suite: Suite,
    now: datetime | None,
    clean: bool,
    size: int,
    seed: int,
) -> tuple[_Keep, RunResult | None]:
    """The records ``--sample`` keeps, and the ``count`` expectations run on every record.

    The native engine draws its sample with a seeded reservoir over the records in input
    order, which depends only on their number: a first pass counts each part's records (and
    runs the suite's ``count`` expectations on all of them, as the native sample does), the
    driver draws the same indices, and the second pass keeps those.
    """
    from .runner import Reservoir

    counts_only = tuple(e for e in suite.expectations if e.check == "count")
    counter = Engine(replace(suite, expectations=counts_only), now)
    cleaned = clean and any(e.where is not None for e in counts_only)
    per_part: dict[int, int] = {}
    counting = _Outputs()  # the first pass writes nothing
    try:
        found = _scan_all(spark, counter, scans, cleaned, counting, counts=per_part)
    finally:
        counting.close()
    reservoir = Reservoir(size, seed)
    for _ in range(found.records):
        reservoir.offer(cast(Any, None))  # the draw depends on the records' number alone
    starts: dict[int, int] = {}
    at = 0
    for part in sorted(per_part):
        starts[part] = at
        at += per_part[part]
    keep = _Keep(tuple(sorted(index for index, _ in reservoir.kept)), starts)
    counted = counter.finish(found, (), time.perf_counter()) if counts_only else None
    return keep, counted


# -- what Spark says, for a user ------------------------------------------------------------


class SparkFailed(RuntimeError):
    """Spark failed for a reason scrapegate does not recognise (exit 3): its first line."""


# Hadoop's filesystem classes by the connector package that has them (Maven coordinates;
# {hadoop} is the version of Hadoop Spark ships, which the connector must match).
CONNECTORS = (
    ("org.apache.hadoop.fs.s3a.", "s3a://", "org.apache.hadoop:hadoop-aws:{hadoop}"),
    (
        "org.apache.hadoop.fs.azurebfs.",
        "abfs:// and abfss://",
        "org.apache.hadoop:hadoop-azure:{hadoop}",
    ),
    (
        "org.apache.hadoop.fs.azure.",
        "wasb:// and wasbs://",
        "org.apache.hadoop:hadoop-azure:{hadoop}",
    ),
    ("org.apache.hadoop.fs.gs.", "gs://", "org.apache.hadoop:hadoop-gcp:{hadoop}"),
    (
        "com.google.cloud.hadoop.fs.gcs.",
        "gs://",
        "com.google.cloud.bigdataoss:gcs-connector:hadoop3-2.2.26",
    ),
)


@contextmanager
def spark_errors() -> Iterator[None]:
    """Spark's errors as a user reads them: what to fix (exit 2) for the causes a user can
    fix, else the first line of Java's message (exit 3), never its stack trace."""
    try:
        yield
    except Exception as exc:
        # Py4JError or PySparkException (or a subclass), without importing py4j's untyped
        # module for the isinstance.
        if not any(c.__module__.startswith(("py4j.", "pyspark.")) for c in type(exc).__mro__):
            raise
        text = str(exc)
        problem = user_problem(text)
        if problem is not None:
            raise UsageError(problem) from None
        raise SparkFailed(printable(_first_line(text))) from exc


def user_problem(text: str) -> str | None:
    """What a user should do about Spark's error ``text``, or None when it is not theirs."""
    missing = re.search(r"Path does not exist: (\S+?)\.?(?:\s+SQLSTATE|\s*$)", text, re.M)
    if missing:
        return (
            f"{printable(missing[1])}: no such file or folder (Spark found nothing there); "
            "check the URL (bucket, prefix, glob) and that these credentials may list it"
        )
    absent = re.search(r"ClassNotFoundException: Class (\S+) not found", text)
    if absent:
        for prefix, schemes, package in CONNECTORS:
            if absent[1].startswith(prefix):
                return _connector_problem(schemes, package, absent[1])
    scheme = re.search(r'No FileSystem for scheme "([^"]+)"', text)
    if scheme:
        name = printable(scheme[1])
        if name in ("s3", "s3n"):
            # s3:// is EMR's own filesystem (EMRFS); elsewhere S3 is Hadoop's s3a://.
            return (
                f"{name}:// is not a filesystem Spark knows here (only EMR provides s3://): "
                "write the URL as s3a://, and add Hadoop's S3 connector if s3a:// is missing "
                "too (PYSPARK_SUBMIT_ARGS='--packages org.apache.hadoop:hadoop-aws:VERSION "
                "pyspark-shell', VERSION being Spark's Hadoop version)"
            )
        return (
            f"{name}:// is not a filesystem Spark knows here: add the Hadoop connector "
            f"for {name}:// to Spark's classpath (PYSPARK_SUBMIT_ARGS='--packages GROUP:"
            "ARTIFACT:VERSION pyspark-shell', or spark.jars.packages in spark-defaults.conf)"
        )
    host = re.search(r"UnknownHostException: (\S+)", text)
    if host:
        return (
            f"cannot find the host {printable(host[1])} of an input URL; check the URL "
            "(hdfs://NAMENODE:PORT/path) and that this machine can resolve it"
        )
    module = re.search(r"No module named '(scrapegate|pyarrow|pandas)\b", text)
    if module:
        return (
            f"Spark's Python workers cannot import {module[1]}: install "
            '"scrapegate[spark]" (the version this driver runs) on every node, or set '
            "PYSPARK_PYTHON to a Python that has it"
        )
    ours = re.search(r"scrapegate\.errors\.(?:UsageError|ConfigError): (.+)", text)
    if ours:
        return printable(ours[1])
    return None


def _connector_problem(schemes: str, package: str, cls: str) -> str:
    hadoop = _hadoop_version()
    coordinates = package.format(hadoop=hadoop or "HADOOP_VERSION")
    version = f" ({hadoop} here)" if hadoop else ""
    return (
        f"{schemes} URLs need Hadoop's connector, which is not on Spark's classpath "
        f"({printable(cls)} not found): add the package {coordinates}, e.g. "
        f"PYSPARK_SUBMIT_ARGS='--packages {coordinates} pyspark-shell' scrapegate check ..., "
        "or spark.jars.packages in spark-defaults.conf, or --packages with spark-submit; its "
        f"version must match the Hadoop that Spark ships{version}"
    )


def _hadoop_version() -> str | None:
    """The version of the Hadoop client Spark runs with, from its jar's name."""
    import glob

    import pyspark

    folders = [os.path.join(os.path.dirname(pyspark.__file__), "jars")]
    if os.environ.get("SPARK_HOME"):
        folders.insert(0, os.path.join(os.environ["SPARK_HOME"], "jars"))
    for folder in folders:
        for jar in sorted(glob.glob(os.path.join(folder, "hadoop-client-api-*.jar"))):
            return os.path.basename(jar)[len("hadoop-client-api-") : -len(".jar")]
    return None


def _first_line(text: str) -> str:
    """The line of a Spark or Java error that says what happened (not where)."""
    for line in text.splitlines():
        line = line.strip().removeprefix(": ")
        if line and not line.startswith(("at ", "An error occurred while calling", "...")):
            return line[:500]
    return text[:500]

"""The progress line of ``scrapegate check`` on stderr: bytes read of the total, rate, ETA.

For files the line shows the bytes read of the sum of the input sizes (compressed bytes for
gzip), MB/s, documents per second and the time left; for standard input, which has no size,
the documents checked and their rate. It is drawn by a thread of its own at most ten times a
second on a terminal (once a second into a file or a pipe), from counters the run keeps
anyway (scrapegate.loaders.meter, the engine's record count): the scan does no extra work.

It is written to stderr only, never into stdout or a report. Shown on a terminal once a run
has lasted a second (a short run prints nothing), or always with ``--progress``, where it
ends with the final totals; ``--no-progress``, ``-q`` and ``CI`` (without ``--progress``)
turn it off. Hand-written rather than ``rich.progress``: one line needs no layout engine,
and importing it would cost every run start-up time.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import Any, TextIO

from ..loaders.meter import METER, ReadMeter
from ..wording import plural

TERMINAL_INTERVAL_S = 0.1
LOG_INTERVAL_S = 1.0
# On a terminal without --progress the line appears once a run has lasted this long.
QUIET_START_S = 1.0

# Held while a line is written. A parallel run forks its workers while the line's thread
# runs; a fork in the middle of a write would leave the child a copy of stderr's buffer lock
# held by a thread it does not have. Forks wait for the write in progress (microseconds).
_WRITING = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(
        before=_WRITING.acquire,
        after_in_parent=_WRITING.release,
        after_in_child=_WRITING.release,
    )


def wanted(option: bool | None, quiet: bool, stderr_is_terminal: bool) -> bool:
    """Whether to show the line: --progress / --no-progress, else a terminal outside CI."""
    if option is not None:
        return option
    in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return stderr_is_terminal and not quiet and not in_ci


def amount(count: int) -> str:
    """Bytes in decimal units, as rates in MB/s are: ``384.0 MB``, ``12.5 kB``."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return plural(count, "byte")


def duration(seconds: float) -> str:
    """``8 s``, ``3 min 20 s``, ``2 h 5 min``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


class ProgressLine:
    """The engine's progress callback, and the thread that draws what it and the meter say."""

    def __init__(
        self,
        stream: TextIO,
        *,
        terminal: bool,
        forced: bool,
        meter: ReadMeter = METER,
    ) -> None:
        self.stream = stream
        self.terminal = terminal
        self.forced = forced
        self.meter = meter
        self.records = 0
        self.started = time.monotonic()
        self.drawn = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, records: int) -> None:
        """The engine's callback: documents checked so far (every so many, and at the end)."""
        self.records = max(self.records, records)

    def start(self) -> ProgressLine:
        """Start drawing (a daemon thread: it never keeps a finished or failed run alive)."""
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._loop, name="scrapegate-progress", daemon=True)
        self._thread.start()
        return self

    def close(self, finished: bool = True) -> None:
        """Stop drawing; write the final totals if the line was shown (or asked for)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if finished and (self.drawn or self.forced):
            self._write(self.line(final=True), final=True)
        elif self.drawn and self.terminal:
            self._write("", final=True)  # a failed run: clear the line, say nothing more

    def counts(self) -> tuple[int, int]:
        """Bytes read and documents checked, by this process and any workers."""
        read, records = self.meter.read(), self.records
        shared = self.meter.shared
        if shared is not None:
            by_workers, checked = shared.totals()
            read, records = read + by_workers, max(records, checked)
        return read, records

    def line(self, final: bool = False) -> str:
        """The line as it is now (``final``: the totals once the run is over)."""
        elapsed = max(time.monotonic() - self.started, 1e-6)
        read, records = self.counts()
        total = self.meter.total
        documents = f"{records:,} document{'' if records == 1 else 's'}"
        per_second = f"{records / elapsed:,.0f} docs/s"
        if total is None:
            if final:
                return f"progress: {documents} checked in {duration(elapsed)}, {per_second}"
            return f"progress: {documents} checked, {per_second}"
        read = min(read, total)
        percent = 100 if read >= total else int(100 * read / total)
        rate = f"{read / elapsed / 1e6:.1f} MB/s"
        done = f"{amount(read)} of {amount(total)} ({percent}%)"
        if final:
            return (
                f"progress: read {done} in {duration(elapsed)}, {rate}, {documents}, {per_second}"
            )
        eta = ""
        if read and read < total and elapsed >= 0.5:
            eta = f", ETA {duration((total - read) * elapsed / read)}"
        return f"progress: read {done}, {rate}, {documents}, {per_second}{eta}"

    def _loop(self) -> None:
        interval = TERMINAL_INTERVAL_S if self.terminal else LOG_INTERVAL_S
        delay = 0.0 if self.forced else QUIET_START_S
        while not self._stop.wait(interval):
            if time.monotonic() - self.started >= delay:
                self._write(self.line(), final=False)
                self.drawn = True

    def _write(self, text: str, final: bool) -> None:
        with _WRITING:
            self._write_now(text, final)

    def _write_now(self, text: str, final: bool) -> None:
        try:
            if self.terminal:
                # Redrawn in place: back to the line's start, the text, clear what is left.
                self.stream.write(f"\r{text}\x1b[K" + ("\n" if final and text else ""))
                if final and not text:
                    self.stream.write("\r")
            else:
                self.stream.write(text + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            self._stop.set()  # stderr closed or gone: the run goes on without the line


class SparkProgressLine(ProgressLine):
    """``--engine spark``'s line: the tasks Spark has done of those its jobs have planned.

    The records are read in Spark's executors, so nothing is counted in this process; Spark's
    status tracker (polled by the line's thread, and once more for the final line) says how
    many tasks of the stages of the run's jobs are done: every job since the line started.
    """

    def __init__(self, stream: TextIO, *, terminal: bool, forced: bool) -> None:
        # Drawn on a copy of stderr's file descriptor: while Java starts, descriptor 2 is a
        # pipe that holds Java's console output (scrapegate.spark), not the terminal.
        self.own: TextIO | None = None
        # Without a descriptor (a test's StringIO) the line is drawn on the stream itself.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.own = os.fdopen(os.dup(stream.fileno()), "w", errors="replace")
        super().__init__(self.own or stream, terminal=terminal, forced=forced)
        self.earlier: set[int] = set()

    def close(self, finished: bool = True) -> None:
        try:
            super().close(finished)
        finally:
            if self.own is not None:
                self.own.close()

    def start(self) -> ProgressLine:
        tracker = _status_tracker()
        if tracker is not None:  # a session of this process ran jobs before: not this run's
            self.earlier = set(tracker.getJobIdsForGroup())
        return super().start()

    def tasks(self) -> tuple[int, int] | None:
        """Tasks done and planned so far, or None before Spark has started."""
        tracker = _status_tracker()
        if tracker is None:
            return None
        done = planned = 0
        try:
            for job in set(tracker.getJobIdsForGroup()) - self.earlier:
                info = tracker.getJobInfo(job)
                for stage in info.stageIds if info is not None else ():
                    counts = tracker.getStageInfo(stage)
                    if counts is not None:
                        done += counts.numCompletedTasks
                        planned += counts.numTasks
        except Exception:  # the JVM going away as a failed run ends: no counts to show
            return None
        return done, planned

    def line(self, final: bool = False) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        tasks = self.tasks()
        if tasks is None:
            return f"progress: starting Spark ({duration(elapsed)})"
        done, planned = tasks
        if final:
            return f"progress: {plural(done, 'Spark task')} done in {duration(elapsed)}"
        if not planned:
            return f"progress: Spark is planning the run ({duration(elapsed)})"
        return f"progress: {done:,} of {plural(planned, 'Spark task')} done, {duration(elapsed)}"


def _status_tracker() -> Any:
    """Spark's status tracker, or None while no Spark runs in this process."""
    try:
        from pyspark import SparkContext
    except ImportError:  # the run stops at once, saying what to install
        return None
    context = SparkContext._active_spark_context
    try:
        return None if context is None else context.statusTracker()
    except Exception:  # a context still starting (no Java side yet) or stopping
        return None

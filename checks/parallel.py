"""Parallel runs: each worker process reads its own slice of the input and checks it.

A large JSON Lines file is cut into line-aligned byte ranges (each with its first line
number, so sources stay exact); other files are one slice each. A pipe, FIFO or device is
never opened here: it can be read only once, so one worker reads it whole, in one stream.
Workers are forked with the suite already loaded, return compact partial results (counts,
corpus-check state, and their failures as the names of spool files past a few thousand, see
scrapegate.failurespool), and the parent folds them in input order, so the result is
identical to a single pass.
"""

from __future__ import annotations

import os
import signal
import stat
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .documents import Loaded
from .engine import Engine, Partial, Progress, Transform
from .errors import ScrapegateError
from .failurespool import spool_folder
from .loaders import Input, read_input
from .loaders.jsonl import read_range
from .loaders.meter import METER, SharedCounts
from .result import RunResult
from .routing import Spool

# Below this a slice is not worth a process: fork and pickling cost more than the scan.
MIN_SLICE_BYTES = 4 << 20
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Slice:
    """A part of one input: a whole file, or a line-aligned byte range of a JSONL file."""

    path: str
    format: str
    start: int = 0
    end: int | None = None
    # None until counted: planning finds byte cuts only, and the lines before a cut are
    # counted while the workers already scan the earlier slices (see numbered).
    first_line: int | None = 1
    problem: str | None = None


def _splittable(inp: Input) -> int:
    """The size of a plain (not compressed) JSONL regular file that may be split, else 0."""
    if inp.format != "jsonl" or inp.path == "-" or inp.problem is not None:
        return 0
    try:
        info = os.stat(inp.path)
        # Sniffing a pipe or FIFO for gzip would eat its first buffer, and every slice
        # reopening it would read another part of the stream: only regular files split.
        if not stat.S_ISREG(info.st_mode):
            return 0
        with open(inp.path, "rb") as fh:
            if fh.read(2) == GZIP_MAGIC:
                return 0
    except OSError:
        return 0
    return info.st_size


def _line_aligned_starts(path: str, targets: Sequence[int], size: int) -> list[int]:
    """For each target offset, the start of the next line (each once, in order, < ``size``).

    Only a little is read after each target: the lines before a cut are counted later, by
    :func:`numbered`, while the workers already scan.
    """
    starts: list[int] = []
    with open(path, "rb") as fh:
        for target in targets:
            if starts and target < starts[-1]:
                continue  # inside the long line that the previous cut skipped
            fh.seek(target)
            offset = target
            while chunk := fh.read(1 << 16):
                newline = chunk.find(b"\n")
                if newline >= 0:
                    cut = offset + newline + 1
                    if cut < size and (not starts or cut > starts[-1]):
                        starts.append(cut)
                    break
                offset += len(chunk)
    return starts


def plan(inputs: Sequence[Input], workers: int) -> list[Slice]:
    """Cut the inputs into slices for ``workers`` processes, in input order.

    A split file's slices after its first have no line number yet: :func:`numbered`
    counts them as they are handed out, so planning reads almost nothing.
    """
    slices: list[Slice] = []
    for inp in inputs:
        size = _splittable(inp)
        targets = _targets(size, workers)
        if not targets:
            slices.append(Slice(inp.path, inp.format, problem=inp.problem))
            continue
        starts = [0, *_line_aligned_starts(inp.path, targets, size)]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else size
            slices.append(Slice(inp.path, inp.format, start, end, 1 if start == 0 else None))
    return slices


def _targets(size: int, workers: int) -> list[int]:
    """Byte offsets near which to cut a file of ``size`` bytes (none: do not split it).

    Slices get smaller towards the end of the file: while one worker scans the last slice
    the others are idle, so the last slices are a quarter as large as the first ones (a
    large file: 3/4 of it in 3 slices a worker, then 1/8 in one, then 1/8 in two). A file
    too small for that is cut into up to 4 equal slices a worker, none under
    MIN_SLICE_BYTES.
    """
    if not size:
        return []
    weights = [4] * (3 * workers) + [2] * workers + [1] * (2 * workers)
    if size * min(weights) // sum(weights) < MIN_SLICE_BYTES:
        pieces = min(workers * 4, size // MIN_SLICE_BYTES)
        weights = [1] * pieces if pieces >= 2 else []
    total, targets, reached = sum(weights), [], 0
    for weight in weights[:-1]:
        reached += weight
        targets.append(size * reached // total)
    return targets


def numbered(slices: Iterable[Slice]) -> Iterator[Slice]:
    """The slices with their first line numbers, counted lazily: a slice is yielded as soon
    as the newlines before it are counted, so the first is handed out before any is read."""
    path, offset, lines, fh = None, 0, 0, None
    try:
        for piece in slices:
            if piece.first_line is not None:
                yield piece
                continue
            if piece.path != path or piece.start < offset:
                if fh is not None:
                    fh.close()
                path, offset, lines, fh = piece.path, 0, 0, open(piece.path, "rb")  # noqa: SIM115
            assert fh is not None
            while offset < piece.start:
                chunk = fh.read(min(16 << 20, piece.start - offset))
                if not chunk:
                    # Line numbers past here would be wrong for every later record.
                    raise InputChanged(
                        f"{piece.path} shrank while it was being read (it ends at byte "
                        f"{offset:,}, the plan had a slice from byte {piece.start:,}): check "
                        "it once the program writing it is done, or with --workers 1"
                    )
                lines += chunk.count(b"\n")
                offset += len(chunk)
            yield replace(piece, first_line=lines + 1)
    finally:
        if fh is not None:
            fh.close()


def read_slice(piece: Slice, id_field: str | None, keep_raw: bool = False) -> Iterator[Loaded]:
    """The records of one slice (``keep_raw``: JSON Lines documents carry their line)."""
    if piece.end is None:
        return read_input(Input(piece.path, piece.format, piece.problem), id_field, keep_raw)
    if piece.first_line is None:
        raise ValueError(f"slice {piece.start}-{piece.end} of {piece.path} is not numbered yet")
    return read_range(piece.path, piece.start, piece.end, piece.first_line, id_field, keep_raw)


# Set in the parent just before forking: workers inherit the suite and settings.
_JOB: dict[str, Any] = {}


def _scan_slice(job: tuple[int, Slice]) -> str:
    """Scan one slice; its partial is left in a file, whose name goes back to the parent.

    A partial is one or two megabytes pickled. Sent through the executor's result pipe (64
    KB), the worker waited until the parent's result thread had read it all, which it does
    between the merges of the main thread, a few KB per turn of the GIL: 0.1-0.3 s of a
    worker's time per slice at 100k documents, in which the next slice could have been
    scanning. Written to a file, it takes a few milliseconds.
    """
    import pickle  # in a forked worker, where the executor has imported it already

    index, piece = job
    partial = _scan(index, piece)
    folder = _JOB["partials_dir"]
    path = os.path.join(folder, f"partial-{index}.pickle")
    with open(path, "wb") as fh:
        pickle.dump(partial, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _unpark(path: str) -> Partial:
    """The partial a worker left in ``path`` (a file in this run's private folder)."""
    import pickle  # imported by the executor already; not on a run in one process

    with open(path, "rb") as fh:
        partial: Partial = pickle.load(fh)
    os.unlink(path)
    return partial


def _scan(index: int, piece: Slice) -> Partial:
    engine: Engine = _JOB["engine"]
    spool_dir = _JOB["spool_dir"]
    counts: SharedCounts = _JOB["counts"]
    # A worker reads several slices in turn: its meter's count before this one is the base.
    base = METER.read()

    def publish(checked: int) -> None:
        # Called by the scan every so many records and at its end: the parent's progress
        # line adds up every slice's bytes and records.
        counts.publish(index, METER.read() - base, checked)

    records = read_slice(piece, _JOB["id_field"], keep_raw=spool_dir is not None)
    # Each worker spools its own slice; the parent reads the parts back in slice order.
    spool = Spool(spool_dir, index) if spool_dir is not None else None
    return engine.scan(
        records, _JOB["transform"], progress=publish, follows_earlier_slice=index > 0, spool=spool
    )


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the group. Only the parent acts on it (it stops the
    # workers and exits 130); a worker dying of it would print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's SIGTERM handler (an exception that unwinds the run) is inherited by the
    # fork; a worker has nothing to clean up and must die of SIGTERM, which the executor
    # itself sends to end the workers of a broken pool.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class InputChanged(ScrapegateError):
    """A file changed size between planning its slices and reading them."""

    exit_code = 2


class WorkerDied(ScrapegateError):
    """A worker process was killed (out of memory, a signal) before finishing its slice."""

    exit_code = 3


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, else every core)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(requested: int) -> int:
    """``0`` means every core; more workers than cores is capped at the cores.

    A worker beyond the cores only waits for one, and each is a forked copy of the parent:
    ``--workers 1000`` on two cores forked a thousand processes for nothing.
    """
    cores = usable_cores()
    return min(requested, cores) if requested > 0 else cores


def run_parallel(
    engine: Engine,
    slices: Sequence[Slice],
    inputs: Sequence[str],
    workers: int,
    id_field: str | None,
    transform: Transform | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Scan ``slices`` in ``workers`` forked processes and fold the results in order."""
    started = time.perf_counter()
    partial = scan_parallel(engine, slices, workers, id_field, transform, progress)
    return engine.finish(partial, inputs, started)


def scan_parallel(
    engine: Engine,
    slices: Sequence[Slice],
    workers: int,
    id_field: str | None,
    transform: Transform | None = None,
    progress: Progress | None = None,
    spool_dir: str | None = None,
) -> Partial:
    """Scan ``slices`` in forked processes; their partials folded in order, corpus checks open.

    With ``spool_dir`` each slice spools its records there (check --quarantine/--passing).
    """
    # Imported here: a run that is not split (one small file, stdin) never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    engine.warm_up()
    # Workers write their failures and partials into the parent's folder, which the parent
    # removes.
    folder = spool_folder()
    context = multiprocessing.get_context("fork")
    counts = SharedCounts(context, len(slices))
    METER.shared = counts  # the parent's progress line reads the workers' counts
    _JOB.update(
        engine=engine,
        id_field=id_field,
        transform=transform,
        spool_dir=spool_dir,
        counts=counts,
        partials_dir=folder,
    )
    partials: list[Partial] = []
    records = 0
    # ProcessPoolExecutor, not multiprocessing.Pool: Pool.terminate() can deadlock on a
    # worker killed while sending its result (Ctrl-C, the OOM killer) and a dead worker hangs
    # Pool.imap forever; the executor notices dead workers and fails instead.
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(slices)), mp_context=context, initializer=_ignore_interrupts
    )
    # Futures are submitted and awaited by hand, never cancelled (no Executor.map, whose
    # cleanup cancels them, no cancel_futures): when a run is stopped its workers are killed,
    # and CPython 3.11's executor then fails every pending future; one cancelled meanwhile
    # makes it raise InvalidStateError with a traceback from its thread.
    # Submitted as they are numbered: the first slices are scanned while the lines before
    # the later ones are still being counted.
    futures = []
    try:
        for job in enumerate(numbered(slices)):
            futures.append(pool.submit(_scan_slice, job))
        for future in futures:
            partial = _unpark(future.result())
            # Fold as results arrive, so the parent holds one total, not every slice.
            partials = [engine.merge([*partials, partial])] if partials else [partial]
            records += partial.records
            if progress is not None:
                progress(records)
    except BrokenProcessPool:
        raise WorkerDied(
            "a worker process died before finishing its part of the input (out of memory?); "
            "rerun with --workers 1, or with fewer workers"
        ) from None
    except BaseException:
        # Interrupted: stop the workers now rather than wait for their slices to finish.
        for child in multiprocessing.active_children():
            child.kill()
        raise
    finally:
        pool.shutdown(wait=True)
        _JOB.clear()
    return partials[0] if partials else engine.scan(())

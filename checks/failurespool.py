"""Failures kept on disk as they are found, so memory stays flat whatever their number.

A :class:`FailureSpool` is the list of one expectation's failures: ``append``/``extend`` while
the engine scans, ``len``, iteration and slices for the writers. The last few thousand stay in
memory (a run with few failures never touches the disk); past that they go to a segment file
in this process's spool folder, one length-prefixed record each. Extending a spool by another
(the parent folding a worker's slice) takes over its segment files without copying them, and a
forked worker's spool crosses back to the parent as the names of its files and their counts.

A segment file is removed as soon as no spool holds it, and the folder on every way out
(normal exit, an error, Ctrl-C, the SIGTERM handler's exception); a killed run's folder is
swept by the next run, as ``check --quarantine``'s spool folders are (see scrapegate.atomic).

Records are ``marshal``-ed tuples: the process reads back only what it (or a worker forked
from it, the same interpreter) wrote, never a file from elsewhere, and marshal keeps the lone
surrogates of file names that are not UTF-8, which orjson refuses.
"""

from __future__ import annotations

import atexit
import contextlib
import heapq
import itertools
import marshal
import os
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any, overload

from .atomic import private_temp_folder
from .result import Failure, WaiverNote

# Failures a spool keeps in memory before writing them out (about 2 MB at ~500 bytes each).
BUFFERED = 4096
# Failures sorted in memory at a time when a spool is not in order already (external sort).
SORT_RUN = 20_000
_LENGTH = struct.Struct("<I")
_READ_BLOCK = 1 << 20
# Merging many sorted runs reads them all at once: a small block each keeps that bounded.
_MERGE_BLOCK = 64 << 10

_folder: str | None = None
_folder_pid = -1


def spool_folder() -> str:
    """This process's folder for failure segments, created on first use.

    Call it before forking workers: they then write into the parent's folder, which the
    parent removes on exit (a worker never runs exit handlers).
    """
    global _folder, _folder_pid
    if _folder is None or not os.path.isdir(_folder):
        _folder = private_temp_folder("failures", tempfile.gettempdir())
        _folder_pid = os.getpid()
    return _folder


@atexit.register
def _remove_folder() -> None:
    if _folder is not None and _folder_pid == os.getpid():
        shutil.rmtree(_folder, ignore_errors=True)


def _encode(f: Failure) -> bytes:
    waiver = f.waiver
    note = None if waiver is None else (waiver.reason, waiver.expires, waiver.owner, waiver.source)
    body = marshal.dumps((f.doc, f.source, f.field, f.message, f.start, f.end, f.snippet, note))
    return _LENGTH.pack(len(body)) + body


def _decode(body: bytes | memoryview) -> Failure:
    doc, source, field, message, start, end, snippet, note = marshal.loads(body)
    waiver = None if note is None else WaiverNote(*note)
    return Failure(doc, source, field, message, start, end, snippet, waiver)


class _Segment:
    """One file of encoded failures; removed when the last spool holding it lets go."""

    __slots__ = ("count", "owner", "path")

    def __init__(self, path: str, count: int = 0) -> None:
        self.path = path
        self.count = count
        # Only the process that owns the file removes it: a forked worker hands its files to
        # the parent when its spool is pickled, and never removes them afterwards.
        self.owner = os.getpid()

    def __reduce__(self) -> tuple[Any, ...]:
        self.owner = -1
        return (_Segment, (self.path, self.count))

    def __deepcopy__(self, memo: dict[int, Any]) -> _Segment:
        # A copy in the same process (the Scrapy preview's deepcopy of the run's state)
        # shares the file: a written segment is read-only, and the copy handing the file a
        # second owner would remove it under the original when the copy is dropped.
        return self

    def __del__(self) -> None:
        if self.owner == os.getpid():
            with contextlib.suppress(Exception):
                os.unlink(self.path)

    def read(self, block: int = _READ_BLOCK) -> Iterator[Failure]:
        left = self.count
        with open(self.path, "rb") as fh:
            pending = b""
            while left:
                chunk = fh.read(block)
                if not chunk:
                    raise OSError(f"failure spool {self.path} ends early ({left} missing)")
                data = pending + chunk if pending else chunk
                view = memoryview(data)
                at = 0
                size = len(data)
                while left and at + 4 <= size:
                    (length,) = _LENGTH.unpack_from(data, at)
                    if at + 4 + length > size:
                        break
                    yield _decode(view[at + 4 : at + 4 + length])
                    at += 4 + length
                    left -= 1
                pending = data[at:]


class FailureSpool(Sequence[Failure]):
    """An expectation's failures in the order appended: memory for a few, disk for the rest."""

    def __init__(self, failures: Iterable[Failure] = ()) -> None:
        self._segments: list[_Segment] = []
        self._buffer: list[Failure] = []
        # The file of the last segment while this spool still appends to it.
        self._writer: IO[bytes] | None = None
        self._on_disk = 0
        # Pickled with the failures themselves, not file names (see travel_far).
        self._far = False
        self.extend(failures)

    # -- writing -----------------------------------------------------------------------

    def append(self, failure: Failure) -> None:
        """Add one failure at the end."""
        self._buffer.append(failure)
        if len(self._buffer) >= BUFFERED:
            self._flush()

    def extend(self, failures: Iterable[Failure]) -> None:
        """Add failures at the end; another spool's files are taken over, not copied."""
        if isinstance(failures, FailureSpool):
            if failures._segments:
                failures._close_writer()
                self._flush()
                self._close_writer()
                self._segments.extend(failures._segments)
                self._on_disk += failures._on_disk
            for failure in failures._buffer:
                self.append(failure)
            return
        for failure in failures:
            self.append(failure)

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            fd, path = tempfile.mkstemp(prefix="run-", dir=spool_folder())
            self._writer = os.fdopen(fd, "wb")
            self._segments.append(_Segment(path))
        self._writer.write(b"".join(map(_encode, self._buffer)))
        self._segments[-1].count += len(self._buffer)
        self._on_disk += len(self._buffer)
        self._buffer = []

    def _close_writer(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def spill(self) -> None:
        """Write every failure out (before handing the spool to another process)."""
        self._flush()
        self._close_writer()

    def travel_far(self) -> None:
        """Pickle this spool with its failures, not the names of its files: for a process on
        another machine (a Spark task's partial going to the driver), which cannot read them.
        The receiver spools them again on its own disk as it folds them in."""
        self._far = True

    def __getstate__(self) -> dict[str, Any]:
        # A worker's spool crosses to the parent as file names and counts (plus the few
        # failures still in memory), never as the failures themselves.
        self._close_writer()
        if self._far:
            return {"segments": [], "buffer": list(self), "on_disk": 0}
        return {"segments": self._segments, "buffer": self._buffer, "on_disk": self._on_disk}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._segments = state["segments"]
        self._buffer = state["buffer"]
        self._on_disk = state["on_disk"]
        self._writer = None
        self._far = False

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._on_disk + len(self._buffer)

    def __bool__(self) -> bool:
        return len(self) > 0

    def _iterate(self, block: int = _READ_BLOCK) -> Iterator[Failure]:
        if self._writer is not None:
            self._writer.flush()
        for segment in list(self._segments):
            yield from segment.read(block)
        yield from list(self._buffer)

    def __iter__(self) -> Iterator[Failure]:
        return self._iterate()

    @overload
    def __getitem__(self, index: int) -> Failure: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Failure]: ...

    def __getitem__(self, index: int | slice) -> Failure | Sequence[Failure]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return tuple(self)[index]
            if not self._segments:
                return tuple(self._buffer[start:stop])
            # Writers show the first few: reading from the front is what they need.
            return tuple(itertools.islice(self, start, max(start, stop)))
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("failure index out of range")
        if index >= self._on_disk:
            return self._buffer[index - self._on_disk]
        return next(itertools.islice(self, index, None))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FailureSpool | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FailureSpool({len(self)} failures, {len(self._segments)} files)"

    # -- ordering ----------------------------------------------------------------------

    def sorted(self, key: Callable[[Failure], Any]) -> FailureSpool:
        """The failures sorted by ``key``, ties in the order appended (as ``sorted`` does).

        Failures are mostly found in input order already: one pass confirms it and the
        spool is returned as it is. Otherwise runs of ``SORT_RUN`` are sorted in memory,
        written out, and merged (heapq.merge keeps ties in run order, so it stays stable).
        """
        if not self._segments:
            return FailureSpool(sorted(self._buffer, key=key))
        if _in_order(self, key):
            return self
        runs = []
        failures = iter(self)
        while chunk := list(itertools.islice(failures, SORT_RUN)):
            chunk.sort(key=key)
            run = FailureSpool(chunk)
            run.spill()
            runs.append(run)
        merged = FailureSpool()
        merged.extend(heapq.merge(*(run._iterate(_MERGE_BLOCK) for run in runs), key=key))
        merged._close_writer()
        return merged


def _in_order(failures: Iterable[Failure], key: Callable[[Failure], Any]) -> bool:
    previous = None
    for failure in failures:
        current = key(failure)
        if previous is not None and current < previous:
            return False
        previous = current
    return True

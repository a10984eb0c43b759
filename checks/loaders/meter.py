"""How far a run has read its inputs, in bytes, for the progress line (``check --progress``).

The loaders tell the meter which file they have open and when they close it; the position
inside the open file is asked of the operating system (``lseek`` on its descriptor) only
when the progress line is drawn, so the read loop itself counts nothing. For a gzip file the
descriptor is the compressed file's: its position is compressed bytes read, measured against
the compressed size. Standard input and other streams have no position and no size: the
line then counts documents only.

In a parallel run each worker has its own meter (its process reads its own slices) and
publishes its slice's bytes and records into shared memory (:class:`SharedCounts`), which
the parent adds up.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from typing import Any


class ReadMeter:
    """Bytes of input read by this process so far, and the total to read when known."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, total: int | None = None) -> None:
        """Start a run that will read ``total`` bytes (None: unknown, e.g. stdin)."""
        self.total = total
        self.finished = 0  # bytes of the inputs (or slices) read to their end
        self._fd: int | None = None
        self._start = 0
        self.shared: SharedCounts | None = None

    def expect(self, paths: Iterable[str]) -> None:
        """Start a run over ``paths``: the total is the sum of their sizes, if all are files."""
        total = 0
        for path in paths:
            try:
                info = os.stat(path) if path != "-" else None
            except OSError:
                continue  # an unreadable input is one record, read in no time
            if info is None or not stat.S_ISREG(info.st_mode):
                self.reset(None)
                return
            total += info.st_size
        self.reset(total)

    def opened(self, fd: int, start: int = 0) -> None:
        """A loader opened descriptor ``fd`` and reads from byte ``start`` on."""
        self._fd, self._start = fd, start

    def closed(self, length: int | None = None) -> None:
        """The open input is done: ``length`` bytes of it count as read (None: its size)."""
        fd, self._fd = self._fd, None
        if length is None and fd is not None:
            length = _size(fd)
        self.finished += max(0, length or 0)

    def read(self) -> int:
        """Bytes read so far by this process."""
        fd = self._fd
        if fd is None:
            return self.finished
        try:
            return self.finished + max(0, os.lseek(fd, 0, os.SEEK_CUR) - self._start)
        except OSError:  # a pipe, or a descriptor closed meanwhile
            return self.finished


def _size(fd: int) -> int:
    try:
        info = os.fstat(fd)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


class SharedCounts:
    """Per slice of a parallel run: bytes read and records checked, in shared memory.

    Created in the parent before the workers are forked; a worker writes only its own
    slice's two slots, the parent only reads (a torn read is impossible for aligned 64-bit
    integers, and a stale one shows on the next redraw).
    """

    def __init__(self, context: Any, slices: int) -> None:
        self.slots = context.RawArray("q", 2 * slices)

    def publish(self, index: int, read: int, records: int) -> None:
        self.slots[2 * index] = read
        self.slots[2 * index + 1] = records

    def totals(self) -> tuple[int, int]:
        """Bytes read and records checked over every slice."""
        values = list(self.slots)
        return sum(values[0::2]), sum(values[1::2])


# The meter of this process: the loaders report to it, the progress line reads it.
METER = ReadMeter()

"""A sliding byte window over a stream that knows the line and column of every position.

The JSON scanner reads a chunk at a time and drops what it has finished with, so line numbers
are counted incrementally as positions advance instead of from the start of the file.
"""

from __future__ import annotations

import re
from typing import IO

SPACE = re.compile(rb"[ \t\r\n]*")


class Window:
    """A sliding window over the file that remembers the line and column of its first byte."""

    def __init__(self, stream: IO[bytes], chunk: int) -> None:
        self.stream = stream
        self.chunk = chunk
        self.buf = b""
        self._line = 1  # line number at offset self._counted
        self._counted = 0
        self._col0 = 0  # bytes on buf[0]'s line before buf[0]
        self.base = 0  # stream offset of buf[0] (decompressed, for gzip)

    def more(self, keep: int, most: int | None = None) -> bool:
        """Drop ``buf[:keep]`` and append a chunk; False at end of file (buffer untouched).

        ``most`` caps the read (never below one chunk), so a caller bounding what it holds
        is not overshot by the geometric growth.
        """
        # Reading as much as is kept makes a huge element grow the buffer geometrically, so its
        # copies and rescans stay linear overall.
        size = max(self.chunk, len(self.buf) - keep)
        if most is not None:
            size = min(size, max(self.chunk, most))
        data = self.stream.read(size)
        if not data:
            return False
        self.line_at(keep)
        newline = self.buf.rfind(b"\n", 0, keep)
        self._col0 = keep - newline - 1 if newline >= 0 else self._col0 + keep
        self._counted -= keep
        self.base += keep
        self.buf = self.buf[keep:] + data
        return True

    def line_at(self, pos: int) -> int:
        """Return the 1-based line of ``buf[pos]`` (cheap when called with rising positions)."""
        if pos >= self._counted:
            self._line += self.buf.count(b"\n", self._counted, pos)
        else:
            self._line -= self.buf.count(b"\n", pos, self._counted)
        self._counted = pos
        return self._line

    def col_at(self, pos: int) -> int:
        """Return the 1-based byte column of ``buf[pos]``."""
        newline = self.buf.rfind(b"\n", 0, pos)
        return pos - newline if newline >= 0 else self._col0 + pos + 1

    def skip_space(self, pos: int) -> int:
        """Return the first non-whitespace position from ``pos``, reading on; len(buf) at EOF."""
        while True:
            pos = SPACE.match(self.buf, pos).end()  # type: ignore[union-attr]
            if pos < len(self.buf) or not self.more(pos):
                return pos
            pos = 0

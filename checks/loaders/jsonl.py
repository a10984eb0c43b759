"""JSON Lines reader: one JSON object per line, streamed (one record in memory at a time).

The file is read as bytes line by line (gzip is decompressed on the fly), so memory holds one
line at a time. A line longer than the record size limit (128 MiB by default) is read on in
bounded chunks to its end without being kept, and reported as one unreadable record. This is
the hot path for millions of records, so the loop does nothing per line beyond
``orjson.loads``, a type check and building the document; rare cases (blank lines, the BOM,
bad bytes) are sorted out only after orjson has rejected a line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from functools import partial
from typing import IO, Any

import orjson

from ..documents import Document, Loaded, UnreadableRecord
from ._common import (
    HEAD,
    READ_BUFFER,
    SKIP_CHUNK,
    STREAM_ERRORS,
    TOO_DEEP,
    UTF8_BOM,
    UTF16_BOMS,
    UTF16_MESSAGE,
    cannot_read,
    corrupt,
    json_kind,
    line_offset,
    max_record_bytes,
    may_be_too_deep,
    nested,
    not_json_lines,
    open_binary,
    record_id,
    shown,
    too_deep,
    too_long,
    utf8_error,
)
from .meter import METER

_BLANK = object()


def read(path: str, id_field: str | None = None, keep_raw: bool = False) -> Iterator[Loaded]:
    """Yield one document per non-blank line of a JSON Lines file (``-`` = stdin)."""
    name = shown(path)
    with ExitStack() as stack:
        try:
            stream = open_binary(path, stack)
        except OSError as exc:
            yield cannot_read(name, exc)
            return
        try:
            binary = not_json_lines(_peek(stream))
        except STREAM_ERRORS as exc:  # a gzip file that is corrupt from its first byte
            yield corrupt(name, 0, exc)
            return
        if binary is not None:
            yield UnreadableRecord(name, 0, binary)
            return
        yield from _records(stream, name, id_field, keep_raw=keep_raw)


def _peek(stream: IO[bytes]) -> bytes:
    """The first bytes of a stream without consuming them (empty when it cannot peek)."""
    peek = getattr(stream, "peek", None)
    return peek(HEAD)[:HEAD] if peek is not None else b""


def read_range(
    path: str,
    start: int,
    end: int,
    first_line: int,
    id_field: str | None = None,
    keep_raw: bool = False,
) -> Iterator[Loaded]:
    """Yield the documents of the lines in bytes ``[start, end)`` of a plain JSON Lines file.

    ``start`` is the first byte of a line and ``first_line`` its 1-based number: parallel
    workers each read their own slice of one file, with the same line numbers as a full read.
    """
    name = shown(path)
    try:
        raw = open(path, "rb", buffering=READ_BUFFER)  # noqa: SIM115 - closed below
    except OSError as exc:
        yield cannot_read(name, exc)
        return
    with raw:
        # The progress line reads this descriptor's position; once done (or given up) the
        # whole slice counts as read.
        METER.opened(raw.fileno(), start)
        try:
            # A binary file is one unreadable record, reported by the slice that starts it;
            # later slices yield nothing, exactly as a single pass stops at its start.
            try:
                binary = not_json_lines(raw.read(HEAD))
            except OSError as exc:
                yield corrupt(name, first_line, exc)
                return
            if binary is not None:
                if start == 0:
                    yield UnreadableRecord(name, 0, binary)
                return
            raw.seek(start)
            yield from _records(_Range(raw, end), name, id_field, first_line, keep_raw)
        finally:
            METER.closed(end - start)


class _Range:
    """The lines of a binary file up to a byte offset (a stream with ``readline`` and ``tell``).

    A line that starts before ``end`` is read to its newline, even in pieces past ``end``.
    """

    def __init__(self, raw: IO[bytes], end: int) -> None:
        self.raw = raw
        self.end = end
        self._inside = False  # the last piece read did not end its line

    def readline(self, size: int = -1) -> bytes:
        if not self._inside and self.raw.tell() >= self.end:
            return b""
        line = self.raw.readline(size)
        self._inside = bool(line) and not line.endswith(b"\n")
        return line

    def tell(self) -> int:
        return self.raw.tell()


def _records(
    stream: Any, name: str, id_field: str | None, first_line: int = 1, keep_raw: bool = False
) -> Iterator[Loaded]:
    loads = orjson.loads
    decode_error = orjson.JSONDecodeError
    lineno = 0
    limit = max_record_bytes()
    # readline with a size never holds more than limit + 1 bytes of one line.
    lines = iter(partial(stream.readline, limit + 1), b"")
    try:
        for lineno, line in enumerate(lines, first_line):
            if len(line) > limit and not line.endswith(b"\n"):
                _skip_line(stream)
                yield UnreadableRecord(name, lineno, too_long("line", limit))
                continue
            try:
                obj = loads(line)
            except decode_error as exc:
                if lineno == 1 and line[:2] in UTF16_BOMS:
                    yield UnreadableRecord(name, 0, UTF16_MESSAGE)
                    return
                obj = _recover(line, lineno, exc, stream, name)
                if obj is _BLANK:
                    continue
                if type(obj) is UnreadableRecord:
                    yield replace(obj, raw=line, kind="line")
                    continue
            if type(obj) is not dict:
                message = f"record is a JSON {json_kind(obj)}, expected an object"
                yield UnreadableRecord(name, lineno, message, line, "line")
                continue
            if nested(obj) and may_be_too_deep(line) and too_deep(obj):
                yield UnreadableRecord(name, lineno, TOO_DEEP, line, "line")
                continue
            source = f"{name}:{lineno}"
            doc = Document(
                record_id(obj, id_field, source) if id_field else source, name, lineno, obj
            )
            if keep_raw:
                doc.raw = line
            yield doc
    except STREAM_ERRORS as exc:
        yield corrupt(name, lineno, exc)


def _skip_line(stream: Any) -> None:
    """Read on to the end of the current line in bounded pieces, keeping none of them."""
    readline = stream.readline
    while True:
        piece = readline(SKIP_CHUNK)
        if not piece or piece.endswith(b"\n"):
            return


def _recover(
    line: bytes, lineno: int, exc: orjson.JSONDecodeError, stream: IO[bytes], name: str
) -> Any:
    """Return what a line orjson rejected holds: a value, ``_BLANK`` or an UnreadableRecord."""
    if lineno == 1 and line.startswith(UTF8_BOM):
        line = line[len(UTF8_BOM) :]
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError as again:
            exc = again
    if not line or line.isspace():
        return _BLANK
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as bad:
        return UnreadableRecord(name, lineno, utf8_error(line, bad, line_offset(stream, line)))
    if "depth limit" in exc.msg:
        return UnreadableRecord(name, lineno, TOO_DEEP)
    if not line.endswith(b"\n") and exc.msg.startswith("unexpected end"):
        # Only the last line of a file or stream can lack its newline: the input was cut off.
        return UnreadableRecord(
            name,
            lineno,
            f"the last record is cut off (invalid JSON: {exc.msg} at column {exc.colno}); "
            "the file or stream was truncated: re-export it or remove the partial line",
        )
    return UnreadableRecord(
        name, lineno, f"invalid JSON: {exc.msg} at column {exc.colno}; fix or remove this line"
    )

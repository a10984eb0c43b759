"""Writers for ``scrapegate clean``: each input file's cleaned documents in the input's format.

Every file is streamed into a temporary file beside its target and renamed over it only when
complete (the same scheme as ``scrapegate.atomic``, streamed so a corpus never sits in memory),
so an interrupted run leaves no half-written file; a new file gets 0666 less the umask, a
replaced one keeps its mode. JSON Lines keeps every other field, the record order, and every
line it could not read or did not change byte for byte; in a changed record only the changed
values are written again, so the rest (integers beyond 64 bits, number spelling, escapes,
spacing) keeps its bytes; gzip stays gzip. CSV keeps the header and every row it did not
change as raw lines too; a changed row is written again in the file's line ending. A text
dump stays text and keeps its final newline. JSON arrays and Parquet (same schema) are
rewritten from their documents. Whatever is copied through is streamed from the input's bytes
in bounded pieces, never read whole: an unreadable record may be of any size.

No record read is dropped: an unreadable one is reported and copied through, its raw lines
(JSON Lines, CSV, text) or its raw element text (a JSON array; data after the array stays
after it, a truncated array stays truncated). A truncated gzip input keeps every byte that
still decompresses. A Parquet file that breaks off part-way is copied through whole: its
lost rows cannot be written into a Parquet copy.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import shutil
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from itertools import chain
from typing import IO, Any

import orjson

from .atomic import atomic_stream
from .documents import Document, Loaded, UnreadableRecord
from .loaders import Input, read_input
from .loaders._common import (
    GZIP_MAGIC,
    SKIP_CHUNK,
    STREAM_ERRORS,
    UTF8_BOM,
    max_record_bytes,
    open_binary,
)

Clean = Callable[[Document], Document]
Report = Callable[[UnreadableRecord], None]
_BATCH = 1024


@contextmanager
def atomic_output(path: str, gz: bool = False) -> Iterator[IO[bytes]]:
    """A binary stream that becomes ``path`` only once it was written completely."""
    with atomic_stream(path) as raw:
        if gz:
            # mtime=0 and no name: the same input always gives the same bytes.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
                yield zipped  # type: ignore[misc]
        else:
            yield raw


def is_gzip(path: str) -> bool:
    """Whether a file starts with the gzip magic bytes (as the loaders decide)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == GZIP_MAGIC
    except OSError:
        return False


def _copy_through(inp: Input, out_path: str) -> None:
    with open(inp.path, "rb") as src, atomic_output(out_path) as dst:
        shutil.copyfileobj(src, dst)


def write_cleaned(
    inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report
) -> None:
    """Clean every document of ``inp`` and write them to ``out_path`` in the same format."""
    writer = _WRITERS[inp.format]
    writer(inp, out_path, id_field, clean, report)


def _jsonl(inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report) -> None:
    records = read_input(inp, id_field)
    pending: Loaded | None = next(records, None)
    while isinstance(pending, UnreadableRecord) and pending.line == 0:
        report(pending)
        pending = next(records, None)
    with ExitStack() as stack:
        try:
            raw = open_binary(inp.path, stack)
        except OSError:
            return  # already reported by the reader
        gz = is_gzip(inp.path)
        with atomic_output(out_path, gz) as out:
            written = 0
            limit = max_record_bytes()
            readline = raw.readline
            try:
                for lineno, line in enumerate(iter(partial(readline, limit + 1), b""), 1):
                    written += len(line)
                    if len(line) > limit and not line.endswith(b"\n"):
                        # Past the record limit: copied through in pieces, never held whole.
                        written += _copy_rest_of_line(readline, line, out)
                        if pending is not None and pending.line == lineno:
                            if isinstance(pending, UnreadableRecord):
                                report(pending)
                            pending = next(records, None)
                        continue
                    if pending is None or pending.line != lineno:
                        out.write(line)
                        continue
                    if isinstance(pending, UnreadableRecord):
                        report(pending)
                        out.write(line)  # copied through: nothing is lost
                    else:
                        cleaned = clean(pending)
                        if cleaned.fields == pending.fields:
                            out.write(line)
                        else:
                            out.write(rewrite_record(line, pending.fields, cleaned.fields))
                    pending = next(records, None)
            except STREAM_ERRORS:
                # The reader reports the truncation; the part of a cut-off line that still
                # decompresses is kept too, so the copy holds every byte the input gave.
                if gz:
                    salvage_gzip(inp.path, written, out)
        for rest in ([pending] if pending is not None else []) + list(records):
            if isinstance(rest, UnreadableRecord):
                report(rest)


def _copy_rest_of_line(readline: Callable[[int], bytes], line: bytes, out: IO[bytes]) -> int:
    """Write ``line`` and the rest of its physical line in bounded pieces; the bytes added."""
    out.write(line)
    added = 0
    while line and not line.endswith(b"\n"):
        line = readline(SKIP_CHUNK)
        added += len(line)
        out.write(line)
    return added


def salvage_gzip(path: str, offset: int, out: IO[bytes]) -> None:
    """Write what a truncated or corrupt gzip file decompresses to, from byte ``offset`` on."""
    try:
        with open(path, "rb") as src:
            decompressor = zlib.decompressobj(wbits=31)
            seen = 0
            while chunk := src.read(1 << 16):
                while chunk:
                    data = decompressor.decompress(chunk)
                    if seen + len(data) > offset:
                        out.write(data[max(0, offset - seen) :])
                    seen += len(data)
                    chunk = decompressor.unused_data  # a next gzip member
                    if chunk:
                        decompressor = zlib.decompressobj(wbits=31)
    except (OSError, zlib.error):
        pass  # nothing more can be read: what was written is what the file holds


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def _skip(text: str, pos: int) -> int:
    """The offset of the first non-space character at or after ``pos``."""
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _members(text: str) -> dict[str, tuple[int, int]] | None:
    """Where each member's value of the JSON object ``text`` lies (the last of a repeated
    key, as parsers keep it); None when ``text`` is not exactly one object."""
    spans: dict[str, tuple[int, int]] = {}
    try:
        if not text.startswith("{"):
            return None
        pos = _skip(text, 1)
        if text[pos] == "}":
            return spans if pos + 1 == len(text) else None
        while True:
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if not isinstance(key, str) or text[pos] != ":":
                return None
            start = _skip(text, pos + 1)
            _, end = _DECODER.raw_decode(text, start)
            spans[key] = (start, end)
            pos = _skip(text, end)
            if text[pos] == "}":
                return spans if pos + 1 == len(text) else None
            if text[pos] != ",":
                return None
            pos = _skip(text, pos + 1)
    except (ValueError, IndexError):
        return None


def _spliced(text: str, old: Any, new: Any) -> str:
    """``text``, the JSON of ``old``, rewritten to hold ``new``: what did not change keeps
    its bytes (big integers, number spelling, escapes, spacing), only changed values are
    serialised again."""
    if type(old) is type(new) and old == new:
        return text
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        spans = _members(text)
        if spans is not None and spans.keys() == new.keys():
            out: list[str] = []
            pos = 0
            for key, (start, end) in sorted(spans.items(), key=lambda item: item[1]):
                out.append(text[pos:start])
                out.append(_spliced(text[start:end], old[key], new[key]))
                pos = end
            out.append(text[pos:])
            return "".join(out)
    return orjson.dumps(new).decode("utf-8")


def rewrite_record(line: bytes, old: dict[str, Any], new: dict[str, Any]) -> bytes:
    """A JSON Lines record whose fields changed from ``old`` to ``new``, written back with
    every unchanged byte kept: orjson reads integers beyond 64 bits as floats, and the
    record must not lose them (nor its BOM, spacing or line ending) because a text field was
    cleaned."""
    text = line.decode("utf-8")
    body = text.rstrip("\r\n")
    start = len(body) - len(body.lstrip("\ufeff \t"))
    end = len(body.rstrip(" \t"))
    return (body[:start] + _spliced(body[start:end], old, new) + text[end:]).encode("utf-8")


def _text(inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report) -> None:
    for record in read_input(inp, id_field):
        if isinstance(record, UnreadableRecord):
            report(record)
            if os.path.isfile(inp.path):
                _copy_through(inp, out_path)
            continue
        original = record.fields.get("text")
        text = clean(record).fields.get("text")
        if not isinstance(text, str) or text == original:
            _copy_through(inp, out_path)
            continue
        if isinstance(original, str) and original.endswith("\n") and text and text[-1] != "\n":
            text += "\n"
        with atomic_output(out_path, is_gzip(inp.path)) as out:
            out.write(text.encode("utf-8"))


def _split(
    inp: Input, id_field: str | None, clean: Clean, report: Report
) -> Iterator[dict[str, Any]]:
    for record in read_input(inp, id_field):
        if isinstance(record, UnreadableRecord):
            report(record)
        else:
            yield clean(record).fields


def _json_is_array(path: str) -> bool:
    with ExitStack() as stack:
        try:
            head = open_binary(path, stack).read(1 << 16)
        except STREAM_ERRORS:  # a truncated gzip shorter than the head: what decompresses
            sink = io.BytesIO()
            salvage_gzip(path, 0, sink)
            head = sink.getvalue()[: 1 << 16]
    return head.removeprefix(UTF8_BOM).lstrip()[:1] != b"{"


def _json(inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report) -> None:
    if not _json_is_array(inp.path):
        _json_object(inp, out_path, id_field, clean, report)
        return
    records = read_input(inp, id_field)
    pending = next(records, None)
    while isinstance(pending, UnreadableRecord) and pending.raw is None:
        report(pending)  # the file as a whole (unreadable, not an array): copied through
        pending = next(records, None)
    if pending is None:
        _copy_through(inp, out_path)
        return
    with ExitStack() as stack, atomic_output(out_path, is_gzip(inp.path)) as out:
        source = _Spans(inp.path, stack)
        out.write(b"[")
        separator, closed = b"\n  ", False
        for record in chain([pending], records):
            if isinstance(record, Document):
                out.write(separator + orjson.dumps(clean(record).fields))
            else:
                report(record)
                if record.raw is None and record.span is None:
                    continue
                if record.kind == "after":
                    # Data after the array stays after it, as it was: no record is lost.
                    out.write(b"\n")
                    source.copy(record, out)
                    closed = True
                    continue
                if record.kind == "tail":
                    # A truncated array stays truncated: its unfinished element is kept.
                    out.write(separator)
                    source.copy(record, out)
                    closed = True
                    continue
                out.write(separator)
                source.copy(record, out)  # an unreadable element, verbatim
            separator = b",\n  "
        if not closed:
            out.write(b"\n]\n")


class _Spans:
    """The input once more, read forward, to copy records too big to hold from their bytes."""

    def __init__(self, path: str, stack: ExitStack) -> None:
        self._path = path
        self._stack = stack
        self._stream: IO[bytes] | None = None

    def copy(self, record: UnreadableRecord, out: IO[bytes]) -> None:
        """Write ``record``'s bytes: its ``raw`` text, or its span of the input in pieces."""
        if record.raw is not None:
            raw = record.raw.lstrip(b" \t\r\n") if record.kind == "tail" else record.raw
            out.write(raw)
            return
        assert record.span is not None
        start, end = record.span
        try:
            if self._stream is None:
                self._stream = open_binary(self._path, self._stack)
            # Spans rise through the file: a gzip stream seeks forward by decompressing.
            self._stream.seek(start)
            left = None if end is None else end - start
            while left is None or left > 0:
                piece = self._stream.read(SKIP_CHUNK if left is None else min(left, SKIP_CHUNK))
                if not piece:
                    break
                out.write(piece)
                if left is not None:
                    left -= len(piece)
        except STREAM_ERRORS:
            pass  # a truncated gzip: the reader reported it; what decompressed was written


def _json_object(
    inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report
) -> None:
    documents = _split(inp, id_field, clean, report)
    first = next(documents, None)
    if first is None:
        _copy_through(inp, out_path)
        return
    with atomic_output(out_path, is_gzip(inp.path)) as out:
        out.write(orjson.dumps(first) + b"\n")


def _line_ending(path: str) -> str:
    with ExitStack() as stack:
        try:
            first = open_binary(path, stack).readline()
        except STREAM_ERRORS:  # a gzip cut inside its first line: the reader reports it
            return "\n"
    return "\r\n" if first.endswith(b"\r\n") else "\n"


def _csv(inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report) -> None:
    records = read_input(inp, id_field)
    pending: Loaded | None = next(records, None)
    while isinstance(pending, UnreadableRecord) and pending.line == 0:
        report(pending)
        pending = next(records, None)
    terminator = _line_ending(inp.path)
    with ExitStack() as stack:
        try:
            raw = open_binary(inp.path, stack)
        except OSError:
            return  # already reported by the reader
        gz = is_gzip(inp.path)
        with atomic_output(out_path, gz) as out:
            skip = 0  # physical lines of a rewritten row still to drop
            written = 0
            limit = max_record_bytes()
            readline = raw.readline
            try:
                for lineno, line in enumerate(iter(partial(readline, limit + 1), b""), 1):
                    written += len(line)
                    if len(line) > limit and not line.endswith(b"\n"):
                        # Past the record limit (unreadable, as the reader said): copied
                        # through in pieces, never held whole.
                        written += _copy_rest_of_line(readline, line, out)
                        if skip:
                            skip -= 1
                        elif pending is not None and pending.line == lineno:
                            if isinstance(pending, UnreadableRecord):
                                report(pending)
                            pending = next(records, None)
                        continue
                    if skip:
                        skip -= 1
                        continue
                    if pending is None or pending.line != lineno:
                        out.write(line)  # the header, blank and unreadable lines: verbatim
                        continue
                    if isinstance(pending, UnreadableRecord):
                        report(pending)
                        out.write(line)
                    else:
                        cleaned = clean(pending).fields
                        if cleaned == pending.fields:
                            out.write(line)
                        else:
                            out.write(_csv_row(list(pending.fields), cleaned, terminator))
                            # A quoted cell may span lines: the row ends after all of them.
                            skip = sum(str(v).count("\n") for v in pending.fields.values())
                    pending = next(records, None)
            except STREAM_ERRORS:
                if gz:  # as for JSON Lines: the bytes of a cut-off row are kept
                    salvage_gzip(inp.path, written, out)
        for rest in ([pending] if pending is not None else []) + list(records):
            if isinstance(rest, UnreadableRecord):
                report(rest)


def _csv_row(header: list[str], fields: dict[str, Any], terminator: str) -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator=terminator).writerow([fields.get(n, "") for n in header])
    return text.getvalue().encode("utf-8")


def _parquet(inp: Input, out_path: str, id_field: str | None, clean: Clean, report: Report) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(inp.path)
    except (OSError, pa.ArrowException, ValueError):
        for record in read_input(inp, id_field):
            if isinstance(record, UnreadableRecord):
                report(record)
        if os.path.isfile(inp.path):
            _copy_through(inp, out_path)
        return
    unreadable: list[UnreadableRecord] = []
    try:
        with atomic_output(out_path) as out:
            writer = pq.ParquetWriter(out, schema)
            batch: list[dict[str, Any]] = []
            for record in read_input(inp, id_field):
                if isinstance(record, UnreadableRecord):
                    unreadable.append(record)
                    writer.close()  # before the temporary file it writes to is removed
                    raise _Abandon
                batch.append(clean(record).fields)
                if len(batch) == _BATCH:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            writer.close()
    except _Abandon:
        # Rows past a corrupt row group cannot be read, so a cleaned copy would lose them:
        # the file is copied through unchanged instead, every row kept.
        for record in unreadable:
            copied = (
                "; the whole file was copied through unchanged, its readable rows uncleaned: "
                "a Parquet copy cannot hold the rows that do not decode"
            )
            report(UnreadableRecord(record.path, record.line, record.message.rstrip() + copied))
        _copy_through(inp, out_path)


class _Abandon(Exception):
    """A Parquet file broke off part-way: its cleaned copy is given up for the original."""


_WRITERS: dict[str, Callable[[Input, str, str | None, Clean, Report], None]] = {
    "jsonl": _jsonl,
    "text": _text,
    "json": _json,
    "csv": _csv,
    "parquet": _parquet,
}

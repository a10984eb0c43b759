"""CSV reader: the first row is the header, every later row one document of string fields.

Lines are read as bytes and decoded one at a time before the ``csv`` module sees them, so an
invalid UTF-8 byte is reported at its own line and byte offset and the rows after it still
load (``csv.DictReader`` over a text stream would only fail somewhere in a decoded chunk).
Each physical line is one item for ``csv.reader``, so ``line_num`` stays exact across quoted
cells that span lines. Rows are zipped with the header ourselves so that a ragged row is
reported, not padded or truncated. Memory holds one row at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from typing import IO

from ..documents import Document, Loaded, UnreadableRecord
from ..wording import plural
from ._common import (
    SKIP_CHUNK,
    STREAM_ERRORS,
    UTF8_BOM,
    UTF16_BOMS,
    UTF16_MESSAGE,
    cannot_read,
    corrupt,
    line_offset,
    max_record_bytes,
    open_binary,
    record_id,
    shown,
    too_long,
    utf8_error,
)

# Scraped bodies can be huge; the default 128 KiB cell limit would reject them. 2**31-1 fits
# a C long everywhere (sys.maxsize overflows it on Windows).
_FIELD_LIMIT = 2**31 - 1


class _Problems:
    """What the line decoder found while csv.reader pulled lines through it."""

    __slots__ = ("bad", "utf16")

    def __init__(self) -> None:
        self.bad: list[tuple[int, str]] = []  # (line, message) of undecodable lines
        self.utf16 = False


def read(path: str, id_field: str | None = None) -> Iterator[Loaded]:
    """Yield one document per data row of a CSV file, keyed by the header row."""
    name = shown(path)
    # A cell may span lines, so a quoted cell is bounded too: past the record limit the csv
    # module reports it as malformed instead of gluing lines into it until memory runs out.
    csv.field_size_limit(min(_FIELD_LIMIT, max_record_bytes()))
    with ExitStack() as stack:
        try:
            stream = open_binary(path, stack)
        except OSError as exc:
            yield cannot_read(name, exc)
            return
        yield from _rows(stream, name, id_field)


def _lines(stream: IO[bytes], problems: _Problems) -> Iterator[str]:
    """Decode physical lines, noting (not raising on) bad UTF-8; stop at a UTF-16 BOM.

    A line past the record limit is read on to its end in bounded pieces, noted as a problem
    and passed on as an empty line.
    """
    limit = max_record_bytes()
    readline = stream.readline
    for lineno, raw in enumerate(iter(partial(readline, limit + 1), b""), 1):
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:
                piece = readline(SKIP_CHUNK)
                if not piece or piece.endswith(b"\n"):
                    break
            problems.bad.append((lineno, too_long("line", limit)))
            yield "\n"
            continue
        if lineno == 1:
            if raw[:2] in UTF16_BOMS:
                problems.utf16 = True
                return
            raw = raw.removeprefix(UTF8_BOM)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.bad.append((lineno, utf8_error(raw, exc, line_offset(stream, raw))))
            yield raw.decode("utf-8", "replace")


def _csv_hint(message: str) -> str:
    """What to do about the csv module's terse complaints."""
    if "unexpected end of data" in message:
        return (
            "; a quoted cell opened on this row is never closed (a truncated file or a stray "
            "'\"'); every later line was read into it"
        )
    if "expected after" in message:
        return '; a quote inside a quoted cell must be doubled ("")'
    if "NUL" in message:
        return "; the file holds binary data: is it really CSV?"
    return ""


def _as_csv(row: list[str]) -> bytes:
    """One row written back as a CSV line (quoted as needed), UTF-8."""
    text = io.StringIO()
    csv.writer(text, lineterminator="").writerow(row)
    return text.getvalue().encode("utf-8", "surrogatepass")


def _rows(stream: IO[bytes], name: str, id_field: str | None) -> Iterator[Loaded]:
    problems = _Problems()
    # strict: a stray quote is reported, not silently glued into the cell (or, unclosed at the
    # end of the file, turned into one cell holding every line after it).
    reader = csv.reader(_lines(stream, problems), strict=True)
    header: list[str] | None = None
    width = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.bad.clear()  # that row is already reported
            yield UnreadableRecord(name, start, f"malformed CSV: {exc}{_csv_hint(str(exc))}")
            if header is None:
                return  # without a header no later row can be read correctly
            continue
        except STREAM_ERRORS as exc:
            yield corrupt(name, reader.line_num, exc)
            return
        if problems.bad:
            yield UnreadableRecord(name, *problems.bad[0])
            problems.bad.clear()
            if header is None:
                return
            continue
        if not row:
            continue  # a blank line is not a record
        if header is None:
            header, width = row, len(row)
            duplicate = next((c for i, c in enumerate(row) if c in row[:i]), None)
            if duplicate is not None:
                message = f"column {duplicate!r} appears twice in the header; rename one"
                yield UnreadableRecord(name, start, message)
                return
            continue
        if len(row) != width:
            hint = "; quote cells that contain commas" if len(row) > width else ""
            yield UnreadableRecord(
                name,
                start,
                f"row has {plural(len(row), 'cell')}, header has {width}{hint}",
                # Its cells as CSV again, for check --quarantine: the row's text is not lost.
                raw=_as_csv(row),
                kind="row",
            )
            continue
        fields = dict(zip(header, row, strict=True))
        source = f"{name}:{start}"
        yield Document(
            record_id(fields, id_field, source) if id_field else source, name, start, fields
        )
    if problems.utf16:
        yield UnreadableRecord(name, 0, UTF16_MESSAGE)

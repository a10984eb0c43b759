"""Helpers shared by the format readers: opening files, naming sources, ids, error records.

Every reader turns I/O trouble into :class:`UnreadableRecord` values instead of raising, so
one bad file never hides the results of the others.
"""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from contextlib import ExitStack
from typing import IO, Any, cast

from checks.documents import UnreadableRecord

STDIN = "-"
STDIN_NAME = "<stdin>"
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_MESSAGE = "file is UTF-16 encoded; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"
# What a stream can raise part-way through: I/O errors, and gzip's truncation/corruption.
STREAM_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error)

_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def shown(path: str) -> str:
    """Return the name a path is reported under (``<stdin>`` for ``-``)."""
    return STDIN_NAME if path == STDIN else path


def clean_path(path: str) -> str:
    """Normalise a user path for display: forward slashes, no leading ``./``."""
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    while path.startswith("./") and len(path) > 2:
        path = path[2:].lstrip("/")
    return path


def open_binary(path: str, stack: ExitStack) -> IO[bytes]:
    """Open a file (or stdin) for binary reading; gzip is recognised by its magic bytes."""
    # stdin is borrowed, never closed: a second run in the same process must still work.
    if path == STDIN:
        raw: IO[bytes] = sys.stdin.buffer
    else:
        raw = open(path, "rb")  # noqa: SIM115 - the caller's ExitStack closes it
        stack.callback(raw.close)
    if _head(raw) == GZIP_MAGIC:
        # The magic bytes, not the ".gz" suffix, decide: a misnamed plain file still reads.
        unzipped = gzip.GzipFile(fileobj=raw, mode="rb")
        stack.callback(unzipped.close)
        return cast(IO[bytes], unzipped)
    return raw


def _head(raw: IO[bytes]) -> bytes:
    """Return the first two bytes without consuming them (empty when that is impossible)."""
    peek = getattr(raw, "peek", None)
    if peek is not None:
        head: bytes = peek(2)[:2]
        return head
    if raw.seekable():
        where = raw.tell()
        head = raw.read(2)
        raw.seek(where)
        return head
    return b""


def reason(exc: BaseException) -> str:
    """Return the human part of an exception (``Permission denied``, not ``[Errno 13] ...``)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def cannot_read(name: str, exc: BaseException) -> UnreadableRecord:
    """Return the record for a file that could not be opened at all."""
    return UnreadableRecord(name, 0, f"cannot read file: {reason(exc)}")


def corrupt(name: str, line: int, exc: BaseException, unit: str = "line") -> UnreadableRecord:
    """Return the record for a file that broke off part-way (truncated gzip, I/O error)."""
    return UnreadableRecord(
        name, line, f"file is truncated or corrupt after {unit} {line}: {reason(exc)}"
    )


def record_id(fields: dict[str, Any], id_field: str, source: str) -> str:
    """Return the record's id: a non-blank str or int ``id_field`` value, else its source."""
    value = fields.get(id_field)
    if value is None and "." in id_field:
        value = fields
        for part in id_field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        return value if value and not value.isspace() else source
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return source


def json_kind(value: object) -> str:
    """Name a parsed JSON value's type the way JSON calls it (``array``, ``null``)."""
    return "null" if value is None else _JSON_KINDS.get(type(value), "object")


def utf8_error(data: bytes, exc: UnicodeDecodeError, base: int | None = 0) -> str:
    """Describe the first undecodable byte of ``data`` (``base`` = its file offset, if known)."""
    col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    where = f" at byte offset {base + exc.start}" if base is not None else ""
    return (
        f"invalid UTF-8: byte 0x{data[exc.start]:02x}{where} (byte {col} of the line); "
        "re-save the file as UTF-8"
    )


def line_offset(stream: IO[bytes], line: bytes) -> int | None:
    """Return the file offset where the line just read began (None for a pipe)."""
    try:
        return stream.tell() - len(line)
    except (OSError, ValueError):
        return None

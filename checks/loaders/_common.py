"""Helpers shared by the format readers: opening files, naming sources, ids, error records.

Every reader turns I/O trouble into :class:`UnreadableRecord` values instead of raising, so
one bad file never hides the results of the others.
"""

from __future__ import annotations

import errno
import gzip
import io
import os
import sys
import zlib
from contextlib import ExitStack
from typing import IO, Any, cast

import orjson

from ..documents import UnreadableRecord
from .meter import METER

STDIN = "-"
STDIN_NAME = "<stdin>"
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF16_MESSAGE = "file is UTF-16 encoded; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"
# What a stream can raise part-way through: I/O errors, and gzip's truncation/corruption.
STREAM_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, zlib.error)

# Deeper records are refused at load time: orjson cannot write more than 254 levels and Python
# code recurses on nested values, so every check, report and cleaned file can take what loads.
MAX_DEPTH = 200
TOO_DEEP = (
    f"record is nested more than {MAX_DEPTH} levels deep; scrapegate reads records up to "
    f"{MAX_DEPTH} levels (flatten the nested arrays or objects)"
)

# The biggest record (a JSON Lines line, a text dump) read into memory. A longer one is read
# on in bounded chunks to its end and reported as unreadable, so an endless line on stdin or a
# gzip bomb of one line cannot exhaust memory. SCRAPEGATE_MAX_RECORD_BYTES overrides it (the
# environment reaches parallel workers too).
DEFAULT_MAX_RECORD_BYTES = 128 * 1024 * 1024
SKIP_CHUNK = 1024 * 1024


def max_record_bytes() -> int:
    """The record size limit in bytes: SCRAPEGATE_MAX_RECORD_BYTES, else 128 MiB."""
    value = os.environ.get("SCRAPEGATE_MAX_RECORD_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_RECORD_BYTES


def size_text(count: int) -> str:
    """A byte count the way people say it (``64 MiB``, ``1.5 KiB``, ``100 bytes``)."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count / size:.4g} {unit}"
    return f"{count} bytes"


def too_long(what: str, limit: int, longer: str = "longer") -> str:
    """The unreadable record's message for a line or file past the record size limit."""
    return (
        f"{what} is {longer} than {size_text(limit)} (the limit); it was skipped without being "
        "read into memory: split it, or raise the limit with "
        "--max-record-bytes BYTES (or SCRAPEGATE_MAX_RECORD_BYTES)"
    )


# Bytes looked at to tell a binary file from JSON Lines. Small enough that a fresh buffered
# file's peek returns all of it, so a whole-file read and a worker's slice decide alike.
HEAD = 1024
_COMPRESSED = (
    (b"BZh", "bzip2", "bunzip2"),
    (b"\xfd7zXZ\x00", "xz", "unxz"),
    (b"\x28\xb5\x2f\xfd", "zstd", "unzstd"),
    (b"PK\x03\x04", "zip", "unzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z", "7z x"),
)

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


# Scraped records are kilobytes long: with the default 8 KiB buffer reading a line costs a
# system call or two, and the loader read lines at a third of the speed it does with this.
READ_BUFFER = 1 << 20


def open_binary(path: str, stack: ExitStack) -> IO[bytes]:
    """Open a file (or stdin) for binary reading; gzip is recognised by its magic bytes."""
    # stdin is borrowed, never closed: a second run in the same process must still work.
    if path == STDIN:
        raw: IO[bytes] = sys.stdin.buffer
    else:
        raw = open(path, "rb", buffering=READ_BUFFER)  # noqa: SIM115 - the ExitStack closes it
        stack.callback(raw.close)
        # The progress line reads the position of this descriptor (compressed bytes for a
        # gzip file); closing counts the whole file as read, however far a reader got.
        METER.opened(raw.fileno())
        stack.callback(METER.closed)
    head = _head(raw)
    if len(head) == 1 and not raw.seekable():
        # A pipe's writer may have sent a single byte so far: peek shows only what arrived.
        # Read up to the second byte and replay both, or a gzip stream would be read as text.
        raw = _replayed(raw, stack)
        head = _head(raw)
    if head == GZIP_MAGIC:
        # The magic bytes, not the ".gz" suffix, decide: a misnamed plain file still reads.
        unzipped = gzip.GzipFile(fileobj=raw, mode="rb")
        stack.callback(unzipped.close)
        return cast(IO[bytes], unzipped)
    return raw


class _Replay(io.RawIOBase):
    """A stream's first bytes, already read, then the rest of the stream (never closed)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            count = min(len(view), len(self._head))
            view[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        read1 = getattr(self._rest, "read1", self._rest.read)
        data: bytes = read1(len(view))
        view[: len(data)] = data
        return len(data)


def _replayed(raw: IO[bytes], stack: ExitStack) -> IO[bytes]:
    """``raw`` with its first two bytes read for certain (a pipe may deliver one at a time)."""
    first = raw.read(1)
    head = first + raw.read(1) if first else first
    replay = io.BufferedReader(_Replay(head, raw))
    stack.callback(replay.detach)  # detached, not closed: ``raw`` is closed (or borrowed) as before
    return cast(IO[bytes], replay)


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


def not_json_lines(head: bytes) -> str | None:
    """Why a file starting with ``head`` cannot be JSON Lines at all, or None when it may be.

    Compressed files other than gzip are named by their magic bytes. A NUL byte never occurs
    in JSON text, so a NUL in the head with no valid JSON line before it means binary data
    (or UTF-16 without a BOM): one message for the file instead of one per garbage line.
    """
    for magic, kind, tool in _COMPRESSED:
        if head.startswith(magic):
            return (
                f"file is {kind}-compressed; decompress it first ({tool}): scrapegate reads "
                "plain or gzip-compressed JSON Lines"
            )
    nul = head.find(b"\x00")
    if nul < 0 or head[:2] in UTF16_BOMS:
        return None
    newline = head.find(b"\n")
    if 0 <= newline < nul:
        try:
            orjson.loads(head[:newline])
            return None  # a good first line: the NUL is one bad record among good ones
        except orjson.JSONDecodeError:
            pass
    return (
        f"binary data, not JSON Lines (a NUL byte at byte {nul}); the file was not read. "
        "Is it compressed, in another format or UTF-16 without a BOM? Check the file"
    )


def reason(exc: BaseException) -> str:
    """Return the human part of an exception (``Permission denied``, not ``[Errno 13] ...``)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def cannot_read(name: str, exc: BaseException) -> UnreadableRecord:
    """Return the record for a file that could not be opened at all, with what to do."""
    return UnreadableRecord(name, 0, f"cannot read file: {reason(exc)}{_open_hint(name, exc)}")


def _open_hint(name: str, exc: BaseException) -> str:
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.EACCES, errno.EPERM):
        return "; check the file's permissions (or run as a user who can read it)"
    if code == errno.ELOOP:
        return "; it is a symbolic link loop: fix the link or remove it"
    if code == errno.ENOENT and os.path.islink(name):
        return f"; it is a broken symbolic link to {os.readlink(name)!r}: fix or remove it"
    if code == errno.ESPIPE:  # only Parquet seeks; every other format is read as a stream
        return "; a pipe cannot be read as Parquet (it needs to seek): save it to a file first"
    if code == errno.EISDIR:
        return "; it is a folder: name the folder without --format, or the files in it"
    return ""


def corrupt(name: str, line: int, exc: BaseException, unit: str = "line") -> UnreadableRecord:
    """Return the record for a file that broke off part-way (truncated gzip, I/O error)."""
    where = f"after {unit} {line}" if line else f"before its first {unit}"
    return UnreadableRecord(name, line, f"file is truncated or corrupt {where}: {reason(exc)}")


def record_id(fields: dict[str, Any], id_field: str, source: str) -> str:
    """Return the record's id: a non-blank str or int ``id_field`` value, else its source."""
    # The same rule as usable_id(id_value(...)), inlined: this runs once per record.
    value = fields.get(id_field)
    if value is None and "." in id_field:
        value = id_value(fields, id_field)
    if isinstance(value, str):
        return value if value and not value.isspace() else source
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return source


def id_value(fields: dict[str, Any], id_field: str) -> Any:
    """Return the raw value of the id field (dotted names reach into objects); None if absent."""
    value = fields.get(id_field)
    if value is None and "." in id_field:
        value = fields
        for part in id_field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    return value


def usable_id(value: Any) -> str | None:
    """Return an id value as text when it can name a document (non-blank text or an integer)."""
    if isinstance(value, str):
        return value if value and not value.isspace() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a parsed JSON value nests more than ``limit`` arrays/objects (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        for child in item.values() if type(item) is dict else item:
            kind = type(child)
            if kind is dict or kind is list:
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def nested(record: dict[str, Any]) -> bool:
    """Whether any field holds an array or object (the cheap first test for depth)."""
    for value in record.values():
        kind = type(value)
        if kind is dict or kind is list:
            return True
    return False


def may_be_too_deep(data: bytes, start: int = 0, end: int | None = None) -> bool:
    """Cheap pre-test in C: only bytes with more than MAX_DEPTH brackets can nest that deep."""
    stop = len(data) if end is None else end
    return data.count(b"[", start, stop) + data.count(b"{", start, stop) > MAX_DEPTH


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

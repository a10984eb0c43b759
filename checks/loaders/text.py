"""Plain-text reader: a whole file (``.txt``, ``.md``, ``.html``) is one document.

The document's fields are ``{"text": content, "path": path}`` with ``text_field="text"``, so a
check that finds something at an offset in the text can point at the exact file line. The
content is kept as it is (line endings included) because judging it is the checks' job. Text
dumps are read whole: a document is the unit a check looks at, so it must fit in memory. At most
the record size limit plus one byte is read: a bigger file (or ``/dev/zero``) is one unreadable
record instead of a MemoryError.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

from ..documents import Document, Loaded, UnreadableRecord
from ._common import (
    STREAM_ERRORS,
    UTF8_BOM,
    UTF16_BOMS,
    cannot_read,
    max_record_bytes,
    open_binary,
    reason,
    shown,
    too_long,
    utf8_error,
)


def read(path: str, id_field: str | None = None) -> Iterator[Loaded]:
    """Yield the whole file as one document (``id_field`` is ignored: the id is the path)."""
    name = shown(path)
    limit = max_record_bytes()
    with ExitStack() as stack:
        try:
            data = open_binary(path, stack).read(limit + 1)
        except OSError as exc:
            yield cannot_read(name, exc)
            return
        except STREAM_ERRORS as exc:  # a truncated or corrupt gzip
            yield UnreadableRecord(name, 0, f"file is truncated or corrupt: {reason(exc)}")
            return
    if len(data) > limit:
        yield UnreadableRecord(name, 0, too_long("file", limit, "bigger"))
        return
    yield _document(name, data)


def _document(name: str, data: bytes) -> Loaded:
    # Windows tools often write UTF-16 text dumps; their BOM makes the encoding certain.
    utf16 = data[:2] in UTF16_BOMS
    base = 0 if utf16 else len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        text = data.decode("utf-16") if utf16 else data[base:].decode("utf-8")
    except UnicodeDecodeError as exc:
        if utf16:
            message = f"invalid UTF-16 at byte offset {exc.start}: {exc.reason}"
            return UnreadableRecord(name, _utf16_line(data, exc.start), message)
        offset = base + exc.start
        line = data.count(b"\n", 0, offset) + 1
        return UnreadableRecord(name, line, utf8_error(data[base:], exc, base))
    return Document(name, name, 1, {"text": text, "path": name}, text_field="text")


def _utf16_line(data: bytes, offset: int) -> int:
    """Return the line of a byte offset in UTF-16 data."""
    return data[:offset].decode("utf-16", "replace").count("\n") + 1

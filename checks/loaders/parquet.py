"""Parquet reader: one document per row, read in batches of 1024 rows.

A document's line is its 1-based row number, so its source reads ``path:row``. pyarrow is an
optional dependency (``scrapegate[parquet]``) imported only here, when a Parquet file is read.
Memory holds one row group's columns at a time (pyarrow decodes whole column chunks).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from importlib.util import find_spec
from typing import Any

from ..documents import Document, Loaded, UnreadableRecord
from ..errors import UsageError
from ._common import cannot_read, corrupt, reason, record_id, shown
from .meter import METER

MISSING_PYARROW = "reading Parquet needs pyarrow: pip install 'scrapegate[parquet]'"
BATCH_ROWS = 1024


def require_pyarrow() -> None:
    """Raise UsageError when pyarrow is not installed (checked before any file is read)."""
    if find_spec("pyarrow") is None:
        raise UsageError(MISSING_PYARROW)


def _insane_metadata(meta: Any) -> str:
    """What is impossible in a file's metadata ("" when nothing is).

    pyarrow trusts these numbers, and a negative row count aborts the whole process from C++
    instead of raising; it is checked before any row is read. (Only row counts are looked at:
    building a column chunk's metadata can itself abort on a corrupt file, where reading the
    rows raises a clean error.)
    """
    if meta.num_rows < 0:
        return f"it claims {meta.num_rows} rows"
    for index in range(meta.num_row_groups):
        rows = meta.row_group(index).num_rows
        if rows < 0:
            return f"row group {index} claims {rows} rows"
    return ""


def read(path: str, id_field: str | None = None) -> Iterator[Loaded]:
    """Yield one document per row of a Parquet file."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(MISSING_PYARROW) from None
    # ArrowInvalid and friends: a file that is not Parquet, or whose data does not decode.
    errors: tuple[type[Exception], ...] = (pa.ArrowException, ValueError, OverflowError)
    stream_errors: tuple[type[Exception], ...] = (OSError, *errors)
    name = shown(path)
    with ExitStack() as stack:
        try:
            fh = stack.enter_context(open(path, "rb"))
            METER.opened(fh.fileno())
            stack.callback(METER.closed)
            parquet: Any = pq.ParquetFile(fh)
            insane = _insane_metadata(parquet.metadata)
        except OSError as exc:
            yield cannot_read(name, exc)
            return
        except errors as exc:
            yield UnreadableRecord(name, 0, f"not a readable Parquet file: {reason(exc)}")
            return
        if insane:
            yield UnreadableRecord(name, 0, f"corrupt Parquet file: {insane}; re-export it")
            return
        row = 0
        try:
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
                for fields in batch.to_pylist():
                    row += 1
                    source = f"{name}:{row}"
                    ident = record_id(fields, id_field, source) if id_field else source
                    yield Document(ident, name, row, fields)
        except stream_errors as exc:
            yield corrupt(name, row, exc, unit="row")

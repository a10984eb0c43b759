"""Routing for ``check --quarantine/--passing``: every record read lands in exactly one place.

While the engine scans, each record is appended to a spool part on disk (one part per slice
of the input, so parallel workers each write their own) as one line: the record as loaded,
or an unreadable record's location, error and raw text. The engine remembers, per record
ordinal, the expectations the record failed. Corpus checks (``unique``, ``repeated_lines``)
name a failing document only after later documents were seen, so nothing is written to the
outputs until the run is over: then the parts are read back in input order and each record
goes to the quarantine (it failed at least one error-severity expectation, or it could not
be read) or to the passing file. Memory holds the failures (as the result does), never the
records; the spool is removed on every way out.

A quarantine line is ``{"record": <the record as loaded>, "source": "file:line", "doc": id,
"failed": [{"expectation", "check", "field", "severity", "message"}, ...]}``; an unreadable
record has ``"record": null`` and ``"raw"``: its text (JSON Lines: the line as read, decoded
with replacement characters; a CSV row with the wrong number of cells: its cells written
back as a CSV line; null when the loader could not keep it, e.g. a line over the record size
limit, a CSV row the csv module could not parse, or a file that could not be opened).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from .atomic import (
    atomic_stream,
    is_special_file,
    private_temp_folder,
)
from .documents import Document, UnreadableRecord
from .escaping import utf8_safe
from .loaders._common import UTF8_BOM
from .result import READABLE_CHECK, READABLE_NAME

# A record's ordinal packs its slice's index above the record's position in the slice, so
# that workers number their records without knowing how many come before their slice.
SLICE_SHIFT = 40
_DOCUMENT = b"D"
_UNREADABLE = b"U"


@dataclass
class RoutedRecord:
    """What one record failed: its name, its place, and (expectation index, message) pairs."""

    doc: str
    source: str
    failed: list[tuple[int, str]] = field(default_factory=list)


def ordinal(slice_index: int, position: int) -> int:
    """The ordinal of the record at ``position`` (0-based) of slice ``slice_index``."""
    return (slice_index << SLICE_SHIFT) | position


def _default(value: Any) -> Any:
    # Parquet and JSON may load values orjson cannot write: big integers, decimals, bytes.
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    return str(value)


def dump_record(fields: dict[str, Any]) -> bytes:
    """A loaded record as one line of compact JSON (keys in their order)."""
    try:
        return orjson.dumps(fields, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return orjson.dumps(_plain(fields), option=orjson.OPT_NON_STR_KEYS, default=_default)


def _plain(value: Any) -> Any:
    """``value`` with integers beyond 64 bits as strings (orjson cannot write them)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1 << 63:
        return str(value)
    if isinstance(value, float) and value != value:  # NaN: JSON has no spelling for it
        return None
    return value


class Spool:
    """The spool part of one slice of the input: one line per record, in input order."""

    def __init__(self, directory: str, slice_index: int) -> None:
        self.slice_index = slice_index
        self.path = os.path.join(directory, f"part-{slice_index:06d}")
        self.out: IO[bytes] = open(self.path, "wb")  # noqa: SIM115 - closed by close()

    def document(self, doc: Document) -> None:
        """Spool a readable record as loaded (before cleaning or derived fields).

        A JSON Lines record keeps its line's bytes (number spelling, escapes, spacing);
        other formats are written as compact JSON of the fields loaded.
        """
        raw = doc.raw
        if raw is None:
            self.out.write(_DOCUMENT + dump_record(doc.fields) + b"\n")
            return
        if doc.line == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
        self.out.write(_DOCUMENT + raw.rstrip(b"\r\n") + b"\n")

    def unreadable(self, item: UnreadableRecord) -> None:
        """Spool an unreadable record: where it is, why, and its raw text when kept."""
        raw = item.raw.decode("utf-8", "replace").rstrip("\r\n") if item.raw is not None else None
        entry = {"source": item.source, "message": item.message, "raw": raw}
        self.out.write(_UNREADABLE + orjson.dumps(entry) + b"\n")

    def close(self) -> None:
        """Flush the part to disk."""
        self.out.close()


@dataclass(frozen=True)
class Expected:
    """What a quarantine line says of one expectation."""

    name: str
    check: str
    field: str | None
    severity: str


@dataclass
class Routing:
    """Where ``check`` routes records; the counts once :func:`split` has run."""

    quarantine_path: str | None
    passing_path: str | None
    read: int = 0
    quarantined: int = 0
    passing: int = 0
    unreadable: int = 0

    def to_json(self) -> dict[str, Any]:
        """The ``routing`` key of the result JSON."""
        return {
            "read": self.read,
            "passing": self.passing,
            "quarantined": self.quarantined,
            "unreadable": self.unreadable,
            "quarantine_path": _shown(self.quarantine_path),
            "passing_path": _shown(self.passing_path),
        }


def _shown(path: str | None) -> str | None:
    # An undecodable file name must not make the result JSON unwritable.
    return utf8_safe(path) if path is not None else None


def spool_directory(near: Sequence[str | None]) -> str:
    """A private temporary folder for the spool, beside the first output that is a file.

    Beside the output it shares the output's disk, which must hold the records anyway; an
    output that is a device or pipe (``/dev/stdout``) leaves it to the system's temp folder.
    """
    # Named like the atomic writes' temp files (pid and start time of this run), so a later
    # run removes the spool a killed one (SIGKILL) left behind.
    for path in near:
        if not path:
            continue
        folder = os.path.dirname(os.path.abspath(path)) or "."
        if os.path.isdir(folder) and os.access(folder, os.W_OK) and not is_special_file(path):
            return private_temp_folder("spool", folder)
    return private_temp_folder("spool", tempfile.gettempdir())


def remove_spool(directory: str) -> None:
    """Remove the spool folder and its parts."""
    shutil.rmtree(directory, ignore_errors=True)


def split(
    routing: Routing,
    parts: Sequence[str],
    routed: dict[int, RoutedRecord],
    expectations: Sequence[Expected],
    accepted: Callable[[str, str | None], bool] | None = None,
) -> None:
    """Read the spool parts in input order and write each record to its output.

    ``accepted(expectation, doc)`` says whether a waiver accepts that failure: a record
    whose error-severity failures are all accepted is passing.
    """
    lines = (
        (ordinal(slice_index, position), line)
        for slice_index, part in enumerate(parts)
        for position, line in enumerate(_lines(part))
    )
    split_lines(routing, lines, routed, expectations, accepted)


def split_lines(
    routing: Routing,
    lines: Iterable[tuple[int, bytes]],
    routed: dict[int, RoutedRecord],
    expectations: Sequence[Expected],
    accepted: Callable[[str, str | None], bool] | None = None,
) -> None:
    """Write each spooled line (with its record's ordinal, in input order) to its output,
    as :func:`split` does; ``--engine spark`` streams its tasks' spooled lines here."""
    with ExitStack() as stack:
        quarantine = (
            stack.enter_context(atomic_stream(routing.quarantine_path))
            if routing.quarantine_path
            else None
        )
        passing = (
            stack.enter_context(atomic_stream(routing.passing_path))
            if routing.passing_path
            else None
        )
        for number, line in lines:
            routing.read += 1
            kind, out = routed_line(line, routed.get(number), expectations, accepted)
            if kind == "unreadable":
                routing.unreadable += 1
            elif kind == "passing":
                routing.passing += 1
            else:
                routing.quarantined += 1
            target = passing if kind == "passing" else quarantine
            if target is not None:
                target.write(out)


def routed_line(
    line: bytes,
    record: RoutedRecord | None,
    expectations: Sequence[Expected],
    accepted: Callable[[str, str | None], bool] | None = None,
) -> tuple[str, bytes]:
    """Where one spooled line goes ("passing", "quarantined" or "unreadable", the last two
    to the quarantine) and the line written there."""
    tag, body = line[:1], line[1:]
    if tag == _UNREADABLE:
        return "unreadable", unreadable_line(body)
    waived = waived_by(record, expectations, accepted)
    if record is None or not is_quarantined(record, expectations, waived):
        return "passing", body
    return "quarantined", _quarantine_line(body, record, expectations, waived)


def is_quarantined(
    record: RoutedRecord, expectations: Sequence[Expected], waived: set[int] | frozenset[int]
) -> bool:
    """Whether ``record`` failed an error-severity expectation no waiver accepts."""
    return any(
        expectations[index].severity == "error" and index not in waived
        for index, _ in record.failed
    )


def _lines(part: str) -> Iterator[bytes]:
    with open(part, "rb") as fh:
        yield from fh


def waived_by(
    record: RoutedRecord | None,
    expectations: Sequence[Expected],
    accepted: Callable[[str, str | None], bool] | None,
) -> set[int]:
    """The expectations (by index) whose failure of ``record`` a waiver accepts."""
    if record is None or accepted is None:
        return set()
    return {i for i, _ in record.failed if accepted(expectations[i].name, record.doc)}


def _quarantine_line(
    body: bytes,
    record: RoutedRecord,
    expectations: Sequence[Expected],
    waived: set[int] | frozenset[int] = frozenset(),
) -> bytes:
    # The spooled record is already JSON: splice it in rather than parse and dump it again.
    return b'{"record":' + body.rstrip(b"\n") + quarantine_tail(record, expectations, waived)


def quarantine_tail(
    record: RoutedRecord,
    expectations: Sequence[Expected],
    waived: set[int] | frozenset[int] = frozenset(),
) -> bytes:
    """What follows the record in its quarantine line: its source, doc and failures."""
    failed = []
    # Sorted: workers report corpus failures in another order than a single pass would.
    for index, message in sorted(record.failed):
        spec = expectations[index]
        entry: dict[str, Any] = {
            "expectation": spec.name,
            "check": spec.check,
            "field": spec.field,
            "severity": spec.severity,
            "message": message,
        }
        if index in waived:
            entry["waived"] = True  # accepted by a waiver; another failure holds the record
        failed.append(entry)
    head = orjson.dumps({"source": record.source, "doc": record.doc, "failed": failed})
    return b"," + head[1:] + b"\n"


def unreadable_line(body: bytes) -> bytes:
    entry = orjson.loads(body)
    line = {
        "record": None,
        "raw": entry["raw"],
        "source": entry["source"],
        "doc": None,
        "failed": [
            {
                "expectation": READABLE_NAME,
                "check": READABLE_CHECK,
                "field": None,
                "severity": "error",
                "message": entry["message"],
            }
        ],
    }
    return orjson.dumps(line) + b"\n"

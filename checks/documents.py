"""The document model every loader produces and every check reads.

A document is a mapping of field names to values plus where it came from, so that every
failure can point at ``file:line``. A record a loader cannot read becomes an
:class:`UnreadableRecord` instead: reported as a failure with its location, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


# Not frozen, with slots: a document is built per record on the hot path, and frozen
# dataclasses pay for object.__setattr__ on every field.
@dataclass(slots=True)
class Document:
    """One scraped document: its fields and its origin."""

    id: str
    path: str
    line: int
    fields: dict[str, Any] = field(compare=False)
    # For text dumps the whole file is one field; offsets in it map to file lines.
    text_field: str | None = None
    # The record's line as read (JSON Lines, only when asked: check --passing copies it).
    raw: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def source(self) -> str:
        """``path:line`` of the record (Parquet: ``path:row``)."""
        return f"{self.path}:{self.line}"

    def get(self, name: str) -> Any:
        """Return a field's value; dotted names reach into nested objects; missing is None."""
        fields = self.fields
        if name in fields:
            return fields[name]
        if "." not in name:
            return None
        value: Any = fields
        for part in name.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    def source_at(self, field_name: str, offset: int | None) -> str:
        """Return ``path:line`` of an offset inside a field (exact for text dumps)."""
        if offset is None or field_name != self.text_field:
            return self.source
        value = self.fields.get(field_name)
        if not isinstance(value, str):
            return self.source
        return f"{self.path}:{self.line + value.count(chr(10), 0, offset)}"


@dataclass(frozen=True)
class UnreadableRecord:
    """A record or file that could not be read; it fails every expectation's 'readable' gate."""

    path: str
    line: int
    message: str
    # The record's own bytes where a writer needs them to copy it through (a JSON array's
    # element, or what follows the array; a JSON Lines line, for check --quarantine); None
    # when the loader did not keep them (a line over the record limit, a whole file).
    raw: bytes | None = field(default=None, compare=False, repr=False)
    # What ``raw`` is: "element" (one array element), "tail" (the unfinished last element of a
    # truncated array), "after" (the closing bracket and the bytes after it) or "line" (a
    # JSON Lines line as read).
    kind: str = field(default="", compare=False, repr=False)
    # Where the record's bytes lie in the (decompressed) input when they are too many to hold:
    # (start, end) offsets, end None for "to the end of the file"; ``clean`` copies them
    # through from the input in bounded pieces.
    span: tuple[int, int | None] | None = field(default=None, compare=False, repr=False)

    @property
    def source(self) -> str:
        """``path:line`` of the unreadable record (line 0 when the whole file failed)."""
        return f"{self.path}:{self.line}" if self.line else self.path


Loaded = Document | UnreadableRecord

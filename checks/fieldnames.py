"""Field names seen in the data, to tell a misspelt ``field:`` from a field the data lacks.

A run remembers at most :data:`MAX_FIELD_NAMES` distinct top-level names, never documents, so
memory stays bounded however many documents stream past; parallel slices merge their names.
When an expectation's field is missing from most of the documents it evaluated, the run says
so once, as a warning with the closest name seen (``did you mean 'title'?``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import did_you_mean

if TYPE_CHECKING:
    from .suite import Expectation

MAX_FIELD_NAMES = 256
# Names listed after "fields seen:"; the rest are elided.
SHOWN_NAMES = 8


class FieldNames:
    """Distinct top-level field names in first-seen order, at most MAX_FIELD_NAMES of them."""

    __slots__ = ("names",)

    def __init__(self) -> None:
        self.names: dict[str, None] = {}

    def observe(self, fields: Mapping[str, Any]) -> None:
        """Remember the names of one document's fields (cheap once every name is known)."""
        names = self.names
        if len(names) < MAX_FIELD_NAMES and not fields.keys() <= names.keys():
            self._add(fields)

    def merge(self, later: FieldNames) -> None:
        """Fold in the names a later slice of the input saw."""
        self._add(later.names)

    def _add(self, new: Iterable[str]) -> None:
        names = self.names
        for name in new:
            if len(names) >= MAX_FIELD_NAMES:
                return
            names.setdefault(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    @property
    def full(self) -> bool:
        """Whether names past the limit may have gone unrecorded."""
        return len(self.names) >= MAX_FIELD_NAMES

    def shown(self, leave_out: str = "") -> str:
        """``fields seen: a, b, c, ...``: what the data holds, for a message."""
        names = [n for n in self.names if n != leave_out]
        listed = ", ".join(names[:SHOWN_NAMES])
        more = ", ..." if len(names) > SHOWN_NAMES or self.full else ""
        return f"fields seen: {listed}{more}" if names else "no document has any field"

    def hint_and_shown(self, name: str, leave_out: str = "") -> str:
        """``; did you mean 'x'? fields seen: ...`` (or only ``; fields seen: ...``)."""
        hint, shown = self.hint(name), self.shown(leave_out)
        return f"{hint} {shown}" if hint else f"; {shown}"

    def hint(self, name: str) -> str:
        """``; did you mean 'x'?`` for ``name`` (or its first dotted part), or ``""``."""
        head = name.split(".")[0]
        if head in self.names:
            return ""
        return did_you_mean(head, [n for n in self.names if n != head])


def missing_note(
    spec: Expectation,
    missing: int,
    evaluated: int,
    seen: FieldNames,
    derived: Mapping[str, str],
) -> str | None:
    """One warning when ``spec``'s field is missing from most documents it evaluated."""
    name = spec.field
    if name is None or evaluated == 0 or missing * 2 <= evaluated:
        return None
    if missing < evaluated and missing <= evaluated * (1 - spec.mostly) + 1e-9:
        return None  # an optional field: 'mostly' allows this many to lack it
    which = "documents it applies to" if spec.where is not None else "documents"
    count = f"all {evaluated}" if missing == evaluated else f"{missing} of {evaluated}"
    head = f"{spec.location}: field {name!r} of {spec.name!r} is"
    if name in derived:
        source = derived[name]
        if source.split(".")[0] not in seen:
            return (
                f"{head} missing in {count} {which}: documents.fields.{name} reads {source!r}, "
                f"which no document has{seen.hint_and_shown(source, leave_out=name)}"
            )
        return (
            f"{head} missing in {count} {which}: the pattern of documents.fields.{name} did "
            f"not match {source!r}"
        )
    if name.split(".")[0] in seen:
        return f"{head} missing or null in {count} {which}"
    return f"{head} missing in {count} {which}{seen.hint_and_shown(name)}"

"""The id audit: documents without a usable id, and ids that repeat, summed up as warnings.

``documents.id`` names each document in messages and lets a baseline match documents across
runs. A document without a usable id (missing, blank, or neither text nor an integer) falls
back to its ``file:line``; two documents with one id make a baseline diff ambiguous. Neither
fails a run (the ``unique`` and ``not_empty`` checks exist for that), but each deserves one
summary line instead of silence.

State is 16 bytes a document (a 64-bit digest of its id and its packed location, in arrays,
not objects); repeats are found once at the end. Audits of consecutive slices of the input
merge into exactly what one pass over the whole input finds, so parallel runs say the same.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from ..docindex import id_digest
from ..documents import Document
from ..wording import plural, verb
from ._common import id_value, usable_id

# A location packs (index of its path in ``paths``, line) into 64 bits, ordered as the input.
_LINE_BITS = 40
_LINE_MASK = (1 << _LINE_BITS) - 1


def _array() -> array[int]:
    return array("Q")


@dataclass
class IdAudit:
    """Watches documents stream past; :meth:`warnings` sums up what it saw."""

    id_field: str | None
    paths: list[str] = field(default_factory=list)
    digests: array[int] = field(default_factory=_array)
    places: array[int] = field(default_factory=_array)
    missing: int = 0
    first_missing: int | None = None
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def observe(self, doc: Document) -> None:
        """Note one document's id (text dumps are named by their path and are skipped)."""
        if self.id_field is None or doc.text_field is not None:
            return
        value = usable_id(id_value(doc.fields, self.id_field))
        if value is None:
            self.missing += 1
            if self.first_missing is None:
                self.first_missing = self._pack(doc.path, doc.line)
            return
        self.digests.append(id_digest(value))
        self.places.append(self._pack(doc.path, doc.line))

    def merge(self, later: IdAudit) -> None:
        """Fold in the audit of the slice of input that follows this one."""
        remap = [self._pack(path, 0) for path in later.paths]

        def moved(packed: int) -> int:
            return remap[packed >> _LINE_BITS] | (packed & _LINE_MASK)

        if later.missing:
            self.missing += later.missing
            if self.first_missing is None and later.first_missing is not None:
                self.first_missing = moved(later.first_missing)
        self.digests.extend(later.digests)
        if remap == list(range(len(remap))):
            self.places.extend(later.places)
        else:
            self.places.extend(moved(p) for p in later.places)

    def warnings(self) -> list[str]:
        """One line per kind of problem, naming the first place it occurs."""
        out = []
        name = self.id_field
        if self.missing and self.first_missing is not None:
            out.append(
                f"{plural(self.missing, 'document')} {verb(self.missing, 'has', 'have')} no usable "
                f"{name!r}, so file:line names {verb(self.missing, 'it', 'them')} "
                f"(first: {self._show(self.first_missing)}); give each one or change documents.id"
            )
        repeats, example = self._repeats()
        if repeats and example is not None:
            repeat, first = example
            out.append(
                f"{plural(repeats, 'document')} {verb(repeats, 'repeats', 'repeat')} an earlier "
                f"{name!r} (first: {self._show(repeat)} "
                f"repeats {self._show(first)}); baselines match by id: a 'unique' check lists all"
            )
        return out

    def _repeats(self) -> tuple[int, tuple[int, int] | None]:
        """How many documents repeat an earlier id, and the places of the first such pair."""
        # Positions bucketed by the digest's top byte, each bucket sorted by digest (stable,
        # so an id's first place comes first): C-level sorts of 1/256 of the ids at a time
        # keep memory small and took a third of the time of probing a table id by id, which
        # the parent did alone after the workers were done.
        digests = self.digests
        buckets = [array("L") for _ in range(256)]
        for position, digest in enumerate(digests):
            buckets[digest >> 56].append(position)
        repeats = 0
        first: tuple[int, int] | None = None  # (position of the repeat, of its original)
        for index, bucket in enumerate(buckets):
            buckets[index] = array("L")
            if len(set(map(digests.__getitem__, bucket))) == len(bucket):
                continue
            previous, original = None, 0
            for position in sorted(bucket, key=digests.__getitem__):
                digest = digests[position]
                if digest != previous:
                    previous, original = digest, position
                    continue
                repeats += 1
                # The first repeat in input order is the earliest second place of an id.
                if first is None or position < first[0]:
                    first = (position, original)
        if first is None:
            return repeats, None
        return repeats, (self.places[first[0]], self.places[first[1]])

    def _pack(self, path: str, line: int) -> int:
        index = self._index.get(path)
        if index is None:
            index = self._index[path] = len(self.paths)
            self.paths.append(path)
        return (index << _LINE_BITS) | line

    def _show(self, packed: int) -> str:
        return f"{self.paths[packed >> _LINE_BITS]}:{packed & _LINE_MASK}"

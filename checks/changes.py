"""Documents that changed between a baseline and a run: a body that shrank or grew past a
threshold, a date that moved, a credit that vanished (from :mod:`scrapegate.fingerprints`).

A warning section of every baseline comparison (``baseline.changes`` in the result JSON).
Counts cover every document in both runs; the listing is bounded (:data:`LISTED_PER_GROUP` a
group, :data:`LISTED` in all), grouped by site when the suite sets ``documents.group_by``.
The kinds the run's suite names in ``documents.changes.fail_on`` fail the gate instead
(stored with the run's fingerprints, so a ``diff`` of stored results applies them too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .docindex import id_digest
from .fingerprints import (
    CHANGE_KINDS,
    KEY,
    ChangeThresholds,
    Fingerprints,
    changes_of,
    column_pairs,
    merge_join,
    stored_thresholds,
)
from .grouping import NO_GROUP
from .result import RunResult
from .wording import plural

LISTED = 200
LISTED_PER_GROUP = 20
NO_FINGERPRINTS = "the baseline has no document fingerprints; re-record it to compare documents"
NO_HEAD_FINGERPRINTS = "this run has no document fingerprints; rerun it to compare documents"
KIND_WORDS = {
    "shrank": "body shrank",
    "grew": "body grew",
    "date_changed": "date changed",
    "attribution_vanished": "attribution vanished",
}


@dataclass(frozen=True)
class DocumentChange:
    """One change of one document; ``doc`` is its id, or ``#`` and its digest in hex."""

    doc: str
    group: str | None
    kind: str
    field: str
    base: Any
    head: Any

    def to_json(self) -> dict[str, Any]:
        """As listed under ``baseline.changes.documents``."""
        return {
            "doc": self.doc,
            "group": self.group,
            "kind": self.kind,
            "field": self.field,
            "base": self.base,
            "head": self.head,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DocumentChange:
        """Rebuild from :meth:`to_json` output."""
        group = data.get("group")
        return cls(
            str(data["doc"]),
            None if group is None else str(group),
            str(data["kind"]),
            str(data["field"]),
            data.get("base"),
            data.get("head"),
        )


@dataclass(frozen=True)
class Changes:
    """The per-document changes between two runs (or why there are none to show)."""

    thresholds: ChangeThresholds
    available: bool = True
    note: str = ""
    compared: int = 0
    changed: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    group_by: str | None = None
    groups: dict[str, dict[str, int]] = field(default_factory=dict)
    documents: tuple[DocumentChange, ...] = ()
    # documents.changes.fail_on of the run: these kinds fail the gate.
    fail_on: tuple[str, ...] = ()

    @property
    def regressed(self) -> bool:
        """Whether a kind of change the suite fails on happened."""
        return any(self.counts.get(kind) for kind in self.fail_on)

    @property
    def reason(self) -> str:
        """Why the changes fail the gate (empty when they do not)."""
        found = [
            f"{KIND_WORDS[k]}: {plural(self.counts[k], 'document')}"
            for k in self.fail_on
            if self.counts.get(k)
        ]
        return "changed documents (documents.changes.fail_on): " + "; ".join(found) if found else ""

    @property
    def total(self) -> int:
        """Changes of every kind (a document may have several)."""
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        """The ``baseline.changes`` key."""
        return {
            "available": self.available,
            "note": self.note,
            "thresholds": self.thresholds.to_json(),
            "compared": self.compared,
            "changed": self.changed,
            "counts": {k: self.counts.get(k, 0) for k in CHANGE_KINDS},
            "group_by": self.group_by,
            "groups": self.groups,
            "fail_on": list(self.fail_on),
            "regressed": self.regressed,
            "listed": len(self.documents),
            "documents": [d.to_json() for d in self.documents],
        }

    @classmethod
    def from_json(cls, data: Any) -> Changes:
        """Rebuild from :meth:`to_json` output (KeyError/TypeError/ValueError if malformed)."""
        limits = data["thresholds"]
        return cls(
            thresholds=ChangeThresholds(float(limits["ratio"]), int(limits["min_chars"])),
            available=bool(data["available"]),
            note=str(data.get("note", "")),
            compared=int(data.get("compared", 0)),
            changed=int(data.get("changed", 0)),
            counts={str(k): int(v) for k, v in data.get("counts", {}).items()},
            group_by=data.get("group_by"),
            groups={
                str(g): {str(k): int(v) for k, v in kinds.items()}
                for g, kinds in data.get("groups", {}).items()
            },
            documents=tuple(DocumentChange.from_json(d) for d in data.get("documents", ())),
            fail_on=tuple(str(k) for k in data.get("fail_on", ())),
        )


def _known_ids(base: RunResult, head: RunResult, *fingerprints: Fingerprints) -> dict[int, str]:
    """digest -> id of every document either result names."""
    known: dict[int, str] = {}
    for fp in fingerprints:
        known.update(fp.ids)
    for result in (head, base):
        for er in result.expectations:
            for failure in er.failures:
                if failure.doc is not None:
                    known.setdefault(id_digest(failure.doc), failure.doc)
    return known


def compare_documents(
    base: RunResult, head: RunResult, thresholds: ChangeThresholds | None = None
) -> Changes:
    """The documents of both runs whose fingerprints changed past ``thresholds`` (default:
    those stored with ``head``, from its suite's ``documents.changes``)."""
    limits = thresholds or stored_thresholds(head.extra.get(KEY))
    head_fp = Fingerprints.from_json(head.extra.get(KEY))
    if head_fp is None:
        return Changes(limits, available=False, note=NO_HEAD_FINGERPRINTS)
    base_fp = Fingerprints.from_json(base.extra.get(KEY))
    if base_fp is None:
        return Changes(limits, available=False, note=NO_FINGERPRINTS)
    pairs = column_pairs(base_fp.columns, head_fp.columns)
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    groups: dict[str, dict[str, int]] = {}
    per_group: dict[str, int] = {}
    listed: list[tuple[int, str, Any]] = []
    compared = changed = 0
    for digest, b, h in merge_join(base_fp, head_fp):
        compared += 1
        old = [column[b] for column in base_fp.values]
        new = [column[h] for column in head_fp.values]
        found = list(changes_of(pairs, old, new, limits))
        if not found:
            continue
        changed += 1
        group_name = head_fp.group_of(h)
        group = NO_GROUP if group_name is None else group_name
        tally = groups.setdefault(group, dict.fromkeys(CHANGE_KINDS, 0))
        for change in found:
            counts[change.kind] += 1
            tally[change.kind] += 1
            if len(listed) < LISTED and per_group.get(group, 0) < LISTED_PER_GROUP:
                per_group[group] = per_group.get(group, 0) + 1
                listed.append((digest, group, change))
    known = _known_ids(base, head, base_fp, head_fp)
    documents = sorted(
        (
            DocumentChange(
                known.get(digest, f"#{digest:016x}"),
                group if head_fp.group_by is not None else None,
                change.kind,
                change.field,
                change.base,
                change.head,
            )
            for digest, group, change in listed
        ),
        key=lambda d: (d.group or "", CHANGE_KINDS.index(d.kind), d.doc),
    )
    return Changes(
        thresholds=limits,
        compared=compared,
        changed=changed,
        counts=counts,
        group_by=head_fp.group_by,
        groups=dict(sorted(groups.items())) if head_fp.group_by is not None else {},
        documents=tuple(documents),
        fail_on=head_fp.fail_on,
    )

"""Per-group counts during the engine's one pass: documents and, per expectation, evaluated
and failed, for every group of ``documents.group_by`` (a field, or the host of a URL field).

One broken site among a thousand healthy ones is invisible in corpus-wide pass rates; these
counts make it visible. Memory is bounded: a group costs a few integers per expectation, at
most :data:`TRACKED` groups are counted one by one (later new groups go to ``(other)``), and
the result keeps ``keep`` groups in full (those with failing documents first, most failing
first, then the largest) and folds the rest into ``(other)``: a small broken site is never
hidden behind big healthy ones.

The result JSON's ``groups`` section (schema_version 1) is built here; :mod:`scrapegate.siteview`
reads it back for the reports and the baseline diff.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .grouping import NO_GROUP, GroupBy, host_of
from .result import Failure

# Groups counted one by one during a run: at a few hundred bytes each, tens of MB at most.
TRACKED = 50_000
DEFAULT_KEEP = 1000
OTHER = "(other)"
KEY = "groups"


@dataclass(frozen=True)
class GroupViews:
    """What the per-group views group by, where that was set, and how many groups to keep."""

    by: GroupBy
    keep: int = DEFAULT_KEEP
    origin: str = "documents.group_by"


# How an expectation is counted per group.
ROW = "row"  # as each document is evaluated
LATE = "late"  # a corpus check on a field: from its failures at the end of the run
SKIP = "skip"  # a corpus check on the whole corpus (count): it has no per-group meaning


@dataclass
class GroupTally:
    """Counts per group over a slice of the input (picklable, merged across workers).

    A row is ``[documents, failed_documents, evaluated_0, failed_0, evaluated_1, ...]``.
    A corpus check's failures are only known for sure at the end of the run (a duplicate may
    sit in another worker's slice): they are counted from its failures then, not as they
    stream past, so that every number of workers gives the same counts.
    """

    by: GroupBy
    modes: tuple[str, ...]
    rows: dict[str | None, list[int]] = field(default_factory=dict)
    # Documents of groups first seen once TRACKED groups were counted: counted in (other).
    untracked_documents: int = 0

    def _row(self, key: str | None, documents: int) -> list[int]:
        row = self.rows.get(key)
        if row is None:
            if key is not None and key != OTHER and len(self.rows) >= TRACKED:
                self.untracked_documents += documents
                key = OTHER
                row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = [0] * (2 + 2 * len(self.modes))
        return row

    def observe_batch(
        self, groups: Sequence[str | None], flags: Sequence[tuple[Sequence[int], Sequence[int]]]
    ) -> None:
        """Count a batch of documents (``groups[j]`` is document j's group): ``flags`` holds,
        per expectation, the positions it evaluated and those it failed."""
        rows = [self._row(group, 1) for group in groups]
        for row in rows:
            row[0] += 1
        failed_any: set[int] = set()
        modes = self.modes
        for index, (evaluated, failed) in enumerate(flags):
            mode = modes[index]
            if mode == SKIP:
                continue
            slot = 2 * index + 2
            for j in evaluated:
                rows[j][slot] += 1
            if mode == ROW:
                for j in failed:
                    rows[j][slot + 1] += 1
                failed_any.update(failed)
        for j in failed_any:
            rows[j][1] += 1

    def merge(self, other: GroupTally) -> None:
        """Add another slice's counts."""
        self.untracked_documents += other.untracked_documents
        for key, theirs in other.rows.items():
            mine = self._row(key, theirs[0])
            for index, n in enumerate(theirs):
                mine[index] += n


@dataclass(frozen=True)
class Expected:
    """What the summary needs of one expectation."""

    name: str
    severity: str
    failures: Sequence[Failure]


def _late_failures(
    tally: GroupTally, expectations: Sequence[Expected], id_field: str | None
) -> dict[str, int]:
    """Count the corpus checks' failing documents into their groups, when a document's group
    can be read from its id (the group field is the id field); else they are unattributed.
    """
    unattributed: dict[str, int] = {}
    readable = id_field is not None and tally.by.field == id_field
    for index, (mode, e) in enumerate(zip(tally.modes, expectations, strict=True)):
        if mode != LATE:
            continue
        docs = {f.doc for f in e.failures if f.doc is not None}
        if not readable:
            if docs:
                unattributed[e.name] = len(docs)
            continue
        for doc in docs:
            key = host_of(doc) if tally.by.host else doc
            row = tally.rows.get(key)
            if row is None:
                row = tally.rows.get(OTHER if key is not None else None)
            if row is not None:
                row[2 * index + 3] += 1
    return unattributed


def _rate(evaluated: int, failed: int) -> float:
    return 1.0 if evaluated == 0 else (evaluated - failed) / evaluated


def worst_first(
    documents: int, failed_documents: int, lowest_rate: float, name: str
) -> tuple[float, float, int, str]:
    """Sort key of a group: largest failing share, then lowest pass rate, then largest."""
    share = failed_documents / documents if documents else 0.0
    return (-share, lowest_rate, -documents, name)


def _item(key: str | None, kind: str, row: list[int], names: Sequence[str]) -> dict[str, Any]:
    expectations = {}
    for index, name in enumerate(names):
        evaluated, failed = row[2 + 2 * index], row[3 + 2 * index]
        if evaluated:
            expectations[name] = {
                "evaluated": evaluated,
                "failed": failed,
                "pass_rate": round(_rate(evaluated, failed), 4),
            }
    return {
        "group": NO_GROUP if key is None else key,
        "kind": kind,
        "documents": row[0],
        "failed_documents": row[1],
        "expectations": expectations,
    }


def _lowest(item: dict[str, Any]) -> float:
    rates = [e["pass_rate"] for e in item["expectations"].values()]
    return min(rates, default=1.0)


def summarize(
    tally: GroupTally,
    views: GroupViews,
    expectations: Sequence[Expected],
    id_field: str | None,
) -> dict[str, Any]:
    """The result JSON's ``groups`` section: ``keep`` groups in full (those with failing
    documents first, then the largest), worst first, then documents without a group, then the
    folded rest as ``(other)``.
    """
    unattributed = _late_failures(tally, expectations, id_field)
    names = [e.name for e in expectations]
    named = [(k, r) for k, r in tally.rows.items() if k is not None and k != OTHER]
    # Failing groups are kept before healthy ones, however small: they are what a reader of
    # the views is looking for. Row: documents, failed documents, then per expectation.
    named.sort(key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    kept, folded = named[: views.keep], named[views.keep :]
    width = 2 + 2 * len(names)
    other = list(tally.rows.get(OTHER) or [0] * width)
    for _, row in folded:
        for index, n in enumerate(row):
            other[index] += n
    items = [_item(k, "group", r, names) for k, r in kept]
    items.sort(
        key=lambda i: worst_first(i["documents"], i["failed_documents"], _lowest(i), i["group"])
    )
    if None in tally.rows:
        items.append(_item(None, "none", tally.rows[None], names))
    if other[0]:
        items.append(_item(OTHER, "other", other, names))
    by = {"host" if views.by.host else "field": views.by.field}
    return {
        "by": by,
        "origin": views.origin,
        "keep": views.keep,
        "count": len(named),
        "folded": len(folded),
        "untracked_documents": tally.untracked_documents,
        "unattributed": unattributed,
        "items": items,
    }


# `check --group-by` values that group the HTML report's failures by where they come from,
# not by a document field.
PSEUDO = ("host", "file", "folder")


def group_by_option(text: str) -> tuple[GroupBy | None, str | None]:
    """``check --group-by``: the per-group views' grouping, and the field for the HTML
    report's breakdown of failures (or its pseudo grouping ``host``, ``file``, ``folder``).

    ``host:url`` groups by the host of the field ``url``; ``field:site`` or ``site`` by the
    field ``site``. ValueError names what is wrong.
    """
    if text in PSEUDO:
        return None, text
    kind, sep, name = text.partition(":")
    if not sep:
        kind, name = "field", text
    kind, name = kind.strip(), name.strip()
    if kind not in ("host", "field"):
        raise ValueError(
            f"--group-by {text!r}: use FIELD, field:FIELD or host:FIELD (the host of a URL "
            f"field), or one of {', '.join(PSEUDO)} for the HTML report only"
        )
    if not name:
        raise ValueError(f"--group-by {text!r}: name the field after {kind + ':'!r}")
    return GroupBy(name, host=kind == "host"), None if kind == "host" else name

"""The per-group (per-site) view of a result, and how groups changed against a baseline.

Reads the result JSON's ``groups`` section (written by :mod:`scrapegate.sitegroups`), so a
stored result reads back the same as a fresh one. The reports (terminal, Markdown, HTML)
render this model; :mod:`scrapegate.resultdiff` attaches the per-group drops to the diff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .result import RunResult
from .sitegroups import KEY, TRACKED, worst_first

# Rates are compared as floats derived from integer counts; this absorbs representation noise.
_EPSILON = 1e-9


def _rate(evaluated: int, failed: int) -> float:
    return 1.0 if evaluated == 0 else (evaluated - failed) / evaluated


@dataclass(frozen=True)
class Counts:
    """One expectation over one group's documents."""

    evaluated: int
    failed: int

    @property
    def pass_rate(self) -> float:
        """Share of the group's evaluated documents that passed."""
        return _rate(self.evaluated, self.failed)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready mapping (6 places, as the diff's sides)."""
        return {
            "evaluated": self.evaluated,
            "failed": self.failed,
            "pass_rate": round(self.pass_rate, 6),
        }


@dataclass(frozen=True)
class SiteGroup:
    """One group's counts."""

    name: str
    kind: str  # "group", "none" (no usable value) or "other" (folded groups)
    documents: int
    failed_documents: int
    expectations: Mapping[str, Counts]

    @property
    def failing_share(self) -> float:
        """Share of the group's documents that failed a per-document expectation."""
        return self.failed_documents / self.documents if self.documents else 0.0

    @property
    def has_failures(self) -> bool:
        """Whether any expectation failed on any of the group's documents."""
        return self.failed_documents > 0 or any(c.failed for c in self.expectations.values())

    def worst_expectation(self) -> tuple[str, Counts] | None:
        """The expectation with the lowest pass rate in this group, if any failed."""
        failing = [(n, c) for n, c in self.expectations.items() if c.failed]
        if not failing:
            return None
        return min(failing, key=lambda nc: (nc[1].pass_rate, -nc[1].evaluated, nc[0]))

    def sort_key(self) -> tuple[float, float, int, str]:
        """Worst first: largest failing share, lowest pass rate, most documents, name."""
        lowest = min((c.pass_rate for c in self.expectations.values()), default=1.0)
        return worst_first(self.documents, self.failed_documents, lowest, self.name)


@dataclass(frozen=True)
class SiteGroups:
    """The whole per-group section of a result."""

    by: str  # as in a suite: "host: url" or "field: site"
    origin: str
    keep: int
    count: int
    folded: int
    untracked_documents: int
    unattributed: Mapping[str, int]
    items: tuple[SiteGroup, ...]

    def worst(self, limit: int) -> list[SiteGroup]:
        """Groups with failures, worst first; ``limit`` 0 means all of them."""
        failing = sorted((g for g in self.items if g.has_failures), key=SiteGroup.sort_key)
        return failing[:limit] if limit > 0 else failing

    def notes(self) -> list[str]:
        """What a reader should know about the counts (folding, unattributed failures)."""
        out = []
        if not self.count and any(g.kind == "none" for g in self.items):
            out.append(
                f"no document has a usable value for the grouping ({self.by}): every document "
                "is in (none); is the field name right?"
            )
        if self.folded:
            out.append(
                f"{self.folded} of {self.count} groups (the healthiest and smallest) were folded "
                f"into (other); check --keep-groups N keeps more (now {self.keep})"
            )
        if self.untracked_documents:
            out.append(
                f"{self.untracked_documents} documents of groups first seen after the first "
                f"{TRACKED} groups were counted in (other)"
            )
        for name, n in self.unattributed.items():
            out.append(
                f"{n} failing documents of {name!r} are in no group: a corpus check's failures "
                "are placed in groups only when the grouping field is the documents.id field"
            )
        return out


def _by_label(by: Any) -> str:
    if isinstance(by, dict) and len(by) == 1:
        key, value = next(iter(by.items()))
        return f"{key}: {value}"
    return str(by)


def _counts(data: Any) -> dict[str, Counts]:
    if not isinstance(data, dict):
        return {}
    return {
        str(name): Counts(int(c.get("evaluated", 0)), int(c.get("failed", 0)))
        for name, c in data.items()
        if isinstance(c, dict)
    }


def site_groups(result: RunResult) -> SiteGroups | None:
    """The per-group section of ``result``, or None when the run did not group documents."""
    data = result.extra.get(KEY)
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return None
    items = tuple(
        SiteGroup(
            name=str(i.get("group", "")),
            kind=str(i.get("kind", "group")),
            documents=int(i.get("documents", 0)),
            failed_documents=int(i.get("failed_documents", 0)),
            expectations=_counts(i.get("expectations")),
        )
        for i in data["items"]
        if isinstance(i, dict)
    )
    unattributed = data.get("unattributed")
    return SiteGroups(
        by=_by_label(data.get("by")),
        origin=str(data.get("origin", "documents.group_by")),
        keep=int(data.get("keep", 0)),
        count=int(data.get("count", len(items))),
        folded=int(data.get("folded", 0)),
        untracked_documents=int(data.get("untracked_documents", 0)),
        unattributed=(
            {str(k): int(v) for k, v in unattributed.items()}
            if isinstance(unattributed, dict)
            else {}
        ),
        items=items,
    )


@dataclass(frozen=True)
class RateDrop:
    """One expectation's pass rate in one group, in the baseline and now."""

    expectation: str
    base: Counts
    head: Counts

    @property
    def delta(self) -> float:
        """Pass-rate change (head minus base)."""
        return self.head.pass_rate - self.base.pass_rate

    def to_json(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "expectation": self.expectation,
            "base": self.base.to_json(),
            "head": self.head.to_json(),
            "delta": round(self.delta, 6),
        }


@dataclass(frozen=True)
class GroupDrop:
    """A group in which some expectation's pass rate dropped by more than the tolerance."""

    group: str
    drops: tuple[RateDrop, ...]  # worst first

    @property
    def worst_delta(self) -> float:
        """The largest drop (most negative change)."""
        return min(d.delta for d in self.drops)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready mapping (the ``baseline.groups[]`` items of the result JSON).

        ``regressed`` marks the group for the reports; whether the run fails the gate is
        decided per expectation (``baseline.regressed``), not here.
        """
        return {
            "group": self.group,
            "regressed": True,
            "drops": [d.to_json() for d in self.drops],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GroupDrop:
        """Rebuild from :meth:`to_json` output."""

        def side(raw: Any) -> Counts:
            raw = raw if isinstance(raw, dict) else {}
            return Counts(int(raw.get("evaluated", 0)), int(raw.get("failed", 0)))

        return cls(
            group=str(data["group"]),
            drops=tuple(
                RateDrop(str(d["expectation"]), side(d.get("base")), side(d.get("head")))
                for d in data.get("drops", ())
            ),
        )


def group_drops(base: RunResult, head: RunResult, tolerance: float) -> tuple[GroupDrop, ...]:
    """Groups (in both runs, grouped the same way) whose pass rate of some expectation dropped
    by more than ``tolerance``, the largest drop first. ``(other)`` is left out: which groups
    it holds changes from run to run.

    A drop counts only when the group also has more failing documents than before: the stored
    per-group counts do not say which documents they were, and a rate that falls only because
    passing pages were deleted from the site is not a site that broke (the gate's own rule
    never counts documents added or removed as a drop either).
    """
    before, after = site_groups(base), site_groups(head)
    if before is None or after is None or before.by != after.by:
        return ()
    base_items = {g.name: g for g in before.items if g.kind != "other"}
    found = []
    for group in after.items:
        old = base_items.get(group.name)
        if group.kind == "other" or old is None:
            continue
        drops = [
            RateDrop(name, old.expectations[name], counts)
            for name, counts in group.expectations.items()
            if name in old.expectations
            and counts.evaluated
            and old.expectations[name].evaluated
            and old.expectations[name].pass_rate - counts.pass_rate > tolerance + _EPSILON
            and counts.failed > old.expectations[name].failed
        ]
        if drops:
            drops.sort(key=lambda d: (d.delta, d.expectation))
            found.append(GroupDrop(group.name, tuple(drops)))
    found.sort(key=lambda g: (g.worst_delta, g.group))
    return tuple(found)


def groups_compared(base: RunResult, head: RunResult) -> str | None:
    """Why groups could not be compared, or None when they could (or neither run grouped)."""
    before, after = site_groups(base), site_groups(head)
    if before is None and after is None:
        return None
    if before is None or after is None:
        which = "the baseline" if before is None else "this run"
        return f"{which} has no per-group counts, so groups were not compared"
    if before.by != after.by:
        return (
            f"the baseline grouped documents by {before.by!r}, this run by {after.by!r}, "
            "so groups were not compared"
        )
    return None

"""The baseline comparison: what got worse between a stored result (the base) and a run (the head).

A baseline is nothing more than the result JSON of a run on the main branch
(``scrapegate check ... --json base.json``, written atomically). Expectations are matched by
name; documents by id (the failure's ``doc``, or its ``source`` when a record has no id).

A run regresses when, in an ``error`` expectation, a document present in both runs fails now
and did not fail in the baseline, or the pass rate among the documents present in both runs
drops by more than the tolerance. ``warn`` expectations are compared and shown but never fail
the gate, as everywhere else.

Documents added or removed (told apart by the runs' document indexes, see
:mod:`scrapegate.docindex`) are reported, never counted: a failing document new to the corpus
is listed in ``added_failing`` (it fails the gate only under ``--fail-on failures``, through
its expectation's own verdict), a failing one gone from it in ``removed_failing``, and a
removed passing document cannot lower a pass rate. A failure that names no document (an
unreadable record, a corpus-level finding) is keyed by its source and counts as newly
failing when that key is new: whether its record is in both runs cannot be told.

What the stored results allow, and what they do not: the failing documents of each side are
listed whole, so the failures among the common documents are exact. How many common documents
an expectation *evaluated* is exact only when it evaluated every document of that run (no
``where`` filter; ``evaluated == documents`` and every id distinct); otherwise the result does
not say which of the added or removed passing documents were evaluated, so the comparison
takes the reading most favourable to this run (the base evaluating as few of the common
documents as it can have, the head as many) and marks the comparison ``exact: false``. A real
drop among the common documents always shows as newly failing documents anyway; the pass-rate
rule adds documents that stopped being evaluated and tolerance for large corpora.
Without a document index on both sides (results from before it existed) whole runs are
compared, as before, and a note says so.

This is the model the reports render (terminal, Markdown, HTML, GitHub annotations), so it
sits below them and imports none of them; :mod:`scrapegate.baseline` is the gate built on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from .changes import Changes, compare_documents
from .docindex import KEY as INDEX_KEY
from .docindex import DocumentIndex
from .escaping import utf8_safe
from .fingerprints import ChangeThresholds
from .result import ExpectationResult, RunResult
from .resultfile import LEGACY_NOTE, BaselineError
from .siteview import GroupDrop, group_drops, groups_compared

# Rates are compared as floats derived from integer counts; this absorbs representation noise.
_EPSILON = 1e-9


@dataclass(frozen=True)
class ExpectationDiff:
    """How one expectation changed between the baseline and this run."""

    name: str
    status: str  # "same", "renamed", "new" (only in this run) or "removed" (only in the base)
    severity: str
    previous_name: str | None = None
    base_evaluated: int | None = None
    base_failed: int | None = None
    head_evaluated: int | None = None
    head_failed: int | None = None
    newly_failing: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    added_failing: tuple[str, ...] = ()
    removed_failing: tuple[str, ...] = ()
    regressed: bool = False
    reason: str = ""
    # Counts restricted to the documents present in both runs (None without document indexes).
    common_base_evaluated: int | None = None
    common_base_failed: int | None = None
    common_head_evaluated: int | None = None
    common_head_failed: int | None = None
    common_exact: bool = True
    dropped: bool = False  # the pass-rate rule fired (beyond the tolerance)

    @property
    def common_delta(self) -> float | None:
        """Pass-rate change among the documents in both runs; the whole-run delta without them."""
        base = _rate(self.common_base_evaluated, self.common_base_failed)
        head = _rate(self.common_head_evaluated, self.common_head_failed)
        if base is None or head is None:
            return self.delta
        return head - base

    @property
    def base_rate(self) -> float | None:
        """Pass rate in the baseline, None for a new expectation."""
        return _rate(self.base_evaluated, self.base_failed)

    @property
    def head_rate(self) -> float | None:
        """Pass rate in this run, None for a removed expectation."""
        return _rate(self.head_evaluated, self.head_failed)

    @property
    def delta(self) -> float | None:
        """Change of the pass rate (head minus base), None unless both sides exist."""
        if self.base_rate is None or self.head_rate is None:
            return None
        return self.head_rate - self.base_rate

    def to_json(self) -> dict[str, Any]:
        """JSON-ready mapping (the ``baseline.expectations[]`` items of the result JSON)."""
        delta = self.delta
        return {
            "name": self.name,
            "status": self.status,
            "previous_name": self.previous_name,
            "severity": self.severity,
            "base": _side(self.base_evaluated, self.base_failed),
            "head": _side(self.head_evaluated, self.head_failed),
            "delta": None if delta is None else round(delta, 6),
            "newly_failing": list(self.newly_failing),
            "fixed": list(self.fixed),
            "added_failing": list(self.added_failing),
            "removed_failing": list(self.removed_failing),
            "regressed": self.regressed,
            "reason": self.reason,
            "dropped": self.dropped,
            "common": self._common_json(),
        }

    def _common_json(self) -> dict[str, Any] | None:
        base = _side(self.common_base_evaluated, self.common_base_failed)
        head = _side(self.common_head_evaluated, self.common_head_failed)
        if base is None or head is None:
            return None
        delta = self.common_delta
        return {
            "base": base,
            "head": head,
            "delta": None if delta is None else round(delta, 6),
            "exact": self.common_exact,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExpectationDiff:
        """Rebuild from :meth:`to_json` output."""
        base = data.get("base") or {}
        head = data.get("head") or {}
        common = data.get("common") or {}
        common_base = common.get("base") or {}
        common_head = common.get("head") or {}
        return cls(
            name=str(data["name"]),
            status=str(data.get("status", "same")),
            severity=str(data.get("severity", "error")),
            previous_name=data.get("previous_name"),
            base_evaluated=base.get("evaluated"),
            base_failed=base.get("failed"),
            head_evaluated=head.get("evaluated"),
            head_failed=head.get("failed"),
            newly_failing=tuple(map(str, data.get("newly_failing", ()))),
            fixed=tuple(map(str, data.get("fixed", ()))),
            added_failing=tuple(map(str, data.get("added_failing", ()))),
            removed_failing=tuple(map(str, data.get("removed_failing", ()))),
            regressed=bool(data.get("regressed", False)),
            reason=str(data.get("reason", "")),
            common_base_evaluated=common_base.get("evaluated"),
            common_base_failed=common_base.get("failed"),
            common_head_evaluated=common_head.get("evaluated"),
            common_head_failed=common_head.get("failed"),
            common_exact=bool(common.get("exact", True)),
            dropped=bool(data.get("dropped", False)),
        )


def _rate(evaluated: int | None, failed: int | None) -> float | None:
    if evaluated is None or failed is None:
        return None
    return 1.0 if evaluated == 0 else (evaluated - failed) / evaluated


def _side(evaluated: int | None, failed: int | None) -> dict[str, Any] | None:
    rate = _rate(evaluated, failed)
    if rate is None:
        return None
    return {"evaluated": evaluated, "failed": failed, "pass_rate": round(rate, 6)}


@dataclass(frozen=True)
class ResultDiff:
    """The comparison of a run (head) with a baseline, per expectation."""

    tolerance: float
    expectations: tuple[ExpectationDiff, ...]
    base_suite: str
    base_documents: int
    head_documents: int
    documents_added: int | None = None  # None: the results carry no document index
    documents_removed: int | None = None
    notes: tuple[str, ...] = ()
    # Groups (sites) whose pass rate dropped beyond the tolerance, worst first. Information
    # for the reports: the gate's verdict is the expectations' alone.
    groups: tuple[GroupDrop, ...] = ()
    documents_common: int | None = None  # documents in both runs; None without indexes
    # Documents whose body, date or credit changed (a warning section; None: not compared).
    changes: Changes | None = None

    @property
    def regressed(self) -> bool:
        """Whether the run is worse than the baseline (fails the gate)."""
        changed = self.changes is not None and self.changes.regressed
        return changed or any(e.regressed for e in self.expectations)

    @property
    def reasons(self) -> list[str]:
        """One line per regressed expectation (and one for changes the suite fails on)."""
        lines = [f"{e.name!r}: {e.reason}" for e in self.expectations if e.regressed]
        if self.changes is not None and self.changes.regressed:
            lines.append(self.changes.reason)
        return lines

    @property
    def newly_failing_count(self) -> int:
        """Document failures that are new, over every expectation."""
        return sum(len(e.newly_failing) for e in self.expectations)

    @property
    def added_failing_count(self) -> int:
        """Failing documents new to the corpus (reported, not counted), over every expectation."""
        return sum(len(e.added_failing) for e in self.expectations)

    @property
    def dropped_expectations(self) -> list[ExpectationDiff]:
        """Error expectations whose pass rate among the common documents dropped too far."""
        return [e for e in self.expectations if e.regressed and e.dropped]

    @property
    def fixed_count(self) -> int:
        """Document failures that are gone, over every expectation."""
        return sum(len(e.fixed) for e in self.expectations)

    def to_json(self) -> dict[str, Any]:
        """The ``baseline`` key of the result JSON, and the output of ``diff --json``."""
        return {
            "regressed": self.regressed,
            "tolerance": self.tolerance,
            "reasons": self.reasons,
            "notes": list(self.notes),
            "base_suite": self.base_suite,
            "documents": {
                "base": self.base_documents,
                "head": self.head_documents,
                "added": self.documents_added,
                "removed": self.documents_removed,
                "common": self.documents_common,
            },
            "expectations": [e.to_json() for e in self.expectations],
            "groups": [g.to_json() for g in self.groups],
            **({} if self.changes is None else {"changes": self.changes.to_json()}),
        }

    @classmethod
    def from_json(cls, data: Any, where: str = "result") -> ResultDiff:
        """Rebuild from :meth:`to_json` output; BaselineError when it is not one."""
        try:
            docs = data["documents"]
            return cls(
                tolerance=float(data.get("tolerance", 0.0)),
                expectations=tuple(ExpectationDiff.from_json(e) for e in data["expectations"]),
                base_suite=str(data.get("base_suite", "")),
                base_documents=int(docs["base"]),
                head_documents=int(docs["head"]),
                documents_added=docs.get("added"),
                documents_removed=docs.get("removed"),
                documents_common=docs.get("common"),
                notes=tuple(map(str, data.get("notes", ()))),
                groups=tuple(GroupDrop.from_json(g) for g in data.get("groups", ())),
                changes=Changes.from_json(data["changes"]) if "changes" in data else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BaselineError(
                f"{where}: the 'baseline' comparison is malformed ({exc!r}); rerun the check"
            ) from None

    def attach(self, result: RunResult) -> RunResult:
        """``result`` carrying this comparison under ``extra["baseline"]``."""
        return replace(result, extra={**result.extra, "baseline": self.to_json()})


def diff_of(result: RunResult, where: str = "result") -> ResultDiff | None:
    """The comparison attached to ``result``, if any."""
    data = result.extra.get("baseline")
    return None if data is None else ResultDiff.from_json(data, where)


def _failing(er: ExpectationResult) -> tuple[list[str], set[str]]:
    """Distinct failing keys in first-failure order, and those that name no document."""
    seen: dict[str, None] = {}
    unnamed: set[str] = set()
    for f in er.failures:
        # utf8_safe: a head still in memory and a base read from JSON name a document whose
        # file name is not UTF-8 the same way.
        key = utf8_safe(f.doc if f.doc is not None else f.source)
        seen.setdefault(key, None)
        if f.doc is None:
            unnamed.add(key)
    return list(seen), unnamed


def _pair_renames(
    base: dict[str, ExpectationResult], head: dict[str, ExpectationResult]
) -> dict[str, str]:
    """head name -> base name for expectations renamed without other change of check/field."""
    only_base = [b for b in base if b not in head]
    only_head = [h for h in head if h not in base]

    def sig(er: ExpectationResult) -> tuple[str, str | None]:
        return (er.check, er.field)

    pairs = {}
    for h in only_head:
        candidates = [b for b in only_base if sig(base[b]) == sig(head[h])]
        rivals = [x for x in only_head if sig(head[x]) == sig(head[h])]
        # Only an unambiguous one-to-one match is a rename; anything else is removed + new.
        if len(candidates) == 1 and len(rivals) == 1:
            pairs[h] = candidates[0]
    return pairs


@dataclass(frozen=True)
class _Corpora:
    """The document indexes of both runs and what they share."""

    base: DocumentIndex
    head: DocumentIndex
    base_documents: int
    head_documents: int

    # Cached: every expectation asks, and a set operation over a million digests takes ~0.1 s.
    @cached_property
    def common(self) -> int:
        return len(self.base.digests & self.head.digests)

    @cached_property
    def removed(self) -> int:
        return len(self.base) - self.common

    @cached_property
    def added(self) -> int:
        return len(self.head) - self.common


def _common_evaluated(
    er: ExpectationResult,
    documents: int,
    index: DocumentIndex,
    outside: int,
    outside_failing: int,
    common_failed: int,
) -> tuple[int, int]:
    """Bounds of how many of the common documents ``er`` evaluated on one side.

    ``outside`` documents of this side are not in the other run, ``outside_failing`` of them
    failed (so were evaluated). Exact (both bounds equal) when every document was evaluated.
    """
    if er.evaluated == documents == len(index):
        exact = er.evaluated - outside
        return exact, exact
    high = max(er.evaluated - outside_failing, common_failed)
    low = min(max(er.evaluated - outside, common_failed, 0), high)
    return low, high


def _compare(
    name: str,
    status: str,
    b: ExpectationResult,
    h: ExpectationResult,
    tolerance: float,
    corpora: _Corpora | None,
    head_sampled: bool,
) -> ExpectationDiff:
    base_failing, base_unnamed = _failing(b)
    head_failing, head_unnamed = _failing(h)
    base_set, head_set = set(base_failing), set(head_failing)
    new = [d for d in head_failing if d not in base_set]
    gone = [d for d in base_failing if d not in head_set]
    added: list[str] = []
    removed: list[str] = []
    common: dict[str, Any] = {}
    if corpora is not None:
        # A key that names no document cannot be looked up in an index: it stays in
        # newly failing / fixed, as a failure whose presence in both runs cannot be told.
        added = [d for d in new if d not in head_unnamed and d not in corpora.base]
        removed = [d for d in gone if d not in base_unnamed and d not in corpora.head]
        new = [d for d in new if d in head_unnamed or d in corpora.base]
        gone = [d for d in gone if d in base_unnamed or d in corpora.head]
        base_common_failed = max(b.failed - len(removed), 0)
        head_common_failed = max(h.failed - len(added), 0)
        base_low, base_high = _common_evaluated(
            b,
            corpora.base_documents,
            corpora.base,
            corpora.removed,
            len(removed),
            base_common_failed,
        )
        head_low, head_high = _common_evaluated(
            h, corpora.head_documents, corpora.head, corpora.added, len(added), head_common_failed
        )
        # The reading most favourable to this run: the smallest drop the counts allow.
        common = {
            "common_base_evaluated": base_low,
            "common_base_failed": base_common_failed,
            "common_head_evaluated": head_high,
            "common_head_failed": head_common_failed,
            "common_exact": base_low == base_high and head_low == head_high,
        }
    elif head_sampled:
        # Without an index, a document missing from a sample cannot be told from a fixed one.
        gone = []
    diff = ExpectationDiff(
        name=name,
        status=status,
        severity=h.severity,
        previous_name=b.name if status == "renamed" else None,
        base_evaluated=b.evaluated,
        base_failed=b.failed,
        head_evaluated=h.evaluated,
        head_failed=h.failed,
        newly_failing=tuple(new),
        fixed=tuple(gone),
        added_failing=tuple(added),
        removed_failing=tuple(removed),
        **common,
    )
    reasons = []
    if new:
        reasons.append(
            "1 document newly fails" if len(new) == 1 else f"{len(new)} documents newly fail"
        )
    drop = -(diff.common_delta or 0.0)
    dropped = drop > tolerance + _EPSILON
    if dropped:
        reasons.append(f"pass rate dropped {drop * 100:.2f} points " + _counts(diff, corpora))
        reasons[-1] += f", more than the tolerance of {tolerance * 100:.2f}"
    if reasons and h.severity == "error":
        return replace(diff, regressed=True, reason="; ".join(reasons), dropped=dropped)
    return diff


def _counts(diff: ExpectationDiff, corpora: _Corpora | None) -> str:
    """``(3/4 → 1/2)``, and over which documents when the runs differ."""
    if corpora is None or diff.common_base_evaluated is None or diff.common_head_evaluated is None:
        be, bf = diff.base_evaluated or 0, diff.base_failed or 0
        he, hf = diff.head_evaluated or 0, diff.head_failed or 0
        return f"({be - bf}/{be} → {he - hf}/{he})"
    be, bf = diff.common_base_evaluated, diff.common_base_failed or 0
    he, hf = diff.common_head_evaluated, diff.common_head_failed or 0
    counts = f"({be - bf}/{be} → {he - hf}/{he}"
    if corpora.added or corpora.removed:
        counts += f" among the {corpora.common} documents in both runs"
    if not diff.common_exact:
        counts += "; at least, the evaluated documents are not known one by one"
    return counts + ")"


def diff_results(
    base: RunResult,
    head: RunResult,
    tolerance: float,
    thresholds: ChangeThresholds | None = None,
) -> ResultDiff:
    """Compare ``head`` with ``base``; see the module docstring for what regresses.

    Documents whose fingerprints changed past ``thresholds`` (default: those stored with
    ``head``) are listed too; they regress only in the kinds ``documents.changes.fail_on``
    names.
    """
    base_by = {e.name: e for e in base.expectations}
    head_by = {e.name: e for e in head.expectations}
    renames = _pair_renames(base_by, head_by)
    base_index = DocumentIndex.from_json(base.extra.get(INDEX_KEY))
    head_index = DocumentIndex.from_json(head.extra.get(INDEX_KEY))
    corpora = None
    if base_index is not None and head_index is not None:
        corpora = _Corpora(base_index, head_index, base.documents, head.documents)
    head_sampled = "sample" in head.extra
    notes = list(_notes(base, head, corpora is not None))
    uncompared = groups_compared(base, head)
    if uncompared is not None:
        notes.append(uncompared)
    out: list[ExpectationDiff] = []
    for name, h in head_by.items():
        if name in base_by:
            b, status = base_by[name], "same"
        elif name in renames:
            b, status = base_by[renames[name]], "renamed"
        else:
            out.append(
                ExpectationDiff(
                    name=name,
                    status="new",
                    severity=h.severity,
                    head_evaluated=h.evaluated,
                    head_failed=h.failed,
                )
            )
            continue
        out.append(_compare(name, status, b, h, tolerance, corpora, head_sampled))
    matched = set(head_by) | set(renames.values())
    out.extend(
        ExpectationDiff(
            name=name,
            status="removed",
            severity=b.severity,
            base_evaluated=b.evaluated,
            base_failed=b.failed,
        )
        for name, b in base_by.items()
        if name not in matched
    )
    added = removed = common = None
    if corpora is not None:
        added, removed, common = corpora.added, corpora.removed, corpora.common
    return ResultDiff(
        tolerance=tolerance,
        expectations=tuple(out),
        base_suite=base.suite,
        base_documents=base.documents,
        head_documents=head.documents,
        documents_added=added,
        documents_removed=removed,
        documents_common=common,
        notes=tuple(notes),
        groups=group_drops(base, head, tolerance),
        changes=compare_documents(base, head, thresholds),
    )


def _notes(base: RunResult, head: RunResult, indexed: bool) -> list[str]:
    notes = [w for w in base.warnings if w.startswith(LEGACY_NOTE)]
    if base.suite != head.suite:
        notes.append(f"the baseline is of suite {base.suite!r}, this run of {head.suite!r}")
    for label, result in (("this run", head), ("the baseline", base)):
        sample = result.extra.get("sample")
        if isinstance(sample, dict):
            notes.append(
                f"{label} checked a random sample of {sample.get('size')} records "
                f"(seed {sample.get('seed')}); pass rates are estimates"
            )
    if not indexed and base.documents != head.documents:
        notes.append(
            "the results carry no document index, so documents added or removed are counted "
            "only as a net change, and a failing document that was removed counts as fixed"
        )
    return notes


__all__ = ["ExpectationDiff", "ResultDiff", "diff_of", "diff_results"]

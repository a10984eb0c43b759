"""The result of a run: per expectation what was evaluated, what failed and the evidence.

Everything downstream (terminal, pytest, JSON, reports, baselines) reads these frozen
objects; ``to_json`` / ``from_json`` are the versioned contract (schema_version 1): keys may
be added, never renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
READABLE_CHECK = "readable"
READABLE_NAME = "records are readable"


@dataclass(frozen=True, slots=True)
class WaiverNote:
    """Why a failure does not count: the waiver that accepted it."""

    reason: str
    expires: str
    owner: str | None = None
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        """The note as a JSON-ready mapping."""
        return {
            "reason": self.reason,
            "expires": self.expires,
            "owner": self.owner,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WaiverNote:
        """Rebuild from :meth:`to_json` output."""
        return cls(
            reason=str(data.get("reason", "")),
            expires=str(data.get("expires", "")),
            owner=data.get("owner"),
            source=str(data.get("source", "")),
        )


# slots: a run at scale keeps every failure until the end (about 100 bytes less each).
@dataclass(frozen=True, slots=True)
class Failure:
    """One piece of evidence: which document, where, what matched and why it fails."""

    doc: str | None
    source: str
    field: str | None
    message: str
    start: int | None = None
    end: int | None = None
    snippet: str = ""
    # Set on a failure a waiver accepted: reported, never counted against the verdict.
    waiver: WaiverNote | None = None

    def to_json(self) -> dict[str, Any]:
        """The failure as a JSON-ready mapping (a waived one says so, with its waiver)."""
        out: dict[str, Any] = {
            "doc": self.doc,
            "source": self.source,
            "field": self.field,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
        }
        if self.waiver is not None:
            out["waived"] = True
            out["waiver"] = self.waiver.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        """Rebuild a failure from :meth:`to_json` output."""
        return cls(
            doc=data.get("doc"),
            source=str(data.get("source", "")),
            field=data.get("field"),
            message=str(data.get("message", "")),
            start=data.get("start"),
            end=data.get("end"),
            snippet=str(data.get("snippet", "")),
            waiver=(WaiverNote.from_json(data.get("waiver") or {}) if data.get("waived") else None),
        )


def pass_rate(evaluated: int, failed: int) -> float:
    """Share of evaluated documents that passed; 1.0 when nothing was evaluated."""
    return 1.0 if evaluated == 0 else (evaluated - failed) / evaluated


@dataclass(frozen=True)
class ExpectationResult:
    """How one expectation fared over the corpus."""

    name: str
    check: str
    field: str | None
    severity: str
    mostly: float
    evaluated: int
    failed: int
    # A tuple, or a scrapegate.failurespool.FailureSpool (on disk) from the engine.
    failures: Sequence[Failure] = ()
    description: str = ""
    source: str = ""
    # Documents whose failures a waiver accepted: not in ``failed``, their evidence in
    # ``waived_failures`` (the JSON lists them among the failures, marked "waived": true).
    waived: int = 0
    waived_failures: Sequence[Failure] = ()

    @property
    def pass_rate(self) -> float:
        """Share of evaluated documents that passed."""
        return pass_rate(self.evaluated, self.failed)

    @property
    def passed(self) -> bool:
        """Whether the pass rate meets ``mostly`` (exactly, without rounding)."""
        # Compare counts, not floats: mostly 0.95 over 20 documents allows exactly 1 failure.
        return self.failed <= self.evaluated - self.mostly * self.evaluated + 1e-9

    def to_json(self, failures: bool = True) -> dict[str, Any]:
        """The expectation result as a JSON-ready mapping (``failures=False``: list left empty)."""
        return {
            "name": self.name,
            "check": self.check,
            "field": self.field,
            "severity": self.severity,
            "mostly": self.mostly,
            "evaluated": self.evaluated,
            "failed": self.failed,
            "pass_rate": round(self.pass_rate, 4),
            "passed": self.passed,
            "description": self.description,
            "source": self.source,
            "failures": (
                [f.to_json() for f in (*self.failures, *self.waived_failures)] if failures else []
            ),
            **({"waived": self.waived} if self.waived else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExpectationResult:
        """Rebuild from :meth:`to_json` output."""
        every = [Failure.from_json(f) for f in data.get("failures", [])]
        return cls(
            name=str(data["name"]),
            check=str(data.get("check", "")),
            field=data.get("field"),
            severity=str(data.get("severity", "error")),
            mostly=float(data.get("mostly", 1.0)),
            evaluated=int(data.get("evaluated", 0)),
            failed=int(data.get("failed", 0)),
            failures=tuple(f for f in every if f.waiver is None),
            description=str(data.get("description", "")),
            source=str(data.get("source", "")),
            waived=int(data.get("waived", 0)),
            waived_failures=tuple(f for f in every if f.waiver is not None),
        )


@dataclass(frozen=True)
class WaiverStatus:
    """How one waiver fared in a run: how many documents it waived, and its problem if any.

    ``problem`` (expired, or matched nothing) fails the run; ``note`` (expires soon) does not.
    """

    expectation: str
    chooses: str
    reason: str
    expires: str
    owner: str | None
    source: str
    waived: int
    problem: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The status as a JSON-ready mapping."""
        return {
            "expectation": self.expectation,
            "chooses": self.chooses,
            "reason": self.reason,
            "expires": self.expires,
            "owner": self.owner,
            "source": self.source,
            "waived": self.waived,
            "problem": self.problem,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WaiverStatus:
        """Rebuild from :meth:`to_json` output."""
        return cls(
            expectation=str(data.get("expectation", "")),
            chooses=str(data.get("chooses", "")),
            reason=str(data.get("reason", "")),
            expires=str(data.get("expires", "")),
            owner=data.get("owner"),
            source=str(data.get("source", "")),
            waived=int(data.get("waived", 0)),
            problem=data.get("problem"),
            note=data.get("note"),
        )


@dataclass(frozen=True)
class RunResult:
    """A whole run: the suite, the inputs, every expectation's result."""

    suite: str
    suite_path: str
    inputs: tuple[str, ...]
    documents: int
    expectations: tuple[ExpectationResult, ...]
    duration_s: float = 0.0
    warnings: tuple[str, ...] = ()
    engine: str = "native"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # The suite's waivers after the run (see scrapegate.waivers); empty without waivers.
    waivers: tuple[WaiverStatus, ...] = ()
    # Per waiver with a 'where' (by its index in the suite), digests of the ids of the
    # documents it chooses: what the engine saw, for applying waivers after it. Not JSON.
    waiver_docs: dict[int, frozenset[int]] = field(default_factory=dict, compare=False)

    @property
    def passed(self) -> bool:
        """True when every error-severity expectation meets its ``mostly`` (waived failures
        do not count) and no waiver has expired or gone unused."""
        return all(e.passed for e in self.expectations if e.severity == "error") and not any(
            w.problem for w in self.waivers
        )

    @property
    def waiver_problems(self) -> list[str]:
        """Expired and unused waivers, one message each (each fails the run)."""
        return [w.problem for w in self.waivers if w.problem]

    @property
    def records(self) -> int:
        """Documents plus unreadable records."""
        readable = self.expectation(READABLE_NAME)
        return readable.evaluated if readable is not None else self.documents

    def expectation(self, name: str) -> ExpectationResult | None:
        """The result of the expectation called ``name``, if any."""
        return next((e for e in self.expectations if e.name == name), None)

    def to_json(self, failures: bool = True) -> dict[str, Any]:
        """The versioned JSON form (schema_version 1); ``failures=False`` leaves the lists empty."""
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "suite": self.suite,
            "suite_path": self.suite_path,
            "inputs": list(self.inputs),
            "documents": self.documents,
            "records": self.records,
            "passed": self.passed,
            "duration_s": round(self.duration_s, 3),
            "engine": self.engine,
            "warnings": list(self.warnings),
            "expectations": [e.to_json(failures) for e in self.expectations],
        }
        if self.waivers:
            for item in out["expectations"]:
                item.setdefault("waived", 0)
            out["waivers"] = [w.to_json() for w in self.waivers]
        out.update(self.extra)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunResult:
        """Rebuild from :meth:`to_json` output (schema_version 1)."""
        known = {
            "schema_version", "suite", "suite_path", "inputs", "documents", "records", "passed",
            "duration_s", "engine", "warnings", "expectations", "waivers",
        }  # fmt: skip
        return cls(
            suite=str(data.get("suite", "")),
            suite_path=str(data.get("suite_path", "")),
            inputs=tuple(data.get("inputs", ())),
            documents=int(data.get("documents", 0)),
            expectations=tuple(ExpectationResult.from_json(e) for e in data["expectations"]),
            duration_s=float(data.get("duration_s", 0.0)),
            warnings=tuple(data.get("warnings", ())),
            engine=str(data.get("engine", "native")),
            extra={k: v for k, v in data.items() if k not in known},
            waivers=tuple(WaiverStatus.from_json(w) for w in data.get("waivers", ())),
        )

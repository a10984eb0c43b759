"""The gate's decision: which rule (``--fail-on``) decided the exit code, and why, in one line.

Two rules:

- ``regressions`` (the default with a baseline): exit 1 only when the run regressed against
  the baseline, i.e. a document present in both runs newly fails or a pass rate among those
  documents drops by more than the tolerance (:mod:`scrapegate.resultdiff`). Failures the
  baseline already had, documents added or removed, and expectations new to the suite are
  reported, never counted.
- ``failures`` (the default without a baseline, and what pre-commit hooks use): exit 1 when an
  error-severity expectation fails; with a baseline, also when the run regressed.

Under either rule a waiver that has expired or matched no failure fails the run
(``decided_by: waivers``): an accepted failure must be looked at again when its time is up,
and a waiver that waives nothing would silently accept the next failure it happens to match.

The decision is stored under ``gate`` in the result JSON and rendered by every report, so a
reader sees the same rule the exit code came from. It sits below the reports, next to the diff
model it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import EXIT_FAILED, EXIT_OK
from .wording import plural

if TYPE_CHECKING:  # a run without --baseline has no diff: the diff model is not imported
    from .result import RunResult
    from .resultdiff import ResultDiff

REGRESSIONS = "regressions"
FAILURES = "failures"
FAIL_ON = (REGRESSIONS, FAILURES)
# Not a --fail-on value: what decided when an expired or unused waiver failed the run.
WAIVERS = "waivers"
KEY = "gate"


def default_fail_on(has_baseline: bool) -> str:
    """``regressions`` with a baseline (fail on what the change broke), else ``failures``."""
    return REGRESSIONS if has_baseline else FAILURES


@dataclass(frozen=True)
class GateDecision:
    """The rule asked for, the rule that decided, the exit code and the reason."""

    fail_on: str
    decided_by: str
    exit_code: int
    reason: str

    @property
    def passed(self) -> bool:
        """Whether the gate let the run through."""
        return self.exit_code == EXIT_OK

    @property
    def line(self) -> str:
        """``gate: regressions — 0 documents newly failing, ...: PASS``."""
        return f"gate: {self.fail_on} — {self.reason}: {'PASS' if self.passed else 'FAIL'}"

    def to_json(self) -> dict[str, Any]:
        """The ``gate`` key of the result JSON (and of ``diff --json``)."""
        return {
            "fail_on": self.fail_on,
            "decided_by": self.decided_by,
            "exit_code": self.exit_code,
            "passed": self.passed,
            "reason": self.reason,
            "line": self.line,
        }

    @classmethod
    def from_json(cls, data: Any) -> GateDecision | None:
        """Rebuild from :meth:`to_json` output; None when absent or not in that form."""
        if not isinstance(data, dict):
            return None
        fail_on, decided_by = data.get("fail_on"), data.get("decided_by")
        code, reason = data.get("exit_code"), data.get("reason")
        if fail_on not in FAIL_ON or decided_by not in (*FAIL_ON, WAIVERS):
            return None
        if not isinstance(code, int) or not isinstance(reason, str):
            return None
        return cls(str(fail_on), str(decided_by), code, reason)


def gate_of(result: RunResult) -> GateDecision | None:
    """The decision stored with ``result``, if any (results before ``--fail-on`` have none)."""
    return GateDecision.from_json(result.extra.get(KEY))


def attach(result: RunResult, decision: GateDecision) -> RunResult:
    """``result`` carrying ``decision`` under ``extra["gate"]``."""
    from dataclasses import replace

    return replace(result, extra={**result.extra, KEY: decision.to_json()})


def decide(result: RunResult, diff: ResultDiff | None, fail_on: str) -> GateDecision:
    """Apply ``fail_on`` to a run (and its comparison with a baseline, if any).

    ``regressions`` needs ``diff``: the caller refuses it without a baseline (a usage error).
    """
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {FAIL_ON}, not {fail_on!r}")
    problems = result.waiver_problems
    if problems:
        reason = f"{plural(len(problems), 'waiver')} expired or matched no failure: "
        reason += "; ".join(problems)
        failed = _failed(result)
        if fail_on == FAILURES and failed:
            reason += (
                f"; and {len(failed)} of {plural(_errors(result), 'error expectation')} failed"
            )
        return GateDecision(fail_on, WAIVERS, EXIT_FAILED, reason)
    if fail_on == REGRESSIONS:
        if diff is None:
            raise ValueError("--fail-on regressions needs a baseline")
        code = EXIT_FAILED if diff.regressed else EXIT_OK
        return GateDecision(REGRESSIONS, REGRESSIONS, code, _regressions_reason(result, diff))
    failed = _failed(result)
    if failed:
        reason = f"{len(failed)} of {plural(_errors(result), 'error expectation')} failed"
        return GateDecision(FAILURES, FAILURES, EXIT_FAILED, reason)
    if diff is not None and diff.regressed:
        reason = "every error expectation holds, but the run regressed against the baseline ("
        reason += _regression_counts(diff) + ")"
        return GateDecision(FAILURES, REGRESSIONS, EXIT_FAILED, reason)
    reason = f"all {plural(_errors(result), 'error expectation')} hold"
    if diff is not None:
        reason += ", no regression against the baseline"
    return GateDecision(FAILURES, FAILURES, EXIT_OK, reason)


def _errors(result: RunResult) -> int:
    return sum(1 for e in result.expectations if e.severity == "error")


def _failed(result: RunResult) -> list[str]:
    return [e.name for e in result.expectations if e.severity == "error" and not e.passed]


def _regression_counts(diff: ResultDiff) -> str:
    # Documents, not failures: a page that broke in two expectations is one broken page.
    newly = len({doc for e in diff.expectations if e.regressed for doc in e.newly_failing})
    dropped = len(diff.dropped_expectations)
    text = f"{plural(newly, 'document')} newly failing, "
    text += (
        f"a pass rate dropped in {plural(dropped, 'expectation')}"
        if dropped
        else "no pass rate dropped"
    )
    if diff.documents_common is None:
        text += " (whole runs compared: a result has no document index)"
    else:
        text += f" among the {plural(diff.documents_common, 'document')} in both runs"
        text += f" ({diff.documents_added} added, {diff.documents_removed} removed)"
    if diff.changes is not None and diff.changes.regressed:
        # documents.changes.fail_on made these kinds of change a regression: name them.
        text += "; " + diff.changes.reason
    return text


def _regressions_reason(result: RunResult, diff: ResultDiff) -> str:
    reason = _regression_counts(diff)
    if diff.regressed:
        return reason
    # What the rule did not count, so a green gate over failing data is never mistaken for
    # clean data.
    uncounted = []
    added = len({doc for e in diff.expectations for doc in e.added_failing})
    if added:
        uncounted.append(f"{plural(added, 'added document')} failing")
    failed = _failed(result)
    if failed:
        errors = plural(_errors(result), "error expectation")
        uncounted.append(f"{len(failed)} of {errors} failing without a regression")
    if uncounted:
        reason += "; not counted: " + ", ".join(uncounted)
    return reason


__all__ = [
    "FAILURES",
    "FAIL_ON",
    "KEY",
    "REGRESSIONS",
    "GateDecision",
    "attach",
    "decide",
    "default_fail_on",
    "gate_of",
]

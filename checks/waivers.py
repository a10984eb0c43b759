"""Waivers: failures a suite accepts until a date, applied to a run's result after any engine.

Every engine (native, parallel workers, Great Expectations) produces the same RunResult; the
waivers are applied to it here, in one place, so each gives the same verdicts. A waived
failure stays in the result, marked with its waiver, and counts in ``waived``, not in
``failed``: the verdict is taken over unwaived failures only. A waiver that has expired, or
that waived nothing in the run, fails the run (exit 1) with a message at its ``file:line:col``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

from .docindex import id_digest
from .failurespool import FailureSpool
from .regex import compile_pattern
from .result import ExpectationResult, RunResult, WaiverNote, WaiverStatus
from .suite import Suite, Waiver
from .wording import plural

# A waiver expiring within this many days is mentioned (a warning, never a failure).
EXPIRES_SOON_DAYS = 14


def today(now: datetime | None = None) -> date:
    """The day waivers are judged on: the engine's clock (``now``, in UTC) or the real one."""
    return (now or datetime.now(UTC)).astimezone(UTC).date()


def expired_message(waiver: Waiver) -> str:
    """What an expired waiver fails with, at its ``expires`` (lint and the run say the same)."""
    return (
        f"{waiver.expires_location}: waiver for {waiver.expectation!r} ({waiver.chooses()}) "
        f"expired on {waiver.expires.isoformat()} (reason: {waiver.reason!r}); fix the "
        "failures it covers and delete it, or set a later 'expires'"
    )


def expires_soon_message(waiver: Waiver, on: date) -> str | None:
    """A note when ``waiver`` expires within EXPIRES_SOON_DAYS days of ``on``, else None."""
    left = (waiver.expires - on).days
    if not 0 <= left <= EXPIRES_SOON_DAYS:
        return None
    when = "today" if left == 0 else f"in {plural(left, 'day')}"
    return (
        f"{waiver.expires_location}: waiver for {waiver.expectation!r} ({waiver.chooses()}) "
        f"expires {when}, on {waiver.expires.isoformat()}"
    )


def _unused_message(waiver: Waiver) -> str:
    return (
        f"{waiver.location}: waiver for {waiver.expectation!r} ({waiver.chooses()}) matched "
        "no failure in this run; delete it if the failure is fixed, or correct its "
        "'doc', 'matches' or 'where'"
    )


def _chooser(index: int, waiver: Waiver, result: RunResult) -> Callable[[str | None], bool]:
    """Whether a failing document (by id) is one the waiver chooses."""
    if waiver.doc is not None:
        wanted = waiver.doc
        return lambda doc: doc == wanted
    if waiver.matches is not None:
        pattern = compile_pattern(waiver.matches)
        return lambda doc: doc is not None and pattern.search(doc) is not None
    chosen = result.waiver_docs.get(index, frozenset())
    return lambda doc: doc is not None and id_digest(doc) in chosen


def _note(waiver: Waiver) -> WaiverNote:
    return WaiverNote(
        reason=waiver.reason,
        expires=waiver.expires.isoformat(),
        owner=waiver.owner,
        source=str(waiver.location),
    )


def accepted_by_waivers(
    suite: Suite, result: RunResult, now: datetime | None = None
) -> Callable[[str, str | None], bool]:
    """Whether a failure of an expectation (by name) in a document (by id) is one that
    :func:`apply_waivers` would waive: the same active waivers and the same choosers, for
    ``check --passing``/``--quarantine`` to route a record whose failures are all accepted
    as passing."""
    on = today(now)
    by_name: dict[str, list[Callable[[str | None], bool]]] = {}
    for index, waiver in enumerate(suite.waivers):
        if waiver.expires >= on:
            by_name.setdefault(waiver.expectation, []).append(_chooser(index, waiver, result))

    def accepted(expectation: str, doc: str | None) -> bool:
        return doc is not None and any(choose(doc) for choose in by_name.get(expectation, ()))

    return accepted


def apply_waivers(suite: Suite, result: RunResult, now: datetime | None = None) -> RunResult:
    """``result`` with the suite's waivers applied: waived failures marked and not counted,
    each waiver's status recorded (expired and unused ones fail the run)."""
    if not suite.waivers:
        return result
    on = today(now)
    active = {i for i, w in enumerate(suite.waivers) if w.expires >= on}
    choosers = {i: _chooser(i, suite.waivers[i], result) for i in active}
    waived_docs: dict[int, set[str]] = {i: set() for i in active}
    expectations: list[ExpectationResult] = []
    for er in result.expectations:
        mine = [i for i in sorted(active) if suite.waivers[i].expectation == er.name]
        if not mine or not er.failures:
            expectations.append(er)
            continue
        # Spools, as the engine's: a run may hold millions of failures (scrapegate.failurespool).
        kept = FailureSpool()
        waived = FailureSpool(er.waived_failures)
        docs: set[str] = set()
        for failure in er.failures:
            # The first waiver (in suite order) that chooses the document accepts it.
            by = next((i for i in mine if choosers[i](failure.doc)), None)
            if by is None or failure.doc is None:
                kept.append(failure)
                continue
            waived.append(replace(failure, waiver=_note(suite.waivers[by])))
            waived_docs[by].add(failure.doc)
            docs.add(failure.doc)
        expectations.append(
            replace(
                er,
                failures=kept,
                failed=max(er.failed - len(docs), 0),
                waived=er.waived + len(docs),
                waived_failures=waived,
            )
        )
    statuses: list[WaiverStatus] = []
    warnings = list(result.warnings)
    for index, waiver in enumerate(suite.waivers):
        problem = None
        note = None
        if index not in active:
            problem = expired_message(waiver)
        elif not waived_docs[index]:
            problem = _unused_message(waiver)
        else:
            note = expires_soon_message(waiver, on)
            if note is not None:
                warnings.append(note)
        statuses.append(
            WaiverStatus(
                expectation=waiver.expectation,
                chooses=waiver.chooses(),
                reason=waiver.reason,
                expires=waiver.expires.isoformat(),
                owner=waiver.owner,
                source=str(waiver.location),
                waived=len(waived_docs.get(index, ())),
                problem=problem,
                note=note,
            )
        )
    return replace(
        result, expectations=tuple(expectations), waivers=tuple(statuses), warnings=tuple(warnings)
    )

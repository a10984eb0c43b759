"""Plain-text renderings shared by the terminal, the pytest plugin and JUnit.

Scraped text is hostile: control characters (including terminal escape sequences) are
shown as escapes, never emitted raw.
"""

from __future__ import annotations

from ..escaping import printable
from ..result import ExpectationResult, Failure, WaiverStatus
from ..wording import plural


def percent(rate: float) -> str:
    """A rate as a percentage with one decimal, never rounding a failure up to 100%."""
    value = rate * 100
    if rate < 1.0 and value > 99.9:
        return ">99.9%"
    return f"{value:.1f}%"


def verdict(er: ExpectationResult) -> str:
    """PASS, FAIL or WARN (a failing warn-severity expectation)."""
    if er.passed:
        return "PASS"
    return "WARN" if er.severity == "warn" else "FAIL"


def summary_line(er: ExpectationResult) -> str:
    """One line: how many failed, the pass rate against mostly."""
    what = f"{er.check} on {er.field}" if er.field else er.check
    rel = ">=" if er.passed else "<"
    waived = f" ({er.waived} waived)" if er.waived else ""
    return printable(
        f"{er.name!r} ({what}): {er.failed} of {er.evaluated} failed{waived}, "
        f"pass rate {percent(er.pass_rate)} {rel} mostly {percent(er.mostly)}"
    )


def waiver_line(status: WaiverStatus) -> str:
    """One waiver in one line: what it waives, why, until when and who answers for it."""
    owner = f", owner {status.owner}" if status.owner else ""
    return printable(
        f"{status.expectation!r} ({status.chooses}): {plural(status.waived, 'document')} "
        f"waived until {status.expires}{owner}: {status.reason}"
    )


def failure_lines(failure: Failure) -> list[str]:
    """Evidence for one failure: location, field and message, then the snippet."""
    doc = (
        ""
        if failure.doc in (None, failure.source, failure.source.split(":")[0])
        else (f" ({printable(str(failure.doc))})")
    )
    field = f" [{printable(failure.field)}]" if failure.field else ""
    lines = [f"{printable(failure.source)}{doc}{field}: {printable(failure.message)}"]
    if failure.snippet:
        lines.append(f"    {printable(failure.snippet)}")
    return lines


# How the CLI shows the failures past the limit; other callers name their own options.
MORE_HINT = "write them all with --json FILE"


def describe(er: ExpectationResult, limit: int | None = 20, more_hint: str = MORE_HINT) -> str:
    """The failure text of an expectation: summary, then up to ``limit`` failures."""
    lines = [summary_line(er)]
    shown = er.failures if limit is None else er.failures[:limit]
    for failure in shown:
        lines.extend("  " + line for line in failure_lines(failure))
    hidden = len(er.failures) - len(shown)
    if hidden > 0:
        lines.append(f"  ... and {hidden} more ({more_hint})")
    return "\n".join(lines)

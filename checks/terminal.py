"""The terminal summary: one row per expectation, then the failures with their evidence.

Built from rich ``Text`` objects, never markup strings, so scraped text such as ``[bold]``
or an escape sequence is shown literally.
"""

from __future__ import annotations

from typing import Literal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .escaping import printable
from .gate import GateDecision
from .reports.sites import SHOWN, render_sites
from .reports.text import failure_lines, percent, summary_line, verdict, waiver_line
from .result import RunResult
from .wording import plural

_STYLE = {"PASS": "bold green", "FAIL": "bold red", "WARN": "bold yellow", "WAIVED": "bold cyan"}
# The terminal shows a few failures per expectation. Only the result JSON is sure to hold
# them all: the HTML report stops at its row limit, the Markdown summary lists the top ten.
MORE_HINT = "every failure is in --json; browse them with --html"


def render_summary(result: RunResult, console: Console) -> None:
    """Print the table of expectations."""
    table = Table(
        title=Text(
            f"{printable(result.suite)}: {plural(result.documents, 'document')}", style="bold"
        ),
        title_justify="left",
        expand=False,
    )
    # The waived column only in runs of suites with waivers: other tables stay as they were.
    waivers = bool(result.waivers)
    columns: list[tuple[str, Literal["left", "right"]]] = [
        ("expectation", "left"),
        ("check", "left"),
        ("evaluated", "right"),
        ("failed", "right"),
        *((("waived", "right"),) if waivers else ()),
        ("pass rate", "right"),
        ("mostly", "right"),
        ("verdict", "left"),
    ]
    for column, justify in columns:
        table.add_column(column, justify=justify)
    for er in result.expectations:
        v = verdict(er)
        table.add_row(
            Text(printable(er.name)),
            Text(printable(er.check)),
            str(er.evaluated),
            str(er.failed),
            *((str(er.waived),) if waivers else ()),
            percent(er.pass_rate),
            percent(er.mostly),
            Text(v, style=_STYLE[v]),
        )
    console.print(table)


def render_waivers(result: RunResult, console: Console, limit: int) -> None:
    """Print what each waiver accepted: waived failures are reported, never hidden."""
    for er in result.expectations:
        if not er.waived_failures:
            continue
        console.print(
            Text("WAIVED ", style=_STYLE["WAIVED"])
            + Text(printable(f"{er.name!r}: {plural(er.waived, 'document')} waived"))
        )
        shown = er.waived_failures[:limit] if limit > 0 else er.waived_failures
        for failure in shown:
            first, *_ = failure_lines(failure)
            console.print(Text("  " + first, style="dim"))
        hidden = len(er.waived_failures) - len(shown)
        if hidden > 0:
            console.print(Text(f"  … and {hidden} more ({MORE_HINT})", style="dim"))
    if any(w.waived for w in result.waivers):
        console.print(Text("waivers:", style="bold"))
        for status in result.waivers:
            if status.waived:
                console.print(Text("  " + waiver_line(status)))
        console.print()


def render_failures(result: RunResult, console: Console, limit: int) -> None:
    """Print the evidence of every expectation that failed, ``limit`` failures each (0: all).

    Past the limit one line says how many more there are and where to find them all (the
    failure dataset, when the result lists only a sample: ``failures_dataset``).
    """
    dataset = result.extra.get("failures_dataset")
    hint = MORE_HINT
    if isinstance(dataset, dict):
        hint = f"every failure is in the dataset {printable(str(dataset.get('path')))}"
    for er in result.expectations:
        if er.passed or not er.failures:
            continue
        v = verdict(er)
        console.print(Text(f"{v} ", style=_STYLE[v]) + Text(summary_line(er)))
        shown = er.failures[:limit] if limit > 0 else er.failures
        for failure in shown:
            first, *rest = failure_lines(failure)
            console.print(Text("  " + first))
            for line in rest:
                console.print(Text("  " + line, style="dim"))
        every = len(er.failures)
        if isinstance(dataset, dict):
            every = max(every, int(dataset.get("failures", {}).get(er.name, every)))
        hidden = every - len(shown)
        if hidden > 0:
            console.print(Text(f"  … and {hidden} more ({hint})"))
        console.print()


def render_verdict(result: RunResult, console: Console) -> None:
    """Print warnings and the final line."""
    for warning in result.warnings:
        console.print(Text(f"warning: {printable(warning)}", style="yellow"))
    problems = result.waiver_problems
    for problem in problems:
        console.print(Text(f"error: {printable(problem)}", style="red"))
    failed = [e for e in result.expectations if not e.passed and e.severity == "error"]
    warned = [e for e in result.expectations if not e.passed and e.severity == "warn"]
    expectations = plural(len(result.expectations), "expectation")
    tail = f"{expectations}, {plural(result.documents, 'document')}, {result.duration_s:.2f}s"
    if failed:
        line = Text(f"FAILED: {len(failed)} of {expectations} failed", style="bold red")
        if problems:
            line += Text(f", {plural(len(problems), 'waiver')} expired or unused", style="red")
    elif problems:
        line = Text(
            f"FAILED: {plural(len(problems), 'waiver')} expired or unused", style="bold red"
        )
    else:
        line = Text("PASSED", style="bold green")
    if warned:
        line += Text(f" ({plural(len(warned), 'warning')})", style="yellow")
    waived = sum(e.waived for e in result.expectations)
    if waived:
        line += Text(f" ({plural(waived, 'waived document')})", style="cyan")
    console.print(line + Text(f" ({tail})"))


def render(
    result: RunResult,
    console: Console,
    limit: int = 10,
    quiet: bool = False,
    groups_shown: int = SHOWN,
) -> None:
    """Everything a person reads after ``scrapegate check``; ``limit`` 0 shows every failure,
    ``groups_shown`` 0 every group with failures (with ``documents.group_by``).
    """
    if not quiet:
        render_summary(result, console)
        render_sites(result, console, groups_shown)
        render_failures(result, console, limit)
        render_waivers(result, console, limit)
    render_verdict(result, console)


def render_gate(decision: GateDecision, console: Console) -> None:
    """The last line: which rule decided the exit code, why, and PASS or FAIL."""
    style = "bold green" if decision.passed else "bold red"
    console.print(Text(printable(decision.line), style=style))

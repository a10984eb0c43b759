"""The terminal summary: one row per expectation, then the failures with their evidence.

Built from rich ``Text`` objects, never markup strings, so scraped text such as ``[bold]``
or an escape sequence is shown literally.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .escaping import printable
from .gate import GateDecision
from .reports.sites import SHOWN, render_sites
from .reports.text import failure_lines, percent, summary_line, verdict
from .result import RunResult
from .wording import plural

_STYLE = {"PASS": "bold green", "FAIL": "bold red", "WARN": "bold yellow"}
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
    for column, justify in (
        ("expectation", "left"),
        ("check", "left"),
        ("evaluated", "right"),
        ("failed", "right"),
        ("pass rate", "right"),
        ("mostly", "right"),
        ("verdict", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for er in result.expectations:
        v = verdict(er)
        table.add_row(
            Text(printable(er.name)),
            Text(printable(er.check)),
            str(er.evaluated),
            str(er.failed),
            percent(er.pass_rate),
            percent(er.mostly),
            Text(v, style=_STYLE[v]),
        )
    console.print(table)


def render_failures(result: RunResult, console: Console, limit: int) -> None:
    """Print the evidence of every expectation that failed, ``limit`` failures each (0: all).

    Past the limit one line says how many more there are and where to find them all.
    """
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
        hidden = len(er.failures) - len(shown)
        if hidden > 0:
            console.print(Text(f"  … and {hidden} more ({MORE_HINT})"))
        console.print()


def render_verdict(result: RunResult, console: Console) -> None:
    """Print warnings and the final line."""
    for warning in result.warnings:
        console.print(Text(f"warning: {printable(warning)}", style="yellow"))
    failed = [e for e in result.expectations if not e.passed and e.severity == "error"]
    warned = [e for e in result.expectations if not e.passed and e.severity == "warn"]
    expectations = plural(len(result.expectations), "expectation")
    tail = f"{expectations}, {plural(result.documents, 'document')}, {result.duration_s:.2f}s"
    if failed:
        line = Text(f"FAILED: {len(failed)} of {expectations} failed", style="bold red")
    else:
        line = Text("PASSED", style="bold green")
    if warned:
        line += Text(f" ({plural(len(warned), 'warning')})", style="yellow")
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
    render_verdict(result, console)


def render_gate(decision: GateDecision, console: Console) -> None:
    """The last line: which rule decided the exit code, why, and PASS or FAIL."""
    style = "bold green" if decision.passed else "bold red"
    console.print(Text(printable(decision.line), style=style))

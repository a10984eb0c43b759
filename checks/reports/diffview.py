"""The baseline comparison in the terminal, plus the wording shared with the other reports.

Built from rich ``Text`` (never markup strings): document ids are scraped text.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..escaping import printable
from ..resultdiff import ExpectationDiff, ResultDiff
from ..wording import plural
from .changes import render_changes
from .sites import render_group_drops
from .text import percent

LISTED = 20  # document ids listed per expectation; the JSON has them all


def points(delta: float | None) -> str:
    """A pass-rate change in percentage points, never rounding a real change to zero."""
    if delta is None:
        return ""
    value = delta * 100
    if abs(value) < 1e-9:
        return "±0.0"
    if abs(value) < 0.05:
        return "+<0.1" if value > 0 else "-<0.1"
    return f"{value:+.1f}"


def rate_change(e: ExpectationDiff) -> str:
    """``base% → head%``, with ``—`` for the side an expectation is missing from."""
    base = "—" if e.base_rate is None else percent(e.base_rate)
    head = "—" if e.head_rate is None else percent(e.head_rate)
    return f"{base} → {head}"


def change_label(e: ExpectationDiff) -> str:
    """REGRESSED, new, removed, renamed, better, worse or unchanged."""
    if e.regressed:
        return "REGRESSED"
    if e.status == "new":
        return "new (not compared)"
    if e.status == "removed":
        return "removed"
    if e.common_base_evaluated is not None:
        # Both runs have document indexes: judge by the documents in both, as the gate does,
        # so a deleted passing page does not make an unchanged expectation 'worse'.
        worse, better = bool(e.newly_failing), bool(e.fixed)
        trend = "changed" if worse and better else "worse" if worse else "better" if better else ""
        if not trend:
            # The documents in both runs fare the same; the whole-run rate may still move.
            moved = abs(e.delta or 0.0) > 1e-12
            trend = "added/removed documents only" if moved else "unchanged"
    else:
        delta = e.delta or 0.0
        trend = "better" if delta > 1e-12 else "worse" if delta < -1e-12 else "unchanged"
        if e.newly_failing and trend != "worse":
            trend = "changed"
    return f"renamed, {trend}" if e.status == "renamed" else trend


def documents_line(diff: ResultDiff) -> str:
    """Document counts of both runs and what was added or removed."""
    line = f"documents: {diff.base_documents} → {diff.head_documents}"
    if diff.documents_added is not None and diff.documents_removed is not None:
        return line + f" ({diff.documents_added} added, {diff.documents_removed} removed)"
    net = diff.head_documents - diff.base_documents
    return line + (f" (net {net:+d}; no document index to tell which)" if net else "")


def verdict_line(diff: ResultDiff) -> str:
    """The last word of the comparison."""
    if diff.regressed:
        count = plural(len(diff.reasons), "expectation")
        return f"REGRESSED against the baseline in {count}"
    fixed = f" ({plural(diff.fixed_count, 'document failure')} fixed)" if diff.fixed_count else ""
    return "no regression against the baseline" + fixed


_STYLE = {"REGRESSED": "bold red", "better": "green", "worse": "yellow"}


def _table(diff: ResultDiff) -> Table:
    table = Table(
        title=Text(
            printable(
                f"compared with the baseline (suite {diff.base_suite!r}; tolerance "
                f"{diff.tolerance * 100:.2f} points)"
            ),
            style="bold",
        ),
        title_justify="left",
    )
    for column, justify in (
        ("expectation", "left"),
        ("base → head", "right"),
        ("Δ points", "right"),
        ("newly failing", "right"),
        ("fixed", "right"),
        ("change", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for e in diff.expectations:
        label = change_label(e)
        compared = e.status in ("same", "renamed")
        table.add_row(
            Text(printable(e.name)),
            rate_change(e),
            points(e.delta),
            # Documents of both runs only: added and removed ones are listed below the table.
            str(len(e.newly_failing)) if compared else "",
            str(len(e.fixed)) if compared else "",
            Text(label, style=_STYLE.get(label.split(",")[-1].strip(), "")),
        )
    return table


def _ids(console: Console, title: str, ids: tuple[str, ...], style: str = "") -> None:
    if not ids:
        return
    console.print(Text(f"{title} ({len(ids)}):", style=style))
    for doc in ids[:LISTED]:
        console.print(Text(f"  {printable(doc)}"))
    if len(ids) > LISTED:
        console.print(Text(f"  ... and {len(ids) - LISTED} more (all of them in --json)"))


def render_diff(diff: ResultDiff, console: Console, quiet: bool = False) -> None:
    """Print the table, the documents behind it, what was renamed or dropped, the verdict.

    ``quiet`` prints the verdict and its reasons only (``check -q``).
    """
    if not quiet:
        _details(diff, console)
    console.print(Text(verdict_line(diff), style="bold red" if diff.regressed else "bold green"))
    for reason in diff.reasons:
        console.print(Text(f"  {printable(reason)}", style="red"))


def _details(diff: ResultDiff, console: Console) -> None:
    console.print(_table(diff))
    for e in diff.expectations:
        name = printable(e.name)
        _ids(
            console,
            f"newly failing in {name!r}",
            e.newly_failing,
            "bold red" if e.regressed else "",
        )
        _ids(
            console,
            f"failing documents new to the corpus in {name!r} (reported, not a regression)",
            e.added_failing,
            "bold yellow",
        )
        _ids(console, f"fixed in {name!r}", e.fixed, "green")
        _ids(console, f"failing documents gone from the corpus in {name!r}", e.removed_failing)
    render_group_drops(diff, console)
    console.print(Text(documents_line(diff)))
    for e in diff.expectations:
        if e.status == "renamed":
            console.print(
                Text(
                    f"renamed: {printable(e.previous_name or '')!r} → {printable(e.name)!r} "
                    "(the only pair with the same check and field)"
                )
            )
    new = [repr(printable(e.name)) for e in diff.expectations if e.status == "new"]
    gone = [repr(printable(e.name)) for e in diff.expectations if e.status == "removed"]
    if new:
        console.print(Text(f"new expectations, not in the baseline: {', '.join(new)}"))
    if gone:
        console.print(Text(f"expectations only in the baseline: {', '.join(gone)}"))
    for note in diff.notes:
        console.print(Text(f"note: {printable(note)}", style="yellow"))
    render_changes(diff.changes, console)

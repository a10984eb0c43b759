"""Per-site views in every report: the worst groups in the terminal and the Markdown summary,
every kept group in the HTML report, and the groups whose pass rate dropped against a baseline.

Group names are scraped text (a field's value, a URL's host): escaped like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..escaping import printable
from ..result import RunResult
from ..siteview import GroupDrop, SiteGroup, SiteGroups, site_groups
from ..wording import plural
from . import mdtext
from .text import percent

if TYPE_CHECKING:  # the diff model is imported by runs with a baseline, not by every render
    from ..resultdiff import ResultDiff

SHOWN = 10  # groups shown in the terminal and the Markdown summary (check --max-groups)


def drop_rates(drop: GroupDrop) -> str:
    """``date parses 99.0% → 41.0%``, for every dropped expectation, largest drop first."""
    return "; ".join(
        f"{d.expectation} {percent(d.base.pass_rate)} → {percent(d.head.pass_rate)}"
        for d in drop.drops
    )


def by_words(groups: SiteGroups) -> str:
    """``host of url`` or ``field site``: what the groups are."""
    kind, _, name = groups.by.partition(": ")
    return f"host of {name}" if kind == "host" else f"{kind} {name}"


def _title(groups: SiteGroups, shown: int, failing: int) -> str:
    # (none), documents without a group value, is a row of the table: count it as one.
    total = plural(groups.count + any(g.kind == "none" for g in groups.items), "group")
    if not failing:
        return f"per group ({by_words(groups)}): {total}, none with failures"
    tail = f"the worst {shown} shown" if shown < failing else "worst first"
    return f"per group ({by_words(groups)}): {failing} of {total} with failures, {tail}"


def _worst(group: SiteGroup) -> tuple[str, str]:
    worst = group.worst_expectation()
    if worst is None:
        return "", ""
    name, counts = worst
    return name, f"{percent(counts.pass_rate)} ({counts.failed} of {counts.evaluated} failed)"


def render_sites(result: RunResult, console: Console, limit: int = SHOWN) -> None:
    """Print the worst groups (``limit`` 0: every group with failures) and the notes."""
    groups = site_groups(result)
    if groups is None:
        return
    failing = groups.worst(0)
    shown = failing[:limit] if limit > 0 else failing
    title = Text(printable(_title(groups, len(shown), len(failing))), style="bold")
    if not shown:
        console.print(title)
    else:
        table = Table(title=title, title_justify="left", expand=False)
        for column, justify in (
            ("group", "left"),
            ("documents", "right"),
            ("failing", "right"),
            ("worst expectation", "left"),
            ("its pass rate", "right"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for g in shown:
            name, rate = _worst(g)
            table.add_row(
                Text(printable(g.name), style="" if g.kind == "group" else "italic"),
                str(g.documents),
                f"{g.failed_documents} ({percent(g.failing_share)})",
                Text(printable(name)),
                rate,
            )
        console.print(table)
    for note in groups.notes():
        console.print(Text(f"note: {printable(note)}", style="yellow"))


def render_group_drops(diff: ResultDiff, console: Console, limit: int = SHOWN) -> None:
    """Print the groups whose pass rate dropped beyond the tolerance, worst first."""
    if not diff.groups:
        return
    console.print(
        Text(
            f"groups whose pass rate dropped more than {diff.tolerance * 100:.2f} points "
            f"({len(diff.groups)}, worst first):",
            style="bold yellow",
        )
    )
    for drop in diff.groups[:limit] if limit > 0 else diff.groups:
        console.print(Text(f"  {printable(drop.group)}: {printable(drop_rates(drop))}"))
    hidden = len(diff.groups) - limit
    if limit > 0 and hidden > 0:
        console.print(Text(f"  … and {hidden} more (all of them in --json)"))


def markdown_lines(result: RunResult, diff: ResultDiff | None, limit: int = SHOWN) -> list[str]:
    """The Markdown summary's per-group table and the groups that dropped (none: no lines)."""
    groups = site_groups(result)
    lines: list[str] = []
    if groups is not None:
        failing = groups.worst(0)
        shown = failing[:limit]
        dropped = {d.group for d in diff.groups} if diff is not None else set()
        title = _title(groups, len(shown), len(failing))
        lines += [f"**{mdtext.text(title[:1].upper() + title[1:])}**", ""]
        if shown:
            lines += [
                "| Group | Documents | Failing documents | Worst expectation | Its pass rate |",
                "|---|---:|---:|---|---:|",
            ]
            for g in shown:
                name, rate = _worst(g)
                flag = " ❌ dropped" if g.name in dropped else ""
                lines.append(
                    f"| {mdtext.code(g.name, limit=100)}{flag} | {g.documents} | "
                    f"{g.failed_documents} ({percent(g.failing_share)}) | "
                    f"{mdtext.text(name) if name else ''} | {rate} |"
                )
            lines.append("")
        lines += [f"- Note: {mdtext.text(note)}" for note in groups.notes()]
        if groups.notes():
            lines.append("")
    if diff is not None and diff.groups:
        lines += [
            f"**Groups whose pass rate dropped** (more than {diff.tolerance * 100:.2f} points, "
            "worst first):",
            "",
        ]
        for drop in diff.groups[:limit]:
            name = mdtext.code(drop.group, table=False, limit=100)
            lines.append(f"- {name}: {mdtext.text(drop_rates(drop))}")
        if len(diff.groups) > limit:
            lines.append(f"- … and {len(diff.groups) - limit} more (all of them in the JSON)")
        lines.append("")
    return lines


def html_view(result: RunResult, diff: ResultDiff | None) -> dict[str, Any] | None:
    """Every kept group for the HTML report's sortable table (plain strings; the template
    escapes them), groups that dropped against the baseline marked.
    """
    groups = site_groups(result)
    if groups is None:
        return None
    dropped = {d.group: d for d in diff.groups} if diff is not None else {}
    rows = []
    for g in sorted(groups.items, key=SiteGroup.sort_key):
        name, rate = _worst(g)
        worst = g.worst_expectation()
        drop = dropped.get(g.name) if g.kind == "group" else None
        rows.append(
            {
                "group": printable(g.name),
                "kind": g.kind,
                "documents": g.documents,
                "failing": g.failed_documents,
                "share": percent(g.failing_share),
                "share_sort": f"{g.failing_share:.6f}",
                "worst": printable(name),
                "rate": rate,
                "rate_sort": f"{worst[1].pass_rate:.6f}" if worst is not None else "1",
                "dropped": printable(drop_rates(drop)) if drop is not None else "",
            }
        )
    return {
        "label": printable(by_words(groups)),
        "title": printable(_title(groups, len(groups.worst(0)), len(groups.worst(0)))),
        "rows": rows,
        "notes": [printable(n) for n in groups.notes()],
        "compared": diff is not None,
    }


def worst_groups_line(result: RunResult, expectation: str, limit: int = 3) -> str:
    """``worst groups (host of url): broken.example 20.0% (4 of 5 failed), ...``: the groups
    where ``expectation`` fails most, for a failure text; empty without per-group counts.
    """
    groups = site_groups(result)
    if groups is None:
        return ""
    failing = [
        (g.expectations[expectation], g)
        for g in groups.items
        if expectation in g.expectations and g.expectations[expectation].failed
    ]
    if not failing:
        return ""
    failing.sort(key=lambda cg: (cg[0].pass_rate, -cg[0].evaluated, cg[1].name))
    shown = ", ".join(
        f"{g.name} {percent(c.pass_rate)} ({c.failed} of {c.evaluated} failed)"
        for c, g in failing[:limit]
    )
    more = len(failing) - limit
    tail = f" and {more} more" if more > 0 else ""
    return printable(f"worst groups ({by_words(groups)}): {shown}{tail}")

"""The changed-documents section of a baseline comparison (terminal, Markdown, HTML wording).

A warning: bodies that shrank or grew past the threshold, dates that moved, credits that
vanished, per site when the suite groups documents. Ids are scraped text: printed through
:func:`~scrapegate.escaping.printable` and rich ``Text``, never markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from ..changes import KIND_WORDS, Changes, DocumentChange
from ..escaping import printable
from ..fingerprints import CHANGE_KINDS
from ..grouping import NO_GROUP
from ..wording import plural
from . import mdtext

SHOWN = 10  # documents printed in the terminal per group; the JSON lists more


def heading(changes: Changes) -> str:
    """The section's first line."""
    if not changes.available:
        return f"changed documents: {changes.note}"
    limits = changes.thresholds
    ratio = limits.ratio
    label = "warning"
    if changes.fail_on:
        label = "fails the gate on " + ", ".join(KIND_WORDS[k] for k in changes.fail_on)
    return (
        f"changed documents ({label}): {changes.changed} of "
        f"{plural(changes.compared, 'document')} in both runs "
        f"(body below {ratio * 100:g}% or past {100 / ratio:g}% of its length, "
        f"by {limits.min_chars}+ characters; date changed; attribution vanished)"
    )


def counts_text(counts: dict[str, int]) -> str:
    """``body shrank 2, date changed 1`` (kinds with none left out)."""
    return ", ".join(f"{KIND_WORDS[k]} {counts[k]}" for k in CHANGE_KINDS if counts.get(k))


def describe(change: DocumentChange) -> str:
    """What happened to one document, without its id."""
    name = printable(change.field)
    if change.kind in ("shrank", "grew"):
        return f"{name} {change.kind} {change.base} → {change.head} characters"
    if change.kind == "date_changed":
        return f"{name}: {change.base} → {change.head}"
    return f"attribution in {name} vanished"


def by_group(changes: Changes) -> list[tuple[str | None, dict[str, int], list[DocumentChange]]]:
    """(group, counts, listed changes) per group; one group ``None`` without group_by."""
    if not changes.groups:
        return [(None, changes.counts, list(changes.documents))]
    return [
        (group, counts, [d for d in changes.documents if (d.group or NO_GROUP) == group])
        for group, counts in changes.groups.items()
    ]


def render_changes(changes: Changes | None, console: Console) -> None:
    """Print the section (nothing when no comparison was made or nothing changed)."""
    if changes is None:
        return
    if not changes.available:
        console.print(Text(printable(heading(changes)), style="yellow"))
        return
    if not changes.changed:
        return
    console.print(Text(heading(changes), style="bold yellow"))
    console.print(Text(f"  {counts_text(changes.counts)}"))
    for group, counts, listed in by_group(changes):
        indent = "  "
        if group is not None:
            console.print(Text(f"  site {printable(group)}: {counts_text(counts)}"))
            indent = "    "
        for change in listed[:SHOWN]:
            console.print(Text(f"{indent}{printable(change.doc)}: {describe(change)}"))
        hidden = sum(counts.values()) - min(len(listed), SHOWN)
        if hidden > 0:
            console.print(Text(f"{indent}... and {hidden} more (--json lists up to 200)"))


def markdown_lines(changes: Changes | None) -> list[str]:
    """The section in Markdown (ids and sites in code spans: they are scraped text)."""
    if changes is None:
        return []
    if not changes.available:
        return [f"> ⚠️ {mdtext.text(heading(changes))}", ""]
    if not changes.changed:
        return []
    lines = [f"**⚠️ {mdtext.text(heading(changes))}**", ""]
    lines += ["| site | document | change |", "| --- | --- | --- |"]
    for group, counts, listed in by_group(changes):
        site = "" if group is None else mdtext.code(group)
        for change in listed[:SHOWN]:
            lines.append(
                f"| {site} | {mdtext.code(change.doc)} | {mdtext.code(describe(change))} |"
            )
        hidden = sum(counts.values()) - min(len(listed), SHOWN)
        if hidden > 0:
            lines.append(f"| {site} | … and {hidden} more | {mdtext.text(counts_text(counts))} |")
    return [*lines, ""]


def html_view(changes: Changes | None) -> dict[str, Any] | None:
    """Plain strings for the HTML template (it escapes them)."""
    if changes is None:
        return None
    return {
        "heading": printable(heading(changes)),
        "available": changes.available,
        "groups": [
            {
                "name": None if group is None else printable(group),
                "counts": counts_text(counts),
                "documents": [
                    {"doc": printable(c.doc), "change": describe(c)} for c in listed[:SHOWN]
                ],
                "more": max(0, sum(counts.values()) - min(len(listed), SHOWN)),
            }
            for group, counts, listed in by_group(changes)
        ]
        if changes.changed
        else [],
    }

"""The regression gate: compare a run with a stored result (the baseline) and say what got worse.

What regresses, and the comparison every report renders, is :mod:`scrapegate.resultdiff`;
this module is the gate on top of it (``scrapegate diff``) and keeps the names it always had.
"""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console

from .errors import EXIT_FAILED, EXIT_OK
from .reports.diffview import render_diff
from .result import RunResult
from .resultdiff import ExpectationDiff, ResultDiff, diff_of, diff_results
from .resultfile import BaselineError, read_result


def load_result(path: str) -> RunResult:
    """Read a stored result JSON, or raise BaselineError saying what is wrong and what to do."""
    return read_result(path)


@click.command("diff")
@click.argument("base_path", metavar="BASE")
@click.argument("head_path", metavar="HEAD")
@click.option(
    "--tolerance",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Allowed drop of a pass rate (0.01 = one point).",
)
@click.option("--markdown", "markdown_path", metavar="FILE", help="Write a Markdown summary.")
@click.option("--json", "json_path", metavar="FILE", help="Write the comparison as JSON.")
def diff_command(
    base_path: str,
    head_path: str,
    tolerance: float,
    markdown_path: str | None,
    json_path: str | None,
) -> int:
    """Compare two stored results; exit 1 when HEAD regressed against BASE.

    \b
    Exit codes: 0 no regression, 1 regression, 2 unreadable file.
    """
    from .atomic import write_text_atomic

    base = load_result(base_path)
    head = load_result(head_path)
    diff = diff_results(base, head, tolerance)
    head = diff.attach(head)
    if json_path:
        write_text_atomic(json_path, json.dumps(diff.to_json(), indent=2, ensure_ascii=False))
    if markdown_path:
        from .reports.markdown import write_markdown

        write_markdown(head, markdown_path)
    # Wide when piped, like `check`, so CI logs do not wrap the table.
    render_diff(diff, Console(highlight=False, width=None if sys.stdout.isatty() else 160))
    return EXIT_FAILED if diff.regressed else EXIT_OK


__all__ = [
    "BaselineError",
    "ExpectationDiff",
    "ResultDiff",
    "diff_command",
    "diff_of",
    "diff_results",
    "load_result",
    "render_diff",
]

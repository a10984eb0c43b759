"""``scrapegate clean``: write cleaned copies of the documents and say what each cleaner did."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from ..errors import EXIT_FAILED, EXIT_OK
from ..wording import plural
from ._common import (
    HELP_OPTIONS,
    console,
    max_record_bytes_option,
    quiet_option,
    record_limit,
    suite_format_option,
    suite_option,
)

if TYPE_CHECKING:
    from ..cleaning import CleanRun

CLEAN_EPILOG = """
\b
Examples:
  scrapegate clean fixtures/news/raw --suite expectations/news.yaml -o out/news
  scrapegate clean --suite expectations/articles.yaml -o out/articles

\b
Exit codes: 0 every document cleaned, 1 some records could not be read or some values
not cleaned (each reported at its file:line and written unchanged), 2 usage or
configuration error.
"""


@click.command(
    "clean",
    context_settings=HELP_OPTIONS,
    epilog=CLEAN_EPILOG,
    short_help="Write cleaned copies of documents (the suite's cleaners).",
)
@click.argument("paths", nargs=-1, type=str)
@suite_option
@click.option("-o", "--output", "out_dir", required=True, metavar="DIR", help="Output folder.")
@suite_format_option
@max_record_bytes_option
@quiet_option("Print only problems and the verdict line.")
def clean_command(
    paths: tuple[str, ...],
    suite_path: str,
    out_dir: str,
    fmt: str | None,
    max_record_bytes: int | None,
    quiet: bool,
) -> int:
    """Apply the suite's cleaners and write cleaned copies of the documents under DIR."""
    from ..cleaning import clean_files
    from ..suite import load_suite

    with record_limit(max_record_bytes):
        run = clean_files(load_suite(suite_path), list(paths), out_dir, fmt)
    render_clean(run, out_dir, console(), quiet)
    return EXIT_FAILED if run.problems else EXIT_OK


def _summary(run: CleanRun) -> Table:
    # No title: the verdict line below says what was cleaned, once.
    table = Table()
    table.add_column("#", justify="right")
    table.add_column("cleaner")
    table.add_column("documents touched", justify="right")
    table.add_column("characters removed", justify="right")
    table.add_column("lines removed", justify="right")
    for index, step in enumerate(run.stats.steps, 1):
        table.add_row(
            str(index),
            step.name,
            str(step.documents),
            str(step.chars_removed),
            str(step.lines_removed),
        )
    if run.unreadable:
        records = plural(run.unreadable, "unreadable record")
        table.caption = f"{records} reported and copied through unchanged"
    return table


def render_clean(run: CleanRun, out_dir: str, out: Console, quiet: bool = False) -> None:
    """Print the problems, the warnings, the table per cleaner (unless ``quiet``), the verdict."""
    from ..escaping import printable

    for line in run.problems:
        out.print(printable(line), markup=False, highlight=False)
    for warning in run.warnings:
        out.print(f"warning: {printable(warning)}", style="yellow", markup=False, highlight=False)
    if not quiet:
        out.print(_summary(run))
    verdict = (
        f"cleaned {plural(run.stats.documents, 'document')} from "
        f"{plural(run.files, 'file')} into {printable(out_dir)}"
    )
    if run.unreadable:
        verdict += f"; {plural(run.unreadable, 'unreadable record')} copied through unchanged"
    values = len(run.problems) - run.unreadable
    if values:
        verdict += f"; {plural(values, 'value')} a cleaner could not clean left unchanged"
    out.print(verdict, markup=False, highlight=False)

"""``scrapegate suggest``: write a commented suite to start from, drawn from a corpus.

The work is done by :mod:`scrapegate.suggest` (two passes over the documents, memory
bounded); this module parses the options and writes the file or standard output.
"""

from __future__ import annotations

import os
import re

import click

from ..errors import EXIT_OK
from ..loaders import FORMATS
from ..wording import plural
from ._common import HELP_OPTIONS, max_record_bytes_option, record_limit

SUGGEST_EPILOG = """
\b
Examples:
  scrapegate suggest fixtures/web/site -o expectations/site.yaml
  scrapegate suggest fixtures/news/clean --format text > news.yaml
  cat pages.jsonl | scrapegate suggest - -o pages.yaml

\b
Then review the file (each expectation says what evidence it was drawn from), and run:
  scrapegate check fixtures/web/site --suite expectations/site.yaml

\b
Exit codes: 0 suite written, 2 usage error (no path, nothing read, output is an input),
3 internal error.
"""


@click.command(
    "suggest",
    context_settings=HELP_OPTIONS,
    epilog=SUGGEST_EPILOG,
    short_help="Write a commented suite drawn from a corpus, to start from.",
)
@click.argument("paths", nargs=-1, type=str, required=True)
@click.option(
    "-o",
    "--output",
    "out_path",
    metavar="FILE.yaml",
    help="Suite file to write (default: standard output).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="Input format (default: from each file's extension).",
)
@click.option("--name", "suite_name", metavar="NAME", help="Suite name (default: from -o).")
@max_record_bytes_option
def suggest_command(
    paths: tuple[str, ...],
    out_path: str | None,
    fmt: str | None,
    suite_name: str | None,
    max_record_bytes: int | None,
) -> int:
    """Read documents and write a suite of expectations they pass, each with its evidence."""
    from ..atomic import check_writable, write_text_atomic
    from ..errors import UsageError
    from ..loaders import refuse_overwriting_inputs
    from ..suggest import suggest_suite

    if out_path is not None:
        if not out_path.endswith((".yaml", ".yml")):
            raise UsageError(f"-o {out_path}: a suite file name ends in .yaml or .yml")
        refuse_overwriting_inputs({"-o": out_path}, list(paths), fmt)
        check_writable(out_path)
    name = suite_name or _name_of(out_path)
    with record_limit(max_record_bytes):
        found = suggest_suite(paths, fmt, name, out_path or "SUITE.yaml")
    summary = (
        f"{plural(found.expectations, 'expectation')} suggested from "
        f"{plural(found.documents, 'document')}"
        + (f" ({found.left_out} left out: passed by under half)" if found.left_out else "")
        + (f", {plural(found.templates, 'candidate template line')}" if found.templates else "")
    )
    if out_path is None:
        click.echo(found.text, nl=False)
        click.echo(summary, err=True)
    else:
        write_text_atomic(out_path, found.text)
        click.echo(f"wrote {summary} to {out_path}; review it, then run scrapegate check")
    if found.unreadable:
        click.echo(
            f"warning: {plural(found.unreadable, 'record')} could not be read; "
            "'records are readable' fails on them in scrapegate check",
            err=True,
        )
    return EXIT_OK


def _name_of(out_path: str | None) -> str:
    if out_path is None:
        return "suggested"
    stem = os.path.splitext(os.path.basename(out_path))[0]
    return re.sub(r"\s+", "-", stem).strip() or "suggested"

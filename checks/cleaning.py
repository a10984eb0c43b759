"""``scrapegate clean`` and ``check --clean``: a suite's cleaner pipeline applied to documents.

``clean`` writes every input file's cleaned documents under ``-o DIR`` with the same relative
name (relative to each folder argument, or to the common folder of the file arguments) and
format, never over an input, and prints per cleaner how many documents it touched and how
many characters and lines it removed. Exit codes: 0 every document cleaned, 1 some could not
be (reported with ``path:line`` and written unchanged), 2 usage or configuration error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import click
from rich.console import Console
from rich.table import Table

from .cleaners import RunStats, build_pipeline
from .cleaners._pipeline import Pipeline
from .documents import Document, UnreadableRecord
from .errors import EXIT_FAILED, EXIT_OK, UsageError
from .loaders import FORMATS, Input, resolve_inputs
from .loaders._common import STDIN
from .suite import Suite

CLEAN_EPILOG = """
\b
Examples:
  scrapegate clean fixtures/news/raw --suite expectations/news.yaml -o out/news
  scrapegate clean --suite expectations/articles.yaml -o out/articles
\b
Exit codes: 0 every document cleaned, 1 some documents could not be cleaned (reported
and written unchanged), 2 usage or configuration error.
"""


class PipelineTransform:
    """A suite's pipeline as the engine's ``transform``; it keeps totals and problems."""

    def __init__(self, pipeline: Pipeline, count_lines: bool = True) -> None:
        self.pipeline = pipeline
        self.count_lines = count_lines
        self.stats = RunStats.for_pipeline(pipeline)

    @property
    def problems(self) -> list[str]:
        """``path:line: cleaner: field ...: message`` for every value left unchanged."""
        return self.stats.problems

    def take_problems(self) -> list[str]:
        """The problems seen since the last call, handed over once (the engine's hook).

        A parallel worker reuses one transform for several slices: each slice's result
        must carry its own problems, not again those of the slices before it.
        """
        taken, self.stats.problems = self.stats.problems, []
        return taken

    def __call__(self, doc: Document) -> Document:
        cleaned = self.pipeline.apply(doc, self.count_lines)
        self.stats.add(cleaned)
        return cleaned.document


def pipeline_transform(suite: Suite, count_lines: bool = True) -> PipelineTransform:
    """The suite's ``cleaners:`` as a document transform; UsageError when it has none.

    ``check --clean`` passes ``count_lines=False``: it shows no cleaning summary.
    """
    if not suite.cleaners:
        raise UsageError(
            f"{suite.path}: the suite has no 'cleaners:' pipeline to apply; add one "
            "(for example '- normalize_whitespace') or run without cleaning"
        )
    return PipelineTransform(build_pipeline(suite.cleaners, suite.documents.id), count_lines)


@dataclass(frozen=True)
class Planned:
    """One input and where its cleaned documents go."""

    input: Input
    output: str


def _real(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def plan_outputs(paths: Sequence[str], out_dir: str, fmt: str | None) -> list[Planned]:
    """Map every input file to its output path; refuse anything that could overwrite one."""
    if STDIN in paths:
        raise UsageError("clean writes one output file per input file; '-' (stdin) has no name")
    out_real = _real(out_dir)
    files = [p for p in paths if not os.path.isdir(p)]
    common = os.path.commonpath([_real(os.path.dirname(p) or ".") for p in files]) if files else ""
    planned: list[Planned] = []
    seen: dict[str, str] = {}
    for given in paths:
        folder = os.path.isdir(given)
        if folder and _inside(out_real, _real(given)):
            raise UsageError(
                f"-o {out_dir}: the output folder is inside the input folder {given}; a later "
                "run would read the cleaned files as input. Choose a folder outside it"
            )
        for inp in resolve_inputs([given], fmt):
            base = _real(given) if folder else common
            relative = os.path.relpath(_real(inp.path), base)
            output = os.path.join(out_dir, relative)
            key = _real(output)
            if key in seen:
                if seen[key] == _real(inp.path):
                    continue  # the same file named twice
                raise UsageError(
                    f"{inp.path} and {seen[key]} would both be written to {output}; "
                    "clean them in separate runs or name their folders instead"
                )
            seen[key] = _real(inp.path)
            planned.append(Planned(inp, output))
    inputs = {_real(p.input.path) for p in planned}
    for item in planned:
        if _real(item.output) in inputs:
            raise UsageError(
                f"-o {out_dir}: {item.output} is an input file and would be overwritten; "
                "choose an output folder that holds no inputs"
            )
    return planned


def _summary(stats: RunStats, files: int, out_dir: str, unreadable: int) -> Table:
    table = Table(
        title=f"Cleaned {stats.documents} document(s) from {files} file(s) into {out_dir}",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("cleaner")
    table.add_column("documents touched", justify="right")
    table.add_column("characters removed", justify="right")
    table.add_column("lines removed", justify="right")
    for index, step in enumerate(stats.steps, 1):
        table.add_row(
            str(index),
            step.name,
            str(step.documents),
            str(step.chars_removed),
            str(step.lines_removed),
        )
    if unreadable:
        table.caption = f"{unreadable} unreadable record(s) reported and copied where possible"
    return table


def run_clean(
    suite: Suite,
    paths: Sequence[str],
    out_dir: str,
    fmt: str | None,
    console: Console,
    quiet: bool = False,
) -> int:
    """Clean ``paths`` (or the suite's default paths) into ``out_dir``; return the exit code."""
    from .cleaning_output import write_cleaned
    from .runner import input_paths

    transform = pipeline_transform(suite)
    # As in ``check``: the suite's format describes its own default paths; files named on the
    # command line are read by their extension unless --format says otherwise.
    chosen_format = fmt if paths else (fmt or suite.documents.format)
    planned = plan_outputs(input_paths(suite, paths), out_dir, chosen_format)
    unreadable: list[UnreadableRecord] = []
    for item in planned:
        write_cleaned(item.input, item.output, suite.documents.id, transform, unreadable.append)
    problems = [f"{r.source}: {r.message}" for r in unreadable] + transform.problems
    for line in problems:
        console.print(line, markup=False, highlight=False)
    if not quiet:
        console.print(_summary(transform.stats, len(planned), out_dir, len(unreadable)))
    verdict = (
        f"{len(problems)} problem(s); the affected values were written unchanged"
        if problems
        else f"cleaned {transform.stats.documents} document(s) into {out_dir}"
    )
    console.print(verdict, markup=False, highlight=False)
    return EXIT_FAILED if problems else EXIT_OK


@click.command("clean", epilog=CLEAN_EPILOG)
@click.argument("paths", nargs=-1, type=str)
@click.option("--suite", "suite_path", required=True, metavar="FILE", help="Suite YAML file.")
@click.option("-o", "--output", "out_dir", required=True, metavar="DIR", help="Output folder.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="Input format (default: from each file's extension; for the suite's own paths, "
    "its documents.format).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the verdict line.")
def clean_command(
    paths: tuple[str, ...], suite_path: str, out_dir: str, fmt: str | None, quiet: bool
) -> int:
    """Apply the suite's cleaners and write cleaned copies of the documents under DIR."""
    from .suite import load_suite

    suite = load_suite(suite_path)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    return run_clean(suite, list(paths), out_dir, fmt, console, quiet)

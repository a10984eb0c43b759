"""``scrapegate check``: load the suite, run an engine, write the requested outputs, verdict."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from ..errors import EXIT_FAILED, EXIT_OK, UsageError
from ._common import (
    HELP_OPTIONS,
    console,
    html_option,
    markdown_option,
    max_record_bytes_option,
    quiet_option,
    record_limit,
    suite_option,
    tolerance_option,
)

if TYPE_CHECKING:  # the suite and engine are imported when the command runs, not for --help
    from ..result import RunResult
    from ..suite import Suite

CHECK_EPILOG = """
\b
Examples:
  scrapegate check fixtures/news --suite expectations/news.yaml
  scrapegate check --suite expectations/articles.yaml --json out/result.json
  scraper | scrapegate check - --suite expectations/articles.yaml

\b
Exit codes: 0 pass, 1 expectations failed, 2 usage or configuration error,
3 internal error.
"""

# Groupings the report derives from the failures themselves, not from a document field.
PSEUDO_GROUPS = ("host", "file", "folder")


class ProgressReporter:
    """A progress line on stderr, shown only for runs longer than a couple of seconds."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, records: int) -> None:
        if not self.enabled:
            return
        if self.progress is None:
            if time.monotonic() - self.started < 2.0:
                return
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.completed} records checked"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("check", total=None)
        self.progress.update(self.task, completed=records)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@click.command(
    "check",
    context_settings=HELP_OPTIONS,
    epilog=CHECK_EPILOG,
    short_help="Check documents against a suite.",
)
@click.argument("paths", nargs=-1, type=str)
@suite_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "parquet", "text"]),
    help="Input format (default: from each file's extension).",
)
@click.option("--json", "json_path", metavar="FILE", help="Write the result JSON here.")
@click.option("--junit", "junit_path", metavar="FILE", help="Write JUnit XML here.")
@html_option
@markdown_option
@click.option(
    "--baseline",
    "baseline_path",
    metavar="FILE",
    help="Compare with a stored result JSON; new failures fail the run.",
)
@tolerance_option("With --baseline: allowed drop of a pass rate (0.01 = one point).")
@click.option("--group-by", metavar="FIELD", help="Break the HTML report down by this field.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    metavar="N",
    help="Check a seeded random sample of N documents.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --sample.")
@click.option("--clean", "clean", is_flag=True, help="Apply the suite's cleaners before checking.")
@click.option(
    "--engine",
    type=click.Choice(["native", "gx"]),
    default="native",
    show_default=True,
    help="Evaluate with scrapegate's engine or through Great Expectations.",
)
@click.option(
    "--gx-docs", "gx_docs", metavar="DIR", help="With --engine gx: build Data Docs in DIR."
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    help="Worker processes (default 0: all cores).",
)
@click.option(
    "--max-failures",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    metavar="N",
    help="Failures printed per expectation, then '… and N more'; 0 prints all. "
    "The result JSON (--json) holds every failure.",
)
@max_record_bytes_option
@quiet_option("Print only the run's warnings and the verdict line.")
def check_command(**options: Any) -> int:
    """Check documents (files, folders, or - for JSONL on stdin) against a suite."""
    with record_limit(options.pop("max_record_bytes")):
        return execute(options, console())


def _run(options: dict[str, Any], progress: Any) -> RunResult:
    from ..runner import run_paths
    from ..suite import load_suite

    suite = load_suite(options["suite_path"])
    paths = list(options["paths"])
    _check_outputs(options, suite)
    if options["engine"] == "gx":
        from ..gx.runner import run_gx

        return run_gx(
            suite,
            paths or None,
            options["fmt"],
            docs_dir=options["gx_docs"],
            clean=options["clean"],
            sample=options["sample"],
            seed=options["seed"],
        )
    if options["gx_docs"]:
        raise UsageError("--gx-docs needs --engine gx")
    _note_worker_cap(options["workers"])
    transform = None
    if options["clean"]:
        from ..cleaning import pipeline_transform

        transform = pipeline_transform(suite, count_lines=False)
    return run_paths(
        suite,
        paths or None,
        options["fmt"],
        transform=transform,
        progress=progress,
        sample=options["sample"],
        seed=options["seed"],
        workers=options["workers"],
        group_by=options["group_by"] if options["group_by"] not in PSEUDO_GROUPS else None,
    )


def _note_worker_cap(requested: int) -> None:
    """Say once, on stderr, that ``--workers`` asked for more processes than there are cores."""
    from ..parallel import usable_cores
    from ..wording import plural

    cores = usable_cores()
    if requested > cores:
        click.echo(
            f"note: --workers {requested} is more than the {plural(cores, 'core')} this machine "
            "has; "
            f"using {cores} worker processes at most (and no more than the input has parts)",
            err=True,
        )


def _check_outputs(options: dict[str, Any], suite: Suite) -> None:
    """Refuse, before reading any document, outputs that would overwrite an input or fail."""
    from ..atomic import check_writable
    from ..loaders import refuse_colliding_outputs, refuse_overwriting_inputs
    from ..runner import input_paths

    outputs = {
        "--json": options["json_path"],
        "--junit": options["junit_path"],
        "--html": options["html_path"],
        "--markdown": options["markdown_path"],
    }
    refuse_colliding_outputs(outputs)
    chosen = input_paths(suite, list(options["paths"]) or None)
    refuse_overwriting_inputs(outputs, chosen, options["fmt"], also=[suite.path])
    if options["baseline_path"]:
        # --json may name the baseline (updating it in place is a common CI step); no other
        # report may replace it.
        reports = {k: v for k, v in outputs.items() if k != "--json"}
        refuse_overwriting_inputs(reports, [options["baseline_path"]])
    for path in outputs.values():
        if path:
            check_writable(path)


def _is_baseline(path: str, options: dict[str, Any]) -> bool:
    """Whether ``path`` is the --baseline file, however either is spelt."""
    baseline = options["baseline_path"]
    try:
        return bool(baseline) and os.path.samefile(path, baseline)
    except OSError:
        return False


def execute(options: dict[str, Any], out: Console) -> int:
    """Run ``check`` with parsed options; return the exit code."""
    from ..terminal import render

    baseline = None
    if options["baseline_path"]:
        from ..baseline import load_result

        # Read whole before the run: a bad baseline fails fast, and --json may replace it.
        baseline = load_result(options["baseline_path"])
    reporter = ProgressReporter(enabled=not options["quiet"] and sys.stderr.isatty())
    try:
        result = _run(options, reporter)
    finally:
        reporter.close()
    regressed = False
    diff = None
    if baseline is not None:
        from ..baseline import diff_results

        diff = diff_results(baseline, result, options["tolerance"])
        result = diff.attach(result)
        regressed = diff.regressed
    if options["json_path"] and regressed and _is_baseline(options["json_path"], options):
        # Replacing the baseline with a regressed result would make a re-run pass.
        click.echo(
            f"note: --json {options['json_path']} is the baseline and the run regressed "
            "against it: the baseline was kept, so that a re-run does not pass; to keep this "
            "result pass another --json FILE, to accept it as the baseline run without "
            "--baseline",
            err=True,
        )
    elif options["json_path"]:
        from ..reports.json_report import write_json

        write_json(result, options["json_path"])
        _note_unreadable_size(options["json_path"])
    if options["junit_path"]:
        from ..reports.junit import write_junit

        write_junit([result], options["junit_path"])
    if options["html_path"]:
        from ..reports.html import write_html

        write_html(result, options["html_path"], group_by=options["group_by"])
    if options["markdown_path"]:
        from ..reports.markdown import write_markdown

        write_markdown(result, options["markdown_path"])
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from ..reports.github import annotations

        for line in annotations(result):
            print(line)
    render(result, out, limit=options["max_failures"], quiet=options["quiet"])
    if diff is not None:
        from ..baseline import render_diff

        render_diff(diff, out, quiet=options["quiet"])
    return EXIT_FAILED if (not result.passed or regressed) else EXIT_OK


def _note_unreadable_size(path: str) -> None:
    """Say so when the result just written is past what a later 'report' or 'diff' reads."""
    from ..resultfile import too_big_to_read

    try:
        size = os.stat(path).st_size
    except OSError:
        return  # a device or a pipe: nothing to read back
    note = too_big_to_read(size)
    if note is not None:
        click.echo(f"note: --json {path}: {note}", err=True)

"""``scrapegate check``: load the suite, run an engine, write the requested outputs, verdict."""

from __future__ import annotations

import os
import sys
from typing import Any

from rich.console import Console

from ..errors import EXIT_FAILED, EXIT_OK, UsageError
from ..result import RunResult
from ..suite import Suite

# Groupings the report derives from the failures themselves, not from a document field.
PSEUDO_GROUPS = ("host", "file", "folder")


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


def _check_outputs(options: dict[str, Any], suite: Suite) -> None:
    """Refuse, before reading any document, outputs that would overwrite an input or fail."""
    from ..atomic import check_writable
    from ..loaders import refuse_overwriting_inputs
    from ..runner import input_paths

    outputs = {
        "--json": options["json_path"],
        "--junit": options["junit_path"],
        "--html": options["html_path"],
        "--markdown": options["markdown_path"],
    }
    chosen = input_paths(suite, list(options["paths"]) or None)
    refuse_overwriting_inputs(outputs, chosen, options["fmt"], also=[suite.path])
    for path in outputs.values():
        if path:
            check_writable(path)


def execute(options: dict[str, Any], console: Console) -> int:
    """Run ``check`` with parsed options; return the exit code."""
    from ..cli import ProgressReporter
    from ..terminal import render

    reporter = ProgressReporter(enabled=not options["quiet"] and sys.stderr.isatty())
    try:
        result = _run(options, reporter)
    finally:
        reporter.close()
    regressed = False
    diff = None
    if options["baseline_path"]:
        from ..baseline import diff_results, load_result

        diff = diff_results(load_result(options["baseline_path"]), result, options["tolerance"])
        result = diff.attach(result)
        regressed = diff.regressed
    if options["json_path"]:
        from ..reports.json_report import write_json

        write_json(result, options["json_path"])
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
    render(result, console, limit=options["max_failures"], quiet=options["quiet"])
    if diff is not None:
        from ..baseline import render_diff

        render_diff(diff, console, quiet=options["quiet"])
    return EXIT_FAILED if (not result.passed or regressed) else EXIT_OK

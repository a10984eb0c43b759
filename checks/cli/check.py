"""``scrapegate check``: load the suite, run an engine, write the requested outputs, verdict."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from ..errors import EXIT_OK, ConfigError, Problem, UsageError
from ._common import (
    HELP_OPTIONS,
    change_options,
    change_overrides,
    console,
    fail_on_option,
    html_option,
    markdown_option,
    max_record_bytes_option,
    quiet_option,
    record_limit,
    resolve_fail_on,
    suites_option,
    tolerance_option,
)

if TYPE_CHECKING:  # the suite and engine are imported when the command runs, not for --help
    from ..gate import GateDecision
    from ..result import RunResult
    from ..routing import Routing
    from ..sitegroups import GroupViews
    from ..suite import Suite
    from .progress import ProgressLine

CHECK_EPILOG = """
\b
Examples:
  scrapegate check fixtures/news --suite expectations/news.yaml
  scrapegate check --suite expectations/articles.yaml --json out/result.json
  scrapegate check --suite a.yaml --suite b.yaml --json 'out/{suite}.json'
  scraper | scrapegate check - --suite expectations/articles.yaml
  scrapegate check crawl.jsonl --suite expectations/articles.yaml \
      --passing good.jsonl --quarantine bad.jsonl
  scrapegate check --suite expectations/news.yaml --baseline main.json

\b
Exit codes: 0 pass, 1 expectations failed (with --baseline: the run
regressed; see --fail-on), 2 usage or configuration error, 3 internal error.
"""


@click.command(
    "check",
    context_settings=HELP_OPTIONS,
    epilog=CHECK_EPILOG,
    short_help="Check documents against a suite.",
)
@click.argument("paths", nargs=-1, type=str)
@suites_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "parquet", "text"]),
    help="Input format (default: from each file's extension).",
)
@click.option(
    "--json",
    "json_path",
    metavar="FILE",
    help="Write the result JSON here (- for stdout; the summary then goes to stderr).",
)
@click.option("--junit", "junit_path", metavar="FILE", help="Write JUnit XML here (- for stdout).")
@html_option
@markdown_option
@click.option(
    "--quarantine",
    "quarantine_path",
    metavar="FILE",
    help="Write each record that failed an error-severity expectation, or could not be read, "
    "here as JSON Lines: the record, its source, and what it failed.",
)
@click.option(
    "--passing",
    "passing_path",
    metavar="FILE",
    help="Write each record that passed every error-severity expectation here (JSON Lines).",
)
@click.option(
    "--baseline",
    "baseline_path",
    metavar="FILE",
    help="Compare with a stored result JSON; by default only regressions fail the run.",
)
@fail_on_option
@tolerance_option("With --baseline: allowed drop of a pass rate (0.01 = one point).")
@change_options
@click.option(
    "--group-by",
    metavar="FIELD",
    help="Per-group views by this field (host:FIELD: by the host of a URL field), instead "
    "of the suite's documents.group_by; host, file or folder group only the HTML report.",
)
@click.option(
    "--max-groups",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    metavar="N",
    help="Worst groups printed (with documents.group_by or --group-by); 0 prints every "
    "group with failures.",
)
@click.option(
    "--keep-groups",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    metavar="N",
    help="Groups kept in full in the result and the reports (those with failures first, "
    "then the largest); the rest are folded into '(other)'.",
)
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
    type=click.Choice(["native", "gx", "spark"]),
    default="native",
    show_default=True,
    help="Evaluate with scrapegate's engine, through Great Expectations, or with "
    "scrapegate's engine in Spark tasks (local paths or s3a://, hdfs://, file:// URLs).",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="With --engine spark: the Spark master (default: spark-submit's, else local[*]).",
)
@click.option(
    "--failures-dataset",
    "failures_dataset",
    metavar="DIR|URL",
    help="With --engine spark: the executors write every failure here as a Parquet dataset "
    "(the result JSON's failure fields and 'waived'); the result JSON then keeps the first "
    "1000 failures per expectation, its counts still all of them.",
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
@click.option(
    "--notify",
    "notify_url",
    metavar="URL",
    help="When the gate fails, POST a Slack-compatible alert (suite, gate, worst expectations, "
    "report path) to this webhook URL. A slow or failing endpoint is a warning on stderr; "
    "the exit code stays the gate's.",
)
@click.option(
    "--notify-timeout",
    type=click.FloatRange(min=0.1, max=120),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="How long --notify waits for the webhook.",
)
@click.option(
    "--progress/--no-progress",
    "progress",
    default=None,
    help="Show a progress line on stderr: bytes read of the total, MB/s, documents/s, time "
    "left (a count for stdin). Default: on a terminal, for runs longer than a second, "
    "unless -q or CI is set.",
)
@max_record_bytes_option
@quiet_option("Print only the run's warnings and the verdict line.")
def check_command(**options: Any) -> int:
    """Check documents (files, folders, or - for JSONL on stdin) against a suite."""
    given = click.get_current_context().get_parameter_source("notify_timeout")
    if given is click.core.ParameterSource.COMMANDLINE and not options["notify_url"]:
        raise UsageError("--notify-timeout needs --notify URL (the webhook it limits)")
    with record_limit(options.pop("max_record_bytes")):
        return execute(options, console())


def _run(
    options: dict[str, Any], suite: Suite, progress: Any, baseline: RunResult | None = None
) -> RunResult:
    """Run one suite with the chosen engine; its waivers are applied to whatever it found."""
    from ..waivers import apply_waivers

    return apply_waivers(suite, _run_engine(options, suite, progress, baseline))


def _run_engine(
    options: dict[str, Any], suite: Suite, progress: Any, baseline: RunResult | None
) -> RunResult:
    from ..runner import run_paths

    paths = list(options["paths"])
    _check_outputs(options, suite)
    views, report_field = _views(options, suite)
    routing = _routing(options)
    if options["failures_dataset"] and options["engine"] != "spark":
        raise UsageError(
            "--failures-dataset needs --engine spark; without it, --json holds every failure"
        )
    if options["engine"] == "gx":
        if routing is not None:
            raise UsageError(
                "--quarantine and --passing work with the native engine only; "
                "drop --engine gx to route records"
            )
        from ..gx.runner import run_gx

        result = run_gx(
            suite,
            paths or None,
            options["fmt"],
            docs_dir=options["gx_docs"],
            clean=options["clean"],
            sample=options["sample"],
            seed=options["seed"],
        )
        if views is None:
            return result
        # Per-group counts come from scrapegate's own pass; GX validates whole batches.
        note = (
            f"per-group views ({views.origin}) are not computed with --engine gx; "
            "run with --engine native to see them"
        )
        return replace(result, warnings=(*result.warnings, note))
    if options["gx_docs"]:
        raise UsageError("--gx-docs needs --engine gx")
    if options["engine"] == "spark":
        return _run_spark(options, suite, baseline, views, report_field, routing)
    if options["spark_master"]:
        raise UsageError("--spark-master needs --engine spark")
    _note_worker_cap(options["workers"])
    watch = None
    if baseline is not None:
        from ..fingerprints import watch_for

        watch = watch_for(suite, baseline, options["change_overrides"])
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
        group_by=report_field,
        views=views,
        routing=routing,
        watch=watch,
    )


def _run_spark(
    options: dict[str, Any],
    suite: Suite,
    baseline: RunResult | None,
    views: GroupViews | None,
    report_field: str | None,
    routing: Routing | None,
) -> RunResult:
    """``--engine spark``: the native engine's scan in Spark tasks (see scrapegate.spark)."""
    if options["failures_dataset"] and baseline is not None:
        raise UsageError(
            "--failures-dataset keeps only the first failures of each expectation in the "
            "result, and --baseline compares every failing document; drop one of them"
        )
    from ..spark import run_spark

    watch = None
    if baseline is not None:
        from ..fingerprints import watch_for

        watch = watch_for(suite, baseline, options["change_overrides"])
    return run_spark(
        suite,
        list(options["paths"]) or None,
        options["fmt"],
        master=options["spark_master"],
        clean=options["clean"],
        group_by=report_field,
        views=views,
        watch=watch,
        failures_path=options["failures_dataset"],
        routing=routing,
        quiet=options["quiet"],
        sample=options["sample"],
        seed=options["seed"],
    )


def _routing(options: dict[str, Any]) -> Routing | None:
    """Where --quarantine and --passing send the records, or None when neither is given."""
    if not options["quarantine_path"] and not options["passing_path"]:
        return None
    from ..routing import Routing

    return Routing(options["quarantine_path"], options["passing_path"])


def routing_line(routing: dict[str, Any]) -> str:
    """The summary of where the records went: the counts add up to the records read."""
    from ..escaping import printable
    from ..wording import plural

    def where(key: str) -> str:
        path = routing[key]
        return f" to {printable(path)}" if path else " (not written)"

    return (
        f"routed {plural(routing['read'], 'record')} read: "
        f"{routing['passing']} passing{where('passing_path')}, "
        f"{routing['quarantined']} quarantined + {routing['unreadable']} unreadable"
        f"{where('quarantine_path')}"
    )


def _views(options: dict[str, Any], suite: Suite) -> tuple[GroupViews | None, str | None]:
    """The per-group views (``--group-by`` over ``documents.group_by``), and the field whose
    values the run records for the HTML report's breakdown of failures (plain ``--group-by``).
    """
    from ..sitegroups import GroupViews, group_by_option

    by, report_field = None, None
    origin = "documents.group_by"
    if options["group_by"] is not None and not options["group_by"].strip():
        raise UsageError(
            "--group-by is empty: give FIELD, field:FIELD or host:FIELD (e.g. --group-by "
            "host:url), or leave the option out to use the suite's documents.group_by"
        )
    if options["group_by"]:
        try:
            by, shown = group_by_option(options["group_by"])
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        # The HTML report's breakdown of failures: by the field's recorded values, or by a
        # pseudo grouping (host, file, folder) of the failures themselves.
        options["html_group_by"] = shown
        report_field = shown if by is not None else None
        if by is not None:
            origin = "--group-by"
    if by is None:
        by = suite.documents.group_by
    if by is None:
        return None, report_field
    return GroupViews(by, keep=options["keep_groups"], origin=origin), report_field


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
        "--quarantine": options["quarantine_path"],
        "--passing": options["passing_path"],
    }
    refuse_colliding_outputs(outputs)
    if options["engine"] == "spark":
        # Spark reads the URLs (s3a://, hdfs://, file://...); no local file can be one.
        chosen = _local_paths(suite, options["paths"])
    else:
        chosen = input_paths(suite, list(options["paths"]) or None)
    refuse_overwriting_inputs(outputs, chosen, options["fmt"], also=[suite.path, *suite.bases])
    if options["baseline_path"]:
        # --json may name the baseline (updating it in place is a common CI step); no other
        # report may replace it.
        reports = {k: v for k, v in outputs.items() if k != "--json"}
        refuse_overwriting_inputs(reports, [options["baseline_path"]])
    _refuse_records_inside_inputs(outputs, chosen)
    for path in outputs.values():
        if path:
            check_writable(path)


def _local_paths(suite: Suite, paths: tuple[str, ...]) -> list[str]:
    from ..spark import is_url, ordered_inputs

    return [p for p in ordered_inputs(suite, list(paths)) if not is_url(p)]


def _refuse_records_inside_inputs(outputs: dict[str, str | None], chosen: list[str]) -> None:
    """Refuse --passing/--quarantine inside an input folder: the next run over that folder
    would read the records back as input (and fail them as duplicates)."""
    from ..atomic import is_special_file
    from ..escaping import printable

    folders = [(os.path.realpath(p), p) for p in chosen if p != "-" and os.path.isdir(p)]
    for flag in ("--passing", "--quarantine"):
        path = outputs[flag]
        if not path or is_special_file(path):
            continue
        where = os.path.realpath(path)
        for folder, given in folders:
            if where.startswith(folder.rstrip(os.sep) + os.sep):
                raise UsageError(
                    f"{flag} {printable(path)} is inside the input folder {printable(given)}: "
                    "the next run over that folder would read these records back as input; "
                    "write it outside the folder"
                )


def _is_baseline(path: str, options: dict[str, Any]) -> bool:
    """Whether ``path`` is the --baseline file, however either is spelt."""
    baseline = options["baseline_path"]
    try:
        return bool(baseline) and os.path.samefile(path, baseline)
    except OSError:
        return False


def _writes_stdout(path: str | None) -> bool:
    """Whether an output names this process's standard output (``/dev/stdout``, a pipe)."""
    if not path:
        return False
    try:
        return os.path.samestat(os.stat(path), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):
        return False


# Outputs that '-' sends to standard output (one at a time), by option name.
STDOUT_OUTPUTS = {
    "json_path": "--json",
    "junit_path": "--junit",
    "html_path": "--html",
    "markdown_path": "--markdown",
    "quarantine_path": "--quarantine",
    "passing_path": "--passing",
}


def _stdout_is_a_device() -> bool:
    """Whether standard output is a character device (a terminal, /dev/null)."""
    import stat

    try:
        return stat.S_ISCHR(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


# Options naming a file per suite: with several suites each needs {suite} in its path.
PER_SUITE_OUTPUTS = {
    "json_path": "--json",
    "html_path": "--html",
    "markdown_path": "--markdown",
    "baseline_path": "--baseline",
    "quarantine_path": "--quarantine",
    "passing_path": "--passing",
    "failures_dataset": "--failures-dataset",
}


def _load_suites(paths: tuple[str, ...]) -> list[Suite]:
    """Every suite, validated before any is run; the problems of all of them at once."""
    from ..suite import load_suite

    suites: list[Suite] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            suites.append(load_suite(path))
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems)
    return suites


def _per_suite(options: dict[str, Any], suites: list[Suite]) -> list[dict[str, Any]]:
    """Each suite's options: ``{suite}`` in a report path becomes the suite's name.

    With several suites a fixed path would be overwritten by each in turn (or the same
    baseline compared with every suite): refused before anything runs.
    """
    if len(suites) > 1 and "-" in options["paths"]:
        raise UsageError(
            f"-: standard input can be read once, and {len(suites)} suites would each read it; "
            "save the documents to a file and pass its path, or run one suite at a time"
        )
    if len(suites) > 1:
        fixed = [
            (flag, options[key])
            for key, flag in PER_SUITE_OUTPUTS.items()
            if options[key] and "{suite}" not in options[key]
        ]
        if fixed:
            flag, path = fixed[0]
            folder, name = os.path.split(path)
            stem, dot, ext = name.rpartition(".")
            named = f"{stem}-{{suite}}.{ext}" if dot else f"{name}-{{suite}}"
            example = os.path.join(folder, named)
            raise UsageError(
                f"{', '.join(f'{f} {p}' for f, p in fixed)}: with {len(suites)} suites each "
                "needs its own file; put {suite} in the path (it becomes each suite's name), "
                f"e.g. {flag} '{example}', or run one suite at a time"
            )
        names = [s.name for s in suites]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice and any(options[key] for key in PER_SUITE_OUTPUTS):
            same = ", ".join(s.path for s in suites if s.name == twice[0])
            raise UsageError(
                f"several suites are named {twice[0]!r} ({same}): "
                "{suite} would give them the same report path; give each suite its own name"
            )
    from ..suite import suite_file_name

    return [
        {
            **options,
            "suite_path": suite.path,
            **{
                key: options[key].replace("{suite}", suite_file_name(suite.name))
                for key in PER_SUITE_OUTPUTS
                if options[key]
            },
        }
        for suite in suites
    ]


def execute(options: dict[str, Any], out: Console) -> int:
    """Run ``check`` with parsed options; return the exit code (the worst over the suites)."""
    if options.get("notify_url"):
        from ..notify import url_problem

        problem = url_problem(options["notify_url"])
        if problem is not None:
            raise UsageError(f"--notify: {problem}; give the webhook's full URL")
    to_stdout = [key for key in STDOUT_OUTPUTS if options.get(key) == "-"]
    # '-' and /dev/stdout (or any name of the same pipe or file) alike; not a device such as
    # /dev/null or a terminal, where several outputs land harmlessly (--json /dev/null
    # --junit /dev/null > /dev/null discards them all).
    on_stdout = [
        k
        for k in STDOUT_OUTPUTS
        if k in to_stdout or (_writes_stdout(options.get(k)) and not _stdout_is_a_device())
    ]
    if len(on_stdout) > 1:
        names = " and ".join(STDOUT_OUTPUTS[key] for key in on_stdout)
        raise UsageError(
            f"{names} both write standard output, where they would mix; "
            "give all but one of them a file name"
        )
    for key in to_stdout:
        # As '-' reads standard input, it writes standard output (the report moves to
        # stderr, below).
        options = {**options, key: "/dev/stdout"}
    options = {
        **options,
        "fail_on": resolve_fail_on(
            options["fail_on"], bool(options["baseline_path"]), "--baseline FILE"
        ),
    }
    if to_stdout or any(
        _writes_stdout(options.get(k)) for k in ("quarantine_path", "passing_path")
    ):
        # Records, or a report asked for with '-', go to stdout (a pipeline's next step: jq,
        # the next filter): the summary must not mix in. A report named /dev/stdout keeps the
        # summary after it on stdout, as before '-' was accepted.
        out = Console(stderr=True, highlight=False, soft_wrap=True)
    suites = _load_suites(tuple(options["suite_paths"]))
    runs = _per_suite(options, suites)
    several = len(suites) > 1
    if several:
        # Every suite's outputs, inputs and baseline are checked before the first one runs.
        for suite, suite_options in zip(suites, runs, strict=True):
            _check_outputs(suite_options, suite)
            if suite_options["baseline_path"]:
                from ..baseline import load_result

                load_result(suite_options["baseline_path"])
    results: list[RunResult] = []
    codes: list[int] = []
    worst = EXIT_OK
    for suite, suite_options in zip(suites, runs, strict=True):
        if several:
            from rich.text import Text

            from ..escaping import printable

            out.print(
                Text(f"== suite {printable(suite.name)} ({printable(suite.path)})", style="bold")
            )
        code, result = _execute_one(suite_options, suite, out)
        results.append(result)
        codes.append(code)
        worst = max(worst, code)
        if several:
            out.print()
    if options["junit_path"]:
        from ..reports.junit import write_junit

        write_junit(results, options["junit_path"])
    if several:
        _render_overall(suites, results, codes, out)
    return worst


def _render_overall(
    suites: list[Suite], results: list[RunResult], codes: list[int], out: Console
) -> None:
    """The last line of a run of several suites: which of them failed (by each one's gate)."""
    from rich.text import Text

    from ..escaping import printable
    from ..wording import plural

    failed = [r.suite for r, code in zip(results, codes, strict=True) if code != EXIT_OK]
    total = plural(len(suites), "suite")
    if failed:
        names = ", ".join(repr(printable(n)) for n in failed)
        out.print(Text(f"FAILED: {len(failed)} of {total} failed ({names})", style="bold red"))
    else:
        out.print(Text(f"PASSED: all {total}", style="bold green"))


def _execute_one(options: dict[str, Any], suite: Suite, out: Console) -> tuple[int, RunResult]:
    """Run one suite, write its reports, print it; its exit code and result."""
    from ..gate import attach, decide
    from ..terminal import render, render_gate

    fail_on = options["fail_on"]
    records_on_stdout = _writes_stdout(options.get("quarantine_path")) or _writes_stdout(
        options.get("passing_path")
    )

    baseline = None
    options["change_overrides"] = change_overrides(options)
    if options["baseline_path"]:
        from ..baseline import load_result

        # Read whole before the run: a bad baseline fails fast, and --json may replace it.
        baseline = load_result(options["baseline_path"])
    progress = _progress_line(options)
    try:
        result = _run(options, suite, progress, baseline)
    except BaseException:
        if progress is not None:
            progress.close(finished=False)
        raise
    if progress is not None:
        progress.close()
    regressed = False
    diff = None
    if baseline is not None:
        from ..baseline import diff_results
        from ..fingerprints import KEY, overridden, stored_thresholds

        stored = stored_thresholds(result.extra.get(KEY))
        thresholds = overridden(stored, *options["change_overrides"])
        diff = diff_results(baseline, result, options["tolerance"], thresholds)
        result = diff.attach(result)
        regressed = diff.regressed
    decision = decide(result, diff, fail_on)
    result = attach(result, decision)
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
    if options["html_path"]:
        from ..reports.html import write_html

        write_html(result, options["html_path"], group_by=options.get("html_group_by"))
    if options["markdown_path"]:
        from ..reports.markdown import write_markdown

        write_markdown(result, options["markdown_path"])
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from ..reports.github import annotations

        for line in annotations(result):
            print(line, file=sys.stderr if records_on_stdout else sys.stdout)
    render(
        result,
        out,
        limit=options["max_failures"],
        quiet=options["quiet"],
        groups_shown=options["max_groups"],
    )
    if "routing" in result.extra:
        from rich.text import Text

        out.print(Text(routing_line(result.extra["routing"])))
    if diff is not None:
        from ..baseline import render_diff

        render_diff(diff, out, quiet=options["quiet"])
    render_gate(decision, out)
    if options.get("notify_url") and not decision.passed:
        _notify(options, result, decision)
    return decision.exit_code, result


def _notify(options: dict[str, Any], result: RunResult, decision: GateDecision) -> None:
    """Send the --notify alert; a warning on stderr when it could not be delivered."""
    from ..notify import notify

    report = options["html_path"] or options["markdown_path"] or options["json_path"]
    warning = notify(
        options["notify_url"], result, decision, report, timeout=options["notify_timeout"]
    )
    if warning is not None:
        click.echo(f"warning: {warning}", err=True)


def _progress_line(options: dict[str, Any]) -> ProgressLine | None:
    """The progress line on stderr, started, or None when it is not wanted."""
    terminal = sys.stderr.isatty()
    chosen = options.get("progress")
    if chosen is False or (chosen is None and (options["quiet"] or not terminal)):
        return None  # decided without importing the line's module (start-up time)
    if options["engine"] == "gx":
        # Great Expectations validates whole batches: nothing is counted here meanwhile.
        return None
    from .progress import ProgressLine, SparkProgressLine, wanted

    if not wanted(chosen, options["quiet"], terminal):
        return None
    if options["engine"] == "spark":
        # Spark reads in its executors: its status tracker says how many tasks are done.
        forced = bool(options.get("progress"))
        return SparkProgressLine(sys.stderr, terminal=terminal, forced=forced).start()
    return ProgressLine(sys.stderr, terminal=terminal, forced=bool(options.get("progress"))).start()


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

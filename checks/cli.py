"""The ``scrapegate`` command line.

``main(argv) -> int`` runs in-process (tests call it directly); ``entry`` is the console
script. Exit codes: 0 pass, 1 expectations failed, 2 usage or configuration error,
3 internal error, 130 interrupted.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Sequence
from typing import Any, ClassVar

import click
from rich.console import Console

from . import __version__
from .errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ConfigError,
    ScrapegateError,
)

ISSUES_URL = "https://github.com/scrapegate/scrapegate/issues"

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

MAIN_EPILOG = """
\b
Examples:
  scrapegate check fixtures/news --suite expectations/news.yaml
  scrapegate check --suite expectations/articles.yaml --json out/result.json
  scrapegate lint expectations/*.yaml
  pytest expectations/ --junitxml=junit.xml
\b
Run 'scrapegate COMMAND --help' for a command's options and examples.
Exit codes: 0 pass, 1 expectations failed, 2 usage or configuration error,
3 internal error.
"""

LINT_EPILOG = """
\b
Examples:
  scrapegate lint expectations/news.yaml
  scrapegate lint expectations/*.yaml
\b
Every problem of every file is printed as file:line:col: message in key.path.
Exit codes: 0 all suites valid, 2 problems found.
"""


class _State:
    debug = False


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


class LazyGroup(click.Group):
    """A group whose heavier commands are imported only when invoked (fast start-up)."""

    lazy: ClassVar[dict[str, str]] = {
        "clean": "scrapegate.cleaning:clean_command",
        "diff": "scrapegate.baseline:diff_command",
        "report": "scrapegate.reports.cli:report_command",
        "export-gx": "scrapegate.gx.cli:export_gx_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup, epilog=MAIN_EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="scrapegate")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """scrapegate: hold scraped documents to expectations declared in YAML."""
    _State.debug = debug


@cli.command(epilog=CHECK_EPILOG)
@click.argument("paths", nargs=-1, type=str)
@click.option("--suite", "suite_path", required=True, metavar="FILE", help="Suite YAML file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "parquet", "text"]),
    help="Input format (default: from each file's extension).",
)
@click.option("--json", "json_path", metavar="FILE", help="Write the result JSON here.")
@click.option("--junit", "junit_path", metavar="FILE", help="Write JUnit XML here.")
@click.option("--html", "html_path", metavar="FILE", help="Write a self-contained HTML report.")
@click.option("--markdown", "markdown_path", metavar="FILE", help="Write a Markdown summary.")
@click.option(
    "--baseline",
    "baseline_path",
    metavar="FILE",
    help="Compare with a stored result JSON; new failures fail the run.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="With --baseline: allowed drop of a pass rate (0.01 = one point).",
)
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
    "--max-failures", default=10, show_default=True, help="Failures shown per expectation."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
def check(**options: Any) -> int:
    """Check documents (files, folders, or - for JSONL on stdin) against a suite."""
    from .commands.check import execute

    return execute(options, _console())


@cli.command(epilog=LINT_EPILOG)
@click.argument("suites", nargs=-1, required=True)
def lint(suites: tuple[str, ...]) -> int:
    """Validate suite files without reading any data."""
    from .suite import lint_suites

    problems = lint_suites(suites)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if not p.warning]
    if errors:
        click.echo(f"{len(errors)} problem(s) in {len(suites)} suite file(s)", err=True)
        return EXIT_USAGE
    click.echo(f"{len(suites)} suite file(s) OK")
    return EXIT_OK


@cli.command()
def schema() -> int:
    """Print the JSON Schema of the suite format (built-in and installed checks)."""
    import json

    from .cleaners import registry as cleaners
    from .registry import registry
    from .schema import suite_schema

    click.echo(json.dumps(suite_schema(registry(), cleaners()), indent=2, ensure_ascii=False))
    return EXIT_OK


def _console() -> Console:
    """stdout console; wide when piped so CI logs do not wrap rows."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    _State.debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="scrapegate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("interrupted; no partial output was written", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s); fix the suite and run again", err=True)
        return EXIT_USAGE
    except ScrapegateError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("interrupted; no partial output was written", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"This is a bug in scrapegate; please report it at {ISSUES_URL}"
            + ("" if _State.debug else " (rerun with --debug for the traceback)"),
            err=True,
        )
        if _State.debug:
            traceback.print_exc()
        return EXIT_INTERNAL
    return int(code or 0)


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()

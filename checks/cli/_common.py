"""What the commands share: the stdout console and the options several commands take.

Command modules import from here, never from the package ``__init__`` (the root group
imports the commands, not the reverse).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

# Piped output (CI logs, files) is never wrapped: tables are laid out in this width, so at
# their natural width, and soft wrapping prints every other line whole and unpadded.
UNWRAPPED_WIDTH = 10_000
# `-h` as well as `--help`, on the group and on every command (also when one is used alone).
HELP_OPTIONS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


def console() -> Console:
    """The stdout console: the terminal's width on a TTY; unwrapped and unpadded when piped."""
    if sys.stdout is None:  # started with stdout closed (>&-): the summary goes nowhere
        return Console(highlight=False, file=open(os.devnull, "w"))
    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, soft_wrap=True, width=UNWRAPPED_WIDTH)


def _one_suite(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> str:
    """The one ``--suite``; a repeated one is refused (click would keep only the last)."""
    if len(values) > 1:
        given = ", ".join(repr(v) for v in values)
        raise click.UsageError(
            f"--suite is given {len(values)} times ({given}); a run checks one suite: "
            "pass one --suite, and run scrapegate once per suite",
            ctx,
        )
    return values[0]


def suite_option(func: F) -> F:
    """``--suite FILE`` (required, once)."""
    return click.option(
        "--suite",
        "suite_path",
        required=True,
        multiple=True,
        callback=_one_suite,
        metavar="FILE",
        help="Suite YAML file.",
    )(func)


def suites_option(func: F) -> F:
    """``--suite FILE``, repeatable: each suite is run and reported in turn."""
    return click.option(
        "--suite",
        "suite_paths",
        required=True,
        multiple=True,
        metavar="FILE",
        help="Suite YAML file; repeat it to run several suites (exit code: the worst). With "
        "several, report paths need {suite}, which becomes each suite's name.",
    )(func)


RECORD_LIMIT_ENV = "SCRAPEGATE_MAX_RECORD_BYTES"


def suite_format_option(func: F) -> F:
    """``--format`` for commands that also read the suite's own ``documents.paths``."""
    from ..loaders import FORMATS

    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(FORMATS)),
        help="Input format (default: from each file's extension; for the suite's own paths, "
        "its documents.format).",
    )(func)


def max_record_bytes_option(func: F) -> F:
    """``--max-record-bytes``: the biggest record (line, text dump, object) read into memory."""
    return click.option(
        "--max-record-bytes",
        type=click.IntRange(min=1),
        metavar="BYTES",
        help="Biggest record read into memory: a JSON Lines or CSV line, a text dump, a JSON "
        "object (default 128 MiB, or $SCRAPEGATE_MAX_RECORD_BYTES). A bigger one is skipped "
        "in bounded pieces and reported as unreadable.",
    )(func)


@contextmanager
def record_limit(limit: int | None) -> Iterator[None]:
    """Set the record size limit for one run (the environment reaches parallel workers too)."""
    if limit is None:
        yield
        return
    before = os.environ.get(RECORD_LIMIT_ENV)
    os.environ[RECORD_LIMIT_ENV] = str(limit)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(RECORD_LIMIT_ENV, None)
        else:
            os.environ[RECORD_LIMIT_ENV] = before


def quiet_option(help: str) -> Callable[[F], F]:
    """``-q/--quiet`` with the command's own description of what is left."""
    return click.option("-q", "--quiet", is_flag=True, help=help)


def html_option(func: F) -> F:
    """``--html FILE``."""
    return click.option(
        "--html", "html_path", metavar="FILE", help="Write a self-contained HTML report."
    )(func)


def markdown_option(func: F) -> F:
    """``--markdown FILE``."""
    return click.option(
        "--markdown", "markdown_path", metavar="FILE", help="Write a Markdown summary."
    )(func)


class FiniteFloatRange(click.FloatRange):
    """A float range that refuses ``nan`` and ``inf`` (exit 2), which ``float()`` accepts.

    click.FloatRange compares with its bounds, and every comparison with NaN is false: a
    ``--tolerance nan`` passed the range check and turned the baseline gate off.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The float, or a usage error when it is NaN or infinite."""
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            wanted = f"a number in the range {self._describe_range()}"
            self.fail(f"{value!r} is not a finite number; use {wanted}.", param, ctx)
        return super().convert(number, param, ctx)


def tolerance_option(help: str) -> Callable[[F], F]:
    """``--tolerance`` (a pass-rate drop between 0 and 1)."""
    return click.option(
        "--tolerance",
        type=FiniteFloatRange(0, 1),
        default=0.0,
        show_default=True,
        help=help,
    )


def fail_on_option(func: F) -> F:
    """``--fail-on regressions|failures`` (default: regressions with a baseline, else failures)."""
    return click.option(
        "--fail-on",
        "fail_on",
        type=click.Choice(["regressions", "failures"]),
        default=None,
        help="What fails the run (exit 1). regressions: only documents that newly fail, or a "
        "pass rate that drops beyond --tolerance, among documents in both runs (needs a "
        "baseline; the default with one). failures: any failing error expectation, and any "
        "regression (the default without a baseline).",
    )(func)


def resolve_fail_on(fail_on: str | None, has_baseline: bool, baseline_option: str) -> str:
    """The rule to apply; ``regressions`` without a baseline is a usage error (exit 2)."""
    from ..errors import UsageError
    from ..gate import REGRESSIONS, default_fail_on

    if fail_on is None:
        return default_fail_on(has_baseline)
    if fail_on == REGRESSIONS and not has_baseline:
        raise UsageError(
            f"--fail-on regressions needs a baseline to compare with: pass {baseline_option}, "
            "or use --fail-on failures to fail on every failing expectation"
        )
    return fail_on


def change_options(func: F) -> F:
    """``--change-threshold`` and ``--change-min-chars``: when a document's body changed."""
    func = click.option(
        "--change-min-chars",
        type=click.IntRange(min=0),
        metavar="N",
        help="A body's length must move by at least N characters to count as changed "
        "(default: the suite's documents.changes.min_chars, else 100).",
    )(func)
    return click.option(
        "--change-threshold",
        type=FiniteFloatRange(0, 1, min_open=True, max_open=True),
        metavar="RATIO",
        help="Report documents whose body shrank below RATIO of its baseline length or grew "
        "past 1/RATIO of it (default: the suite's documents.changes.ratio, else 0.5: below "
        "half or past double).",
    )(func)


def change_overrides(options: dict[str, Any]) -> tuple[float | None, int | None]:
    """``--change-threshold`` and ``--change-min-chars`` (popped), None when not given."""
    return options.pop("change_threshold"), options.pop("change_min_chars")

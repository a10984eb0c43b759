"""The ``scrapegate`` command line: the root group, ``main(argv) -> int`` and ``entry``.

``main(argv) -> int`` runs in-process (tests call it directly); ``entry`` is the console
script. Every command is one module of this package, imported only when it runs or when
the help lists it, so start-up stays fast. Exit codes: 0 pass, 1 expectations failed,
2 usage or configuration error, 3 internal error, 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM).
"""

from __future__ import annotations

import atexit
import importlib
import io
import os
import signal
import sys
from collections.abc import Sequence
from typing import ClassVar

import click

from .. import __version__
from ..errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    EXIT_USAGE,
    ConfigError,
    ScrapegateError,
    Terminated,
    did_you_mean,
)

ISSUES_URL = "https://github.com/scrapegate/scrapegate/issues"

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


class _State:
    debug = False


class LazyGroup(click.Group):
    """A group whose commands are imported only when invoked or listed (fast start-up)."""

    # command name -> "module of this package:click command"
    lazy: ClassVar[dict[str, str]] = {
        "check": "check:check_command",
        "clean": "clean:clean_command",
        "diff": "diff:diff_command",
        "export-gx": "export_gx:export_gx_command",
        "lint": "lint:lint_command",
        "report": "report:report_command",
        "save-page": "save_page:save_page_command",
        "schema": "schema:schema_command",
        "suggest": "suggest:suggest_command",
        "templates": "templates:templates_command",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attr = self.lazy[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
            return command
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None:
            hint = did_you_mean(name, self.list_commands(ctx))
            ctx.fail(f"No such command {name!r}{hint}")
        return super().resolve_command(ctx, args)


@click.group(
    cls=LazyGroup, epilog=MAIN_EPILOG, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="scrapegate")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """scrapegate: hold scraped documents to expectations declared in YAML."""
    _State.debug = debug


def _shown(message: str) -> str:
    """An error message as printed: file names and suite text in it cannot drive the terminal."""
    from ..escaping import printable

    return printable(message, keep="\n")


def _partial_outputs() -> str:
    """What an interrupted run left: nothing, or the outputs written in place (by name)."""
    from ..atomic import unfinished_outputs

    if not unfinished_outputs:
        return "no partial output was written"
    named = ", ".join(sorted(unfinished_outputs))
    return _shown(
        f"{named} is incomplete (written in place, not replaced); run again to replace it"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return the exit code instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    _State.debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="scrapegate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(f"interrupted; {_partial_outputs()}", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        click.echo(_shown(shown.getvalue()), err=True, nl=False)
        return EXIT_USAGE
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(_shown(str(problem)), err=True)
        from ..wording import plural

        problems = plural(len(exc.problems), "problem")
        click.echo(f"{problems}; fix the suite and run again", err=True)
        return EXIT_USAGE
    except ScrapegateError as exc:
        click.echo(_shown(f"error: {exc}"), err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo(f"interrupted; {_partial_outputs()}", err=True)
        return EXIT_INTERRUPTED
    except Terminated:
        click.echo(f"terminated (SIGTERM); {_partial_outputs()}", err=True)
        return EXIT_TERMINATED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        click.echo(
            _shown(f"internal error: {type(exc).__name__}: {exc}") + "\n"
            f"This is a bug in scrapegate; please report it at {ISSUES_URL}"
            + (
                ""
                if _State.debug
                else " (rerun as 'scrapegate --debug COMMAND ...' for the traceback)"
            ),
            err=True,
        )
        if _State.debug:
            import traceback  # only for an internal error: not on every start

            traceback.print_exc()
        return EXIT_INTERNAL
    return int(code or 0)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def entry() -> None:
    """Console-script entry point."""
    # SIGTERM's default ends the process at once, leaving the atomic writer's temp file (as
    # large as the report) behind; raised as an exception, it unwinds like Ctrl-C.
    signal.signal(signal.SIGTERM, _terminate)
    _exit(main())


def _exit(code: int) -> None:
    """End the process with ``code`` without tearing the interpreter down.

    Tearing down frees every object one by one and collects garbage several times: after a
    run in one process (its caches, compiled pattern sets, digests) that took 0.4-0.6 s on
    20k documents, all of it after the report was written. Exit handlers still run (the
    failure spool's folder is removed) and the standard streams are flushed; when another
    thread is still running, or a stream cannot be flushed, the usual exit reports it.
    """
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None when the process started with it closed
                stream.flush()
    except (OSError, ValueError):
        sys.exit(code)  # the interpreter reports an unwritable stream as it always did
    os._exit(code)

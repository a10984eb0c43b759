"""``scrapegate lint``: validate suite files without reading any data."""

from __future__ import annotations

import click

from ..errors import EXIT_OK, EXIT_USAGE
from ..wording import plural
from ._common import HELP_OPTIONS

LINT_EPILOG = """
\b
Examples:
  scrapegate lint expectations/news.yaml
  scrapegate lint expectations/*.yaml

\b
Every problem of every file is printed as file:line:col: message in key.path.
Exit codes: 0 all suites valid, 2 problems found.
"""


@click.command("lint", context_settings=HELP_OPTIONS, epilog=LINT_EPILOG)
@click.argument("suites", nargs=-1, required=True)
def lint_command(suites: tuple[str, ...]) -> int:
    """Validate suite files without reading any data."""
    from ..escaping import printable
    from ..lint import lint_suites

    problems = lint_suites(suites)
    for problem in problems:
        click.echo(printable(str(problem), keep="\n"), err=True)
    errors = [p for p in problems if not p.warning]
    if errors:
        files = plural(len(suites), "suite file")
        click.echo(f"{plural(len(errors), 'problem')} in {files}", err=True)
        return EXIT_USAGE
    click.echo(f"{plural(len(suites), 'suite file')} OK")
    return EXIT_OK

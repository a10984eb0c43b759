"""``scrapegate lint``: validate suite files without reading any data."""

from __future__ import annotations

import click

from ..errors import EXIT_OK, EXIT_USAGE

LINT_EPILOG = """
\b
Examples:
  scrapegate lint expectations/news.yaml
  scrapegate lint expectations/*.yaml
\b
Every problem of every file is printed as file:line:col: message in key.path.
Exit codes: 0 all suites valid, 2 problems found.
"""


@click.command("lint", epilog=LINT_EPILOG)
@click.argument("suites", nargs=-1, required=True)
def lint_command(suites: tuple[str, ...]) -> int:
    """Validate suite files without reading any data."""
    from ..suite import lint_suites

    problems = lint_suites(suites)
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = [p for p in problems if not p.warning]
    if errors:
        click.echo(f"{len(errors)} problem(s) in {len(suites)} suite file(s)", err=True)
        return EXIT_USAGE
    click.echo(f"{len(suites)} suite file(s) OK")
    return EXIT_OK

"""``scrapegate export-gx SUITE -o FILE``: write the suite as a GX ExpectationSuite (JSON)."""

from __future__ import annotations

import click

from ..errors import EXIT_OK
from ._common import HELP_OPTIONS


@click.command(
    "export-gx",
    context_settings=HELP_OPTIONS,
    short_help="Write a suite as a Great Expectations ExpectationSuite.",
)
@click.argument("suite_path", metavar="SUITE")
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="Where to write the GX suite JSON."
)
def export_gx_command(suite_path: str, output: str) -> int:
    """Write SUITE as a Great Expectations ExpectationSuite (JSON), listing unmapped checks."""
    from ..escaping import printable
    from ..gx.export import export
    from ..loaders import refuse_overwriting_inputs

    refuse_overwriting_inputs({"-o": output}, [suite_path])
    for line in export(suite_path, output):
        click.echo(printable(line))
    return EXIT_OK

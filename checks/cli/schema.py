"""``scrapegate schema``: print the JSON Schema of the suite format."""

from __future__ import annotations

import click

from ..errors import EXIT_OK
from ._common import HELP_OPTIONS


@click.command(
    "schema", context_settings=HELP_OPTIONS, short_help="Print the JSON Schema of the suite format."
)
def schema_command() -> int:
    """Print the JSON Schema of the suite format (built-in and installed checks)."""
    import json

    from ..cleaners import registry as cleaners
    from ..registry import registry
    from ..schema import suite_schema

    click.echo(json.dumps(suite_schema(registry(), cleaners()), indent=2, ensure_ascii=False))
    return EXIT_OK

"""``scrapegate report RESULT.json``: render the reports again from a stored result."""

from __future__ import annotations

import click

from ..errors import EXIT_OK, UsageError
from ._common import HELP_OPTIONS, html_option, markdown_option


@click.command(
    "report",
    context_settings=HELP_OPTIONS,
    short_help="Render HTML or Markdown from a stored result.",
)
@click.argument("result_path", metavar="RESULT.json")
@html_option
@markdown_option
@click.option(
    "--group-by",
    metavar="FIELD",
    help="Break the HTML report down by host, file, folder or a recorded document field.",
)
def report_command(
    result_path: str, html_path: str | None, markdown_path: str | None, group_by: str | None
) -> int:
    """Render HTML or Markdown from a result written by 'check --json'.

    \b
    Exit codes: 0 written, 2 unreadable result or nothing asked for.
    """
    from ..baseline import diff_of, load_result
    from ..escaping import printable

    if not html_path and not markdown_path:
        raise UsageError("nothing to write; pass --html FILE and/or --markdown FILE")
    from ..loaders import refuse_colliding_outputs, refuse_overwriting_inputs

    outputs = {"--html": html_path, "--markdown": markdown_path}
    refuse_colliding_outputs(outputs)
    refuse_overwriting_inputs(outputs, [result_path])
    result = load_result(result_path)
    diff_of(result, where=result_path)  # a malformed comparison is an input error, not a crash
    if html_path:
        from ..reports.html import write_html

        write_html(result, html_path, group_by=group_by)
        click.echo(printable(f"wrote {html_path}"))
    if markdown_path:
        from ..reports.markdown import write_markdown

        write_markdown(result, markdown_path)
        click.echo(printable(f"wrote {markdown_path}"))
    return EXIT_OK

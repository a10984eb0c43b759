"""``scrapegate export-gx SUITE -o FILE``: write the suite as a GX ExpectationSuite (JSON)."""

from __future__ import annotations

import json

import click

from ..atomic import write_text_atomic
from ..errors import EXIT_OK, EXIT_USAGE, ConfigError, ScrapegateError


def _summary(plan: object) -> list[str]:
    from .compile import Plan

    assert isinstance(plan, Plan)
    lines = [f"{len(plan.mapped)} expectation(s) mapped to Great Expectations:"]
    for m in plan.mapped:
        column = m.kwargs.get("column")
        where = f" if {m.where}" if m.where else ""
        on = f" on {column}" if column else ""
        lines.append(f"  {m.spec.name!r} ({m.spec.check}) -> {m.gx_type}{on}{where}")
    if plan.unmapped:
        lines.append(
            f"{len(plan.unmapped)} expectation(s) with no faithful GX equivalent "
            "(--engine gx evaluates them with scrapegate's engine):"
        )
        lines.extend(f"  {u.spec.name!r} ({u.spec.check}): {u.reason}" for u in plan.unmapped)
    return lines


def export(suite_path: str, output: str) -> list[str]:
    """Compile the suite at ``suite_path``, write the GX suite JSON; return the summary lines."""
    from ..suite import load_suite
    from .compile import compile_suite
    from .session import import_gx, suite_json

    import_gx()  # the install hint before anything else
    plan = compile_suite(load_suite(suite_path))
    # Serialised whole before the file is touched, then swapped in: a value that cannot be
    # serialised, a full disk or Ctrl-C leaves the previous export as it was.
    text = json.dumps(suite_json(plan), indent=2, ensure_ascii=False, default=str) + "\n"
    write_text_atomic(output, text)  # raises OutputError naming the path
    return [*_summary(plan), f"wrote {output}"]


@click.command("export-gx")
@click.argument("suite_path", metavar="SUITE")
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="Where to write the GX suite JSON."
)
def export_gx_command(suite_path: str, output: str) -> int:
    """Write SUITE as a Great Expectations ExpectationSuite (JSON), listing unmapped checks."""
    try:
        lines = export(suite_path, output)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(exc.problems)} problem(s); fix the suite and run again", err=True)
        return EXIT_USAGE
    except ScrapegateError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    for line in lines:
        click.echo(line)
    return EXIT_OK

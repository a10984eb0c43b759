"""``scrapegate diff BASE HEAD``: compare two stored results; exit 1 as ``--fail-on`` says."""

from __future__ import annotations

import click

from ._common import (
    HELP_OPTIONS,
    change_options,
    console,
    fail_on_option,
    markdown_option,
    quiet_option,
    tolerance_option,
)


@click.command(
    "diff",
    context_settings=HELP_OPTIONS,
    short_help="Compare two stored results; exit 1 when HEAD regressed.",
)
@click.argument("base_path", metavar="BASE")
@click.argument("head_path", metavar="HEAD")
@tolerance_option("Allowed drop of a pass rate (0.01 = one point).")
@fail_on_option
@change_options
@markdown_option
@click.option("--json", "json_path", metavar="FILE", help="Write the comparison as JSON.")
@quiet_option("Print only the verdict line and the reasons for a regression.")
def diff_command(
    base_path: str,
    head_path: str,
    tolerance: float,
    fail_on: str | None,
    change_threshold: float | None,
    change_min_chars: int | None,
    markdown_path: str | None,
    json_path: str | None,
    quiet: bool,
) -> int:
    """Compare two stored results; exit 1 when HEAD regressed against BASE.

    The same rule as 'check --baseline': by default (--fail-on regressions) only documents
    in both results that newly fail, or a pass rate among them that drops beyond the
    tolerance, fail; --fail-on failures also fails when HEAD has failing expectations.

    \b
    Exit codes: 0 pass, 1 regression (or, with --fail-on failures, failures),
    2 unreadable file.
    """
    import json

    from ..atomic import write_text_atomic
    from ..baseline import diff_results, load_result, render_diff
    from ..fingerprints import KEY, overridden, stored_thresholds
    from ..gate import attach, decide
    from ..loaders import refuse_colliding_outputs, refuse_overwriting_inputs
    from ..terminal import render_gate

    outputs = {"--json": json_path, "--markdown": markdown_path}
    refuse_colliding_outputs(outputs)
    refuse_overwriting_inputs(outputs, [base_path, head_path])
    base = load_result(base_path)
    head = load_result(head_path)
    # The head's suite set its thresholds (documents.changes); the command line wins.
    stored = stored_thresholds(head.extra.get(KEY))
    thresholds = overridden(stored, change_threshold, change_min_chars)
    diff = diff_results(base, head, tolerance, thresholds)
    # The rule is always applicable here: BASE is the baseline.
    decision = decide(head, diff, fail_on or "regressions")
    head = attach(diff.attach(head), decision)
    if json_path:
        data = {**diff.to_json(), "gate": decision.to_json()}
        write_text_atomic(json_path, json.dumps(data, indent=2, ensure_ascii=False))
    if markdown_path:
        from ..reports.markdown import write_markdown

        write_markdown(head, markdown_path)
    out = console()
    render_diff(diff, out, quiet=quiet)
    render_gate(decision, out)
    return decision.exit_code

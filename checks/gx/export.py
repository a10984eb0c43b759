"""A suite as a GX ExpectationSuite (JSON): what ``scrapegate export-gx SUITE -o FILE`` writes."""

from __future__ import annotations

import json

from ..atomic import write_text_atomic
from ..wording import plural


def _summary(plan: object) -> list[str]:
    from .compile import Plan

    assert isinstance(plan, Plan)
    lines = [f"{plural(len(plan.mapped), 'expectation')} mapped to Great Expectations:"]
    for m in plan.mapped:
        column = m.kwargs.get("column")
        where = f" if {m.where}" if m.where else ""
        on = f" on {column}" if column else ""
        lines.append(f"  {m.spec.name!r} ({m.spec.check}) -> {m.gx_type}{on}{where}")
    if plan.unmapped:
        lines.append(
            f"{plural(len(plan.unmapped), 'expectation')} with no faithful GX equivalent "
            "(--engine gx evaluates them with scrapegate's engine):"
        )
        lines.extend(f"  {u.spec.name!r} ({u.spec.check}): {u.reason}" for u in plan.unmapped)
    return lines


def export(suite_path: str, output: str) -> list[str]:
    """Compile the suite at ``suite_path``, write the GX suite JSON; return the summary lines."""
    from ..suite import load_suite
    from .compile import compile_suite
    from .session import import_gx, suite_json

    import_gx("scrapegate export-gx")  # the install hint before anything else
    plan = compile_suite(load_suite(suite_path))
    # Serialised whole before the file is touched, then swapped in: a value that cannot be
    # serialised, a full disk or Ctrl-C leaves the previous export as it was.
    text = json.dumps(suite_json(plan), indent=2, ensure_ascii=False, default=str) + "\n"
    write_text_atomic(output, text)  # raises OutputError naming the path
    return [*_summary(plan), f"wrote {output}"]

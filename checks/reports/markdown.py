"""A short Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

Deterministic (no durations, no absolute paths) so that it can be golden-tested and so that
re-posting a comment for an unchanged result changes nothing. Scraped text only ever appears
inside code spans (see :mod:`scrapegate.reports.mdtext`).
"""

from __future__ import annotations

from ..atomic import write_text_atomic
from ..escaping import printable, utf8_safe
from ..gate import GateDecision, gate_of
from ..result import ExpectationResult, Failure, RunResult
from ..resultdiff import ResultDiff, diff_of
from ..wording import plural
from . import mdtext
from .changes import markdown_lines as change_lines
from .diffview import points
from .sites import markdown_lines
from .text import percent, verdict

TOP_FAILURES = 10
LISTED_IDS = 10
_MARK = {"PASS": "✅ pass", "FAIL": "❌ fail", "WARN": "⚠️ warn"}


def headline(result: RunResult, diff: ResultDiff | None, gate: GateDecision | None = None) -> str:
    """✅ passed / ❌ failed, and why, in one line."""
    failed = [e for e in result.expectations if verdict(e) == "FAIL"]
    warned = [e for e in result.expectations if verdict(e) == "WARN"]
    if gate is not None and gate.passed and failed:
        # --fail-on regressions let the run through: say what still fails.
        word = (
            f"✅ passed: no regression ({len(failed)} of {len(result.expectations)} "
            "expectations failing)"
        )
    elif gate is not None and not gate.passed and gate.decided_by == "regressions":
        word = "❌ failed: regressed against the baseline"
    elif failed:
        word = f"❌ failed: {len(failed)} of {len(result.expectations)} expectations"
    elif diff is not None and diff.regressed:
        word = "❌ failed: regressed against the baseline"
    elif result.waiver_problems:
        word = f"❌ failed: {plural(len(result.waiver_problems), 'waiver')} expired or unused"
    else:
        word = "✅ passed"
    if warned:
        word += f" ({len(warned)} warning{'' if len(warned) == 1 else 's'})"
    return word


def _sample_note(result: RunResult) -> list[str]:
    sample = result.extra.get("sample")
    if not isinstance(sample, dict):
        return []
    return [
        f"> **Sampled run:** checked a random sample of {sample.get('size')} records "
        f"(seed {sample.get('seed')}); pass rates are estimates.",
        "",
    ]


def _expectation_table(result: RunResult, diff: ResultDiff | None) -> list[str]:
    by_name = {e.name: e for e in diff.expectations} if diff is not None else {}
    head = "| | Expectation | Pass rate | Mostly | Failed |"
    rule = "|---|---|---:|---:|---:|"
    if diff is not None:
        head += " Baseline | Δ points | Newly failing |"
        rule += "---:|---:|---:|"
    lines = [head, rule]
    for er in result.expectations:
        # Waived failures are counted apart, never hidden: the row says how many.
        waived = f" (+{er.waived} waived)" if er.waived else ""
        row = (
            f"| {_MARK[verdict(er)]} | {mdtext.text(er.name)} | {percent(er.pass_rate)} | "
            f"{percent(er.mostly)} | {er.failed} of {er.evaluated}{waived} |"
        )
        if diff is not None:
            d = by_name.get(er.name)
            if d is None or d.status == "new":
                row += " new | | |"
            else:
                base = "—" if d.base_rate is None else percent(d.base_rate)
                flag = " ❌" if d.regressed else ""
                row += f" {base} | {points(d.delta)}{flag} | {len(d.newly_failing)} |"
        lines.append(row)
    return [*lines, ""]


def _baseline_section(diff: ResultDiff) -> list[str]:
    lines = ["**Against the baseline:** "]
    if diff.regressed:
        lines[0] += "regressed."
        lines += [f"- {mdtext.text(reason)}" for reason in diff.reasons]
    else:
        fixed = (
            f" {plural(diff.fixed_count, 'document failure')} fixed." if diff.fixed_count else ""
        )
        lines[0] += "no regression." + fixed
    docs = f"- Documents: {diff.base_documents} → {diff.head_documents}"
    if diff.documents_added is not None:
        docs += f" ({diff.documents_added} added, {diff.documents_removed} removed)"
    lines.append(docs)
    for e in diff.expectations:
        if e.status == "renamed":
            lines.append(f"- Renamed: {mdtext.text(e.previous_name or '')} → {mdtext.text(e.name)}")
        elif e.status in ("new", "removed"):
            where = "new, not compared" if e.status == "new" else "only in the baseline"
            lines.append(f"- Expectation {mdtext.text(e.name)}: {where}")
    lines += [f"- Note: {mdtext.text(note)}" for note in diff.notes]
    newly = [e for e in diff.expectations if e.newly_failing]
    if newly:
        total = sum(len(e.newly_failing) for e in newly)
        lines += ["", f"<details><summary>Newly failing documents ({total})</summary>", ""]
        for e in newly:
            shown = ", ".join(mdtext.code(d, table=False) for d in e.newly_failing[:LISTED_IDS])
            more = len(e.newly_failing) - LISTED_IDS
            tail = f" and {more} more" if more > 0 else ""
            lines.append(f"- {mdtext.text(e.name)}: {shown}{tail}")
        lines += ["", "</details>"]
    added = [e for e in diff.expectations if e.added_failing]
    if added:
        total = sum(len(e.added_failing) for e in added)
        summary = f"Failing documents new to the corpus ({total}; reported, not a regression)"
        lines += ["", f"<details><summary>{summary}</summary>", ""]
        for e in added:
            shown = ", ".join(mdtext.code(d, table=False) for d in e.added_failing[:LISTED_IDS])
            more = len(e.added_failing) - LISTED_IDS
            tail = f" and {more} more" if more > 0 else ""
            lines.append(f"- {mdtext.text(e.name)}: {shown}{tail}")
        lines += ["", "</details>"]
    return [*lines, ""]


def _top_failures(
    result: RunResult, diff: ResultDiff | None
) -> list[tuple[ExpectationResult, Failure]]:
    """Failures worth reading first: newly failing ones, then a few of each failing
    expectation in turn (errors before warnings), so one noisy expectation cannot fill the list.
    """
    newly = {(e.name, doc) for e in (diff.expectations if diff else ()) for doc in e.newly_failing}
    ranked = []
    for order, er in enumerate(result.expectations):
        bucket = {"FAIL": 1, "WARN": 2}.get(verdict(er), 3)
        for position, f in enumerate(er.failures):
            key = utf8_safe(f.doc if f.doc is not None else f.source)
            first = 0 if (er.name, key) in newly else bucket
            ranked.append(((first, position, order), er, f))
    ranked.sort(key=lambda item: item[0])
    return [(er, f) for _, er, f in ranked[:TOP_FAILURES]]


def _failures_table(result: RunResult, diff: ResultDiff | None) -> list[str]:
    total = sum(len(e.failures) for e in result.expectations)
    if not total:
        return []
    top = _top_failures(result, diff)
    title = f"**Failures** ({len(top)} of {total}"
    title += "; all of them in the HTML report and the JSON)" if total > len(top) else ")"
    lines = [title, "", "| Expectation | Document | Source | Message |", "|---|---|---|---|"]
    for er, f in top:
        doc = mdtext.code(f.doc, limit=100) if f.doc is not None else ""
        lines.append(
            f"| {mdtext.text(er.name)} | {doc} | {mdtext.code(f.source, limit=100)} | "
            f"{mdtext.code(f.message)} |"
        )
    return [*lines, ""]


def _waivers_section(result: RunResult) -> list[str]:
    """Each waiver: what it waived (shown, never hidden) or why it fails the run."""
    if not result.waivers:
        return []
    lines = ["**Waivers**", "", "| Expectation | Documents | Waived | Expires | Owner | Reason |"]
    lines.append("|---|---|---:|---|---|---|")
    for w in result.waivers:
        lines.append(
            f"| {mdtext.text(w.expectation)} | {mdtext.code(w.chooses, limit=100)} | {w.waived} | "
            f"{w.expires} | {mdtext.text(w.owner or '')} | {mdtext.text(w.reason)} |"
        )
    lines.append("")
    for problem in result.waiver_problems:
        lines.append(f"- ❌ {mdtext.code(problem)}")
    return [*lines, ""] if result.waiver_problems else lines


def render_markdown(result: RunResult) -> str:
    """The summary as Markdown text."""
    diff = diff_of(result)
    gate = gate_of(result)
    title = f"### scrapegate: {mdtext.text(result.suite)}: {headline(result, diff, gate)}"
    summary = (
        f"{plural(result.documents, 'document')} checked against "
        f"{plural(len(result.expectations), 'expectation')}"
    )
    if result.records != result.documents:
        summary += f" ({plural(result.records - result.documents, 'unreadable record')})"
    lines = [title, "", summary + ".", "", *_sample_note(result)]
    if gate is not None:
        # The rule that decided the exit code, worded as the terminal's last line.
        lines += [f"**Gate:** {mdtext.text(gate.line)}", ""]
    lines += _expectation_table(result, diff)
    if diff is not None:
        lines += _baseline_section(diff)
        lines += change_lines(diff.changes)
    lines += markdown_lines(result, diff)
    lines += _failures_table(result, diff)
    lines += _waivers_section(result)
    # Everything from data went through mdtext; this catches what a future line forgets, so
    # no bidi or control character (or lone surrogate) ever reaches GitHub's renderer.
    return printable("\n".join(lines).rstrip("\n") + "\n", keep="\n")


def write_markdown(result: RunResult, path: str) -> None:
    """Write the Markdown summary to ``path`` atomically."""
    write_text_atomic(path, render_markdown(result))

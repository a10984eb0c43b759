"""One self-contained HTML report: summary cards, a bar per expectation, a breakdown by group,
and a searchable failures table with the offending text highlighted.

Safety: the template autoescapes everything, scraped text is only ever inserted as escaped
text, and a Content-Security-Policy allows nothing but our own inline style and script (by
hash), so even a missed escape could not run a script or fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import jinja2

from .. import __version__
from ..atomic import write_text_atomic
from ..escaping import printable, utf8_safe
from ..gate import gate_of
from ..result import ExpectationResult, RunResult
from ..resultdiff import ResultDiff, diff_of
from .changes import html_view as changes_view
from .diffview import change_label, documents_line, points, verdict_line
from .groups import Grouping, grouping
from .highlight import split_snippet
from .sites import html_view
from .text import failure_lines, percent, verdict

MAX_ROWS = 5000  # beyond this a browser struggles; the JSON has every failure


@cache
def _asset(name: str) -> str:
    return resources.files("scrapegate.reports").joinpath("templates", name).read_text("utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("scrapegate.reports", "templates"),
        autoescape=True,  # on for every template, whatever its extension
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Row:
    """One row of the failures table (plain strings; the template escapes them)."""

    expectation: int
    name: str
    verdict: str
    doc: str
    source: str
    field: str
    message: str
    before: str
    mark: str
    after: str
    group: str
    new: bool


def _bar(er: ExpectationResult, diff_rate: float | None) -> dict[str, Any]:
    return {
        "rate": round(er.pass_rate * 100, 2),
        "mostly": round(er.mostly * 100, 2),
        "base": None if diff_rate is None else round(diff_rate * 100, 2),
    }


def _expectations(result: RunResult, diff: ResultDiff | None) -> list[dict[str, Any]]:
    by_name = {e.name: e for e in diff.expectations} if diff else {}
    out = []
    for index, er in enumerate(result.expectations):
        d = by_name.get(er.name)
        out.append(
            {
                "index": index,
                "name": printable(er.name),
                "check": printable(er.check),
                "field": printable(er.field or ""),
                "severity": er.severity,
                "verdict": verdict(er),
                "rate": percent(er.pass_rate),
                "mostly": percent(er.mostly),
                "failed": er.failed,
                "evaluated": er.evaluated,
                "description": printable(er.description),
                "bar": _bar(er, d.base_rate if d else None),
                "delta": points(d.delta) if d else "",
                "change": change_label(d) if d else "",
                "regressed": bool(d and d.regressed),
            }
        )
    return out


def _rows(result: RunResult, groups: Grouping, diff: ResultDiff | None) -> list[Row]:
    newly = {
        (e.name, doc)
        for e in (diff.expectations if diff else ())
        for doc in (*e.newly_failing, *e.added_failing)
    }
    rows = []
    for index, er in enumerate(result.expectations):
        for f in er.failures:
            key = utf8_safe(f.doc if f.doc is not None else f.source)
            before, mark, after = split_snippet(f.snippet, f.start, f.end)
            rows.append(
                Row(
                    expectation=index,
                    name=printable(er.name),
                    verdict=verdict(er),
                    doc=printable(f.doc) if f.doc is not None else "",
                    source=printable(f.source),
                    field=printable(f.field or ""),
                    message=printable(f.message),
                    before=printable(before),
                    mark=printable(mark),
                    after=printable(after),
                    group=printable(groups.key(f)),
                    new=(er.name, key) in newly,
                )
            )
            if len(rows) >= MAX_ROWS:
                return rows
    return rows


def _breakdown(result: RunResult, groups: Grouping) -> dict[str, Any]:
    """Failing documents per group and per failing expectation."""
    failing = [er for er in result.expectations if er.failures]
    docs: dict[str, set[str]] = defaultdict(set)
    cells: dict[tuple[str, int], set[str]] = defaultdict(set)
    failures: Counter[str] = Counter()
    for index, er in enumerate(failing):
        for f in er.failures:
            group = groups.key(f)
            key = utf8_safe(f.doc if f.doc is not None else f.source)
            docs[group].add(key)
            cells[(group, index)].add(key)
            failures[group] += 1
    order = sorted(docs, key=lambda g: (-len(docs[g]), g))
    return {
        "label": groups.label,
        "note": groups.note,
        "columns": [printable(er.name) for er in failing],
        "rows": [
            {
                "group": printable(g),
                "documents": groups.totals.get(g),
                "failing": len(docs[g]),
                "failures": failures[g],
                "cells": [len(cells[(g, i)]) for i in range(len(failing))],
            }
            for g in order
        ],
    }


def _diff_view(diff: ResultDiff) -> dict[str, Any]:
    return {
        "regressed": diff.regressed,
        "verdict": verdict_line(diff),
        "reasons": [printable(r) for r in diff.reasons],
        "documents": documents_line(diff),
        "notes": [printable(n) for n in diff.notes],
        "newly": diff.newly_failing_count,
        "fixed": diff.fixed_count,
        "renamed": [
            (printable(e.previous_name or ""), printable(e.name))
            for e in diff.expectations
            if e.status == "renamed"
        ],
        "changes": changes_view(diff.changes),
        "added": [printable(e.name) for e in diff.expectations if e.status == "new"],
        "removed": [printable(e.name) for e in diff.expectations if e.status == "removed"],
        "lists": [
            {
                "name": printable(e.name),
                "newly": [printable(d) for d in e.newly_failing],
                "fixed": [printable(d) for d in e.fixed],
            }
            for e in diff.expectations
            if e.newly_failing or e.fixed
        ],
    }


# Waived failures listed per expectation; every one of them is in the JSON.
WAIVED_SHOWN = 200


def render_html(result: RunResult, group_by: str | None = None) -> str:
    """The report as one HTML document."""
    diff = diff_of(result)
    groups = grouping(result, group_by)
    rows = _rows(result, groups, diff)
    total = sum(len(er.failures) for er in result.expectations)
    css, js = _asset("report.css"), _asset("report.js")
    failed = [er for er in result.expectations if verdict(er) == "FAIL"]
    gate = gate_of(result)
    # The stored decision is the exit code's own rule; a result from before it existed is
    # judged as the gate judged it then.
    gate_failed = (
        (not gate.passed)
        if gate
        else bool(failed) or bool(diff and diff.regressed) or bool(result.waiver_problems)
    )
    sample = result.extra.get("sample")
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            suite=printable(result.suite),
            suite_path=printable(result.suite_path),
            inputs=[printable(i) for i in result.inputs],
            version=__version__,
            css=css,
            js=js,
            csp=f"default-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; "
            "img-src 'none'; base-uri 'none'; form-action 'none'",
            verdict="FAILED" if gate_failed else "PASSED",
            documents=result.documents,
            unreadable=result.records - result.documents,
            counts=Counter(verdict(er) for er in result.expectations),
            expectations=_expectations(result, diff),
            diff=_diff_view(diff) if diff else None,
            breakdown=_breakdown(result, groups),
            sites=html_view(result, diff),
            rows=rows,
            total_failures=total,
            groups=sorted({r.group for r in rows}),
            warnings=[printable(w) for w in result.warnings],
            sample=sample if isinstance(sample, dict) else None,
            gate=None if gate is None else {"rule": gate.fail_on, "line": printable(gate.line)},
            waivers=[
                {
                    "expectation": printable(w.expectation),
                    "chooses": printable(w.chooses),
                    "waived": w.waived,
                    "expires": w.expires,
                    "owner": printable(w.owner or ""),
                    "reason": printable(w.reason),
                    "problem": printable(w.problem or ""),
                }
                for w in result.waivers
            ],
            waived=[
                {
                    "name": printable(er.name),
                    "count": er.waived,
                    "failures": [failure_lines(f)[0] for f in er.waived_failures[:WAIVED_SHOWN]],
                }
                for er in result.expectations
                if er.waived_failures
            ],
        )
    )
    # Text from data is printable() already; this catches any value a template forgets, so
    # no bidi or control character (or lone surrogate) reaches the browser raw.
    return printable(page, keep="\t\n\r")


def write_html(result: RunResult, path: str, group_by: str | None = None) -> None:
    """Write the HTML report for ``result`` to ``path`` atomically."""
    write_text_atomic(path, render_html(result, group_by))

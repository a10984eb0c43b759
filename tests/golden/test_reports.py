"""Golden tests: the Markdown summary and the terminal diff, byte for byte.

Run ``pytest tests/golden --update-goldens`` after an intended change, then review the diff of
the files under ``expected/``. The results are built in memory with a fixed clock, so the
files hold no durations, dates or absolute paths.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from scrapegate.baseline import diff_results, render_diff
from scrapegate.cli._common import UNWRAPPED_WIDTH
from scrapegate.documents import Document
from scrapegate.engine import run_suite
from scrapegate.reports.markdown import render_markdown
from scrapegate.result import RunResult
from tests.helpers import NOW, suite_from_yaml

EXPECTED = Path(__file__).parent / "expected"

SUITE = """\
suite: golden-news
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: no comment widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets]
    mostly: 0.5
  - name: body length
    check: length
    field: body
    min: 4
    unit: words
    severity: warn
  - name: no markup
    check: no_html
    field: body
    severity: warn
"""
# The head renames one expectation and adds another.
HEAD_SUITE = SUITE.replace("name: title present", "name: title is present") + (
    "  - name: https only\n    check: matches\n    field: url\n    pattern: '^https://'\n"
)

OK = "The harbour reopened on Monday after repairs. --Reuters--"
HOSTILE = (
    "Intro | pipes `ticks` @team #12 <script>alert(1)</script>\n"
    "Comments\n<img src=x onerror=alert(2)> [link](javascript:alert(3))"
)


def docs(records: list[dict[str, Any]]) -> list[Document]:
    return [
        Document(id=r["url"], path="fixtures/news.jsonl", line=i, fields=dict(r))
        for i, r in enumerate(records, start=1)
    ]


def run(suite_text: str, records: list[dict[str, Any]]) -> RunResult:
    result = run_suite(suite_from_yaml(suite_text), docs(records), ["fixtures/news.jsonl"], NOW)
    return replace(result, duration_s=0.0)


BASE = [
    {"url": "https://a.example/1", "title": "Harbour", "body": OK},
    {"url": "https://a.example/2", "title": "", "body": OK},
    {"url": "https://b.example/3", "title": "Storm", "body": "Rain.\nComments\nLoad more"},
    {"url": "https://b.example/4", "title": "Rates", "body": OK},
]
HEAD = [
    {"url": "https://a.example/1", "title": "Harbour", "body": OK},
    {"url": "https://a.example/2", "title": "Fixed title", "body": OK},
    {"url": "https://b.example/3", "title": "Storm", "body": "Rain.\nComments\nLoad more"},
    {"url": "https://b.example/4", "title": "Rates", "body": HOSTILE},
    {"url": "http://c.example/5|`x`", "title": "Short", "body": "Too short."},
]


def head_result() -> RunResult:
    head = run(HEAD_SUITE, HEAD)
    sampled = {**head.extra, "sample": {"size": 5, "seed": 7}}
    head = replace(head, extra=sampled, warnings=("sampled 5 records with seed 7",))
    return diff_results(run(SUITE, BASE), head, 0.0).attach(head)


def check_golden(name: str, actual: str, request: pytest.FixtureRequest) -> None:
    golden = EXPECTED / name
    if request.config.getoption("--update-goldens"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_markdown_summary_with_baseline_and_sample_is_stable(
    request: pytest.FixtureRequest,
) -> None:
    check_golden("report_baseline.md", render_markdown(head_result()), request)


def test_markdown_summary_of_a_plain_run_is_stable(request: pytest.FixtureRequest) -> None:
    check_golden("report_plain.md", render_markdown(run(SUITE, BASE)), request)


def test_terminal_diff_is_stable(request: pytest.FixtureRequest) -> None:
    head = run(HEAD_SUITE, HEAD)
    diff = diff_results(run(SUITE, BASE), head, 0.0)
    # As `scrapegate diff` prints into a CI log: unwrapped and unpadded.
    console = Console(
        record=True,
        soft_wrap=True,
        width=UNWRAPPED_WIDTH,
        color_system=None,
        file=io.StringIO(),
    )
    render_diff(diff, console)
    check_golden("diff_terminal.txt", console.export_text(), request)

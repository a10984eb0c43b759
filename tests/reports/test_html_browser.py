"""The HTML report in a real headless chromium (DevTools protocol over a pipe).

Proves what static checks cannot: the page runs its script with no console error (so the
Content-Security-Policy hashes match), requests nothing, filters rows, and never executes a
scraped ``<script>`` or ``onerror``. A screenshot is kept in ``test-artifacts/report.png``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from scrapegate.reports.html import write_html
from scrapegate.result import RunResult
from tests.golden.test_reports import head_result
from tests.reports.cdp import CHROMIUM, Browser, Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason=f"{CHROMIUM} not installed (apt-get install chromium; .ci/run installs it)",
    ),
]

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ROWS = "#failures-table tbody tr"


def hostile_result() -> RunResult:
    """The golden head result plus failures whose text tries to run script on load."""
    result = head_result()
    first = result.expectations[2]
    evil = replace(
        first.failures[0],
        doc="https://evil.example/<img src=x onerror=window.__pwned=1>",
        message="comment widget text '<script>window.__pwned=2</script>'",
        snippet="</td></tr><script>window.__pwned=3</script><svg onload=window.__pwned=4>",
        start=None,
        end=None,
    )
    bumped = replace(first, failures=(*first.failures, evil), failed=first.failed + 1)
    expectations = list(result.expectations)
    expectations[2] = bumped
    return replace(result, expectations=tuple(expectations))


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_html(hostile_result(), str(path))
    with Browser() as browser:
        tab = browser.page()
        tab.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )
        tab.goto(path)
        yield tab


def visible_rows(page: Page) -> int:
    return int(
        page.evaluate(f"[...document.querySelectorAll('{ROWS}')].filter(r => !r.hidden).length")
    )


def test_the_page_loads_without_console_errors(page: Page) -> None:
    errors = [
        e["params"]
        for e in page.events(
            "Runtime.exceptionThrown", "Runtime.consoleAPICalled", "Log.entryAdded"
        )
        if e["method"] == "Runtime.exceptionThrown"
        or e["params"].get("type") in ("error", "assert")
        or e["params"].get("entry", {}).get("level") == "error"
    ]
    assert errors == []
    # The script ran (a CSP hash mismatch would block it and log an error).
    assert page.evaluate("document.getElementById('shown').textContent") == str(visible_rows(page))


def test_the_page_makes_no_network_requests(page: Page) -> None:
    urls = [e["params"]["request"]["url"] for e in page.events("Network.requestWillBeSent")]
    assert urls and all(u.startswith("file://") and u.endswith("/report.html") for u in urls)


def test_the_failures_table_shows_the_expected_rows(page: Page) -> None:
    rows = page.evaluate(
        f"[...document.querySelectorAll('{ROWS}')].map(r => [r.cells[1].textContent, "
        "r.cells[3].textContent])"
    )
    assert len(rows) == 7
    assert ["https://b.example/4", "HTML tag '<script>'"] in rows
    assert [
        "https://b.example/3",
        "comment widget text 'Load more' (comment_widgets/show_comments_button)",
    ] in rows
    marks = page.evaluate("[...document.querySelectorAll('mark')].map(m => m.textContent)")
    assert "<script>" in marks


def test_search_and_filters_narrow_the_rows(page: Page) -> None:
    assert visible_rows(page) == 7
    page.type_into("#q", "SHOW_comments_button")  # case-insensitive
    assert visible_rows(page) == 1
    assert page.evaluate("document.getElementById('shown').textContent") == "1"
    page.evaluate("document.getElementById('filters').reset()")
    page.evaluate("new Promise(r => setTimeout(r, 10))")
    assert visible_rows(page) == 7
    page.evaluate(
        "(() => { const s = document.getElementById('f-verdict'); s.value = 'WARN';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    assert visible_rows(page) == 2
    page.evaluate("document.querySelector('[data-filter-group=\"c.example\"]').click()")
    assert visible_rows(page) == 1
    page.type_into("#q", "no such text anywhere")
    assert visible_rows(page) == 0
    assert page.evaluate("document.getElementById('no-match').hidden") is False
    page.evaluate("document.getElementById('filters').reset()")
    page.evaluate("new Promise(r => setTimeout(r, 10))")
    page.evaluate(
        "(() => { const c = document.getElementById('f-new'); c.checked = true;"
        " c.dispatchEvent(new Event('change')); })()"
    )
    assert visible_rows(page) == 3  # one new failure in each of three expectations
    page.evaluate("document.getElementById('filters').reset()")
    page.evaluate("new Promise(r => setTimeout(r, 10))")


def test_injected_script_never_runs_and_shows_as_text(page: Page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert (
        page.evaluate(
            "document.querySelectorAll('#failures-table img, #failures-table svg').length"
        )
        == 0
    )
    assert page.evaluate("document.scripts.length") == 1
    text = page.evaluate("document.getElementById('failures-table').textContent")
    assert "<script>window.__pwned=3</script>" in text
    assert "onerror=window.__pwned=1>" in text


def test_a_screenshot_is_written_as_an_artifact(page: Page) -> None:
    target = ARTIFACTS / "report.png"
    page.screenshot(target)
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000

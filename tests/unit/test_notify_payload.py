"""The alert's payload stays within Slack's limits and shows scraped text as text."""

from __future__ import annotations

import json

from scrapegate.gate import decide
from scrapegate.notify import SHOWN, payload, url_problem
from tests.helpers import run, suite_from_yaml

EXPECTATIONS = "\n".join(
    f"  - name: field {n} present\n    check: not_empty\n    field: f{n}" for n in range(8)
)
SUITE = f"suite: many\nexpectations:\n{EXPECTATIONS}\n  - name: body is short\n"
SUITE += "    check: not_matches\n    field: body\n    pattern: 'x'\n"


def test_the_worst_expectations_are_listed_and_the_rest_counted() -> None:
    suite = suite_from_yaml(SUITE)
    # A body of 20,000 characters with markup and a mention, quoted by the failure message.
    body = "<!channel> " + "x<b>*bold*</b> " * 1400
    result = run(suite, [{"body": body}, {"body": "fine", "f0": "a"}])
    decision = decide(result, None, "failures")
    message = payload(result, decision, "https://ci.example/runs/7/report.html")
    header, gate, listing, context = message["blocks"]
    assert len(header["text"]["text"]) <= 150
    lines = listing["text"]["text"].splitlines()
    assert lines[-1] == f"… and {9 - SHOWN} more failed expectations"
    assert len(listing["text"]["text"]) <= 3000
    assert len(json.dumps(message)) < 8000
    raw = json.dumps(message)
    assert "<!channel>" not in raw and "<b>" not in raw
    assert context["elements"][0]["text"] == (
        "Report: <https://ci.example/runs/7/report.html|report.html>"
    )
    assert gate["text"]["text"].endswith("failed: FAIL")


def test_only_http_urls_are_webhooks() -> None:
    assert url_problem("https://hooks.example/x") is None
    assert url_problem("HTTP://127.0.0.1:9/x") is None
    for bad in ("ftp://x/y", "https://", "//hooks.example", "javascript:alert(1)"):
        assert url_problem(bad) is not None

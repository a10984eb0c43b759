"""Helpers for tests: suites from YAML text, documents from dicts, records on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from scrapegate.documents import Document
from scrapegate.engine import run_suite
from scrapegate.result import RunResult
from scrapegate.suite import Suite, parse_suite
from scrapegate.yamlsource import load_marked

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


# The small suite several CLI tests run over three documents (see write_docs): a title, no
# comment widgets, a warn-level length. Each test module names it after itself.
DEMO_SUITE = """\
suite: {name}
documents:
  paths: [docs/]
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: no comment widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets]
  - name: short bodies
    check: length
    field: body
    max: 500
    severity: warn
"""


def suite_from_yaml(text: str, path: str = "suite.yaml") -> Suite:
    """Parse and validate a suite given as YAML text."""
    return parse_suite(load_marked(text, path), now=NOW)


def one_expectation_suite(
    check: str,
    keys: Mapping[str, Any],
    name: str = "case",
    documents: Mapping[str, Any] | None = None,
) -> Suite:
    """A suite holding one expectation (and the suite's ``documents`` keys, if given)."""
    body: dict[str, Any] = {"suite": "cases"}
    if documents:
        body["documents"] = dict(documents)
    body["expectations"] = [{"name": name, "check": check, **keys}]
    return suite_from_yaml(yaml.safe_dump(body, allow_unicode=True))


def docs(records: Iterable[Mapping[str, Any]], path: str = "cases.jsonl") -> list[Document]:
    """Documents as a JSONL loader would make them (line = 1-based index)."""
    return [
        Document(id=f"{path}:{i}", path=path, line=i, fields=dict(r))
        for i, r in enumerate(records, start=1)
    ]


def run(suite: Suite, records: Iterable[Mapping[str, Any]]) -> RunResult:
    """Run ``suite`` over ``records`` with a fixed clock."""
    return run_suite(suite, docs(records), ["cases.jsonl"], now=NOW)


def write_docs(root: Path, records: Iterable[Mapping[str, Any]]) -> None:
    """Write ``records`` as ``root/docs/a.jsonl`` (the folder a test suite's paths name)."""
    path = root / "docs" / "a.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def finishes(code: str, hang_after_s: float = 120.0) -> None:
    """Run Python ``code`` in a fresh interpreter and fail if it has not finished after
    ``hang_after_s`` seconds. A guard against a hang (a backtracking regex on hostile input
    runs for hours), not a speed check: that work takes well under a second, and speed is
    measured in bench/, never asserted in tests."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=hang_after_s
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"did not finish in {hang_after_s:.0f} s (a hang): {code}") from None
    assert done.returncode == 0, done.stderr

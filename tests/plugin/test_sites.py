"""With documents.group_by, a failing expectation's pytest failure text names its worst groups."""

from __future__ import annotations

import json

import pytest

SUITE = """\
suite: plugin-sites
documents:
  paths: [docs/]
  id: url
  group_by: {host: url}
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def test_failure_text_names_the_worst_group_first(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", suite=SUITE)
    docs = pytester.mkdir("docs")
    records = [{"url": f"https://ok.example/{n}", "title": "T"} for n in range(4)]
    records += [{"url": f"https://www.Bad.example/{n}", "title": ""} for n in range(2)]
    records += [{"url": "https://meh.example/1", "title": ""}]
    records += [{"url": f"https://meh.example/{n}", "title": "T"} for n in range(2, 5)]
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    result = pytester.runpytest("suite.yaml", "-p", "no:randomly")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "'title present' (not_empty on title): 3 of 10 failed*",
            "worst groups (host of url): bad.example 0.0% (2 of 2 failed), "
            "meh.example 75.0% (1 of 4 failed)",
        ]
    )

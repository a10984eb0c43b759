"""Warnings under pytest point at the suite file and line, never at the plugin's source."""

from __future__ import annotations

import json

import pytest

SUITE = """\
suite: warned
documents:
  paths: [docs.jsonl]
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: bodies short
    check: length
    field: body
    max: 5
    severity: warn
  - name: videos only
    check: not_empty
    field: title
    where: {field: kind, equals: video}
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", suite=SUITE)
    records = [{"title": "Port reopens", "body": "Ships moved again."}, {"title": "a", "body": "x"}]
    (pytester.path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return pytester


def test_a_failing_warn_expectation_is_a_warning_at_its_line_in_the_suite(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("suite.yaml")
    result.assert_outcomes(passed=4, warnings=2)
    result.stdout.fnmatch_lines(
        [
            "*warnings summary*",
            "suite.yaml::bodies short",
            "  suite.yaml:8: ScrapegateWarning: 'bodies short' (length on body): 1 of 2 failed, "
            "pass rate 50.0% < mostly 100.0%; first: docs.jsonl:1 [body]: 18 characters, "
            "more than max 5",
            "    - name: bodies short",
        ]
    )
    result.stdout.no_fnmatch_line("*plugin.py*")


def test_a_run_warning_about_an_expectation_is_shown_at_that_expectation(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("suite.yaml")
    result.stdout.fnmatch_lines(
        [
            "  suite.yaml:13: ScrapegateWarning: 'where' in 'videos only' uses field 'kind', "
            "which no document has; the expectation checked nothing",
            "    - name: videos only",
        ]
    )


def test_warnings_made_errors_fail_with_the_evidence_not_a_traceback(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("suite.yaml", "-W", "error::UserWarning")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ suite.yaml::records are readable _*",
            "warning treated as an error: 'where' in 'videos only' uses field 'kind'*",
            "*_ suite.yaml::bodies short _*",
            "'bodies short' (length on body): 1 of 2 failed*",
            "  docs.jsonl:1 [body]: 18 characters, more than max 5",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*plugin.py*")
    result.stdout.no_fnmatch_line("*warnings.warn_explicit*")

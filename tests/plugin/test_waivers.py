"""Waivers and extends under pytest: the same verdicts as `scrapegate check`."""

from __future__ import annotations

import json

import pytest

SUITE = """\
suite: waived
documents:
  paths: [docs.jsonl]
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
waivers:
  - expectation: title present
    doc: https://b.example/2
    reason: known broken page
    expires: {expires}
    owner: ana
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    records = [{"url": "https://a.example/1", "title": "One"}, {"url": "https://b.example/2"}]
    (pytester.path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return pytester


def test_a_waived_failure_passes_its_item_and_is_shown_as_a_warning_at_the_waiver(
    project: pytest.Pytester,
) -> None:
    project.makefile(".yaml", suite=SUITE.format(expires="2999-01-01"))
    result = project.runpytest("suite.yaml", "--scrapegate-json", "{suite}.json")
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*suite.yaml:10: ScrapegateWarning: waived 'title present' (doc 'https://b.example/2'):"
            " 1 document waived until 2999-01-01, owner ana: known broken page",
        ]
    )
    data = json.loads((project.path / "waived.json").read_text())
    assert data["expectations"][1]["waived"] == 1
    assert data["expectations"][1]["failures"][0]["waived"] is True


def test_an_expired_waiver_fails_the_waivers_item_with_its_location(
    project: pytest.Pytester,
) -> None:
    project.makefile(".yaml", suite=SUITE.format(expires="2020-01-01"))
    result = project.runpytest("suite.yaml")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*suite.yaml:13:14: waiver for 'title present' (doc 'https://b.example/2') expired on "
            "2020-01-01 (reason: 'known broken page'); fix the failures it covers and delete it, "
            "or set a later 'expires'",
            "FAILED suite.yaml::waivers - suite.yaml:13:14: waiver for*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_a_waiver_that_matches_nothing_fails_the_waivers_item(project: pytest.Pytester) -> None:
    project.makefile(
        ".yaml", suite=SUITE.format(expires="2999-01-01").replace("b.example/2", "z.example/9")
    )
    result = project.runpytest("suite.yaml")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        ["*suite.yaml:10:5: waiver for 'title present'*matched no failure*"]
    )


def test_an_extending_suite_in_a_folder_is_collected_with_the_base_expectations(
    project: pytest.Pytester,
) -> None:
    (project.path / "suites").mkdir()
    (project.path / "suites" / "base.yaml").write_text(
        SUITE.format(expires="2999-01-01").replace("[docs.jsonl]", "[../docs.jsonl]")
    )
    (project.path / "suites" / "child.yaml").write_text(
        "suite: child\nextends: base.yaml\nexpectations:\n"
        "  - {name: url present, check: not_empty, field: url}\n"
    )
    result = project.runpytest("suites", "-v")
    result.stdout.fnmatch_lines(
        [
            "suites/child*yaml::title present PASSED*",
            "suites/child*yaml::url present PASSED*",
            "suites/child*yaml::waivers PASSED*",
        ]
    )
    result.assert_outcomes(passed=7, warnings=2)

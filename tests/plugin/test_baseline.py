"""The plugin's gate: --scrapegate-baseline and --scrapegate-fail-on judge items as
`scrapegate check --baseline` judges the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapegate.cli import main

SUITE = """\
suite: plugin-gate
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
"""

LEAK = "Rain fell.\ncomments powered by Disqus"


def page(n: int, title: str = "Title", body: str = "Ships moved again.") -> dict[str, str]:
    return {"url": f"https://n.example/{n}", "title": title, "body": body}


def write_docs(project: pytest.Pytester, records: list[dict[str, str]]) -> None:
    docs = project.path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makefile(".yaml", suite=SUITE)
    monkeypatch.chdir(pytester.path)
    # The baseline: document 2 already has no title.
    write_docs(pytester, [page(1), page(2, title=""), page(3)])
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 1
    return pytester


def test_a_failure_the_baseline_had_passes_with_a_warning_under_the_default(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("suite.yaml", "--scrapegate-baseline", "base.json", "-rw")
    result.assert_outcomes(passed=3)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*ScrapegateWarning: fails without a regression against the baseline "
            "(--scrapegate-fail-on regressions): 'title present'*",
            "*scrapegate gate*",
            "plugin-gate: gate: regressions — 0 documents newly failing, no pass rate dropped "
            "among the 3 documents in both runs (0 added, 0 removed); not counted: 1 of 3 "
            "error expectations failing without a regression: PASS",
        ]
    )


def test_fail_on_failures_fails_the_item_as_without_a_baseline(project: pytest.Pytester) -> None:
    result = project.runpytest(
        "suite.yaml", "--scrapegate-baseline", "base.json", "--scrapegate-fail-on", "failures"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["plugin-gate: gate: failures — 1 of 3 error expectations failed: FAIL"]
    )
    assert result.ret == 1


def test_only_the_regressed_expectation_fails_and_says_why(project: pytest.Pytester) -> None:
    write_docs(project, [page(1, body=LEAK), page(2, title=""), page(3)])
    result = project.runpytest(
        "suite.yaml", "--scrapegate-baseline", "base.json", "--scrapegate-json", "r.json"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*regressed against the baseline: 1 document newly fails; pass rate dropped "
            "33.33 points (3/3 → 2/3), more than the tolerance of 0.00",
            "*  newly failing: https://n.example/1",
            "*'no comment widgets' (no_boilerplate on body): 1 of 3 failed*",
            "FAILED suite.yaml::no comment widgets - regressed against the baseline*",
        ]
    )
    assert "FAILED suite.yaml::title present" not in result.stdout.str()
    data = json.loads((project.path / "r.json").read_text())
    assert data["gate"]["fail_on"] == "regressions" and data["gate"]["exit_code"] == 1
    assert data["baseline"]["regressed"] is True


def test_removing_a_passing_document_passes_under_the_plugin_too(
    project: pytest.Pytester,
) -> None:
    write_docs(project, [page(1), page(2, title="")])  # document 3 (passing) removed
    result = project.runpytest("suite.yaml", "--scrapegate-baseline", "base.json")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*(0 added, 1 removed)*: PASS"])


def test_fail_on_regressions_without_a_baseline_is_a_usage_error(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("suite.yaml", "--scrapegate-fail-on", "regressions")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*--scrapegate-fail-on regressions needs a baseline to compare with: pass "
            "--scrapegate-baseline FILE*"
        ]
    )


def test_a_missing_baseline_fails_the_items_with_a_clear_message(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("suite.yaml", "--scrapegate-baseline", "nope-{suite}.json")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["*nope-plugin-gate.json: no such file*"])
    assert "Traceback" not in result.stdout.str()


def test_without_a_baseline_the_rule_is_failures_and_is_named(project: pytest.Pytester) -> None:
    result = project.runpytest("suite.yaml")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["plugin-gate: gate: failures — 1 of 3 error expectations failed: FAIL"]
    )
    assert Path(project.path / "base.json").is_file()


def test_a_regressed_run_never_replaces_its_baseline(project: pytest.Pytester) -> None:
    before = (project.path / "base.json").read_text()
    write_docs(project, [page(1, body=LEAK), page(2, title=""), page(3)])
    result = project.runpytest(
        "suite.yaml", "--scrapegate-baseline", "base.json", "--scrapegate-json", "base.json"
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*--scrapegate-json base.json is the baseline and the run regressed*"]
    )
    assert (project.path / "base.json").read_text() == before


def test_documents_changes_fail_on_fails_a_changed_documents_item_as_the_cli_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makefile(
        ".yaml",
        suite=SUITE.replace(
            "  id: url\n", "  id: url\n  changes: {fields: [body], fail_on: [shrank]}\n"
        ),
    )
    monkeypatch.chdir(pytester.path)
    long_body = "Ships moved again. " * 20
    write_docs(pytester, [page(1, body=long_body), page(2, body=long_body)])
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 0
    write_docs(pytester, [page(1, body="Ships moved."), page(2, body=long_body)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", "base.json", "-q"]) == 1
    result = pytester.runpytest("suite.yaml", "--scrapegate-baseline", "base.json")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*changed documents (documents.changes.fail_on): body shrank: 1 document",
            "  https://n.example/1: body shrank 380 → 12 characters",
        ]
    )
    assert result.ret == 1
    # Without a baseline there is nothing to compare: the item passes.
    assert pytester.runpytest("suite.yaml").ret == 0

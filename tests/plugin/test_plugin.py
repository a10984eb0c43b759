"""The pytest plugin, driven with pytester: collection, verdicts, failure text, JUnit, config."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from scrapegate.cli import main

SUITE = """\
suite: plugin-demo
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
  - name: bodies short
    check: length
    field: body
    max: 30
    severity: warn
"""

RECORDS = [
    {"url": "https://n.example/1", "title": "Port reopens", "body": "Ships moved again."},
    {
        "url": "https://n.example/2",
        "title": "Storm",
        "body": "Rain fell.\ncomments powered by Disqus",
    },
]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".yaml", suite=SUITE)
    docs = pytester.mkdir("docs")
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return pytester


def test_one_item_per_expectation_named_after_it(project: pytest.Pytester) -> None:
    result = project.runpytest("suite.yaml", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "suite.yaml::records are readable",
            "suite.yaml::title present",
            "suite.yaml::no comment widgets",
            "suite.yaml::bodies short",
        ]
    )


def test_failing_item_shows_evidence_not_a_traceback(project: pytest.Pytester) -> None:
    result = project.runpytest("suite.yaml")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*'no comment widgets' (no_boilerplate on body): 1 of 2 failed, "
            "pass rate 50.0% < mostly 100.0%",
            "*docs/a.jsonl:2 (https://n.example/2) ?body?: "
            "comment widget text 'comments powered by Disqus'*",
            "*ScrapegateWarning: 'bodies short' (length on body): 1 of 2 failed*",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert "def runtest" not in result.stdout.str()
    assert result.ret == 1


def test_clean_documents_pass(project: pytest.Pytester) -> None:
    (project.path / "docs" / "a.jsonl").write_text(json.dumps(RECORDS[0]) + "\n")
    result = project.runpytest("suite.yaml")
    result.assert_outcomes(passed=4)
    assert result.ret == 0


def test_docs_option_overrides_suite_paths(project: pytest.Pytester) -> None:
    other = project.mkdir("other")
    (other / "b.jsonl").write_text(json.dumps(RECORDS[0]) + "\n")
    result = project.runpytest("suite.yaml", "--docs", "other")
    result.assert_outcomes(passed=4)


def test_engine_runs_once_per_suite(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.makeconftest(
        """
        import scrapegate.runner
        calls = []
        real = scrapegate.runner.run_suite
        def counting(*a, **k):
            calls.append(1)
            return real(*a, **k)
        scrapegate.runner.run_suite = counting
        def pytest_sessionfinish(session):
            print("ENGINE RUNS", len(calls))
        """
    )
    result = project.runpytest("suite.yaml", "-s")
    result.stdout.fnmatch_lines(["*ENGINE RUNS 1*"])


def test_junitxml_has_one_testcase_per_expectation_with_failure_text(
    project: pytest.Pytester,
) -> None:
    project.runpytest("suite.yaml", "--junitxml=junit.xml")
    root = ET.parse(project.path / "junit.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {
        "records are readable",
        "title present",
        "no comment widgets",
        "bodies short",
    }
    failure = cases["no comment widgets"].find("failure")
    assert failure is not None
    assert "docs/a.jsonl:2" in (failure.text or "") + (failure.get("message") or "")


def test_bad_suite_is_a_collection_error_with_location(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        suite="suite: x\nexpectations:\n  - name: a\n    check: not_emty\n    field: t\n",
    )
    result = pytester.runpytest("suite.yaml")
    result.stdout.fnmatch_lines(
        ["*suite.yaml:4:12: unknown check 'not_emty'; did you mean 'not_empty'?*"]
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "Traceback" not in result.stdout.str()


def test_a_suite_with_mostly_nan_is_a_collection_error_not_a_failing_item(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".yaml",
        suite="suite: x\nexpectations:\n  - {name: a, check: not_empty, field: t, mostly: .nan}\n",
    )
    result = pytester.runpytest("suite.yaml")
    result.stdout.fnmatch_lines(
        ["*suite.yaml:3:51: 'mostly' must be a finite number from 0 to 1, got .nan (not a number)*"]
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert "Traceback" not in result.stdout.str()


def test_missing_documents_path_fails_items_with_a_clear_message(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", suite=SUITE)
    result = pytester.runpytest("suite.yaml")
    result.stdout.fnmatch_lines(["*error: *docs*no such file or directory*"])
    assert result.ret == 1


def test_bare_pytest_runs_suites_listed_in_pyproject(project: pytest.Pytester) -> None:
    project.makefile(".toml", pyproject='[tool.scrapegate]\nsuites = ["suite.yaml"]\n')
    result = project.runpytest()
    result.assert_outcomes(passed=3, failed=1)


def test_other_yaml_files_are_not_collected(project: pytest.Pytester) -> None:
    project.makefile(".yaml", other="key: value\n")
    result = project.runpytest(".", "--collect-only", "-q")
    assert "other.yaml" not in result.stdout.str()


def test_cli_and_pytest_give_the_same_verdicts(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.path)
    main(["check", "--suite", "suite.yaml", "--json", "cli.json", "-q"])
    cli_verdicts = {
        e["name"]: e["passed"] or e["severity"] == "warn"
        for e in json.loads(Path("cli.json").read_text())["expectations"]
    }
    project.runpytest("suite.yaml", "--junitxml=junit.xml")
    root = ET.parse(project.path / "junit.xml").getroot()
    pytest_verdicts = {c.get("name"): c.find("failure") is None for c in root.iter("testcase")}
    assert cli_verdicts == pytest_verdicts
    assert list(cli_verdicts.values()).count(False) == 1


def test_scrapegate_json_option_writes_the_result(project: pytest.Pytester) -> None:
    project.runpytest("suite.yaml", "--scrapegate-json", "out/{suite}.json")
    data = json.loads((project.path / "out" / "plugin-demo.json").read_text())
    assert data["schema_version"] == 1
    widgets = next(e for e in data["expectations"] if e["name"] == "no comment widgets")
    assert widgets["failed"] == 1


def test_failures_past_the_limit_point_at_the_pytest_options(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", suite=SUITE)
    docs = pytester.mkdir("docs")
    untitled = [{"url": f"https://n.example/{i}", "title": "", "body": "x"} for i in range(4)]
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in untitled))
    result = pytester.runpytest("suite.yaml", "--scrapegate-max-failures", "1")
    result.stdout.fnmatch_lines(
        [
            "*... and 3 more (show more with --scrapegate-max-failures N, "
            "or write them all with --scrapegate-json FILE)"
        ]
    )
    assert "--json FILE" not in result.stdout.str()


def test_max_failures_defaults_to_the_cli_s_ten_and_zero_shows_them_all(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", suite=SUITE)
    docs = pytester.mkdir("docs")
    untitled = [{"url": f"https://n.example/{i}", "title": "", "body": "x"} for i in range(12)]
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in untitled))
    result = pytester.runpytest("suite.yaml")
    result.stdout.fnmatch_lines(["*... and 2 more (show more with --scrapegate-max-failures N*"])
    everything = pytester.runpytest("suite.yaml", "--scrapegate-max-failures", "0")
    assert "more (show more" not in everything.stdout.str()
    assert everything.stdout.str().count("docs/a.jsonl:") >= 12


INNER_TESTS = """
import pytest

SUITE = "suite: s\\nexpectations:\\n  - {name: t, check: not_empty, field: title}\\n"


@pytest.mark.parametrize("run", [1, 2, 3])
def test_suite_loads_in_every_in_process_run(pytester, run):
    pytester.makefile(".yaml", suite=SUITE)
    (pytester.path / "docs.jsonl").write_text('{"title": "x"}\\n')
    result = pytester.runpytest("suite.yaml", "--docs", "docs.jsonl")
    result.assert_outcomes(passed=2)
"""


def test_suites_load_in_every_pytester_run_of_a_fresh_process(pytester: pytest.Pytester) -> None:
    # pytester drops the modules a run imported; yaml must survive that in a fresh process,
    # where nothing but the plugin has imported it.
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest_subprocess("-p", "pytester", "test_inner.py")
    result.assert_outcomes(passed=3)


def test_hostile_names_and_text_are_escaped_in_test_ids_and_failure_text(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".yaml",
        suite="suite: s\ndocuments: {paths: [docs/]}\nexpectations:\n"
        '  - {name: "title \\u202e present \\e]0;pwned\\a", check: length, field: title, max: 1}\n',
    )
    docs = pytester.mkdir("docs")
    (docs / "a\u2067.jsonl").write_text(json.dumps({"title": "\x1b[2J\u202a"}) + "\n")
    result = pytester.runpytest("suite.yaml", "-v", "-p", "no:cacheprovider")
    assert result.ret == 1
    output = "\n".join(result.outlines + result.errlines)
    assert not any(ch in output for ch in "\x1b\x07\u202e\u2067\u202a")
    assert "title \\u202e present \\x1b]0;pwned\\x07 FAILED" in output
    assert "a\\u2067.jsonl:1" in output


def test_text_quality_failure_names_the_signal_in_the_pytest_report(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".yaml",
        quality=(
            "suite: quality\ndocuments: {paths: [docs/], id: url}\nexpectations:\n"
            "  - {name: article text, check: text_quality, field: body, min_words: 5}\n"
        ),
    )
    nav = "\n".join(f"* [{s}](https://n.example/{s})" for s in ("a", "b", "c", "d", "e"))
    (pytester.mkdir("docs") / "a.jsonl").write_text(
        json.dumps({"url": "https://n.example/nav", "body": nav}) + "\n"
    )
    result = pytester.runpytest("quality.yaml")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/a.jsonl:1 (https://n.example/nav) ?body?: link lines 1.00 > 0.40 (link_lines)*"]
    )


def test_the_flattened_kyiv_page_fails_through_pytest_and_its_cleaned_copy_passes(
    pytester: pytest.Pytester,
) -> None:
    root = Path(__file__).resolve().parents[2]
    raw = (root / "fixtures" / "news" / "raw" / "kyiv-flattened.txt").read_text("utf-8")
    news = (root / "expectations" / "news.yaml").read_text("utf-8")
    pytester.makefile(".yaml", news=news.replace("../fixtures/news/", "pages/"))
    pages = pytester.mkdir("pages")
    (pages / "kyiv-flattened.txt").write_text(raw, encoding="utf-8")
    result = pytester.runpytest("news.yaml", "-k", "widgets or forms or chrome")
    result.assert_outcomes(failed=3, deselected=4)
    result.stdout.fnmatch_lines(
        ["*contact form text in a run of 12 chrome items 'Comments comments powered by Disqus*"]
    )
    assert main(["clean", "pages", "--suite", "news.yaml", "-o", "out", "-q"]) == 0
    (pages / "kyiv-flattened.txt").write_text(
        (pytester.path / "out" / "kyiv-flattened.txt").read_text("utf-8"), encoding="utf-8"
    )
    result = pytester.runpytest("news.yaml", "-k", "widgets or forms or chrome")
    result.assert_outcomes(passed=3, deselected=4)

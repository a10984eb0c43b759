"""What the plugin collects: suites in folders named on the command line, nothing else."""

from __future__ import annotations

import json
import textwrap

import pytest

SUITE = """\
suite: {name}
documents:
  paths: [../docs/]
expectations:
  - name: title present
    check: not_empty
    field: title
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    docs = pytester.mkdir("docs")
    (docs / "a.jsonl").write_text(json.dumps({"title": "Port reopens"}) + "\n")
    suites = pytester.mkdir("expectations")
    (suites / "news.yaml").write_text(SUITE.format(name="news"))
    (suites / "articles.yml").write_text(SUITE.format(name="articles"))
    # YAML that is not a suite: other tools' config, data, a nested 'suite' key, broken YAML.
    (suites / "config.yaml").write_text("retries: 3\nurls: [a, b]\n")
    (suites / "nested.yaml").write_text("tool:\n  suite: x\n  expectations: []\n")
    (suites / "broken.yaml").write_text("key: [unclosed\n")
    (suites / "only_suite.yaml").write_text("suite: half\n")
    return pytester


def test_a_folder_on_the_command_line_collects_the_suites_in_it(
    project: pytest.Pytester,
) -> None:
    result = project.runpytest("expectations", "--collect-only", "-q")
    assert result.ret == 0, result.stdout.str()
    collected = [line for line in result.outlines if "::" in line]
    assert sorted(collected) == [
        "expectations/articles.yml::records are readable",
        "expectations/articles.yml::title present",
        "expectations/news.yaml::records are readable",
        "expectations/news.yaml::title present",
    ]


def test_suites_in_a_folder_run_and_report_their_verdicts(project: pytest.Pytester) -> None:
    result = project.runpytest("expectations", "--junitxml=junit.xml")
    result.assert_outcomes(passed=4)
    assert result.ret == 0


def test_suites_in_subfolders_of_a_named_folder_are_collected(project: pytest.Pytester) -> None:
    deeper = project.mkdir("expectations/team")
    (deeper / "extra.yaml").write_text(
        SUITE.format(name="extra").replace("../docs/", "../../docs/")
    )
    result = project.runpytest("expectations", "--collect-only", "-q")
    assert "expectations/team/extra.yaml::title present" in result.stdout.str()


def test_a_broken_suite_in_a_folder_is_a_collection_error_with_its_location(
    project: pytest.Pytester,
) -> None:
    (project.path / "expectations" / "typo.yaml").write_text(
        "suite: typo\nexpectations:\n  - {name: a, check: not_emty, field: title}\n"
    )
    result = project.runpytest("expectations")
    result.stdout.fnmatch_lines(["*typo.yaml:3:22: unknown check 'not_emty'; did you mean*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_testpaths_runs_do_not_collect_suites_from_test_folders(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    tests = pytester.mkdir("tests")
    (tests / "bad_suite.yaml").write_text("suite: x\nexpectations:\n  - {check: nope}\n")
    (tests / "test_ok.py").write_text(
        textwrap.dedent(
            """
            def test_ok():
                pass
            """
        )
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "bad_suite.yaml" not in result.stdout.str()

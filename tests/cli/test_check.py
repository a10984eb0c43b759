"""`scrapegate check` through main(argv): exit codes, terminal output, JSON and JUnit files."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from scrapegate.cli import main
from tests.helpers import DEMO_SUITE

SUITE = DEMO_SUITE.format(name="cli-demo")

GOOD = [
    {
        "url": "https://n.example/1",
        "title": "Port reopens",
        "body": "Ships moved again.\n--Reuters--",
    },
    {"url": "https://n.example/2", "title": "Rates hold", "body": "The bank held rates."},
]
LEAKY = {
    "url": "https://n.example/3",
    "title": "Storm",
    "body": "Rain fell.\nComments\ncomments powered by Disqus",
}


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def test_clean_documents_pass_with_exit_0(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "docs" / "a.jsonl", GOOD)
    code = main(["check", "--suite", "suite.yaml"])
    out = capsys.readouterr().out
    assert code == 0
    assert "no comment widgets" in out and "PASS" in out
    assert "PASSED" in out and "2 documents" in out


def test_leftover_widget_fails_with_exit_1_and_points_at_file_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "docs" / "a.jsonl", [*GOOD, LEAKY])
    code = main(["check", "--suite", "suite.yaml"])
    out = capsys.readouterr().out
    assert code == 1
    assert "docs/a.jsonl:3 (https://n.example/3) [body]: comment widget text 'Comments'" in out
    assert "comments powered by Disqus" in out
    assert "FAILED: 1 of 4 expectations failed" in out


def test_paths_on_the_command_line_override_the_suite(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "docs" / "a.jsonl", [LEAKY])
    write_jsonl(project / "other" / "b.jsonl", GOOD)
    assert main(["check", "other", "--suite", "suite.yaml"]) == 0


def test_warn_severity_reports_without_failing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = {"url": "https://n.example/9", "title": "Long", "body": "word " * 200}
    write_jsonl(project / "docs" / "a.jsonl", [long])
    code = main(["check", "--suite", "suite.yaml"])
    out = capsys.readouterr().out
    assert code == 0
    assert "WARN" in out and "(1 warning)" in out


def test_json_result_has_schema_version_and_evidence(project: Path) -> None:
    write_jsonl(project / "docs" / "a.jsonl", [*GOOD, LEAKY])
    assert main(["check", "--suite", "suite.yaml", "--json", "out/result.json", "-q"]) == 1
    data = json.loads((project / "out" / "result.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert data["suite"] == "cli-demo" and data["documents"] == 3 and data["passed"] is False
    widgets = next(e for e in data["expectations"] if e["name"] == "no comment widgets")
    assert (widgets["evaluated"], widgets["failed"], widgets["pass_rate"]) == (3, 1, 0.6667)
    failure = widgets["failures"][0]
    assert failure["doc"] == "https://n.example/3"
    assert failure["source"] == "docs/a.jsonl:3"
    assert failure["field"] == "body"
    body = LEAKY["body"]
    assert body[failure["start"] : failure["end"]] == "Comments"
    assert "Comments" in failure["snippet"]


def test_junit_has_one_testcase_per_expectation(project: Path) -> None:
    write_jsonl(project / "docs" / "a.jsonl", [*GOOD, LEAKY])
    main(["check", "--suite", "suite.yaml", "--junit", "junit.xml", "-q"])
    root = ET.parse(project / "junit.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {
        "records are readable",
        "title present",
        "no comment widgets",
        "short bodies",
    }
    failure = cases["no comment widgets"].find("failure")
    assert failure is not None and "docs/a.jsonl:3" in (failure.text or "")
    assert cases["title present"].find("failure") is None


def test_malformed_record_is_reported_and_the_rest_still_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = project / "docs" / "a.jsonl"
    docs.parent.mkdir()
    docs.write_text(
        json.dumps(GOOD[0]) + "\n{not json\n" + json.dumps(LEAKY) + "\n", encoding="utf-8"
    )
    code = main(["check", "--suite", "suite.yaml", "--json", "r.json"])
    out = capsys.readouterr().out
    assert code == 1
    assert "docs/a.jsonl:2" in out and "invalid JSON" in out
    data = json.loads((project / "r.json").read_text(encoding="utf-8"))
    assert data["documents"] == 2 and data["records"] == 3
    widgets = next(e for e in data["expectations"] if e["name"] == "no comment widgets")
    assert widgets["failed"] == 1 and widgets["failures"][0]["source"] == "docs/a.jsonl:3"


def test_missing_path_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "nowhere.jsonl", "--suite", "suite.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    assert "nowhere.jsonl" in err and "no such file" in err


@pytest.mark.parametrize("command", [["check"], ["clean", "-o", "out"]])
def test_a_missing_command_line_path_is_named_from_the_current_directory(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    (project / "docs").mkdir()
    (project / "suite.yaml").write_text(SUITE + "cleaners: [normalize_whitespace]\n", "utf-8")
    code = main([*command, "./docs/../docs/nowhere.jsonl", "--suite", "suite.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "error: docs/nowhere.jsonl: no such file or directory; check the path "
        f"(relative to the current directory, {os.getcwd()})\n"
    )
    assert "suite" not in err


def test_a_missing_suite_path_says_suite_paths_are_relative_to_the_suite(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--suite", "suite.yaml"]) == 2
    assert capsys.readouterr().err == (
        "error: docs: no such file or directory; "
        "check the path (paths in a suite are relative to the suite file)\n"
    )


def test_bad_suite_is_a_config_error_with_location(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "bad.yaml").write_text(
        textwrap.dedent(
            """\
            suite: bad
            expectations:
              - name: x
                check: not_emty
                field: title
            """
        ),
        encoding="utf-8",
    )
    code = main(["check", "--suite", "bad.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.yaml:4:12: unknown check 'not_emty'; did you mean 'not_empty'?" in err


def test_internal_error_exits_3_without_traceback_unless_debug(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_jsonl(project / "docs" / "a.jsonl", GOOD)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("scrapegate.runner.run_suite", explode)
    assert main(["check", "--suite", "suite.yaml"]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err
    assert main(["--debug", "check", "--suite", "suite.yaml"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_stdin_dash_reads_jsonl(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    data = "".join(json.dumps(r) + "\n" for r in [*GOOD, LEAKY]).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(["check", "-", "--suite", "suite.yaml"])
    out = capsys.readouterr().out
    assert code == 1
    assert "<stdin>:3" in out


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "scrapegate, version" in capsys.readouterr().out
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Examples:" in out and "Exit codes" in out


def test_quiet_prints_only_the_verdict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(project / "docs" / "a.jsonl", [LEAKY])
    assert main(["check", "--suite", "suite.yaml", "-q"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[0].startswith("FAILED")
    assert out[1] == "gate: failures — 1 of 3 error expectations failed: FAIL"


def test_scraped_markup_is_printed_literally(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = {"url": "u", "title": "", "body": "[bold red]x[/] \x1b[31mred\x1b[0m\nComments"}
    write_jsonl(project / "docs" / "a.jsonl", [hostile])
    main(["check", "--suite", "suite.yaml"])
    out = capsys.readouterr().out
    assert "\x1b[31m" not in out
    assert "\\x1b[31mred" in out


def test_group_by_field_records_values_of_failing_documents(project: Path) -> None:
    records = [{**GOOD[0], "source": "Reuters"}, {**LEAKY, "source": "AP"}, {**GOOD[1]}]
    write_jsonl(project / "docs" / "a.jsonl", records)
    main(["check", "--suite", "suite.yaml", "--json", "r.json", "--group-by", "source",
          "--html", "r.html", "-q"])  # fmt: skip
    data = json.loads((project / "r.json").read_text(encoding="utf-8"))
    assert data["group_by"] == {
        "field": "source",
        "values": {"https://n.example/3": "AP"},
        "documents": {"(none)": 1, "AP": 1, "Reuters": 1},
    }
    assert data["document_index"]["count"] == 3
    assert "field &#39;source&#39;" in (project / "r.html").read_text(encoding="utf-8") or (
        "field 'source'" in (project / "r.html").read_text(encoding="utf-8")
    )


def _many_leaky(project: Path, count: int) -> None:
    records = [{**LEAKY, "url": f"https://n.example/{n}"} for n in range(count)]
    write_jsonl(project / "docs" / "a.jsonl", records)


def _shown(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("  docs/a.jsonl:")]


def test_the_terminal_shows_10_failures_per_expectation_then_says_how_many_more(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _many_leaky(project, 13)
    assert main(["check", "--suite", "suite.yaml", "--json", "r.json"]) == 1
    out = capsys.readouterr().out
    assert len(_shown(out)) == 10
    # two failures per document (the heading and the Disqus line): 26 in all
    assert "  … and 16 more (every failure is in --json; browse them with --html)\n" in out
    data = json.loads((project / "r.json").read_text(encoding="utf-8"))
    widgets = next(e for e in data["expectations"] if e["name"] == "no comment widgets")
    assert len(widgets["failures"]) == 26, "the JSON holds every failure"


@pytest.mark.parametrize(("limit", "shown"), [("3", 3), ("0", 26), ("100", 26)])
def test_max_failures_changes_how_many_are_shown_and_0_shows_all(
    project: Path, capsys: pytest.CaptureFixture[str], limit: str, shown: int
) -> None:
    _many_leaky(project, 13)
    assert main(["check", "--suite", "suite.yaml", "--max-failures", limit]) == 1
    out = capsys.readouterr().out
    assert len(_shown(out)) == shown
    assert ("… and" in out) == (limit == "3")


def test_a_negative_max_failures_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--suite", "suite.yaml", "--max-failures", "-1"]) == 2
    assert "'--max-failures': -1 is not in the range x>=0" in capsys.readouterr().err


def test_a_file_name_with_escape_sequences_is_shown_escaped_in_every_terminal_line(
    project: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    name = os.fsdecode(b"docs/b\xff\x1b]0;pwned\x07\xe2\x80\xae\n.jsonl")
    write_jsonl(project / name, [{**LEAKY, "url": "https://n.example/\u202b3"}])
    code = main(["check", name, "--format", "jsonl", "--suite", "suite.yaml"])
    out = capfdbinary.readouterr().out.decode("utf-8")  # valid UTF-8: no raw surrogate byte
    assert code == 1
    assert "docs/b\\udcff\\x1b]0;pwned\\x07\\u202e⏎.jsonl:1" in out
    assert "https://n.example/\\u202b3" in out
    assert not any(ch in out for ch in "\x1b\x07\u202b\u202e\r")


def test_an_error_message_shows_the_file_names_escape_sequences(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "nowhere\x1b]0;pwned\x07\u2066.jsonl", "--suite", "suite.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    assert "nowhere\\x1b]0;pwned\\x07\\u2066.jsonl" in err
    assert not any(ch in err for ch in "\x1b\x07\u2066")


def test_a_document_in_a_file_named_in_non_utf8_bytes_is_the_same_document_in_the_baseline(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = os.fsdecode(b"docs/caf\xe9.jsonl")  # Latin-1 bytes: a lone surrogate in Python
    write_jsonl(project / name, [{"title": "", "body": "b"}])
    args = ["check", name, "--format", "jsonl", "--suite", "suite.yaml"]
    assert main([*args, "--json", "base.json"]) == 1
    base = json.loads((project / "base.json").read_bytes().decode("utf-8"))
    title = next(e for e in base["expectations"] if e["name"] == "title present")
    [failure] = title["failures"]
    assert failure["source"] == "docs/caf\\udce9.jsonl:1"
    capsys.readouterr()
    # Matched as the same document: its failure is the baseline's, not a regression.
    assert main([*args, "--baseline", "base.json", "--json", "head.json"]) == 0
    out = capsys.readouterr().out
    assert "no regression against the baseline" in out
    assert "documents: 1 → 1 (0 added, 0 removed)" in out
    assert main(["diff", "base.json", "head.json"]) == 0


QUALITY_SUITE = """\
suite: quality
documents: {id: url}
expectations:
  - name: article text
    check: text_quality
    field: body
"""
ARTICLE = " ".join(
    ["The harbour bridge reopens next month after repairs to two steel supports."] * 6
)
NAV_PAGE = "\n".join(
    f"* [{s}](https://n.example/{s.lower()})"
    for s in ("Home", "World", "Business", "Politics", "Sport", "Weather")
)


@pytest.mark.parametrize("engine", ["native", "gx"])
def test_a_page_of_navigation_links_fails_text_quality_with_the_signal_named(
    project: Path, capsys: pytest.CaptureFixture[str], engine: str
) -> None:
    if engine == "gx":
        pytest.importorskip("great_expectations")
    (project / "quality.yaml").write_text(QUALITY_SUITE, encoding="utf-8")
    records = [
        {"url": "https://n.example/a", "body": ARTICLE},
        {"url": "https://n.example/nav", "body": NAV_PAGE},
    ]
    write_jsonl(project / "q" / "docs.jsonl", records)
    code = main(["check", "q", "--suite", "quality.yaml", "--engine", engine])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "q/docs.jsonl:2 (https://n.example/nav) [body]: link lines 1.00 > 0.40 (link_lines): "
        in out
    )
    assert "6 of 6 lines are links or link list items" in out
    assert "words 6 < 50 (min_words)" in out
    assert "'article text' (text_quality on body): 1 of 2 failed" in out

"""The CI gate through main(argv): --baseline, diff, report, --sample notes, annotations."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from scrapegate.cli import main

SUITE = """\
suite: gate-demo
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
    mostly: 0.5
  - name: short bodies
    check: length
    field: body
    max: 500
    severity: warn
"""

OK = "Ships moved again after the strike ended."
LEAK = "Rain fell.\nComments\ncomments powered by Disqus"


def doc(n: int, body: str = OK, title: str = "Title") -> dict[str, str]:
    return {"url": f"https://n.example/{n}", "title": title, "body": body}


def write_docs(project: Path, records: list[dict[str, str]]) -> None:
    path = project / "docs" / "a.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def baseline(project: Path, records: list[dict[str, str]], name: str = "base.json") -> str:
    """Run the suite on ``records`` and keep the result JSON as a baseline."""
    write_docs(project, records)
    main(["check", "--suite", "suite.yaml", "--json", name, "-q"])
    return name


def test_a_newly_failing_document_fails_the_gate_and_is_named(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2), doc(3)])
    write_docs(project, [doc(1), doc(2, LEAK), doc(3)])
    assert main(["check", "--suite", "suite.yaml"]) == 0  # within mostly on its own
    capsys.readouterr()
    assert main(["check", "--suite", "suite.yaml", "--baseline", base]) == 1
    out = capsys.readouterr().out
    assert "newly failing in 'no comment widgets' (1):" in out
    assert "https://n.example/2" in out
    assert "REGRESSED against the baseline" in out
    assert "'no comment widgets': 1 document newly fails" in out


def test_fixed_documents_are_reported_and_pass(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1, LEAK), doc(2)])
    write_docs(project, [doc(1), doc(2)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", base]) == 0
    out = capsys.readouterr().out
    assert "fixed in 'no comment widgets' (1):" in out and "https://n.example/1" in out
    assert "no regression against the baseline (1 document failure fixed)" in out


def test_tolerance_allows_a_small_pass_rate_drop(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1 of 4 failing -> 1 of 2 failing: 25 points down, and no document newly fails.
    base = baseline(project, [doc(1, LEAK), doc(2), doc(3), doc(4)])
    write_docs(project, [doc(1, LEAK), doc(2)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", base]) == 1
    assert "pass rate dropped 25.00 points (3/4 → 1/2)" in capsys.readouterr().out
    code = main(["check", "--suite", "suite.yaml", "--baseline", base, "--tolerance", "0.3"])
    assert code == 0


def test_different_document_sets_are_counted_and_new_failures_still_gate(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2), doc(3, title="")])
    write_docs(project, [doc(1), doc(4, title=""), doc(5), doc(6)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", base, "--json", "r.json"]) == 1
    out = capsys.readouterr().out
    assert "documents: 3 → 4 (3 added, 2 removed)" in out
    assert "https://n.example/4" in out and "1 added document fails" in out
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert data["baseline"]["regressed"] is True
    assert data["baseline"]["documents"]["base"] == 3
    assert data["baseline"]["documents"]["head"] == 4


def test_a_renamed_expectation_is_compared_under_its_new_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2)])
    Path("suite.yaml").write_text(
        SUITE.replace("name: no comment widgets", "name: no widgets"), encoding="utf-8"
    )
    write_docs(project, [doc(1), doc(2, LEAK)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", base]) == 1
    out = capsys.readouterr().out
    assert "renamed: 'no comment widgets' → 'no widgets'" in out
    assert "newly failing in 'no widgets' (1):" in out


def test_writing_the_new_baseline_over_the_old_one_is_safe(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1, LEAK)])
    write_docs(project, [doc(1)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", base, "--json", base]) == 0
    data = json.loads(Path(base).read_text(encoding="utf-8"))
    assert data["baseline"]["expectations"][2]["fixed"] == ["https://n.example/1"]
    # The updated file is itself a valid baseline.
    assert main(["check", "--suite", "suite.yaml", "--baseline", base, "-q"]) == 0
    assert list(Path(".").glob(".scrapegate-*")) == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"schema_version": 1, "expectations": [', "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2]", "not a scrapegate result (no 'expectations' list)"),
        ('{"schema_version": 1, "suite": "x"}', "not a scrapegate result"),
        ('{"schema_version": 7, "expectations": []}', "written by a newer scrapegate"),
        ('{"schema_version": "1", "expectations": []}', "is not a version number"),
        (
            '{"schema_version": 1, "suite": "x", "expectations": [{"name": 3}]}',
            "not a valid scrapegate result",
        ),
    ],
    ids=["truncated", "empty", "array", "no-expectations", "newer", "string-version", "bad-types"],
)
def test_a_corrupt_baseline_is_a_clear_error_with_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    write_docs(project, [doc(1)])
    Path("base.json").write_text(content, encoding="utf-8")
    assert main(["check", "--suite", "suite.yaml", "--baseline", "base.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: base.json: ") and expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--suite", "suite.yaml", "--baseline", "base.json"],
        ["diff", "base.json", "head.json"],
        ["report", "base.json", "--html", "r.html"],
    ],
    ids=["check-baseline", "diff", "report"],
)
def test_a_stored_result_with_a_duplicate_expectation_name_is_refused_naming_file_and_name(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    baseline(project, [doc(1)], "head.json")
    data = json.loads(Path("head.json").read_text(encoding="utf-8"))
    data["expectations"].append(dict(data["expectations"][1]))
    Path("base.json").write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: base.json: duplicate expectation name 'title present' (expectations.1 and "
        "expectations.4); a result holds each expectation once, so this file was edited or "
        "merged by hand; write a fresh one with 'scrapegate check ... --json FILE'"
    )
    assert not Path("r.html").exists()


def test_a_missing_baseline_says_how_to_make_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, [doc(1)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", "nope.json"]) == 2
    err = capsys.readouterr().err
    assert "nope.json: no such file" in err and "--json FILE" in err


def test_a_baseline_without_schema_version_is_compared_with_a_note(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = {
        "suite": "gate-demo",
        "documents": 2,
        "expectations": [
            {"name": "title present", "evaluated": 2, "failed": 0, "failures": []},
            {"name": "no comment widgets", "evaluated": 2, "failed": 0, "failures": []},
        ],
    }
    Path("old.json").write_text(json.dumps(legacy), encoding="utf-8")
    write_docs(project, [doc(1), doc(2, LEAK)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", "old.json"]) == 1
    out = capsys.readouterr().out
    assert "note: the stored result has no schema_version" in out
    assert "newly failing in 'no comment widgets' (1):" in out


def test_diff_compares_two_stored_results(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2)])
    head = baseline(project, [doc(1), doc(2, LEAK)], name="head.json")
    capsys.readouterr()
    assert main(["diff", base, head, "--json", "d.json", "--markdown", "d.md"]) == 1
    out = capsys.readouterr().out
    assert "newly failing in 'no comment widgets' (1):" in out
    data = json.loads(Path("d.json").read_text(encoding="utf-8"))
    assert data["regressed"] is True
    assert data["expectations"][2]["newly_failing"] == ["https://n.example/2"]
    assert "Against the baseline:** regressed" in Path("d.md").read_text(encoding="utf-8")
    assert main(["diff", head, base]) == 0
    assert main(["diff", base, "missing.json"]) == 2
    assert "missing.json: no such file" in capsys.readouterr().err


def test_report_renders_html_and_markdown_from_a_stored_result(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2)])
    write_docs(project, [doc(1), doc(2, LEAK)])
    main(["check", "--suite", "suite.yaml", "--baseline", base, "--json", "r.json", "-q"])
    code = main(["report", "r.json", "--html", "out/r.html", "--markdown", "out/r.md"])
    assert code == 0
    html = Path("out/r.html").read_text(encoding="utf-8")
    assert "https://n.example/2" in html and "regressed" in html
    assert "<mark>Comments</mark>" in html
    assert "https://n.example/2" in Path("out/r.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["report", "r.json"]) == 2
    assert "nothing to write" in capsys.readouterr().err
    Path("bad.json").write_text("{", encoding="utf-8")
    assert main(["report", "bad.json", "--html", "x.html"]) == 2
    assert not Path("x.html").exists()


def test_a_sample_is_noted_in_every_output(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_docs(project, [doc(n) for n in range(1, 21)])
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    args = ["check", "--suite", "suite.yaml", "--sample", "5", "--seed", "3"]
    outputs = ["--json", "r.json", "--markdown", "r.md", "--html", "r.html", "--junit", "r.xml"]
    assert main([*args, *outputs]) == 0
    out = capsys.readouterr().out
    assert "sampled 5 records with seed 3" in out
    assert "::notice title=scrapegate sample::checked a random sample of 5 records" in out
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert data["sample"] == {"size": 5, "seed": 3} and data["documents"] == 5
    assert "Sampled run:** checked a random sample of 5" in Path("r.md").read_text("utf-8")
    assert 'id="sample-note"' in Path("r.html").read_text(encoding="utf-8")
    suite = ET.parse("r.xml").getroot().find("testsuite")
    assert suite is not None
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties == {"scrapegate.sample.size": "5", "scrapegate.sample.seed": "3"}
    assert suite[0].tag == "properties"  # before the testcases
    note = suite.find("system-out")
    assert note is not None and note.text is not None
    assert "sampled run (--sample): checked a random sample of 5 records (seed 3)" in note.text


def test_junit_of_a_full_run_has_no_sample_note(project: Path) -> None:
    write_docs(project, [doc(1), doc(2)])
    assert main(["check", "--suite", "suite.yaml", "--junit", "r.xml", "-q"]) == 0
    suite = ET.parse("r.xml").getroot().find("testsuite")
    assert suite is not None
    assert suite.find("properties") is None and suite.find("system-out") is None


def test_github_actions_gets_annotations_pointing_at_file_and_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_docs(project, [doc(1), doc(2, title="")])
    assert main(["check", "--suite", "suite.yaml", "-q"]) == 1
    assert "::error" not in capsys.readouterr().out
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--suite", "suite.yaml", "-q"]) == 1
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("::")]
    assert lines == [
        "::error file=docs/a.jsonl,line=2,title=scrapegate%3A title present::"
        "https://n.example/2: [title] value is blank (0 whitespace characters)"
    ]


PATH_SUITE = """\
suite: named-by-path
documents:
  id: url
expectations:
  - name: no comment widgets
    check: no_boilerplate
    field: text
    packs: [comment_widgets]
"""


def _without_timing(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    return re.sub(r'"duration_s": [0-9.e-]+', '"duration_s": 0', text)


def test_path_named_documents_match_across_spellings_of_the_same_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Text dumps are named by their path, JSON Lines records without an id by path:line; a
    # baseline made with "data" must match a run given "./data/" or the absolute path.
    (project / "suite.yaml").write_text(PATH_SUITE, encoding="utf-8")
    data = project / "data"
    (data / "pages").mkdir(parents=True)
    (project / "sub").mkdir()
    (data / "pages" / "ok.txt").write_text(OK, encoding="utf-8")
    (data / "pages" / "leak.txt").write_text(LEAK, encoding="utf-8")
    records = [{"text": OK}, {"text": LEAK}, {"text": LEAK}]
    (data / "no-ids.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    spellings = ["data", "./data/", "sub/../data", str(data), f"{project}/./sub/../data/"]
    for index, spelling in enumerate(spellings):
        main(["check", spelling, "--suite", "suite.yaml", "--json", f"r{index}.json", "-q"])
    first = json.loads(Path("r0.json").read_text(encoding="utf-8"))
    assert first["inputs"] == ["data"]
    failing = first["expectations"][1]["failures"]
    assert {(f["doc"], f["source"]) for f in failing} == {
        ("data/no-ids.jsonl:2", "data/no-ids.jsonl:2"),
        ("data/no-ids.jsonl:3", "data/no-ids.jsonl:3"),
        ("data/pages/leak.txt", "data/pages/leak.txt:2"),
        ("data/pages/leak.txt", "data/pages/leak.txt:3"),
    }
    capsys.readouterr()
    for index in range(1, len(spellings)):
        assert _without_timing(f"r{index}.json") == _without_timing("r0.json"), spellings[index]
        assert main(["diff", "r0.json", f"r{index}.json"]) == 0, spellings[index]
    assert "0 added, 0 removed" in capsys.readouterr().out


def test_quiet_gate_prints_the_two_verdicts_and_why_without_the_table(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2), doc(3), doc(4)])
    write_docs(project, [doc(1, LEAK), doc(2), doc(3), doc(4)])
    capsys.readouterr()
    code = main(["check", "--suite", "suite.yaml", "--baseline", base, "-q"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1  # the suite passes (mostly 0.5) but the document newly fails
    assert lines[0].startswith("PASSED")
    assert lines[1].startswith("REGRESSED against the baseline in 1 expectation")
    assert "'no comment widgets': 1 document newly fails" in lines[2]
    assert len(lines) == 3


def test_quiet_diff_prints_only_the_verdict_and_why(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2)])
    head = baseline(project, [doc(1), doc(2, LEAK)], name="head.json")
    capsys.readouterr()
    assert main(["diff", base, head, "-q"]) == 1
    verdict, reason = capsys.readouterr().out.splitlines()
    assert verdict == "REGRESSED against the baseline in 1 expectation"
    assert reason.startswith("  'no comment widgets': 1 document newly fails; pass rate dropped")
    assert main(["diff", head, base, "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "no regression against the baseline (1 document failure fixed)"
    ]

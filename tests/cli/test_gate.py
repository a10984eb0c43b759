"""The CI gate through main(argv): --baseline, diff, report, --sample notes, annotations."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from scrapegate.cli import main
from tests.helpers import write_docs

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


WHERE_SUITE = """\
suite: where-demo
documents:
  paths: [docs/]
  id: url
expectations:
  - name: german titles
    check: not_empty
    field: title
    where: {field: lang, equals: de}
"""


def test_tolerance_allows_a_small_pass_rate_drop(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same four documents; no document newly fails, but two passing ones are no longer
    # evaluated (their language changed): 3/4 -> 1/2, 25 points down.
    Path("suite.yaml").write_text(WHERE_SUITE, encoding="utf-8")
    pages = [doc(n, title="" if n == 1 else "T") for n in range(1, 5)]
    base = baseline(project, [{**p, "lang": "de"} for p in pages])
    write_docs(project, [{**p, "lang": "de" if n < 2 else "en"} for n, p in enumerate(pages)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", base]) == 1
    out = capsys.readouterr().out
    assert "pass rate dropped 25.00 points (3/4 → 1/2)" in out
    assert (
        "gate: regressions — 0 documents newly failing, a pass rate dropped in 1 expectation "
        "among the 4 documents in both runs (0 added, 0 removed): FAIL"
    ) in out
    code = main(["check", "--suite", "suite.yaml", "--baseline", base, "--tolerance", "0.3"])
    assert code == 0


def test_an_unchanged_run_that_keeps_the_baseline_failures_passes_by_default(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2, title=""), doc(3)])
    capsys.readouterr()
    args = ["check", "--suite", "suite.yaml", "--baseline", base]
    assert main([*args, "--json", "r.json"]) == 0
    out = capsys.readouterr().out
    assert "FAILED: 1 of 4 expectations failed" in out  # the data is still reported as it is
    assert "no regression against the baseline" in out
    assert out.rstrip().splitlines()[-1] == (
        "gate: regressions — 0 documents newly failing, no pass rate dropped among the "
        "3 documents in both runs (0 added, 0 removed); not counted: 1 of 3 error "
        "expectations failing without a regression: PASS"
    )
    gate = json.loads(Path("r.json").read_text(encoding="utf-8"))["gate"]
    assert gate["fail_on"] == "regressions" and gate["decided_by"] == "regressions"
    assert gate["exit_code"] == 0 and gate["passed"] is True
    assert gate["line"].startswith("gate: regressions — 0 documents newly failing")
    # --fail-on failures keeps the old rule: any failing error expectation fails the run.
    assert main([*args, "--fail-on", "failures", "--json", "f.json"]) == 1
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == (
        "gate: failures — 1 of 3 error expectations failed: FAIL"
    )
    gate = json.loads(Path("f.json").read_text(encoding="utf-8"))["gate"]
    assert (gate["fail_on"], gate["decided_by"], gate["exit_code"]) == ("failures", "failures", 1)


def test_removing_a_passing_document_is_not_a_pass_rate_drop(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1 of 100 documents failing in two expectations; one passing document is removed: the
    # whole-run pass rates drop (99/100 -> 98/99), among the 99 kept documents nothing changes.
    records = [doc(n, title="" if n == 0 else "T", body=LEAK if n == 0 else OK) for n in range(100)]
    base = baseline(project, records)
    write_docs(project, records[:-1])
    capsys.readouterr()
    assert main(["check", "--suite", "suite.yaml", "--baseline", base, "--json", "r.json"]) == 0
    out = capsys.readouterr().out
    assert "pass rate dropped 0" not in out and "REGRESSED" not in out
    assert "documents: 100 → 99 (0 added, 1 removed)" in out
    assert (
        "gate: regressions — 0 documents newly failing, no pass rate dropped among the 99 "
        "documents in both runs (0 added, 1 removed)"
    ) in out
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert data["baseline"]["documents"]["common"] == 99
    title = data["baseline"]["expectations"][1]
    assert title["delta"] < 0  # the whole-run figure, as before
    assert title["common"]["delta"] == 0.0 and title["common"]["exact"] is True
    assert title["regressed"] is False and title["dropped"] is False


def test_fail_on_regressions_without_a_baseline_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, [doc(1)])
    assert main(["check", "--suite", "suite.yaml", "--fail-on", "regressions"]) == 2
    err = capsys.readouterr().err
    assert "--fail-on regressions needs a baseline to compare with: pass --baseline FILE" in err
    assert main(["check", "--suite", "suite.yaml", "--fail-on", "sometimes"]) == 2
    assert "'sometimes' is not one of 'regressions', 'failures'" in capsys.readouterr().err
    # Without a baseline the rule is failures, and it says so.
    assert main(["check", "--suite", "suite.yaml"]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == (
        "gate: failures — all 3 error expectations hold: PASS"
    )


def test_different_document_sets_are_counted_and_added_failures_reported_not_counted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2), doc(3, title="")])
    write_docs(project, [doc(1), doc(4, title=""), doc(5), doc(6)])
    args = ["check", "--suite", "suite.yaml", "--baseline", base]
    assert main([*args, "--json", "r.json"]) == 0
    out = capsys.readouterr().out
    assert "documents: 3 → 4 (3 added, 2 removed)" in out
    assert (
        "failing documents new to the corpus in 'title present' (reported, not a regression) (1):"
    ) in out
    assert "https://n.example/4" in out
    assert (
        "gate: regressions — 0 documents newly failing, no pass rate dropped among the "
        "1 document in both runs (3 added, 2 removed); not counted: 1 added document failing, "
        "1 of 3 error expectations failing without a regression: PASS"
    ) in out
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert data["baseline"]["regressed"] is False
    assert data["baseline"]["documents"] == {
        "base": 3,
        "head": 4,
        "added": 3,
        "removed": 2,
        "common": 1,
    }
    assert data["baseline"]["expectations"][1]["added_failing"] == ["https://n.example/4"]
    main([*args, "--markdown", "r.md", "-q"])
    md = Path("r.md").read_text(encoding="utf-8")
    assert (
        "<details><summary>Failing documents new to the corpus (1; reported, not a regression)"
        "</summary>"
    ) in md
    assert "- title present: `https://n.example/4`" in md
    # Under failures the failing expectation (its added document) fails the run.
    assert main([*args, "--fail-on", "failures"]) == 1


def test_failures_mode_also_fails_on_a_regression_and_says_which_rule_decided(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2), doc(3), doc(4)])
    write_docs(project, [doc(1, LEAK), doc(2), doc(3), doc(4)])  # within mostly 0.5
    capsys.readouterr()
    args = ["check", "--suite", "suite.yaml", "--baseline", base, "--fail-on", "failures"]
    assert main([*args, "--json", "r.json"]) == 1
    out = capsys.readouterr().out
    assert (
        out.rstrip()
        .splitlines()[-1]
        .startswith(
            "gate: failures — every error expectation holds, but the run regressed against the "
            "baseline (1 document newly failing, a pass rate dropped in 1 expectation"
        )
    )
    gate = json.loads(Path("r.json").read_text(encoding="utf-8"))["gate"]
    assert (gate["fail_on"], gate["decided_by"], gate["exit_code"]) == (
        "failures",
        "regressions",
        1,
    )


def test_markdown_and_html_state_the_rule_that_decided(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2, title="")])
    args = ["check", "--suite", "suite.yaml", "--baseline", base, "-q"]
    assert main([*args, "--markdown", "r.md", "--html", "r.html", "--json", "r.json"]) == 0
    md = Path("r.md").read_text(encoding="utf-8")
    assert md.startswith(
        "### scrapegate: gate-demo: ✅ passed: no regression (1 of 4 expectations failing)"
    )
    assert (
        "**Gate:** gate: regressions — 0 documents newly failing, no pass rate dropped among "
        "the 2 documents in both runs (0 added, 0 removed); not counted: 1 of 3 error "
        "expectations failing without a regression: PASS"
    ) in md
    html = Path("r.html").read_text(encoding="utf-8")
    assert '<p class="gate passed" id="gate-rule" data-fail-on="regressions">' in html
    assert "<title>scrapegate: gate-demo: PASSED</title>" in html
    # Rendered again from the stored result, the rule is still there.
    assert main(["report", "r.json", "--markdown", "again.md"]) == 0
    assert Path("again.md").read_text(encoding="utf-8") == md
    assert main([*args, "--fail-on", "failures", "--markdown", "f.md", "--html", "f.html"]) == 1
    md = Path("f.md").read_text(encoding="utf-8")
    assert md.startswith("### scrapegate: gate-demo: ❌ failed: 1 of 4 expectations")
    assert "**Gate:** gate: failures — 1 of 3 error expectations failed: FAIL" in md
    html = Path("f.html").read_text(encoding="utf-8")
    assert '<p class="gate failed" id="gate-rule" data-fail-on="failures">' in html
    assert "gate: failures — 1 of 3 error expectations failed: FAIL" in html


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
    assert lines[3].startswith("gate: regressions — 1 document newly failing")
    assert lines[3].endswith(": FAIL")
    assert len(lines) == 4


def test_quiet_diff_prints_only_the_verdict_and_why(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = baseline(project, [doc(1), doc(2)])
    head = baseline(project, [doc(1), doc(2, LEAK)], name="head.json")
    capsys.readouterr()
    assert main(["diff", base, head, "-q"]) == 1
    verdict, reason, gate = capsys.readouterr().out.splitlines()
    assert verdict == "REGRESSED against the baseline in 1 expectation"
    assert reason.startswith("  'no comment widgets': 1 document newly fails; pass rate dropped")
    assert gate.startswith("gate: regressions — 1 document newly failing") and gate.endswith("FAIL")
    assert main(["diff", head, base, "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "no regression against the baseline (1 document failure fixed)",
        "gate: regressions — 0 documents newly failing, no pass rate dropped among the "
        "2 documents in both runs (0 added, 0 removed): PASS",
    ]


def test_diff_applies_the_same_rule_as_check(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both results fail 'title present' on the same document: no regression.
    base = baseline(project, [doc(1), doc(2, title=""), doc(3)])
    head = baseline(project, [doc(1), doc(2, title=""), doc(3)], name="head.json")
    capsys.readouterr()
    assert main(["diff", base, head, "--json", "d.json", "--markdown", "d.md"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1].startswith("gate: regressions — 0 documents newly")
    data = json.loads(Path("d.json").read_text(encoding="utf-8"))
    assert data["gate"]["fail_on"] == "regressions" and data["gate"]["exit_code"] == 0
    assert "**Gate:** gate: regressions" in Path("d.md").read_text(encoding="utf-8")
    assert main(["diff", base, head, "--fail-on", "failures", "--json", "f.json"]) == 1
    assert capsys.readouterr().out.rstrip().splitlines()[-1] == (
        "gate: failures — 1 of 3 error expectations failed: FAIL"
    )
    data = json.loads(Path("f.json").read_text(encoding="utf-8"))
    assert data["gate"] == {
        "fail_on": "failures",
        "decided_by": "failures",
        "exit_code": 1,
        "passed": False,
        "reason": "1 of 3 error expectations failed",
        "line": "gate: failures — 1 of 3 error expectations failed: FAIL",
    }

"""Waivers with expiry (issue 13, part 2): through `scrapegate check`, `lint` and the reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import scrapegate.parallel
from scrapegate.cli import main
from scrapegate.lint import lint_suites
from scrapegate.runner import run_paths
from scrapegate.suite import load_suite
from scrapegate.waivers import apply_waivers

HEAD = """\
suite: news
documents:
  paths: [docs.jsonl]
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
waivers:
"""
SITE_B = """\
  - expectation: title present
    where: {field: site, equals: b}
    reason: site b drops titles, ticket 12
    expires: 2999-01-01
    owner: ana
"""
DOC_C = """\
  - expectation: title present
    doc: https://c.example/4
    reason: known
    expires: 2999-01-01
"""
RECORDS = [
    {"url": "https://a.example/1", "title": "Good title", "site": "a"},
    {"url": "https://b.example/2", "title": "", "site": "b"},
    {"url": "https://b.example/3", "title": "", "site": "b"},
    {"url": "https://c.example/4", "title": "", "site": "c"},
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return tmp_path


def _write(folder: Path, *waivers: str, name: str = "suite.yaml") -> str:
    (folder / name).write_text(HEAD + "".join(waivers))
    return name


def test_waived_failures_do_not_fail_the_run_and_are_reported_as_waived(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = _write(project, SITE_B, DOC_C)
    assert main(["check", "--suite", suite, "--json", "out.json"]) == 0
    out = capsys.readouterr().out
    assert "WAIVED 'title present': 3 documents waived" in out
    assert "docs.jsonl:2 (https://b.example/2) [title]: value is blank" in out
    assert (
        "'title present' (where 'site' equals 'b'): 2 documents waived until 2999-01-01, "
        "owner ana: site b drops titles, ticket 12"
    ) in out
    assert "PASSED (3 waived documents)" in out
    data = json.loads((project / "out.json").read_text())
    assert data["schema_version"] == 1 and data["passed"] is True
    title = data["expectations"][1]
    assert (title["failed"], title["waived"], title["pass_rate"]) == (0, 3, 1.0)
    assert data["expectations"][0]["waived"] == 0
    waived = [f for f in title["failures"] if f.get("waived")]
    assert [f["doc"] for f in waived] == [
        "https://b.example/2",
        "https://b.example/3",
        "https://c.example/4",
    ]
    assert waived[0]["waiver"] == {
        "reason": "site b drops titles, ticket 12",
        "expires": "2999-01-01",
        "owner": "ana",
        "source": "suite.yaml:10:5",
    }
    assert [(w["waived"], w["problem"]) for w in data["waivers"]] == [(2, None), (1, None)]


def test_failures_no_waiver_chooses_still_fail_the_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = _write(project, SITE_B)
    assert main(["check", "--suite", suite, "--json", "out.json"]) == 1
    out = capsys.readouterr().out
    assert "FAILED: 1 of 2 expectations failed" in out
    title = json.loads((project / "out.json").read_text())["expectations"][1]
    assert (title["failed"], title["waived"]) == (1, 2)
    assert [f["doc"] for f in title["failures"] if not f.get("waived")] == ["https://c.example/4"]


def test_an_expired_waiver_fails_the_run_with_exit_1_at_its_expires_and_waives_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = _write(project, SITE_B, DOC_C.replace("2999-01-01", "2020-01-01"))
    assert main(["check", "--suite", suite, "--json", "out.json"]) == 1
    out = capsys.readouterr().out
    assert (
        "error: suite.yaml:18:14: waiver for 'title present' (doc 'https://c.example/4') "
        "expired on 2020-01-01 (reason: 'known'); fix the failures it covers and delete it, "
        "or set a later 'expires'"
    ) in out
    data = json.loads((project / "out.json").read_text())
    assert data["passed"] is False
    assert data["waivers"][1]["problem"].startswith("suite.yaml:18:14: waiver for")
    assert data["expectations"][1]["failed"] == 1


def test_an_expired_waiver_fails_the_run_under_fail_on_regressions_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The baseline has the same failures, so nothing regressed: only the waiver fails the run.
    assert main(["check", "--suite", _write(project, SITE_B, DOC_C), "--json", "base.json"]) == 0
    suite = _write(project, SITE_B, DOC_C.replace("2999-01-01", "2020-01-01"))
    capsys.readouterr()
    assert main(["check", "--suite", suite, "--baseline", "base.json", "--json", "out.json"]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("gate: regressions — 1 waiver expired or matched no failure: ")
    assert "suite.yaml:18:14: waiver for 'title present'" in last and last.endswith(": FAIL")
    gate = json.loads((project / "out.json").read_text())["gate"]
    assert (gate["fail_on"], gate["decided_by"], gate["exit_code"]) == ("regressions", "waivers", 1)


def test_an_expired_waiver_fails_lint_with_exit_2_naming_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = _write(project, SITE_B, DOC_C.replace("2999-01-01", "2020-01-01"))
    assert main(["lint", suite]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "suite.yaml:18:14: waiver for 'title present' (doc 'https://c.example/4') expired on "
        "2020-01-01"
    )
    assert "1 problem in 1 suite file" in err


def test_a_waiver_expiring_soon_is_a_lint_warning_and_a_run_warning(project: Path) -> None:
    now = datetime(2998, 12, 25, tzinfo=UTC)
    suite = _write(project, SITE_B)
    problems = lint_suites([suite], now=now)
    assert [str(p) for p in problems] == [
        "suite.yaml:13:14: warning: waiver for 'title present' (where 'site' equals 'b') "
        "expires in 7 days, on 2999-01-01"
    ]
    loaded = load_suite(suite)
    result = apply_waivers(loaded, run_paths(loaded, now=now), now=now)
    assert "expires in 7 days" in "\n".join(result.warnings)
    # The last day it holds is its expires date; the day after, it has expired.
    last = apply_waivers(loaded, run_paths(loaded), now=datetime(2999, 1, 1, 23, tzinfo=UTC))
    after = apply_waivers(loaded, run_paths(loaded), now=datetime(2999, 1, 2, tzinfo=UTC))
    assert last.waiver_problems == [] and last.expectations[1].waived == 2
    assert after.waiver_problems[0].startswith("suite.yaml:13:14: waiver for 'title present'")
    assert after.expectations[1].waived == 0


def test_a_waiver_that_matches_no_failure_fails_the_run_at_its_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unused = """\
  - expectation: title present
    matches: '^https://z\\.'
    reason: nothing
    expires: 2999-01-01
"""
    suite = _write(project, SITE_B, DOC_C, unused)
    assert main(["lint", suite]) == 0  # lint cannot know this without data
    capsys.readouterr()
    assert main(["check", "--suite", suite]) == 1
    out = capsys.readouterr().out
    assert (
        "error: suite.yaml:19:5: waiver for 'title present' (matches '^https://z\\\\.') matched "
        "no failure in this run; delete it if the failure is fixed, or correct its 'doc', "
        "'matches' or 'where'"
    ) in out
    assert "FAILED: 1 waiver expired or unused" in out


def test_matches_is_an_re2_search_over_document_ids(project: Path) -> None:
    by_pattern = """\
  - expectation: title present
    matches: '^https://[bc]\\.example/'
    reason: two sites
    expires: 2999-01-01
"""
    suite = load_suite(_write(project, by_pattern))
    result = apply_waivers(suite, run_paths(suite))
    assert result.passed
    assert result.expectations[1].waived == 3


def test_bad_waivers_are_config_errors_at_file_line_col_all_at_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = """\
  - expectation: title presnt
    doc: x
    reason: r
    expires: 2999-01-01
  - expectation: title present
    reason: no chooser
    expires: 2999-01-01
  - expectation: title present
    matches: '(?<=x)'
    reason: r
    expires: '2999-02-30'
    color: red
"""
    suite = _write(project, bad)
    assert main(["check", "--suite", suite]) == 2
    err = capsys.readouterr().err
    assert (
        "suite.yaml:10:18: waiver names unknown expectation 'title presnt'; did you mean "
        "'title present'? (expectations: 'title present')"
    ) in err
    assert (
        "suite.yaml:14:5: a waiver needs exactly one of 'doc', 'matches' or 'where' to choose "
        "documents in waivers[1]"
    ) in err
    assert "suite.yaml:18:14: pattern '(?<=x)' uses look-behind" in err
    assert (
        "suite.yaml:20:14: expires '2999-02-30' is not a real date; write it as YYYY-MM-DD" in err
    )
    assert "suite.yaml:21:5: unknown key 'color'" in err


def test_waivers_give_the_same_verdict_with_any_number_of_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(scrapegate.parallel, "usable_cores", lambda: 4)
    folder = tmp_path / "docs"
    folder.mkdir()
    for part in range(6):
        rows = [
            {"url": f"https://{'b' if i % 3 == 0 else 'a'}.example/{part}/{i}", "site": "x",
             "title": "" if i % 2 == 0 else "T"}
            for i in range(40)
        ]  # fmt: skip
        (folder / f"p{part}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "suite.yaml").write_text(
        HEAD.replace("[docs.jsonl]", "[docs]")
        + "  - expectation: title present\n    matches: '^https://b\\.'\n    reason: r\n"
        "    expires: 2999-01-01\n"
        + "  - expectation: title present\n    where: {field: url, matches: '/0/'}\n"
        "    reason: r\n    expires: 2999-01-01\n"
    )
    outcomes = []
    for workers in ("1", "3"):
        code = main(["check", "--suite", "suite.yaml", "--workers", workers, "--json", "o.json"])
        data = json.loads((tmp_path / "o.json").read_text())
        title = data["expectations"][1]
        outcomes.append((code, title["failed"], title["waived"], data["waivers"]))
    assert outcomes[0] == outcomes[1]
    code, failed, waived, statuses = outcomes[0]
    # 120 blank titles; 7 per file have a b. id (42); of file 0's other 13, the where waives.
    assert (code, failed, waived) == (1, 65, 55)
    assert [s["waived"] for s in statuses] == [42, 13]


def test_the_gx_engine_gets_the_same_waivers(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("great_expectations")
    suite = _write(project, SITE_B, DOC_C)
    outcomes = []
    for engine in ("native", "gx"):
        code = main(["check", "--suite", suite, "--engine", engine, "--json", "o.json"])
        data = json.loads((project / "o.json").read_text())
        outcomes.append((code, data["expectations"][1]["waived"], data["waivers"]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][:2] == (0, 3)


def test_markdown_html_and_junit_show_waivers_and_fail_on_an_expired_one(
    project: Path,
) -> None:
    suite = _write(project, SITE_B, DOC_C.replace("2999-01-01", "2020-01-01"))
    argv = ["check", "--suite", suite, "--markdown", "r.md", "--html", "r.html"]
    assert main([*argv, "--junit", "r.xml"]) == 1
    markdown = (project / "r.md").read_text()
    assert "| title present | `where 'site' equals 'b'` | 2 | 2999-01-01 | ana |" in markdown
    assert "- ❌ `suite.yaml:18:14: waiver for 'title present'" in markdown
    assert "| 1 of 4 (+2 waived) |" in markdown  # the expectation's row counts them apart
    html = (project / "r.html").read_text()
    assert '<section id="waivers">' in html and "site b drops titles, ticket 12" in html
    assert "<title>scrapegate: news: FAILED</title>" in html
    junit = (project / "r.xml").read_text()
    assert '<testcase classname="suite.yaml" name="waivers" time="0">' in junit
    assert '<failure message="1 waiver expired or unused">suite.yaml:18:14' in junit


def test_the_result_json_round_trips_waived_failures(project: Path) -> None:
    from scrapegate.result import RunResult

    suite = load_suite(_write(project, SITE_B, DOC_C))
    result = apply_waivers(suite, run_paths(suite), now=datetime.now(UTC) - timedelta(days=1))
    again = RunResult.from_json(json.loads(json.dumps(result.to_json())))
    assert again.to_json() == result.to_json()
    assert again.expectations[1].waived_failures == result.expectations[1].waived_failures


def test_github_annotations_mark_an_expired_waiver_at_its_line(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    suite = _write(project, SITE_B, DOC_C.replace("2999-01-01", "2020-01-01"))
    assert main(["check", "--suite", suite, "-q"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        "::error file=suite.yaml,line=15,title=scrapegate%3A waiver::waiver for 'title present' "
        "(doc 'https://c.example/4') expired on 2020-01-01 (reason: 'known'); fix the failures "
        "it covers and delete it, or set a later 'expires'"
    ) in lines


def test_records_whose_failures_are_all_waived_are_routed_as_passing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Site b's missing titles are accepted; c/4's is not: only c/4 is held back.
    suite = _write(project, SITE_B)
    argv = ["check", "--suite", suite, "--passing", "good.jsonl", "--quarantine", "bad.jsonl"]
    assert main(argv) == 1
    assert (
        "routed 4 records read: 3 passing to good.jsonl, 1 quarantined" in capsys.readouterr().out
    )
    good = [json.loads(line)["url"] for line in (project / "good.jsonl").read_text().splitlines()]
    assert good == ["https://a.example/1", "https://b.example/2", "https://b.example/3"]
    bad = [json.loads(line) for line in (project / "bad.jsonl").read_text().splitlines()]
    assert [b["doc"] for b in bad] == ["https://c.example/4"]
    assert "waived" not in bad[0]["failed"][0]


def test_an_empty_value_and_a_group_by_with_two_keys_say_what_to_do(project: Path) -> None:
    (project / "s.yaml").write_text(
        "suite: s\n"
        "documents: {id: url, group_by: {host: url, field: x}}\n"
        "expectations:\n"
        "  - {name: t, check: not_empty, field: title}\n"
        "waivers:\n"
        "  - {expectation: t, matches: '', reason: r, expires: 2999-01-01}\n"
    )
    messages = [str(p) for p in lint_suites(["s.yaml"])]
    assert any(
        "s.yaml:2:" in m
        and "documents.group_by has 2 keys ('host', 'field'); it takes at "
        "most 1: keep the one you mean"
        in m
        for m in messages
    ), messages
    assert any("s.yaml:6:" in m and "'matches' is empty; give it a value" in m for m in messages)

"""Suite composition (issue 13, part 6): extends, several --suite in one run, x- keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapegate.cli import main
from scrapegate.suite import load_suite

BASE = """\
suite: base
description: shared checks
documents:
  paths: [../data/docs.jsonl]
  id: url
cleaners:
  - normalize_whitespace
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: url present
    check: not_empty
    field: url
  - name: body present
    check: not_empty
    field: body
waivers:
  - expectation: body present
    doc: https://a.example/2
    reason: paywalled
    expires: 2999-01-01
"""
CHILD = """\
suite: child
extends: ../base/base.yaml
remove: [url present]
expectations:
  - name: title present
    check: not_empty
    field: title
    mostly: 0.5
  - name: site present
    check: not_empty
    field: site
"""
RECORDS = [
    {"url": "https://a.example/1", "title": "One", "body": "Text", "site": "a"},
    {"url": "https://a.example/2", "title": "", "body": "", "site": "a"},
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for folder in ("base", "child", "data"):
        (tmp_path / folder).mkdir()
    (tmp_path / "data" / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    (tmp_path / "base" / "base.yaml").write_text(BASE)
    (tmp_path / "child" / "child.yaml").write_text(CHILD)
    return tmp_path


def test_extends_replaces_by_name_removes_and_appends_and_inherits_the_rest(
    project: Path,
) -> None:
    suite = load_suite("child/child.yaml")
    assert suite.name == "child" and suite.description == "shared checks"
    assert [e.name for e in suite.expectations] == ["title present", "body present", "site present"]
    title, body, site = suite.expectations
    assert title.mostly == 0.5 and str(title.location) == "child/child.yaml:5:5"
    assert str(body.location) == "base/base.yaml:15:5"
    assert str(site.location) == "child/child.yaml:9:5"
    # Base paths are relative to the base file; the merged suite reads the same files.
    assert suite.default_paths() == [str(Path("data/docs.jsonl"))]
    assert suite.documents.id == "url"
    assert [c.name for c in suite.cleaners] == ["normalize_whitespace"]
    assert [(w.expectation, str(w.location)) for w in suite.waivers] == [
        ("body present", "base/base.yaml:19:5")
    ]
    assert suite.bases == ("base/base.yaml",)


def test_an_extending_suite_runs_end_to_end_with_the_base_waiver(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--suite", "child/child.yaml", "--json", "out.json"]) == 0
    data = json.loads((project / "out.json").read_text())
    names = [e["name"] for e in data["expectations"]]
    assert names == ["records are readable", "title present", "body present", "site present"]
    assert data["expectations"][2]["waived"] == 1
    assert data["waivers"][0]["source"] == "base/base.yaml:19:5"
    assert "PASSED (1 waived document)" in capsys.readouterr().out


def test_an_error_in_the_base_is_reported_at_the_base_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "base" / "base.yaml").write_text(
        BASE.replace("check: not_empty", "check: not_emty", 1)
    )
    assert main(["lint", "child/child.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "base/base.yaml:10:12: unknown check 'not_emty'; did you mean 'not_empty'?"
    )


def test_an_extends_cycle_is_an_error_naming_the_cycle(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "child" / "a.yaml").write_text("suite: a\nextends: b.yaml\n")
    (project / "child" / "b.yaml").write_text("suite: b\nextends: a.yaml\n")
    assert main(["check", "--suite", "child/a.yaml"]) == 2
    assert capsys.readouterr().err.startswith(
        "child/b.yaml:2:10: extends makes a cycle: child/a.yaml -> child/b.yaml -> child/a.yaml; "
        "a base suite cannot extend a suite that extends it in extends"
    )


def test_a_missing_base_and_a_bad_remove_are_errors_at_their_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "child" / "m.yaml").write_text("suite: m\nextends: nothere.yaml\n")
    (project / "child" / "r.yaml").write_text(
        "suite: r\nextends: ../base/base.yaml\nremove: [body presnt]\n"
    )
    (project / "child" / "n.yaml").write_text(CHILD.replace("extends: ../base/base.yaml\n", ""))
    assert main(["lint", "child/m.yaml", "child/r.yaml", "child/n.yaml"]) == 2
    err = capsys.readouterr().err
    assert (
        "child/m.yaml:2:10: base suite 'nothere.yaml' not found (looked for "
        f"{Path('child/nothere.yaml')}); the path is relative to this suite's folder"
    ) in err
    assert (
        "child/r.yaml:3:10: 'body presnt' is not an expectation of the base suite "
        "base/base.yaml; did you mean 'body present'?"
    ) in err
    assert "child/n.yaml:2:1: 'remove' drops expectations of a base suite" in err


def test_x_keys_hold_yaml_anchors_and_other_unknown_keys_are_still_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "child" / "x.yaml").write_text(
        "suite: x\n"
        "x-text: &text {check: not_empty, field: title}\n"
        "documents: {paths: [../data/docs.jsonl]}\n"
        "expectations:\n"
        "  - {name: title present, mostly: 0.5, <<: *text}\n"
    )
    assert main(["check", "--suite", "child/x.yaml", "-q"]) == 0
    (project / "child" / "y.yaml").write_text(
        "suite: y\nxtra: 1\nexpectations:\n  - {name: t, check: not_empty, field: title}\n"
    )
    capsys.readouterr()
    assert main(["lint", "child/y.yaml"]) == 2
    assert "child/y.yaml:2:1: unknown key 'xtra'" in capsys.readouterr().err


def test_several_suites_run_in_turn_each_reported_and_the_exit_code_is_the_worst(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--suite", "child/child.yaml", "--suite", "base/base.yaml"]
    code = main([*argv, "--json", "out/{suite}.json", "--junit", "out/all.xml"])
    out = capsys.readouterr().out
    assert code == 1
    assert "== suite child (child/child.yaml)" in out
    assert "== suite base (base/base.yaml)" in out
    assert out.rstrip().endswith("FAILED: 1 of 2 suites failed ('base')")
    assert json.loads((project / "out" / "child.json").read_text())["passed"] is True
    assert json.loads((project / "out" / "base.json").read_text())["passed"] is False
    junit = (project / "out" / "all.xml").read_text()
    assert junit.count("<testsuite ") == 2
    assert main([*argv[:3], "--suite", "child/child.yaml", "-q"]) == 0
    assert "PASSED: all 2 suites" in capsys.readouterr().out


def test_several_suites_refuse_a_fixed_report_path_before_running(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--suite", "child/child.yaml", "--suite", "base/base.yaml"]
    assert main([*argv, "--json", "out.json", "--html", "r/{suite}.html"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip().endswith(
        "--json out.json: with 2 suites each needs its own file; put {suite} in the path (it "
        "becomes each suite's name), e.g. --json 'out-{suite}.json', or run one suite at a time"
    )
    assert captured.out == ""
    assert not (project / "out.json").exists() and not (project / "r").exists()


def test_several_suites_report_every_config_error_before_running_any(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "bad.yaml").write_text("suite: bad\nexpectations: []\n")
    assert main(["check", "--suite", "child/child.yaml", "--suite", "bad.yaml"]) == 2
    captured = capsys.readouterr()
    assert "bad.yaml:2:15: expectations is empty; add at least one expectation" in captured.err
    assert captured.out == ""


def test_several_suites_refuse_standard_input_which_only_one_could_read(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(RECORDS[0]) + "\n"))
    argv = ["check", "-", "--suite", "child/child.yaml", "--suite", "base/base.yaml"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "-: standard input can be read once, and 2 suites would each read it" in captured.err
    assert captured.out == ""


def test_a_suite_name_with_slashes_or_dots_stays_one_file_in_the_folder_given(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, file in (("../evil", "evil.yaml"), ("a/b", "ab.yaml"), ("..", "dots.yaml")):
        (project / "base" / file).write_text(BASE.replace("suite: base", f"suite: {name!r}"))
    argv = ["check", "--suite", "base/evil.yaml", "--suite", "base/ab.yaml", "-q"]
    assert main([*argv, "--suite", "base/dots.yaml", "--json", "out/{suite}.json"]) == 1
    capsys.readouterr()
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        ".._evil.json",
        "__.json",
        "a_b.json",
    ]
    assert not (project / "evil.json").exists()


def test_several_suites_check_every_baseline_before_running_any(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--suite", "child/child.yaml", "--suite", "base/base.yaml"]
    assert main([*argv, "--json", "b-{suite}.json", "-q"]) == 1
    (project / "b-base.json").unlink()
    capsys.readouterr()
    assert main([*argv, "--baseline", "b-{suite}.json"]) == 2
    captured = capsys.readouterr()
    assert "b-base.json" in captured.err
    assert "== suite" not in captured.out  # nothing ran

"""No command writes over a file it reads: the same file is found by device and inode, however
the output option spells it (the name itself, ``./x/../name``, a symbolic link to it).

The one exception by design: ``check --baseline B --json B`` updates the baseline in place
(read whole before the run, replaced atomically), unless the run regressed against it.
"""

from __future__ import annotations

import json
import os
import stat

import pytest

from scrapegate.cli import main
from tests.robustness.support import GOOD, Project, jsonl

GX_SUITE = """\
suite: gx
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def _spell(project: Project, name: str, how: str) -> str:
    """Another name for the file ``name`` in the project."""
    if how == "dotdot":
        (project.root / "x").mkdir(exist_ok=True)
        return f"./x/../{name}"
    if how == "symlink":
        link = project.root / f"link-to-{name}"
        link.symlink_to(name)
        return link.name
    return name


SPELLINGS = ["same", "dotdot", "symlink"]


def _prepare(project: Project) -> bytes:
    project.good()
    project.write("gx.yaml", GX_SUITE.encode())
    assert main(["check", "docs", "--suite", "suite.yaml", "--json", "base.json"]) == 0
    return (project.root / "base.json").read_bytes()


# (argv with IN for the input's other spelling, the input's name, the option that names it)
REFUSED = {
    "report --html": (["report", "base.json", "--html", "IN"], "base.json", "--html"),
    "report --markdown": (["report", "base.json", "--markdown", "IN"], "base.json", "--markdown"),
    "export-gx -o": (["export-gx", "gx.yaml", "-o", "IN"], "gx.yaml", "-o"),
    "diff --json BASE": (["diff", "base.json", "head.json", "--json", "IN"], "base.json", "--json"),
    "diff --markdown HEAD": (
        ["diff", "base.json", "head.json", "--markdown", "IN"],
        "head.json",
        "--markdown",
    ),
    "check --json SUITE": (
        ["check", "docs", "--suite", "suite.yaml", "--json", "IN"],
        "suite.yaml",
        "--json",
    ),
    "check --baseline --html": (
        ["check", "docs", "--suite", "suite.yaml", "--baseline", "base.json", "--html", "IN"],
        "base.json",
        "--html",
    ),
    "check --baseline --junit": (
        ["check", "docs", "--suite", "suite.yaml", "--baseline", "base.json", "--junit", "IN"],
        "base.json",
        "--junit",
    ),
}


@pytest.mark.parametrize("how", SPELLINGS)
@pytest.mark.parametrize("case", REFUSED)
def test_an_output_naming_an_input_is_refused_and_the_input_kept(
    project: Project, capsys: pytest.CaptureFixture[str], case: str, how: str
) -> None:
    _prepare(project)
    (project.root / "head.json").write_bytes((project.root / "base.json").read_bytes())
    argv, name, option = REFUSED[case]
    before = (project.root / name).read_bytes()
    other = _spell(project, name, how)
    capsys.readouterr()
    assert main([other if a == "IN" else a for a in argv]) == 2
    assert capsys.readouterr().err == (
        f"error: {option} {other}: that file is an input ({name}); scrapegate never writes "
        "over its inputs, choose another output path\n"
    )
    assert (project.root / name).read_bytes() == before
    if how == "symlink":
        assert (project.root / other).is_symlink()


@pytest.mark.parametrize("how", SPELLINGS)
def test_two_outputs_naming_one_file_are_refused(
    project: Project, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    project.good()
    project.write("r.json", b"{}")
    other = _spell(project, "r.json", how)
    argv = ["check", "docs", "--suite", "suite.yaml", "--json", "r.json", "--html", other]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"error: --html {other}: --json r.json names the same file; the second write would "
        "replace the first, choose two different paths\n"
    )
    assert (project.root / "r.json").read_bytes() == b"{}"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="os.mknod needs root")
def test_two_outputs_into_one_device_are_fine(project: Project) -> None:
    project.good()
    os.mknod(project.root / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    argv = ["check", "docs", "--suite", "suite.yaml", "--json", "null", "--markdown", "./null"]
    assert main(argv) == 0
    assert stat.S_ISCHR(os.lstat(project.root / "null").st_mode)


@pytest.mark.parametrize("how", SPELLINGS)
def test_a_baseline_is_updated_in_place_when_the_run_did_not_regress(
    project: Project, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    _prepare(project)
    project.write("docs/more.jsonl", jsonl([{**GOOD[0], "url": "https://n.example/3"}]))
    other = _spell(project, "base.json", how)
    argv = ["check", "docs", "--suite", "suite.yaml", "--baseline", "base.json"]
    assert main([*argv, "--json", other]) == 0
    assert "no regression against the baseline" in capsys.readouterr().out
    updated = json.loads((project.root / "base.json").read_text())
    assert updated["documents"] == 3
    if how == "symlink":
        assert (project.root / other).is_symlink()
    # The updated file is a baseline again.
    assert main([*argv, "--json", other]) == 0


def test_a_baseline_is_kept_when_the_run_regressed_against_it(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _prepare(project)
    # A document of both runs newly fails (a failing document new to the corpus would be
    # reported, not a regression).
    project.write("docs/good.jsonl", jsonl([{**GOOD[0], "title": ""}, GOOD[1]]))
    (project.root / "x").mkdir()
    argv = ["check", "docs", "--suite", "suite.yaml", "--baseline", "base.json"]
    assert main([*argv, "--json", "./x/../base.json"]) == 1
    assert capsys.readouterr().err == (
        "note: --json ./x/../base.json is the baseline and the run regressed against it: the "
        "baseline was kept, so that a re-run does not pass; to keep this result pass another "
        "--json FILE, to accept it as the baseline run without --baseline\n"
    )
    assert (project.root / "base.json").read_bytes() == before


def test_a_bad_baseline_fails_before_the_documents_are_read(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.good()
    project.write("base.json", b"{not json")
    argv = ["check", "docs", "--suite", "suite.yaml", "--baseline", "base.json"]
    assert main([*argv, "--json", "base.json"]) == 2
    assert capsys.readouterr().err.startswith("error: base.json: not valid JSON")
    assert (project.root / "base.json").read_bytes() == b"{not json"


def test_clean_refuses_an_output_file_that_is_a_hard_link_to_its_input(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.root / "suite.yaml").write_text(
        "suite: c\ndocuments:\n  id: url\ncleaners:\n  - normalize_whitespace\n"
        "expectations:\n  - name: t\n    check: not_empty\n    field: title\n"
    )
    source = project.write("docs/good.jsonl", jsonl([{**GOOD[0], "title": "  spaced  "}]))
    before = source.read_bytes()
    (project.root / "out").mkdir()
    os.link(source, project.root / "out" / "good.jsonl")
    assert main(["clean", "docs/good.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 2
    assert capsys.readouterr().err == (
        "error: -o out: out/good.jsonl is an input file and would be overwritten; choose an "
        "output folder that holds no inputs\n"
    )
    assert source.read_bytes() == before


@pytest.mark.parametrize("how", ["dotdot", "symlink"])
def test_clean_refuses_the_input_folder_however_it_is_spelt(
    project: Project, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    (project.root / "suite.yaml").write_text(
        "suite: c\ndocuments:\n  id: url\ncleaners:\n  - normalize_whitespace\n"
        "expectations:\n  - name: t\n    check: not_empty\n    field: title\n"
    )
    source = project.good()
    before = source.read_bytes()
    other = _spell(project, "docs", how)
    assert main(["clean", "docs", "--suite", "suite.yaml", "-o", other]) == 2
    assert "the output folder is inside the input folder docs" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_the_check_data_refusal_sees_through_a_symlink(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project.good()
    before = source.read_bytes()
    (project.root / "r.json").symlink_to("docs/good.jsonl")
    assert main(["check", "docs/good.jsonl", "--suite", "suite.yaml", "--json", "r.json"]) == 2
    assert capsys.readouterr().err.startswith("error: --json r.json: that file is an input (")
    assert source.read_bytes() == before


def test_the_plugin_refuses_a_json_path_that_is_its_suite(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", suite=GX_SUITE.replace("id: url", "paths: [docs/]\n  id: url"))
    pytester.mkdir("docs")
    (pytester.path / "docs" / "a.jsonl").write_text('{"url": "u", "title": "t"}\n')
    before = (pytester.path / "suite.yaml").read_bytes()
    pytester.mkdir("x")
    result = pytester.runpytest("suite.yaml", "--scrapegate-json", "./x/../suite.yaml")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*--scrapegate-json ./x/../suite.yaml: that file is an input (suite.yaml); "
            "scrapegate never writes over its inputs, choose another output path*"
        ]
    )
    assert (pytester.path / "suite.yaml").read_bytes() == before

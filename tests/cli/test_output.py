"""What every command prints when its output is not a terminal (CI logs, pipes) or is help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from scrapegate.cli import main
from tests.cli.test_layout import COMMANDS

LONG_NAME = "title present " + "x" * 286  # 300 characters
SUITE = f"""\
suite: output-demo
documents:
  paths: [docs/]
  id: url
cleaners:
  - normalize_whitespace
expectations:
  - name: {LONG_NAME}
    check: not_empty
    field: title
  - name: short bodies
    check: length
    field: body
    max: 3
    unit: words
    severity: warn
"""
RECORDS = [
    {"url": "https://n.example/1", "title": "", "body": "One  two."},
    {"url": "https://n.example/2", "title": "Rates", "body": "The bank held rates today."},
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    return tmp_path


def _assert_unpadded(out: str) -> None:
    assert out.strip(), "nothing printed"
    padded = [line for line in out.splitlines() if line != line.rstrip()]
    assert padded == []


def test_piped_check_output_has_no_trailing_spaces_and_never_wraps(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--suite", "suite.yaml", "--json", "r.json"]) == 1
    out = capsys.readouterr().out
    _assert_unpadded(out)
    on_one_line = [line for line in out.splitlines() if LONG_NAME in line]
    # the table row, the FAIL heading
    assert len(on_one_line) == 2, out
    assert any(line.startswith(f"FAIL '{LONG_NAME}'") for line in on_one_line)


def test_piped_clean_and_diff_output_has_no_trailing_spaces(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--suite", "suite.yaml", "--json", "r.json", "-q"])
    capsys.readouterr()
    assert main(["clean", "--suite", "suite.yaml", "-o", "out"]) == 0
    _assert_unpadded(capsys.readouterr().out)
    assert main(["diff", "r.json", "r.json"]) == 0
    out = capsys.readouterr().out
    _assert_unpadded(out)
    assert any(line.startswith(f"│ {LONG_NAME} ") for line in out.splitlines()), out


def test_summary_lines_say_1_document_and_1_warning_not_1_documents(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = {"url": "https://n.example/1", "title": "", "body": "One two three four."}
    (project / "docs" / "a.jsonl").write_text(json.dumps(one) + "\n", "utf-8")
    assert main(["check", "--suite", "suite.yaml", "--json", "r.json"]) == 1
    out = capsys.readouterr().out
    assert "output-demo: 1 document\n" in out
    assert "FAILED: 1 of 3 expectations failed (1 warning) (3 expectations, 1 document, " in out
    assert main(["clean", "--suite", "suite.yaml", "-o", "out"]) == 0
    assert "cleaned 1 document from 1 file into out" in capsys.readouterr().out
    assert main(["lint", "suite.yaml"]) == 0
    assert capsys.readouterr().out == "1 suite file OK\n"
    (project / "docs" / "a.jsonl").write_text(json.dumps({**one, "title": "T"}) + "\n", "utf-8")
    main(["check", "--suite", "suite.yaml", "--json", "fixed.json", "-q"])
    capsys.readouterr()
    assert main(["diff", "r.json", "fixed.json"]) == 0
    assert "no regression against the baseline (1 document failure fixed)" in (
        capsys.readouterr().out
    )
    assert main(["diff", "fixed.json", "r.json"]) == 1
    out = capsys.readouterr().out
    assert "REGRESSED against the baseline in 1 expectation\n" in out
    assert ": 1 document newly fails" in out
    (project / "bad.yaml").write_text("suite: bad\nexpectations: 3\n", "utf-8")
    assert main(["lint", "bad.yaml"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == "1 problem in 1 suite file"


RST = re.compile(r"``|:(func|class|mod|meth|attr|data|exc|ref):")


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)], ids=repr)
def test_help_is_plain_text_without_rst_markup(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: scrapegate")
    assert RST.search(out) is None, out
    # click's \\b marker must open a paragraph, or it is printed as a raw backspace
    assert "\x08" not in out, repr(out)
    assert [line for line in out.splitlines() if line != line.rstrip()] == []


def test_the_help_test_covers_every_command() -> None:
    from scrapegate.cli import cli

    assert cli.list_commands(click.Context(cli)) == COMMANDS


def test_a_misspelt_command_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chek", "fixtures/news"]) == 2
    assert "Error: No such command 'chek'; did you mean 'check'?" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert capsys.readouterr().err.rstrip().endswith("Error: No such command 'frobnicate'")

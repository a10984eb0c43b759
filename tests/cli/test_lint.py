"""`scrapegate lint` and the top-level help through main(argv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapegate.cli import main


def test_top_level_help_shows_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Examples:" in out
    assert "scrapegate check fixtures/news --suite expectations/news.yaml" in out
    assert "scrapegate lint expectations/*.yaml" in out
    assert "Exit codes" in out


def test_lint_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Examples:" in out
    assert "scrapegate lint expectations/news.yaml" in out


def test_lint_rejects_misspelt_and_malformed_date_formats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(
        "suite: s\nexpectations:\n"
        "  - {name: a, check: date_parses, field: date, formats: [iso8610]}\n"
        "  - {name: b, check: date_parses, field: date, formats: ['%Y-%Q']}\n",
        encoding="utf-8",
    )
    assert main(["lint", "s.yaml"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("s.yaml:3:58: format 'iso8610' is neither 'iso8601' nor")
    assert "did you mean 'iso8601'?" in err[0]
    assert err[1].startswith("s.yaml:4:58: format '%Y-%Q' cannot read dates")
    assert err[2] == "2 problems in 1 suite file"


def test_lint_reports_a_duplicate_key_and_the_other_problems_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(
        "suite: s\nexpectations:\n"
        "  - name: a\n    check: length\n    field: body\n    min: 1\n    min: 2\n"
        "  - {name: b, check: not_emty, field: title}\n",
        encoding="utf-8",
    )
    assert main(["lint", "s.yaml"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("s.yaml:7:5: duplicate key 'min'")
    assert err[1].startswith("s.yaml:8:22: unknown check 'not_emty'; did you mean 'not_empty'?")
    assert err[2] == "2 problems in 1 suite file"


def test_lint_reports_a_bad_documents_language_and_a_where_on_a_misspelt_language_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text(
        "suite: s\ndocuments: {language: jp}\nexpectations:\n"
        "  - {name: a, check: date_parses, field: date}\n",
        encoding="utf-8",
    )
    assert main(["lint", "bad.yaml"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:2:23: unknown language 'jp'" in err
    assert "did you mean 'ja'? in documents.language" in err
    Path("typo.yaml").write_text(
        "suite: s\ndocuments: {language: {field: lang}}\nexpectations:\n"
        "  - {name: a, check: date_parses, field: date, where: {field: lnag, equals: es}}\n",
        encoding="utf-8",
    )
    assert main(["lint", "typo.yaml"]) == 0
    err = capsys.readouterr().err
    assert "field 'lnag' appears only here, and 'lang' is named in documents.language" in err

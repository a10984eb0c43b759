"""`scrapegate check` on multilingual dates: CJK and dotted shapes, documents.language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapegate.cli import main

SUITE = """\
suite: dates
documents:
  paths: [docs.jsonl]
  id: url
  language: {field: lang}
expectations:
  - name: date parses
    check: date_parses
    field: date
    not_after: '2023-06-01'
"""

RECORDS = [
    {"url": "en", "lang": "en", "date": "02/11/2023"},  # 11 Feb: passes
    {"url": "es", "lang": "es-ES", "date": "02/11/2023"},  # 2 Nov: after the bound
    {"url": "ja", "lang": "ja", "date": "2021年3月5日(金) 10:00"},
    {"url": "ja-wide", "lang": "ja", "date": "２０２１年３月５日"},
    {"url": "hu", "lang": "hu", "date": "2020. 06. 04. 11:27"},
    {"url": "ko", "lang": "ko", "date": "2021. 3. 5."},
    {"url": "bad", "lang": "ja", "date": "2021年13月5日"},
]


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suite: str = SUITE) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(suite, encoding="utf-8")
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8"
    )


def test_check_reads_each_documents_language_and_explains_ambiguous_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch)
    code = main(["check", "--suite", "suite.yaml", "--json", "out.json"])
    out = capsys.readouterr().out
    assert code == 1, out
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    (dates,) = [e for e in result["expectations"] if e["name"] == "date parses"]
    assert (dates["evaluated"], dates["failed"]) == (7, 2)
    messages = {f["doc"]: f["message"] for f in dates["failures"]}
    assert sorted(messages) == ["bad", "es"]
    assert messages["es"] == (
        "date '02/11/2023' (2023-11-02) is after 2023-06-01 (2023-06-01); '02/11/2023' is "
        "ambiguous (2 Nov 2023 or 11 Feb 2023); read day-first from document language 'es-ES'"
    )
    assert messages["bad"] == "impossible date '2021年13月5日' (month must be in 1..12)"
    assert "docs.jsonl:2" in out and "read day-first from document language 'es-ES'" in out


def test_check_passes_when_every_date_is_in_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch, SUITE.replace("'2023-06-01'", "'2024-01-01'"))
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS[:-1]), encoding="utf-8"
    )
    assert main(["check", "--suite", "suite.yaml"]) == 0, capsys.readouterr().out


def test_an_unknown_documents_language_is_a_config_error_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path, monkeypatch, SUITE.replace("{field: lang}", "spanish"))
    assert main(["check", "--suite", "suite.yaml"]) == 2
    err = capsys.readouterr().err
    assert "suite.yaml:5:13: 'spanish' is not a language code" in err
    assert "did you mean 'es'?" in err

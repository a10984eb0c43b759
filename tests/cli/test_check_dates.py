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


EVIDENCE_SUITE = """\
suite: dates by site
documents:
  id: url
expectations:
  - name: recent
    check: date_parses
    field: date
    not_before: '2023-06-01'
"""

# No page says its language. eu.example writes 13/11/2023, so its 02/11/2023 is 2 Nov; the
# evidence of us.example (11/13/2023, 11/14/2023) comes later in the input, in another file,
# and still decides that its 02/11/2023 and 03/01/2023 are February and March.
FIRST = [
    {"url": "https://eu.example/1", "date": "13/11/2023"},
    {"url": "https://eu.example/2", "date": "02/11/2023"},
    {"url": "https://us.example/1", "date": "02/11/2023"},
    {"url": "https://us.example/2", "date": "03/01/2023"},
    {"url": "https://new.example/1", "date": "04/10/2023"},
]
SECOND = [
    {"url": "https://us.example/3", "date": "11/13/2023"},
    {"url": "https://us.example/4", "date": "11/14/2023"},
    {"url": "https://eu.example/3", "date": "20/11/2023"},
    {"url": "https://eu.example/4", "date": "21/11/2023"},
]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ambiguous_dates_follow_the_unambiguous_dates_of_their_site_whatever_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(EVIDENCE_SUITE, encoding="utf-8")
    for name, rows in (("a.jsonl", FIRST), ("b.jsonl", SECOND)):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    argv = ["check", "a.jsonl", "b.jsonl", "--suite", "suite.yaml", "--json", "out.json"]
    assert main([*argv, "--workers", workers]) == 1
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    (dates,) = [e for e in result["expectations"] if e["name"] == "recent"]
    assert dates["failed"] == 2
    assert {f["doc"]: f["message"] for f in dates["failures"]} == {
        "https://us.example/1": "date '02/11/2023' (2023-02-11) is before 2023-06-01 "
        "(2023-06-01); '02/11/2023' is ambiguous (2 Nov 2023 or 11 Feb 2023); read "
        "month-first from the unambiguous dates of host 'us.example' (0 day-first, "
        "2 month-first)",
        "https://us.example/2": "date '03/01/2023' (2023-03-01) is before 2023-06-01 "
        "(2023-06-01); '03/01/2023' is ambiguous (3 Jan 2023 or 1 Mar 2023); read "
        "month-first from the unambiguous dates of host 'us.example' (0 day-first, "
        "2 month-first)",
    }
    # new.example has no date of its own that decides: the corpus does (3 day-first, 2
    # month-first), so 04/10/2023 is 4 October and passes; eu.example's 2 Nov passes.
    assert [f["source"] for f in dates["failures"]] == ["a.jsonl:3", "a.jsonl:4"]


def test_an_ambiguous_date_without_evidence_says_how_it_was_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(EVIDENCE_SUITE, encoding="utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps(FIRST[3]) + "\n")
    assert main(["check", "a.jsonl", "--suite", "suite.yaml", "--json", "out.json"]) == 1
    result = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    (failure,) = [f for e in result["expectations"] for f in e["failures"]]
    assert failure["message"].endswith(
        "'03/01/2023' is ambiguous (3 Jan 2023 or 1 Mar 2023); read month-first by default "
        "(no document language, languages or day_first)"
    )

"""``scrapegate export-gx``: the GX suite it writes, the unmapped checks it lists, its errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

pytest.importorskip("great_expectations")

from scrapegate.cli import main
from scrapegate.errors import UsageError
from scrapegate.gx.session import INSTALL_HINT, import_gx

ROOT = Path(__file__).resolve().parents[2]

SUITE = """\
suite: export-demo
documents: {id: url}
expectations:
  - {name: title present, check: not_empty, field: title}
  - {name: title length, check: length, field: title, max: 120, mostly: 0.9, severity: warn}
  - {name: date parses, check: date_parses, field: date}
  - {name: date format, check: date_parses, field: date, formats: ['%Y-%m-%d']}
  - {name: no widgets, check: no_boilerplate, field: body, packs: [comment_widgets]}
  - {name: credited, check: attribution_present, field: body, sources: [Reuters]}
  - {name: urls unique, check: unique, field: url, where: {field: lang, equals: en}}
  - {name: enough, check: count, min: 10}
"""


def _export(tmp_path: Path, text: str) -> tuple[int, Path]:
    suite = tmp_path / "suite.yaml"
    suite.write_text(text, encoding="utf-8")
    out = tmp_path / "gx.json"
    return main(["export-gx", str(suite), "-o", str(out)]), out


def test_export_writes_one_native_gx_expectation_per_mapped_check(tmp_path: Path) -> None:
    code, out = _export(tmp_path, SUITE)
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["name"] == "export-demo"
    types = {e["meta"]["scrapegate"]["name"]: e["type"] for e in data["expectations"]}
    assert types == {
        "title present": "expect_column_values_to_match_regex",
        "title length": "expect_column_value_lengths_to_be_between",
        "date format": "expect_column_values_to_match_strftime_format",
        "no widgets": "expect_column_values_to_not_match_regex_list",
        # The byline and credit rules need look-around, which pandas runs in Python's
        # backtracking re: RE2 decides them in a prepared column instead.
        "credited": "expect_column_values_to_be_in_set",
        "urls unique": "expect_column_values_to_be_in_set",
        "enough": "expect_table_row_count_to_be_between",
    }
    by_name = {e["meta"]["scrapegate"]["name"]: e for e in data["expectations"]}
    length = by_name["title length"]
    assert length["kwargs"]["mostly"] == 0.9
    assert length["severity"] == "warning"
    assert by_name["credited"]["kwargs"]["value_set"] == [1]
    assert by_name["urls unique"]["kwargs"]["row_condition"]  # the where, as a GX condition
    plan = data["meta"]["scrapegate"]
    columns = {c["name"]: c for c in plan["columns"]}
    assert columns[by_name["no widgets"]["kwargs"]["column"]]["kind"] == "chrome_view"
    credited = columns[by_name["credited"]["kwargs"]["column"]]
    assert credited["kind"] == "view_match" and credited["re2_patterns"]
    assert plan["unmapped"] == [
        {"name": "date parses", "check": "date_parses", "reason": plan["unmapped"][0]["reason"]}
    ]


def test_export_lists_unmapped_checks_with_their_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _export(tmp_path, SUITE)
    out = capsys.readouterr().out
    assert code == 0
    assert "7 expectations mapped" in out
    assert "1 expectation with no faithful GX equivalent" in out
    assert "'date parses' (date_parses): without 'formats'" in out


def test_an_incompatible_pattern_is_a_config_error_at_its_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SUITE + "  - {name: letters, check: not_matches, field: body, pattern: '\\pL+'}\n"
    text += "  - name: extra\n    check: no_boilerplate\n    field: body\n"
    text += "    patterns:\n      - 'fine'\n      - {name: unicode, pattern: 'x\\p{Greek}'}\n"
    code, out = _export(tmp_path, text)
    err = capsys.readouterr().err
    assert code == 2
    assert not out.exists()
    suite = tmp_path / "suite.yaml"
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "\\pL+" in line)
    second = next(i for i, line in enumerate(lines) if "Greek" in line)
    at_first = f"{suite}:{first + 1}:{lines[first].index(chr(39) + chr(92)) + 1}"
    at_second = f"{suite}:{second + 1}:{lines[second].index(chr(39) + 'x') + 1}"
    assert f"{at_first}: pattern '\\\\pL+' cannot run under --engine gx: Unicode class" in err
    assert f"{at_second}: pattern 'unicode' cannot run under --engine gx" in err


def test_check_with_engine_gx_reports_the_pattern_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = tmp_path / "suite.yaml"
    suite.write_text(
        "suite: s\nexpectations:\n  - name: x\n    check: matches\n    field: t\n"
        "    pattern: '\\Q.\\E'\n",
        encoding="utf-8",
    )
    data = tmp_path / "d.jsonl"
    data.write_text('{"t": "a"}\n', encoding="utf-8")
    assert main(["check", str(data), "--suite", str(suite), "--engine", "gx"]) == 2
    assert f"{suite}:6:14: pattern" in capsys.readouterr().err
    assert main(["check", str(data), "--suite", str(suite)]) == 1  # native: fine


def test_a_missing_gx_extra_is_a_usage_error_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "great_expectations", None)
    with pytest.raises(UsageError, match="pip install 'scrapegate\\[gx\\]'") as info:
        import_gx()
    assert str(info.value) == INSTALL_HINT.format(needs="--engine gx")


def test_export_without_the_gx_extra_names_the_command_in_its_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "great_expectations", None)
    code, out = _export(tmp_path, SUITE)
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "error: scrapegate export-gx needs Great Expectations: pip install 'scrapegate[gx]'"
    )
    assert not out.exists()


def test_export_of_a_broken_suite_exits_2(tmp_path: Path) -> None:
    code, _ = _export(tmp_path, "suite: x\nexpectations:\n  - {name: a, check: nope, field: t}\n")
    assert code == 2

"""Every bad item of a list-valued key is reported, each at its own place, by lint and check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapegate.cli import main

SUITE = """\
suite: lists
cleaners:
  - strip_boilerplate:
      fields: [body]
      packs: [comment_widget, portal_crome]
      patterns: ['(', 'ok', '[']
  - normalize_date: {field: date, languages: [en, xx, zz], formats: ['%Q', iso8601]}
expectations:
  - name: no boilerplate
    check: no_boilerplate
    field: body
    packs: [comment_widget, portal_chrome, portal_crome]
    patterns: ['(', 'ok', '[']
  - name: credited
    check: attribution_present
    field: body
    patterns: ['(', '[']
  - name: dated
    check: date_parses
    field: date
    formats: ['%Q', 'isO8601x', '%Y']
    languages: [en, xx, zz]
"""

EXPECTED = [
    "s.yaml:5:15: unknown pack 'comment_widget'; did you mean 'comment_widgets'?",
    "s.yaml:5:31: unknown pack 'portal_crome'; did you mean 'portal_chrome'?",
    "s.yaml:6:18: pattern '(' does not compile: missing ): (",
    "s.yaml:6:29: pattern '[' does not compile: missing ]: [",
    "s.yaml:7:51: unknown date language 'xx'",
    "s.yaml:7:55: unknown date language 'zz'",
    "s.yaml:7:70: format '%Q' cannot read dates",
    "s.yaml:12:13: unknown pack 'comment_widget'; did you mean 'comment_widgets'?",
    "s.yaml:12:44: unknown pack 'portal_crome'; did you mean 'portal_chrome'?",
    "s.yaml:13:16: pattern '(' does not compile: missing ): (",
    "s.yaml:13:27: pattern '[' does not compile: missing ]: [",
    "s.yaml:17:16: pattern '(' does not compile: missing ): (",
    "s.yaml:17:21: pattern '[' does not compile: missing ]: [",
    "s.yaml:21:15: format '%Q' cannot read dates",
    "s.yaml:21:21: format 'isO8601x' is neither 'iso8601' nor a strftime pattern; did you mean",
    "s.yaml:22:21: unknown date language 'xx'",
    "s.yaml:22:25: unknown date language 'zz'",
]


@pytest.fixture
def suite_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(SUITE, encoding="utf-8")
    Path("d.jsonl").write_text(json.dumps({"body": "x", "date": "2024-01-02"}) + "\n")
    return tmp_path


def _problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("s.yaml:")]


def _assert_every_item(lines: list[str]) -> None:
    assert len(lines) == len(EXPECTED), "\n".join(lines)
    for line, start in zip(lines, EXPECTED, strict=True):
        assert line.startswith(start), f"{line!r} does not start with {start!r}"


def test_lint_reports_every_bad_pack_pattern_format_and_language_at_its_own_place(
    suite_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lint", "s.yaml"]) == 2
    _assert_every_item(_problem_lines(capsys.readouterr().err))


def test_check_reports_the_same_problems_as_lint(
    suite_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--suite", "s.yaml", "d.jsonl"]) == 2
    _assert_every_item(_problem_lines(capsys.readouterr().err))


def test_an_unknown_date_language_in_a_check_is_an_error_not_a_dropped_expectation(
    suite_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It used to be swallowed with the expectation: lint said OK and check passed.
    Path("one.yaml").write_text(
        "suite: one\nexpectations:\n"
        "  - {name: dated, check: date_parses, field: date, languages: [xx]}\n",
        encoding="utf-8",
    )
    assert main(["lint", "one.yaml"]) == 2
    assert capsys.readouterr().err.startswith(
        "one.yaml:3:64: unknown date language 'xx': use an ISO 639-1 code"
    )


def test_a_language_not_written_as_a_code_says_how_to_write_it_once(
    suite_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("lang.yaml").write_text(
        "suite: lang\nexpectations:\n"
        "  - {name: d, check: date_parses, field: date, languages: [EN, eng, x1]}\n",
        encoding="utf-8",
    )
    assert main(["lint", "lang.yaml"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "lang.yaml:3:60: 'EN' is not a language code: use a two-letter ISO 639-1 code in lower "
        "case, such as 'en' or 'de'; did you mean 'en'? in expectations[0].languages[0] ('d')",
        "lang.yaml:3:64: 'eng' is not a language code: use a two-letter ISO 639-1 code in lower "
        "case, such as 'en' or 'de'; did you mean 'en'? in expectations[0].languages[1] ('d')",
        "lang.yaml:3:69: 'x1' is not a language code: use a two-letter ISO 639-1 code in lower "
        "case, such as 'en' or 'de' in expectations[0].languages[2] ('d')",
        "3 problems in 1 suite file",
    ]

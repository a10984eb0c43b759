"""NaN and infinities: refused wherever scrapegate reads a number, with a message a person acts on.

YAML spells them ``.nan`` and ``.inf``; JSON Schema's ``number`` lets them through, and every
comparison with NaN is false, so ``mostly: .nan`` failed an expectation every document passes
and ``--tolerance nan`` turned the baseline gate off.
"""

from __future__ import annotations

import json

import pytest

from tests.robustness.support import Project

HEAD = "suite: s\nexpectations:\n"

# (case, suite text, the line expected on stderr)
NONFINITE_SUITES = [
    ("mostly .nan", HEAD + "  - {name: t, check: not_empty, field: title, mostly: .nan}\n",
     "suite.yaml:3:55: 'mostly' must be a finite number from 0 to 1, got .nan (not a number) "
     "in expectations[0].mostly ('t')"),
    ("mostly .NaN", HEAD + "  - {name: t, check: not_empty, field: title, mostly: .NaN}\n",
     "suite.yaml:3:55: 'mostly' must be a finite number from 0 to 1, got .nan (not a number)"),
    ("mostly .inf", HEAD + "  - {name: t, check: not_empty, field: title, mostly: .inf}\n",
     "suite.yaml:3:55: 'mostly' must be a finite number from 0 to 1, got .inf (infinity)"),
    ("mostly -.inf", HEAD + "  - {name: t, check: not_empty, field: title, mostly: -.inf}\n",
     "suite.yaml:3:55: 'mostly' must be a finite number from 0 to 1, got -.inf (infinity)"),
    ("a check's bound", HEAD + "  - {name: t, check: length, field: title, max: .inf}\n",
     "suite.yaml:3:49: 'max' must be a whole number of at least 0, got .inf (infinity) "
     "in expectations[0].max ('t')"),
    ("a count", HEAD + "  - {name: n, check: count, min: .nan}\n",
     "suite.yaml:3:34: 'min' must be a whole number of at least 0, got .nan (not a number)"),
    ("a cleaner's parameter",
     "suite: s\ncleaners:\n  - dedupe_paragraphs: {min_words: -.Inf}\n" + HEAD[9:]
     + "  - {name: t, check: not_empty, field: title}\n",
     "suite.yaml:3:36: 'min_words' must be a whole number of at least 1, got -.inf (infinity) "
     "in cleaners[0] ('dedupe_paragraphs')"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("suite", "expected"),
    [pytest.param(text, line, id=case) for case, text, line in NONFINITE_SUITES],
)
def test_a_nonfinite_number_in_a_suite_fails_lint_and_check_naming_the_key_and_range(
    project: Project, suite: str, expected: str
) -> None:
    project.write("suite.yaml", suite.encode())
    project.good()
    lint = project.main(["lint", "suite.yaml"])
    check = project.check("docs/good.jsonl")
    for outcome in (lint, check):
        assert outcome.code == 2, outcome.text
        assert expected in outcome.err.splitlines()[0], outcome.err
    assert check.data == {}, "a suite with NaN must not write a result"


def test_a_nonfinite_number_reports_only_once_not_also_as_out_of_range(project: Project) -> None:
    project.write(
        "suite.yaml", (HEAD + "  - {name: t, check: length, field: title, max: .inf}\n").encode()
    )
    outcome = project.main(["lint", "suite.yaml"])
    assert outcome.err.count("suite.yaml:3:49:") == 1, outcome.err


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity"])
@pytest.mark.parametrize("command", ["diff", "check"])
def test_tolerance_refuses_nan_and_infinity_with_exit_2(
    project: Project, value: str, command: str
) -> None:
    project.good()
    assert project.check("docs/good.jsonl", json_out=False).code == 0
    project.main(["check", "docs/good.jsonl", "--suite", "suite.yaml", "--json", "base.json"])
    if command == "diff":
        argv = ["diff", "base.json", "base.json", "--tolerance", value]
    else:
        argv = ["check", "docs/good.jsonl", "--suite", "suite.yaml", "--baseline", "base.json"]
        argv += ["--tolerance", value]
    outcome = project.main(argv)
    assert outcome.code == 2, outcome.text
    assert (
        f"Invalid value for '--tolerance': {value!r} is not a finite number; use a number in "
        "the range 0<=x<=1." in outcome.err
    )


def _stored_with(project: Project, text: str) -> None:
    """base.json: a real result of the good documents, with ``text`` in place of 'mostly'."""
    project.good()
    project.main(["check", "docs/good.jsonl", "--suite", "suite.yaml", "--json", "base.json"])
    stored = json.loads((project.root / "base.json").read_text())
    stored["expectations"][0]["mostly"] = "MOSTLY"
    body = json.dumps(stored, indent=1).replace('"MOSTLY"', text)
    project.write("bad.json", body.encode())


# Python's json writes and reads these; JSON has none of them.
STORED = [
    ("NaN", "NaN is not a number JSON allows"),
    ("Infinity", "Infinity is not a number JSON allows"),
    ("-Infinity", "-Infinity is not a number JSON allows"),
    ("1e999", "1e999 is too large (infinite)"),
]


@pytest.mark.parametrize(("literal", "said"), STORED)
@pytest.mark.parametrize("command", ["diff", "report", "check --baseline"])
def test_a_stored_result_holding_nan_or_infinity_is_refused_naming_the_file(
    project: Project, literal: str, said: str, command: str
) -> None:
    _stored_with(project, literal)
    line = next(
        i
        for i, text in enumerate((project.root / "bad.json").read_text().splitlines(), 1)
        if literal in text
    )
    argv = {
        "diff": ["diff", "base.json", "bad.json"],
        "report": ["report", "bad.json", "--markdown", "out.md"],
        "check --baseline": [
            *("check", "docs/good.jsonl", "--suite", "suite.yaml", "--baseline", "bad.json")
        ],
    }[command]
    outcome = project.main(argv)
    assert outcome.code == 2, outcome.text
    assert f"bad.json:{line}:" in outcome.err, outcome.err
    assert said in outcome.err
    assert "a stored result holds only finite numbers" in outcome.err
    assert "write a fresh one with 'scrapegate check ... --json FILE'" in outcome.err

"""Bad suites: every problem on its own line at ``file:line:col``, all at once, exit 2.

A suite problem is found before any document is read; no traceback, no partial output.
"""

from __future__ import annotations

import pytest

from tests.robustness.support import GOOD, Project, jsonl

HEAD = "suite: broken\nexpectations:\n"
TITLE = "  - {name: title present, check: not_empty, field: title}\n"

# (case, suite text, the lines expected on stderr before the summary line)
BAD_SUITES = [
    ("YAML syntax error", HEAD + "  - name: [unclosed\n    check: not_empty\n",
     ["s.yaml:4:10: invalid YAML: while parsing a flow sequence"]),
    ("tab indentation", HEAD + "\t- {name: a, check: not_empty, field: title}\n",
     ["s.yaml:3:1: tab character in indentation; YAML does not allow tabs, indent with spaces"]),
    ("duplicate keys", "suite: a\nsuite: b\n" + "expectations:\n"
     + "  - name: t\n    check: not_empty\n    field: title\n    field: body\n",
     ["s.yaml:2:1: duplicate key 'suite' (first defined at line 1); remove one of them in "
      "top level",
      "s.yaml:7:5: duplicate key 'field' (first defined at line 6); remove one of them in "
      "expectations[0]"]),
    ("wrong types", HEAD + "  - {name: t, check: length, field: title, max: ten, mostly: yes}\n",
     ["s.yaml:3:49: expected an integer, got a string 'ten' in expectations[0].max ('t')",
      "s.yaml:3:62: expected a number, got a boolean True in expectations[0].mostly ('t')"]),
    ("unknown key", HEAD + "  - {name: t, check: length, field: title, max_lenght: 3, max: 9}\n",
     ["s.yaml:3:44: unknown key 'max_lenght'; did you mean 'max'?"]),
    ("unknown check", HEAD + "  - {name: t, check: not_emtpy, field: title}\n",
     ["s.yaml:3:22: unknown check 'not_emtpy'; did you mean 'not_empty'?"]),
    ("unknown pack",
     HEAD + "  - {name: t, check: no_boilerplate, field: body, packs: [coment_widgets]}\n",
     ["s.yaml:3:59: unknown pack 'coment_widgets'; did you mean 'comment_widgets'?"]),
    ("unknown cleaner", "suite: broken\ncleaners:\n  - strip_htm\nexpectations:\n" + TITLE,
     ["s.yaml:3:5: unknown cleaner 'strip_htm'; did you mean 'strip_html'?"]),
    ("empty file", "", ["s.yaml:1:1: a suite must be a mapping with 'suite' and 'expectations'"]),
    ("comments only", "# nothing yet\n",
     ["s.yaml:1:1: a suite must be a mapping with 'suite' and 'expectations'"]),
    ("no expectations", "suite: broken\nexpectations: []\n",
     ["s.yaml:2:15: expectations is empty; add at least one expectation"]),
    ("duplicate expectation names", HEAD + TITLE + TITLE,
     ["s.yaml:4:12: duplicate expectation name 'title present' (first used at line 3)"]),
    ("a regex RE2 cannot compile",
     HEAD + "  - {name: t, check: matches, field: title, pattern: '(?<=a)b'}\n",
     ["s.yaml:3:54: pattern '(?<=a)b' uses look-behind '(?<=' / '(?<!', which RE2 does not "
      "support"]),
    ("a regex that does not parse",
     HEAD + "  - {name: t, check: matches, field: title, pattern: '(a'}\n",
     ["s.yaml:3:54: pattern '(a' does not compile: missing )"]),
    ("an impossible date", HEAD
     + "  - {name: t, check: date_parses, field: title, not_after: 2021-02-30}\n",
     ["s.yaml:3:60: '2021-02-30' is not a valid timestamp: day is out of range for month; fix it, "
      "or quote it to keep it as text"]),
    ("deep nesting",
     HEAD + "  - {name: t, check: not_empty, field: title, x: " + "[" * 100 + "]" * 100 + "}\n",
     ["YAML nests more than 64 levels deep"]),
    ("a control character", HEAD + TITLE + "  # \x07\n",
     ["s.yaml:4:5: character '\\x07' is not allowed in YAML"]),
    ("two YAML documents", "suite: a\n---\nsuite: b\n",
     ["s.yaml:2:1: invalid YAML: expected a single document in the stream"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in BAD_SUITES],
    ids=[case[0] for case in BAD_SUITES],
)
def test_bad_suite_is_a_configuration_error_with_every_problem_located(
    project: Project, text: str, expected: list[str]
) -> None:
    project.good()
    project.write("s.yaml", text.encode("utf-8"))
    result = project.main(["check", "docs", "--suite", "s.yaml", "--json", "result.json"])
    assert result.code == 2, result.text
    lines = result.err.splitlines()
    count = len(lines) - 1
    assert lines[-1] == f"{count} problem{'s' if count > 1 else ''}; fix the suite and run again"
    assert len(lines) - 1 == len(expected), lines
    for line, fragment in zip(lines, expected, strict=False):
        assert fragment in line, (fragment, line)
    assert result.out == "" and result.data == {}  # nothing was checked, nothing written


def test_lint_reports_the_same_problems_as_check(project: Project) -> None:
    project.write("s.yaml", (HEAD + TITLE + TITLE + "  - {name: x, check: nope}\n").encode())
    result = project.main(["lint", "s.yaml"])
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[0].startswith("s.yaml:4:12: duplicate expectation name 'title present'")
    assert lines[1].startswith("s.yaml:5:22: unknown check 'nope'")
    assert lines[2] == "2 problems in 1 suite file"


@pytest.mark.parametrize("copies", [9, 100])
def test_an_alias_bomb_is_refused_before_it_expands(project: Project, copies: int) -> None:
    # Nine levels of nine aliases would expand to 9**9 (387 million) strings.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * copies)
        lines.append(f"a{level}: &a{level} [{refs}]")
    project.write("bomb.yaml", ("\n".join(lines) + "\n").encode())
    result = project.main(["lint", "bomb.yaml"])
    assert result.code == 2
    assert "YAML expands to more than 100000 nodes (an alias bomb?)" in result.err


def test_a_merge_key_bomb_is_refused_too(project: Project) -> None:
    keys = ", ".join(f"k{i}: 1" for i in range(9))
    lines = [f"m0: &m0 {{{keys}}}"]
    for level in range(1, 10):
        refs = ", ".join([f"*m{level - 1}"] * 9)
        lines.append(f"m{level}: &m{level} {{<<: [{refs}], own{level}: [*m{level - 1}]}}")
    project.write("bomb.yaml", ("\n".join(lines) + "\n").encode())
    result = project.main(["lint", "bomb.yaml"])
    assert result.code == 2
    assert "problems in 1 suite file" in result.err


def test_merge_keys_are_yaml_merges_not_duplicate_keys(project: Project) -> None:
    project.good()
    project.write(
        "s.yaml",
        (
            b"suite: merged\nexpectations:\n"
            b"  - &base {name: title present, check: not_empty, field: title}\n"
            b"  - {<<: *base, name: body present, field: body}\n"
        ),
    )
    result = project.main(["check", "docs", "--suite", "s.yaml", "--json", "result.json"])
    assert result.code == 0, result.err
    fields = [(e["name"], e["field"]) for e in result.data["expectations"][1:]]
    assert fields == [("title present", "title"), ("body present", "body")]


def test_a_suite_that_cannot_be_read_is_a_configuration_error(project: Project) -> None:
    missing = project.main(["check", "docs", "--suite", "nope.yaml"])
    assert missing.code == 2
    assert missing.err.startswith("nope.yaml: cannot read file: No such file or directory")
    (project.root / "folder.yaml").mkdir()
    folder = project.main(["check", "docs", "--suite", "folder.yaml"])
    assert folder.code == 2
    assert folder.err.startswith("folder.yaml: cannot read file: Is a directory")
    project.write("latin1.yaml", "suite: caf\xe9\n".encode("latin-1"))
    latin1 = project.main(["check", "docs", "--suite", "latin1.yaml"])
    assert latin1.code == 2
    assert latin1.err.startswith("latin1.yaml:1: file is not UTF-8 (byte 10); save it as UTF-8")


def test_a_catastrophic_regex_runs_in_linear_time_on_re2(project: Project) -> None:
    # (a+)+$ against 'aaa...a!' takes Python's re exponential time; RE2 scans it once.
    body = "a" * 100_000 + "!"
    project.write("docs/a.jsonl", jsonl([{"url": "u", "title": "t", "body": body}, GOOD[0]]))
    project.write(
        "s.yaml",
        (HEAD + "  - {name: no runs of a, check: not_matches, field: body, pattern: '(a+)+$'}\n"
         "  - {name: ends in a, check: matches, field: body, pattern: '(a+)+$'}\n").encode(),
    )  # fmt: skip
    result = project.main(["check", "docs", "--suite", "s.yaml", "--json", "result.json"])
    assert result.code == 1
    assert result.failures("no runs of a") == []
    assert [src for src, _ in result.failures("ends in a")] == ["docs/a.jsonl:1", "docs/a.jsonl:2"]


def test_a_where_on_a_field_no_document_has_is_a_warning(project: Project) -> None:
    project.good()
    project.write(
        "s.yaml",
        (HEAD + TITLE + "  - {name: german titles, check: not_empty, field: title,"
         " where: {field: lang, equals: de}}\n").encode(),
    )  # fmt: skip
    result = project.main(["check", "docs", "--suite", "s.yaml", "--json", "result.json"])
    assert result.code == 0
    assert result.warnings() == [
        "s.yaml:4:5: 'where' in 'german titles' uses field 'lang', which no document has; "
        "the expectation checked nothing"
    ]
    assert "warning: s.yaml:4:5: 'where' in 'german titles'" in result.out

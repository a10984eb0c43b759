"""A misspelt field is named once per run, with the closest field the documents have."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scrapegate import parallel
from scrapegate.cli import main
from scrapegate.engine import Engine
from scrapegate.fieldnames import MAX_FIELD_NAMES, FieldNames
from scrapegate.runner import run_paths
from tests.gx.agreement import both
from tests.helpers import NOW, docs, run, suite_from_yaml

SUITE = """\
suite: typos
documents:
  fields:
    author: {from: byline, pattern: 'By (?P<value>\\w+)'}
expectations:
  - name: title present
    check: not_empty
    field: titel
  - name: author present
    check: not_empty
    field: author
  - name: videos titled
    check: not_empty
    field: title
    where: {field: kinds, equals: video}
  - name: summary present
    check: not_empty
    field: summary
"""

RECORDS: list[dict[str, Any]] = [
    {"title": f"T{i}", "body": "b", "url": f"u{i}", "kind": "news", "bylines": "By Ann"}
    for i in range(20)
]
for record in RECORDS[:3]:
    record["summary"] = "s"

EXPECTED = [
    "suite.yaml:6:5: field 'titel' of 'title present' is missing in all 20 documents; "
    "did you mean 'title'? fields seen: title, body, url, kind, bylines, summary, author",
    "suite.yaml:9:5: field 'author' of 'author present' is missing in all 20 documents: "
    "documents.fields.author reads 'byline', which no document has; did you mean 'bylines'? "
    "fields seen: title, body, url, kind, bylines, summary",
    "suite.yaml:12:5: 'where' in 'videos titled' uses field 'kinds', which no document has; "
    "the expectation checked nothing; did you mean 'kind'?",
    "suite.yaml:16:5: field 'summary' of 'summary present' is missing or null in 17 of 20 "
    "documents",
]


def test_a_field_missing_everywhere_is_named_once_with_the_closest_field_seen() -> None:
    result = run(suite_from_yaml(SUITE), RECORDS)
    assert list(result.warnings) == EXPECTED
    # The per-document failures keep their short message: the note is said once.
    title = result.expectation("title present")
    assert title is not None and title.failures[0].message == "field 'titel' is missing or null"


def test_a_field_most_documents_have_gets_no_note() -> None:
    records = [{**r, "summary": "s"} if i < 12 else r for i, r in enumerate(RECORDS)]
    result = run(suite_from_yaml(SUITE), records)
    summary = result.expectation("summary present")
    assert summary is not None and summary.failed == 8
    assert not any("'summary'" in w for w in result.warnings)


def test_a_field_mostly_allows_to_be_missing_gets_no_note() -> None:
    optional = SUITE.replace("    field: summary\n", "    field: summary\n    mostly: 0.1\n")
    result = run(suite_from_yaml(optional), RECORDS)
    summary = result.expectation("summary present")
    assert summary is not None and summary.passed
    assert not any("'summary'" in w for w in result.warnings)


def test_gx_engine_gives_the_same_notes() -> None:
    records = [{**r, "url": r["url"]} for r in RECORDS]
    native, gx = both(suite_from_yaml(SUITE, path="suite.yaml"), records)
    assert list(native.warnings) == EXPECTED
    assert list(gx.warnings) == EXPECTED


def test_parallel_slices_merge_their_names_and_counts() -> None:
    engine = Engine(suite_from_yaml(SUITE), now=NOW)
    parts = [
        engine.scan(docs(RECORDS[:7])),
        engine.scan(docs(RECORDS[7:]), follows_earlier_slice=True),
    ]
    assert list(engine.finish(engine.merge(parts)).warnings) == EXPECTED


def test_parallel_run_gives_the_notes_of_a_single_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in RECORDS * 40), encoding="utf-8")
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 4096)
    suite = suite_from_yaml(SUITE)
    single = run_paths(suite, [str(corpus)], workers=1, now=NOW).warnings
    assert run_paths(suite, [str(corpus)], workers=3, now=NOW).warnings == single
    assert single[0].endswith(
        "is missing in all 800 documents; did you mean 'title'? "
        "fields seen: title, body, url, kind, bylines, summary, author"
    )


def test_field_names_stay_bounded_however_many_distinct_fields_stream_past() -> None:
    names = FieldNames()
    for i in range(5000):
        names.observe({f"f{i}": 1, "title": "x"})
    later = FieldNames()
    later.observe({"late": 1})
    names.merge(later)
    assert len(names.names) == MAX_FIELD_NAMES
    assert names.full and "late" not in names
    assert names.shown().endswith(", f6, ...")


def test_check_prints_the_note_with_the_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("suite.yaml").write_text(
        "suite: s\nexpectations:\n  - {name: title present, check: not_empty, field: titel}\n",
        encoding="utf-8",
    )
    Path("d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    assert main(["check", "--suite", "suite.yaml", "d.jsonl"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "warning: suite.yaml:3:5: field 'titel' of 'title present' is missing in all 20 "
        "documents; did you mean 'title'? fields seen: title, body, url, kind, bylines, summary"
    ) in out


def test_lint_warns_of_a_field_close_to_one_the_suite_names_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text(
        "suite: s\n"
        "documents:\n"
        "  id: url\n"
        "  fields:\n"
        "    autor: {from: body, pattern: 'By (?P<value>\\w+)'}\n"
        "expectations:\n"
        "  - {name: a, check: not_empty, field: title}\n"
        "  - {name: b, check: length, field: title, max: 9}\n"
        "  - {name: c, check: no_html, field: titel}\n"
        "  - {name: d, check: not_empty, field: author}\n"
        "  - {name: e, check: matches, field: ulr, pattern: x, where: {field: titl, equals: 1}}\n",
        encoding="utf-8",
    )
    assert main(["lint", "s.yaml"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "s.yaml:9:38: warning: field 'titel' appears only here, and 'title' is named in 'a', "
        "'b'; did you mean 'title'? in expectations[2].field ('c')",
        "s.yaml:10:40: warning: field 'author' appears only here, and 'autor' is named in "
        "documents.fields.autor; did you mean 'autor'? in expectations[3].field ('d')",
        "s.yaml:11:38: warning: field 'ulr' appears only here, and 'url' is named in "
        "documents.id; did you mean 'url'? in expectations[4].field ('e')",
        "s.yaml:11:70: warning: field 'titl' appears only here, and 'title' is named in 'a', "
        "'b'; did you mean 'title'? in expectations[4].where.field ('e')",
    ]
    assert captured.out == "1 suite file OK\n"

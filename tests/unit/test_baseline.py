"""The baseline comparison: what counts as newly failing, fixed, added, removed, renamed,
and when a run regresses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from scrapegate.baseline import ResultDiff, diff_of, diff_results
from scrapegate.docindex import KEY, DocumentIndex, build_index
from scrapegate.documents import Document
from scrapegate.engine import run_suite
from scrapegate.result import RunResult
from tests.helpers import NOW, suite_from_yaml

SUITE = """\
suite: diff-demo
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: no widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets]
    mostly: 0.5
  - name: long enough
    check: length
    field: body
    min: 3
    unit: words
    severity: warn
"""

OK = "The bank held rates on Tuesday."
LEAK = "Rain fell.\nComments\ncomments powered by Disqus"


def doc(url: str, title: str = "T", body: str = OK) -> dict[str, Any]:
    return {"url": url, "title": title, "body": body}


def result(
    records: list[Mapping[str, Any]], suite_text: str = SUITE, indexed: bool = False
) -> RunResult:
    suite = suite_from_yaml(suite_text)
    docs = [
        Document(id=r["url"], path="docs.jsonl", line=i, fields=dict(r))
        for i, r in enumerate(records, start=1)
    ]
    out = run_suite(suite, docs, ["docs.jsonl"], now=NOW)
    if indexed:
        assert out.extra[KEY] == build_index(r["url"] for r in records)
        return out
    # Results written before the engine kept a document index.
    return replace(out, extra={k: v for k, v in out.extra.items() if k != KEY})


def by_name(diff: ResultDiff, name: str) -> Any:
    return next(e for e in diff.expectations if e.name == name)


def test_identical_runs_do_not_regress() -> None:
    base = result([doc("a"), doc("b", body=LEAK)])
    diff = diff_results(base, base, 0.0)
    assert not diff.regressed
    assert all(not e.newly_failing and not e.fixed for e in diff.expectations)
    assert by_name(diff, "no widgets").delta == 0.0


def test_a_document_that_starts_failing_an_error_expectation_regresses() -> None:
    base = result([doc("a"), doc("b"), doc("c")])
    head = result([doc("a"), doc("b", body=LEAK), doc("c")])
    diff = diff_results(base, head, 0.0)
    widgets = by_name(diff, "no widgets")
    # The expectation itself still passes (mostly 0.5); the gate is about the change.
    assert head.expectation("no widgets") is not None and head.passed
    assert widgets.newly_failing == ("b",) and widgets.regressed
    assert diff.regressed and "'no widgets': 1 document newly fails" in diff.reasons[0]


def test_tolerance_never_excuses_a_newly_failing_document() -> None:
    base = result([doc(str(i)) for i in range(100)])
    head = result([doc(str(i), body=LEAK if i == 7 else OK) for i in range(100)])
    assert diff_results(base, head, 1.0).regressed


def test_a_pass_rate_drop_regresses_only_beyond_the_tolerance() -> None:
    # Removing passing documents lowers the rate without any document newly failing.
    base = result([doc("a", body=LEAK), doc("b"), doc("c"), doc("d")])  # 3/4 pass
    head = result([doc("a", body=LEAK), doc("b")])  # 1/2 pass: 25 points down
    assert by_name(diff_results(base, head, 0.0), "no widgets").newly_failing == ()
    assert diff_results(base, head, 0.0).regressed
    assert "pass rate dropped 25.00 points" in diff_results(base, head, 0.2).reasons[0]
    assert not diff_results(base, head, 0.25).regressed
    assert not diff_results(base, head, 0.3).regressed


def test_warn_expectations_are_compared_but_never_regress() -> None:
    base = result([doc("a"), doc("b")])
    head = result([doc("a"), doc("b", body="Too short")])
    diff = diff_results(base, head, 0.0)
    short = by_name(diff, "long enough")
    assert short.newly_failing == ("b",) and not short.regressed and not diff.regressed


def test_fixed_documents_are_listed() -> None:
    base = result([doc("a", body=LEAK), doc("b", title="")])
    head = result([doc("a"), doc("b")])
    diff = diff_results(base, head, 0.0)
    assert by_name(diff, "no widgets").fixed == ("a",)
    assert by_name(diff, "title present").fixed == ("b",)
    assert not diff.regressed and diff.fixed_count == 2


def test_without_an_index_a_new_failing_document_counts_as_newly_failing() -> None:
    base = result([doc("a"), doc("b")])
    head = result([doc("a"), doc("b"), doc("c", title="")])
    diff = diff_results(base, head, 0.0)
    assert by_name(diff, "title present").newly_failing == ("c",)
    assert diff.documents_added is None and diff.regressed
    assert any("no document index" in n for n in diff.notes)


def test_with_an_index_added_and_removed_documents_are_told_apart() -> None:
    base = result([doc("a"), doc("b", title=""), doc("gone", title="")], indexed=True)
    head = result([doc("a", title=""), doc("b"), doc("new", title="")], indexed=True)
    diff = diff_results(base, head, 0.5)
    title = by_name(diff, "title present")
    assert title.newly_failing == ("a",)
    assert title.fixed == ("b",)
    assert title.added_failing == ("new",)
    assert title.removed_failing == ("gone",)
    assert (diff.documents_added, diff.documents_removed) == (1, 1)
    assert diff.regressed  # 'a' was in the baseline and passed there


def test_a_failing_document_new_to_the_corpus_regresses_whatever_the_tolerance() -> None:
    base = result([doc(str(i)) for i in range(10)], indexed=True)
    head = result([*(doc(str(i)) for i in range(10)), doc("x", title="")], indexed=True)
    title = by_name(diff_results(base, head, 0.5), "title present")
    assert title.added_failing == ("x",) and title.newly_failing == ()
    assert title.regressed and "1 added document fails" in title.reason


RENAMED = SUITE.replace("name: no widgets", "name: no comment widgets")


def test_a_renamed_expectation_is_matched_by_check_and_field() -> None:
    base = result([doc("a"), doc("b")])
    head = result([doc("a"), doc("b", body=LEAK)], suite_text=RENAMED)
    diff = diff_results(base, head, 0.0)
    renamed = by_name(diff, "no comment widgets")
    assert renamed.status == "renamed" and renamed.previous_name == "no widgets"
    assert renamed.newly_failing == ("b",) and diff.regressed
    assert [e.status for e in diff.expectations].count("removed") == 0


def test_ambiguous_renames_are_reported_as_removed_and_new() -> None:
    two = SUITE + "  - name: no widgets again\n    check: no_boilerplate\n    field: body\n"
    two += "    packs: [contact_forms]\n"
    renamed_two = two.replace("name: no widgets\n", "name: widgets one\n").replace(
        "name: no widgets again", "name: widgets two"
    )
    diff = diff_results(result([doc("a")], two), result([doc("a")], renamed_two), 0.0)
    statuses = {e.name: e.status for e in diff.expectations}
    assert statuses["widgets one"] == statuses["widgets two"] == "new"
    assert statuses["no widgets"] == statuses["no widgets again"] == "removed"
    assert not diff.regressed


def test_new_expectations_are_not_compared_and_removed_ones_are_listed() -> None:
    extra = SUITE + "  - name: url https\n    check: matches\n    field: url\n"
    extra += "    pattern: '^https://'\n"
    diff = diff_results(result([doc("a")]), result([doc("a")], extra), 0.0)
    assert by_name(diff, "url https").status == "new" and not diff.regressed
    back = diff_results(result([doc("a")], extra), result([doc("a")]), 0.0)
    assert by_name(back, "url https").status == "removed" and not back.regressed


def test_a_sampled_run_does_not_call_unsampled_documents_fixed() -> None:
    base = result([doc("a", title=""), doc("b", title="")])
    head = result([doc("b", title="")])
    head = replace(head, extra={"sample": {"size": 1, "seed": 0}})
    diff = diff_results(base, head, 1.0)
    assert by_name(diff, "title present").fixed == ()
    assert any("random sample of 1 records (seed 0)" in n for n in diff.notes)


def test_diff_json_round_trips_and_attaches_to_the_result() -> None:
    base = result([doc("a"), doc("b", title="")], indexed=True)
    head = result([doc("a", title=""), doc("c")], indexed=True)
    diff = diff_results(base, head, 0.01)
    attached = diff.attach(head)
    assert attached.to_json()["baseline"] == diff.to_json()
    assert diff_of(RunResult.from_json(attached.to_json())) == diff
    assert "baseline" not in head.extra  # attach returns a new result


def test_document_index_membership_and_size() -> None:
    index = DocumentIndex.from_json(build_index(["https://a/1", "https://a/2", "https://a/1"]))
    assert index is not None and len(index) == 2
    assert "https://a/1" in index and "https://a/3" not in index
    assert DocumentIndex.from_json({"hash": "md5", "digests": ""}) is None
    assert DocumentIndex.from_json({"hash": "blake2b-64", "digests": "!!"}) is None


@pytest.mark.parametrize("tolerance", [0.0, 0.05])
def test_an_expectation_with_nothing_evaluated_then_failures_is_a_drop(tolerance: float) -> None:
    where = SUITE.replace(
        "    mostly: 0.5\n", "    mostly: 0.5\n    where: {field: kind, equals: x}\n"
    )
    base = result([doc("a")], where)
    head = result([{**doc("b", body=LEAK), "kind": "x"}], where)
    widgets = by_name(diff_results(base, head, tolerance), "no widgets")
    assert widgets.base_rate == 1.0 and widgets.head_rate == 0.0 and widgets.regressed

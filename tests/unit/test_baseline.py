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
from scrapegate.result import Failure, RunResult
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


def test_a_failing_document_new_to_the_corpus_is_reported_but_not_a_regression() -> None:
    base = result([doc(str(i)) for i in range(10)], indexed=True)
    head = result([*(doc(str(i)) for i in range(10)), doc("x", title="")], indexed=True)
    diff = diff_results(base, head, 0.0)
    title = by_name(diff, "title present")
    assert title.added_failing == ("x",) and title.newly_failing == ()
    # Among the ten documents of both runs nothing changed: 10/10 before and after.
    assert title.to_json()["common"] == {
        "base": {"evaluated": 10, "failed": 0, "pass_rate": 1.0},
        "head": {"evaluated": 10, "failed": 0, "pass_rate": 1.0},
        "delta": 0.0,
        "exact": True,
    }
    assert not title.regressed and not diff.regressed
    assert diff.added_failing_count == 1 and diff.documents_common == 10


def test_removing_a_passing_document_does_not_drop_a_pass_rate() -> None:
    # The case: 1 of 100 failing, one passing document removed. The whole-run rate
    # drops (99/100 -> 98/99); among the 99 documents of both runs it is unchanged.
    records = [doc(str(i), title="" if i == 0 else "T") for i in range(100)]
    base = result(records, indexed=True)
    head = result(records[:-1], indexed=True)
    diff = diff_results(base, head, 0.0)
    title = by_name(diff, "title present")
    assert title.delta is not None and title.delta < 0
    assert title.common_delta == 0.0 and title.common_exact
    assert not diff.regressed
    assert (diff.documents_added, diff.documents_removed, diff.documents_common) == (0, 1, 99)


def test_a_document_present_in_both_runs_that_newly_fails_regresses() -> None:
    base = result([doc("a"), doc("b"), doc("c")], indexed=True)
    head = result([doc("a"), doc("b", title=""), doc("d")], indexed=True)
    diff = diff_results(base, head, 1.0)
    title = by_name(diff, "title present")
    assert title.newly_failing == ("b",) and title.regressed
    assert "1 document newly fails" in title.reason and not title.dropped


WHERE_SUITE = """\
suite: where-demo
expectations:
  - name: german titles
    check: not_empty
    field: title
    where: {field: lang, equals: de}
"""


def test_a_pass_rate_drop_among_common_documents_counts_beyond_the_tolerance() -> None:
    # No document newly fails, but two passing documents stop being evaluated (their
    # language changed): 3/4 -> 1/2 among the same four documents.
    def page(url: str, lang: str, title: str = "T") -> dict[str, Any]:
        return {"url": url, "lang": lang, "title": title}

    base = result(
        [page("a", "de", ""), page("b", "de"), page("c", "de"), page("d", "de")],
        WHERE_SUITE,
        indexed=True,
    )
    head = result(
        [page("a", "de", ""), page("b", "de"), page("c", "en"), page("d", "en")],
        WHERE_SUITE,
        indexed=True,
    )
    german = by_name(diff_results(base, head, 0.0), "german titles")
    assert german.newly_failing == () and german.regressed and german.dropped
    assert german.reason == (
        "pass rate dropped 25.00 points (3/4 → 1/2), more than the tolerance of 0.00"
    )
    assert not by_name(diff_results(base, head, 0.25), "german titles").regressed


def test_with_a_where_filter_and_removed_documents_the_comparison_is_marked_inexact() -> None:
    def page(url: str, lang: str, title: str = "T") -> dict[str, Any]:
        return {"url": url, "lang": lang, "title": title}

    records = [page("a", "de", ""), page("b", "de"), page("c", "en"), page("d", "de")]
    base = result(records, WHERE_SUITE, indexed=True)
    head = result(records[:3], WHERE_SUITE, indexed=True)  # 'd' (German, passing) removed
    diff = diff_results(base, head, 0.0)
    german = by_name(diff, "german titles")
    common = german.to_json()["common"]
    assert common["exact"] is False
    # Most favourable reading: the base evaluated as few common documents as it can have.
    assert common["base"] == {"evaluated": 2, "failed": 1, "pass_rate": 0.5}
    assert common["head"] == {"evaluated": 2, "failed": 1, "pass_rate": 0.5}
    assert not diff.regressed


def test_a_new_unreadable_record_is_newly_failing_not_added() -> None:
    base = result([doc("a")], indexed=True)
    head = result([doc("a")], indexed=True)
    readable = head.expectations[0]
    broken = replace(
        readable,
        evaluated=2,
        failed=1,
        failures=(Failure(None, "docs.jsonl:2", None, "not valid JSON"),),
    )
    head = replace(head, expectations=(broken, *head.expectations[1:]))
    readable_diff = by_name(diff_results(base, head, 0.0), readable.name)
    assert readable_diff.newly_failing == ("docs.jsonl:2",) and readable_diff.added_failing == ()
    assert readable_diff.regressed


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

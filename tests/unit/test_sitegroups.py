"""Per-group counts in the engine: groups, (none), folding, the memory bound, merging."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate import sitegroups
from scrapegate.engine import Engine
from scrapegate.grouping import GroupBy
from scrapegate.sitegroups import GroupViews, group_by_option
from scrapegate.siteview import site_groups
from tests.helpers import docs, suite_from_yaml

SUITE = """\
suite: units
documents:
  id: url
  group_by: {host: url}
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def records(*hosts: str, bad: str = "") -> list[dict[str, Any]]:
    return [
        {"url": f"https://{h}/{n}", "title": "" if h == bad else "T"} for n, h in enumerate(hosts)
    ]


def items(result: Any) -> list[tuple[str, str, int, int]]:
    groups = site_groups(result)
    assert groups is not None
    return [(g.name, g.kind, g.documents, g.failed_documents) for g in groups.items]


def test_documents_without_a_value_are_in_none_and_a_note_says_when_all_are() -> None:
    suite = suite_from_yaml(SUITE.replace("{host: url}", "{field: site}"))
    result = Engine(suite).run(docs(records("a.example", "b.example")))
    assert items(result) == [("(none)", "none", 2, 0)]
    groups = site_groups(result)
    assert groups is not None
    assert groups.notes() == [
        "no document has a usable value for the grouping (field: site): every document is "
        "in (none); is the field name right?"
    ]


def test_groups_past_the_tracked_bound_are_counted_in_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sitegroups, "TRACKED", 2)
    suite = suite_from_yaml(SUITE)
    hosts = ("a.example", "b.example", "c.example", "d.example", "a.example")
    result = Engine(suite).run(docs(records(*hosts, bad="d.example")))
    assert items(result) == [
        ("a.example", "group", 2, 0),
        ("b.example", "group", 1, 0),
        ("(other)", "other", 2, 1),
    ]
    assert result.extra["groups"]["untracked_documents"] == 2
    groups = site_groups(result)
    assert groups is not None
    assert "2 documents of groups first seen after the first " in groups.notes()[0]


def test_merging_slices_adds_the_counts_of_each_group() -> None:
    suite = suite_from_yaml(SUITE)
    engine = Engine(suite)
    first = engine.scan(docs(records("a.example", "b.example", bad="b.example")))
    second = engine.scan(docs(records("b.example", "c.example")), follows_earlier_slice=True)
    merged = engine.finish(engine.merge([first, second]))
    whole = Engine(suite).run(
        docs(records("a.example", "b.example", bad="b.example") + records("b.example", "c.example"))
    )
    assert (
        items(merged)
        == items(whole)
        == [
            ("b.example", "group", 2, 1),
            ("a.example", "group", 1, 0),
            ("c.example", "group", 1, 0),
        ]
    )


def test_keep_folds_the_smallest_groups() -> None:
    suite = suite_from_yaml(SUITE)
    views = GroupViews(GroupBy("url", host=True), keep=1)
    result = Engine(suite, views=views).run(docs(records("a.example", "a.example", "b.example")))
    assert items(result) == [("a.example", "group", 2, 0), ("(other)", "other", 1, 0)]
    assert result.extra["groups"]["folded"] == 1


@pytest.mark.parametrize(
    ("text", "by", "report"),
    [
        ("site", GroupBy("site"), "site"),
        ("field:site", GroupBy("site"), "site"),
        ("host:url", GroupBy("url", host=True), None),
        ("host", None, "host"),
        ("folder", None, "folder"),
    ],
)
def test_group_by_option_forms(text: str, by: GroupBy | None, report: str | None) -> None:
    assert group_by_option(text) == (by, report)

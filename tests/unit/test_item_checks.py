"""assert_item_passes: one item held to a suite inside a test, with the suite's evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapegate.testing import assert_item_passes, check_item

SUITE = """\
suite: items
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: no comment widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets]
  - name: body has enough words
    check: length
    field: body
    unit: words
    min: 5
    severity: warn
  - name: url unique
    check: unique
    field: url
  - name: enough items
    check: count
    min: 100
"""

GOOD = {
    "url": "https://n.example/1",
    "title": "Ferry",
    "body": "Ships moved again after the strike.",
}


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    path = tmp_path / "items.yaml"
    path.write_text(SUITE, encoding="utf-8")
    return path


def test_a_good_item_passes_and_corpus_checks_are_left_out(suite: Path) -> None:
    result = assert_item_passes(GOOD, suite)
    assert [e.name for e in result.expectations] == [
        "records are readable",
        "title present",
        "no comment widgets",
        "body has enough words",
    ]


def test_a_failing_item_raises_with_the_evidence(suite: Path) -> None:
    item = {**GOOD, "title": "", "body": "Ships moved.\ncomments powered by Disqus"}
    with pytest.raises(AssertionError) as failed:
        assert_item_passes(item, suite, name="ferry-page", url="https://n.example/list")
    message = str(failed.value)
    assert message.startswith(f"ferry-page failed 2 of 4 expectations of suite 'items' ({suite}):")
    assert "'title present' (not_empty on title): 1 of 1 failed" in message
    assert (
        "https://n.example/list ferry-page:1 (https://n.example/1) [body]: comment widget text "
        "'comments powered by Disqus'" in message
    )
    # A warning alone does not fail the item, unless strict.
    assert "body has enough words" not in message


def test_strict_fails_on_warnings_too(suite: Path) -> None:
    short = {**GOOD, "body": "Ships moved."}
    assert_item_passes(short, suite)
    with pytest.raises(AssertionError, match="'body has enough words'"):
        assert_item_passes(short, suite, strict=True)


def test_dataclass_items_are_read_through_itemadapter(suite: Path) -> None:
    pytest.importorskip("itemadapter", reason="the scrapy extra is not installed")
    from dataclasses import dataclass

    @dataclass
    class Article:
        url: str
        title: str
        body: str

    result = check_item(Article(**{**GOOD, "title": ""}), suite)
    assert result.expectations[1].failed == 1


def test_a_value_that_is_no_item_is_a_type_error(suite: Path) -> None:
    with pytest.raises(TypeError, match="a list is not"):
        check_item(["not", "an", "item"], suite)

"""repeated_lines' units, its bound on memory and its warning when the bound is reached."""

from __future__ import annotations

import pytest

from scrapegate.library import repeated_lines
from scrapegate.library.repeated_lines import normalise, units
from tests.helpers import run, suite_from_yaml

SUITE = """suite: s
expectations:
  - {name: t, check: repeated_lines, field: text, min_documents: 2, min_length: 5}
"""


def test_lines_are_units_and_a_flattened_page_adds_its_sentences() -> None:
    text = "  First line of the page  \n\nSecond line here"
    assert [(u.key, text[u.start : u.end]) for u in units(text, 5)] == [
        ("first line of the page", "First line of the page"),
        ("second line here", "Second line here"),
    ]
    flat = "Rain fell all day. Subscribe to our letter! 続きを読むにはここをクリック。次の記事"
    found = [(u.kind, flat[u.start : u.end]) for u in units(flat, 5)]
    assert ("sentence", "Subscribe to our letter!") in found
    assert ("sentence", "続きを読むにはここをクリック。") in found
    assert found[0] == ("line", flat)


def test_normalise_folds_case_width_and_whitespace() -> None:
    assert normalise(" Ｆｏｌｌｏｗ   US\ton  Mastodon ") == "follow us on mastodon"


def test_a_full_table_warns_and_stops_counting_new_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(repeated_lines, "MAX_DISTINCT", 3)
    records = [
        {"text": "Story one about boats\nStory two about nets\nShared footer line"},
        {"text": "Story three about gulls\nShared footer line"},
    ]
    result = run(suite_from_yaml(SUITE), records)
    er = result.expectation("t")
    assert er is not None and er.failed == 2
    assert any("counted at most 3 distinct lines in the corpus" in w for w in result.warnings), (
        result.warnings
    )

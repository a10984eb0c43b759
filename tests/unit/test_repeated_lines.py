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


def _site(pages: int, template_from: int = 0) -> list[dict[str, str]]:
    """Pages of one site: two lines of their own, and a footer from page ``template_from``."""
    out = []
    for i in range(pages):
        lines = [f"Story {i} tells of harbour number {i}", f"Page {i} weather was mild at {i}"]
        if i >= template_from:
            lines.append("Follow the Gazette on Mastodon today")
        out.append({"text": "\n".join(lines)})
    return out


def test_article_lines_are_dropped_from_the_counts_and_templates_stay_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(repeated_lines, "_COMPACT_FROM", 64)
    suite = suite_from_yaml(SUITE)
    result = run(suite, _site(500))
    er = result.expectation("t")
    assert er is not None and er.failed == 500
    assert {f.message for f in er.failures} == {
        "line 'Follow the Gazette on Mastodon today' repeats in 500 of 500 documents (100%) "
        "of the corpus (share > 50%)"
    }
    # The state itself: a bucket is 20 documents at share 0.5; after the last one only the
    # footer and the last bucket's own lines are counted, and only pages with a counted
    # line keep entries.
    state = repeated_lines.RepeatedLinesState(repeated_lines.RepeatedLinesParams(), None)
    for n, record in enumerate(_site(500)):
        state.observe(record["text"], repeated_lines.DocRef(str(n), f"p:{n}"))
    (group,) = state.groups.values()
    assert state.bucket == 20 and len(group.counts) <= 1 + 2 * 20
    assert len(state.unit_digests) < 4 * 500


def test_a_template_that_starts_late_is_found_within_the_error_bound() -> None:
    # The footer appears from page 100 of 400: 300 of 400 pages (75%) hold it.
    result = run(suite_from_yaml(SUITE), _site(400, template_from=100))
    er = result.expectation("t")
    assert er is not None
    assert er.failed == 300
    (message,) = {f.message for f in er.failures}
    assert "repeats in 300 of 400 documents (75%)" in message


def test_merged_slices_find_what_one_pass_finds() -> None:
    params = repeated_lines.RepeatedLinesParams()
    pages = _site(300, template_from=40)

    def state_of(records: list[dict[str, str]], first: int) -> repeated_lines.RepeatedLinesState:
        state = repeated_lines.RepeatedLinesState(params, None)
        for n, record in enumerate(records, start=first):
            state.observe(record["text"], repeated_lines.DocRef(str(n), f"p:{n}"))
        return state

    whole = state_of(pages, 0)
    merged = state_of(pages[:130], 0)
    list(merged.merge(state_of(pages[130:], 130)))
    assert [(cv.doc, cv.violation) for cv in merged.finish()] == [
        (cv.doc, cv.violation) for cv in whole.finish()
    ]

"""strip_boilerplate on whole pages flattened into one line (scrapegate.strategies)."""

from __future__ import annotations

from hypothesis import given

from scrapegate.cleaners import make_cleaner
from scrapegate.registry import get_check
from scrapegate.strategies import NEWS_PACKS, Page, flattened_page

STRIP = make_cleaner("strip_boilerplate", packs=list(NEWS_PACKS))
_CHECK = get_check("no_boilerplate")
NO_BOILERPLATE = _CHECK.factory(_CHECK.params(packs=NEWS_PACKS), None)


@given(flattened_page())
def test_a_flattened_page_cleans_to_output_that_passes_and_keeps_every_article_sentence(
    page: Page,
) -> None:
    assert NO_BOILERPLATE(page.raw), "the widget blocks must be flagged before cleaning"
    assert "\n" not in page.raw
    cleaned = STRIP(page.raw)
    assert [v.message for v in NO_BOILERPLATE(cleaned)] == []
    # Every article sentence stays, in order and verbatim (but for the spaces where a block
    # was cut), and nothing else does.
    assert " ".join(cleaned.split()) == page.article

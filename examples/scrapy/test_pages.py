"""Extractor regression tests on saved pages: the callback still extracts the expected item,
and that item passes the suite the crawl uses.

Save a page with `scrapegate save-page URL --name NAME --dir fixtures/pages`, review what
parse_article extracts, write it into NAME.json's "expected", and it is tested from then on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("scrapy", reason="the scrapy extra is not installed")

from townnews import parse_article

from scrapegate.scrapy.testing import SavedPage, saved_pages
from scrapegate.testing import assert_item_passes

HERE = Path(__file__).parent
SUITE = HERE / "expectations" / "articles.yaml"


@pytest.mark.parametrize("page", saved_pages(HERE / "fixtures" / "pages"), ids=str)
def test_saved_page_gives_the_expected_item_and_passes_the_suite(page: SavedPage) -> None:
    item = parse_article(page.response())
    assert item == page.expected
    assert_item_passes(item, SUITE, url=page.url)


def test_an_extractor_that_takes_the_comment_widget_fails_with_the_evidence() -> None:
    """What a regression looks like: the widget's text in the body, quoted by the suite."""
    page = next(p for p in saved_pages(HERE / "fixtures" / "pages") if p.name == "comments")
    response = page.response()
    item = parse_article(response)
    item["body"] = "\n".join(response.css("div.content p::text, div.content h3::text").getall())
    with pytest.raises(AssertionError) as failed:
        assert_item_passes(item, SUITE, url=page.url)
    message = str(failed.value)
    assert "item failed 1 of 5 expectations of suite 'townnews-articles'" in message
    assert "'no page chrome' (no_boilerplate on body): 1 of 1 failed" in message
    assert "comment widget text 'comments powered by Disqus'" in message
    assert f"{page.url} item:1" in message

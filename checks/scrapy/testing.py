"""Saved pages for extractor regression tests: ``fixtures/pages/<name>.html`` (the page as it
was served) beside ``<name>.json`` (where it came from, and the item expected from it).

``scrapegate save-page URL --name NAME`` writes both; you fill in ``expected`` once, after
reviewing what your callback extracts. A test then rebuilds the response and calls your
callback (or page object) on it::

    @pytest.mark.parametrize("page", saved_pages("fixtures/pages"), ids=str)
    def test_article_pages(page: SavedPage) -> None:
        item = parse_article(page.response())
        assert item == page.expected
        assert_item_passes(item, "expectations/items.yaml")
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

META_KEYS = ("url", "content_type", "saved", "expected")


@dataclass(frozen=True)
class SavedPage:
    """One saved page: its HTML file and what its ``.json`` says about it."""

    name: str
    html_path: Path
    json_path: Path
    url: str
    content_type: str | None
    meta: dict[str, Any]

    def __str__(self) -> str:
        return self.name

    @property
    def body(self) -> bytes:
        """The page's bytes as they were served."""
        return self.html_path.read_bytes()

    def response(self) -> HtmlResponse:
        """The page as Scrapy gave it to the callback: its URL, headers and bytes."""
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        return HtmlResponse(url=self.url, body=self.body, headers=headers)

    @property
    def expected(self) -> dict[str, Any]:
        """The item expected from this page; a failed test when it was never filled in."""
        expected = self.meta.get("expected")
        if not isinstance(expected, dict):
            import pytest

            pytest.fail(
                f"{self.json_path}: 'expected' is not filled in; write the item your callback "
                "should extract from this page (review it once, then keep it)",
                pytrace=False,
            )
        return expected


def load_page(html_path: str | os.PathLike[str]) -> SavedPage:
    """The saved page at ``html_path`` (its ``.json`` beside it)."""
    html = Path(html_path)
    meta_path = html.with_suffix(".json")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(
            f"{meta_path}: missing; save pages with 'scrapegate save-page URL --name "
            f"{html.stem}', which writes it beside {html.name}"
        ) from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{meta_path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("url"), str):
        raise ValueError(f"{meta_path}: expected an object with a 'url' string")
    content_type = meta.get("content_type")
    return SavedPage(
        name=html.stem,
        html_path=html,
        json_path=meta_path,
        url=meta["url"],
        content_type=content_type if isinstance(content_type, str) else None,
        meta=meta,
    )


def saved_pages(folder: str | os.PathLike[str]) -> list[SavedPage]:
    """Every saved page in ``folder``, by name (for ``pytest.mark.parametrize``).

    A missing or empty folder raises: parametrize over nothing would skip the test, and a
    suite run from another directory would pass having checked no page.
    """
    pages = sorted(Path(folder).glob("*.html"))
    if not pages:
        where = Path(folder).resolve()
        raise FileNotFoundError(
            f"no saved pages (*.html) in {where}: save one with 'scrapegate save-page URL "
            f"--name NAME --dir {folder}', or give the folder relative to where pytest runs"
        )
    return [load_page(path) for path in pages]


def response_from_page(html_path: str | os.PathLike[str]) -> HtmlResponse:
    """The Scrapy response of a saved page, ready for a callback or a page object."""
    return load_page(html_path).response()

"""Saved pages rebuild the response a callback got; an unfilled expected item fails loudly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip(
    "scrapy", reason="the scrapy extra is not installed (pip install -e '.[scrapy]')"
)

from scrapegate.cli import main
from scrapegate.scrapy.testing import load_page, response_from_page, saved_pages

PAGE = (
    b'<!doctype html><html><head><link rel="canonical" href="/cafe"></head>'
    b"<body><h1>Caf\xc3\xa9 opens</h1></body></html>\n"
)


@pytest.fixture
def pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("cafe.html").write_bytes(PAGE)
    url = "https://news.example/food/cafe-opens"
    assert main(["save-page", "cafe.html", "--name", "cafe", "--dir", "pages", "--url", url]) == 0
    return tmp_path / "pages"


def test_a_saved_page_is_the_response_the_callback_got(pages: Path) -> None:
    response = response_from_page(pages / "cafe.html")
    assert response.url == "https://news.example/food/cafe-opens"
    assert response.css("h1::text").get() == "Café opens"
    assert response.urljoin(response.css("link::attr(href)").get() or "") == (
        "https://news.example/cafe"
    )
    assert [str(p) for p in saved_pages(pages)] == ["cafe"]


def test_an_expected_item_not_filled_in_fails_the_test(pages: Path) -> None:
    page = load_page(pages / "cafe.html")
    with pytest.raises(pytest.fail.Exception, match="'expected' is not filled in"):
        _ = page.expected
    meta = json.loads(page.json_path.read_text(encoding="utf-8"))
    meta["expected"] = {"title": "Café opens"}
    page.json_path.write_text(json.dumps(meta), encoding="utf-8")
    assert load_page(pages / "cafe.html").expected == {"title": "Café opens"}


def test_a_page_without_its_json_says_how_to_save_it(tmp_path: Path) -> None:
    (tmp_path / "lost.html").write_bytes(PAGE)
    with pytest.raises(FileNotFoundError, match="scrapegate save-page URL --name lost"):
        load_page(tmp_path / "lost.html")


def test_no_saved_pages_is_an_error_not_a_test_that_checks_nothing(tmp_path: Path) -> None:
    # parametrize over an empty list skips the test: a wrong folder would pass silently.
    with pytest.raises(FileNotFoundError, match="no saved pages"):
        saved_pages(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match=r"save-page URL --name NAME --dir"):
        saved_pages(tmp_path)

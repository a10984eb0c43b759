"""A tiny example spider: town news articles (see README.md beside it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response


def parse_article(response: Response) -> dict[str, Any]:
    """The article's fields. Only the content block's own paragraphs make the body: the
    comment widget and the cookie banner sit in nested blocks and must stay out."""
    content = response.css("div.content")
    body = [p.strip() for p in content.xpath("./p[not(@class)]//text()").getall() if p.strip()]
    canonical = response.css("link[rel=canonical]::attr(href)").get()
    return {
        "url": response.urljoin(canonical) if canonical else response.url,
        "title": (content.css("h1::text").get() or "").strip(),
        "date": content.css("p.date time::text").get(),
        "body": "\n".join(body),
    }


class TownNewsSpider(scrapy.Spider):
    name = "townnews"
    start_urls = ("https://town.example/news/",)

    def __init__(self, start_url: str | None = None, **kwargs: Any) -> None:
        # `scrapy crawl townnews -a start_url=...`: crawl another copy of the site (README).
        super().__init__(**kwargs)
        if start_url:
            self.start_urls = (start_url,)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        for href in response.css("a.article::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        yield parse_article(response)

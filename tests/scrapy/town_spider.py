"""The spider of the crawl tests: town news articles, as dicts, Items, dataclasses or attrs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import attrs
import scrapy
from scrapy.http import Response


class ArticleItem(scrapy.Item):
    url = scrapy.Field()
    title = scrapy.Field()
    date = scrapy.Field()
    body = scrapy.Field()
    _scrapegate_failed = scrapy.Field()


@dataclasses.dataclass
class ArticleData:
    url: str
    title: str
    date: str | None
    body: str
    _scrapegate_failed: list[str] | None = None


@attrs.define
class ArticleAttrs:
    url: str
    title: str
    date: str | None
    body: str


def parse_article(response: Response) -> dict[str, Any]:
    """The fields a sloppy extractor takes: every text line of the content block."""
    content = response.css("div.content")
    lines = [t.strip() for t in content.xpath(".//p//text() | .//h3//text()").getall()]
    dated = content.css("p.date")
    body = [line for line in lines if line and line not in dated.css("::text").getall()]
    canonical = response.css("link[rel=canonical]::attr(href)").get()
    return {
        "url": response.urljoin(canonical) if canonical else response.url,
        "title": (content.css("h1::text").get() or "").strip(),
        "date": dated.css("time::text").get(),
        "body": "\n".join(body),
    }


KINDS: dict[str, Any] = {
    "dict": dict,
    "item": ArticleItem,
    "dataclass": ArticleData,
    "attrs": ArticleAttrs,
}


class TownSpider(scrapy.Spider):
    name = "town"

    def __init__(self, start: str = "", kind: str = "dict", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.kind = KINDS[kind]

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        for href in response.css("a.article::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield self.kind(**parse_article(response))

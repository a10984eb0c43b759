"""scrapegate inside a Scrapy crawl (``pip install "scrapegate[scrapy]"``).

Two lines in ``settings.py`` and a suite::

    ITEM_PIPELINES = {"scrapegate.scrapy.ScrapegatePipeline": 800}
    EXTENSIONS = {"scrapegate.scrapy.ScrapegateExtension": 500}
    SCRAPEGATE_SUITE = "expectations/items.yaml"

Every item is checked as it is scraped with the engine of ``scrapegate check``; the spider
closes with ``scrapegate_failed`` when the gate fails. See docs/scrapy.md for every setting.
"""

from __future__ import annotations

from .crawl import CLOSE_REASON, PageRecorder, ScrapegateExtension, ScrapegatePipeline

__all__ = ["CLOSE_REASON", "PageRecorder", "ScrapegateExtension", "ScrapegatePipeline"]

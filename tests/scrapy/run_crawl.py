"""Run one crawl of the town spider in this process (a test's subprocess: Twisted's reactor
cannot start twice in one process) and write its stats and close reason as JSON.

    python -m tests.scrapy.run_crawl CONFIG.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from tests.scrapy.town_spider import TownSpider


def main(config_path: str) -> None:
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    settings: dict[str, Any] = {
        "ITEM_PIPELINES": {"scrapegate.scrapy.ScrapegatePipeline": 800},
        "EXTENSIONS": {"scrapegate.scrapy.ScrapegateExtension": 500},
        "CONCURRENT_REQUESTS": 1,
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        **config["settings"],
    }
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(TownSpider)
    closed: dict[str, str] = {}

    def on_closed(spider: Any, reason: str) -> None:
        closed["reason"] = reason

    crawler.signals.connect(on_closed, signal=signals.spider_closed)
    process.crawl(crawler, start=config["start"], kind=config.get("kind", "dict"))
    process.start()
    if process.bootstrap_failed:
        # What `scrapy crawl` does when a component cannot start: exit 1.
        sys.exit(1)
    stats = {
        k: v if isinstance(v, (int, float, str, bool)) else str(v)
        for k, v in crawler.stats.get_stats().items()
    }
    with open(config["out"], "w", encoding="utf-8") as f:
        json.dump({"reason": closed.get("reason"), "stats": stats}, f)


if __name__ == "__main__":
    main(sys.argv[1])

"""A real crawl with the gate on: stats, the written result (the same as `scrapegate check`
on the exported feed), tagging, dropping and closing early."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main
from tests.scrapy.conftest import SUITE, crawl

# What the town-news site holds (tests/scrapy/site/index.html), in crawl order.
PAGES = ["harbour", "comments", "rail", "cookies", "no-date", "library", "duplicate", "short"]


def by_expectation(result: dict[str, Any], source: str) -> dict[str, Any]:
    """Per expectation: its counts and its (document, message) failures; a source quoted in
    a message (``first seen at ...``) becomes ``#N``, N the item's or the feed line's number,
    which are the same: the feed is written in the order the pipeline saw the items."""

    def same(message: str) -> str:
        return re.sub(source, lambda m: f"#{m.group(1)}", message)

    return {
        e["name"]: (
            e["evaluated"],
            e["failed"],
            sorted((f["doc"], same(f["message"])) for f in e["failures"]),
        )
        for e in result["expectations"]
    }


def test_a_crawl_checks_every_item_like_check_on_the_exported_feed(
    tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    done = crawl(tmp_path, f"{site}/index.html", {"SCRAPEGATE_REPORTS": str(tmp_path / "gate")})
    # The gate failed (comment widgets, cookie banners, a missing date, a duplicate url):
    # the spider says so in its close reason.
    assert done.reason == "scrapegate_failed"
    assert len(done.feed) == len(PAGES)
    assert done.stats["scrapegate/items/checked"] == len(PAGES)
    assert done.stats["scrapegate/passed"] is False
    expected_stats = {
        "title present": (8, 0),
        "date parses": (8, 1),
        "no comment widgets": (8, 1),
        "no cookie banners": (8, 1),
        "body has enough words": (8, 1),
        "url unique": (8, 1),
        "enough articles": (1, 0),
    }
    for name, (evaluated, failed) in expected_stats.items():
        assert (done.stat(name, "evaluated"), done.stat(name, "failed")) == (evaluated, failed)

    # The result, HTML and Markdown reports were written at close.
    result = json.loads((tmp_path / "gate" / "town-news.json").read_text(encoding="utf-8"))
    assert (
        (tmp_path / "gate" / "town-news.html")
        .read_text(encoding="utf-8")
        .startswith("<!doctype html>")
    )
    assert "town-news" in (tmp_path / "gate" / "town-news.md").read_text(encoding="utf-8")
    assert result["schema_version"] == 1
    assert result["inputs"] == ["town"]
    assert result["gate"]["passed"] is False

    # `scrapegate check` on the feed the same crawl exported finds the same failures.
    code = main(["check", str(done.feed_path), "--suite", str(SUITE), "--json", "feed.json", "-q"])
    assert code == 1
    capsys.readouterr()
    from_feed = json.loads(Path("feed.json").read_text(encoding="utf-8"))
    item_source = re.escape(site) + r"/\S+ town:(\d+)"
    feed_source = re.escape(str(done.feed_path)) + r":(\d+)"
    assert by_expectation(result, item_source) == by_expectation(from_feed, feed_source)

    # Each failure names its item and the page it came from.
    widgets = next(e for e in result["expectations"] if e["name"] == "no comment widgets")
    failures = widgets["failures"]
    assert {f["doc"] for f in failures} == {f"{site}/comments.html"}
    for failure in failures:
        assert re.fullmatch(re.escape(f"{site}/comments.html town:") + "[1-8]", failure["source"])
    assert "comments powered by Disqus" in failures[-1]["message"]

    # The summary is in the log, with the gate's line.
    assert "town-news: 8 documents" in done.log
    assert "gate: failures — 4 of 7 error expectations failed: FAIL" in done.log

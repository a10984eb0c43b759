"""A real crawl with the gate on: stats, the written result (the same as `scrapegate check`
on the exported feed), tagging, dropping and closing early."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "scrapy", reason="the scrapy extra is not installed (pip install -e '.[scrapy]')"
)

from scrapegate.cli import main
from tests.scrapy.conftest import SUITE, crawl, failed_start
from tests.webhook import refused_url, webhook

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
    feed_result = tmp_path / "feed-result.json"
    code = main(
        ["check", str(done.feed_path), "--suite", str(SUITE), "--json", str(feed_result), "-q"]
    )
    assert code == 1
    capsys.readouterr()
    from_feed = json.loads(feed_result.read_text(encoding="utf-8"))
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


def by_title(crawl_feed: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["title"]: item for item in crawl_feed}


@pytest.mark.parametrize("kind", ["dict", "item", "dataclass"])
def test_tag_adds_the_failed_expectations_to_the_item(tmp_path: Path, site: str, kind: str) -> None:
    done = crawl(tmp_path, f"{site}/index.html", {"SCRAPEGATE_ON_FAILURE": "tag"}, kind=kind)
    items = by_title(done.feed)
    assert len(items) == len(PAGES)
    tags = {title: item.get("_scrapegate_failed") for title, item in items.items()}
    assert tags == {
        "Ferry timetable approved": None,
        "Night trains to resume": None,
        "Library reopens after renovation": None,
        "Council delays budget vote": ["no comment widgets"],
        "Museum extends opening hours": ["no cookie banners"],
        "Bridge repairs finished early": ["date parses"],
        # A warn-severity failure is tagged too.
        "Market closed for the holiday": ["body has enough words"],
        # A duplicate is only known at the end of the crawl ('unique' is a corpus check).
        "Ferry timetable approved (updated)": None,
    }
    assert done.stats["scrapegate/items/tagged"] == 4
    assert done.stats["scrapegate/items/failed"] == 4


def test_attrs_items_are_checked_and_an_undeclared_tag_field_is_said_once(
    tmp_path: Path, site: str
) -> None:
    done = crawl(tmp_path, f"{site}/index.html", {"SCRAPEGATE_ON_FAILURE": "tag"}, kind="attrs")
    assert done.stats["scrapegate/items/checked"] == len(PAGES)
    assert done.stat("no cookie banners", "failed") == 1
    assert "_scrapegate_failed" not in json.dumps(done.feed)
    assert done.log.count("cannot tag ArticleAttrs items: they have no field") == 1


def test_drop_removes_items_failing_an_error_expectation(tmp_path: Path, site: str) -> None:
    done = crawl(
        tmp_path,
        f"{site}/index.html",
        {"SCRAPEGATE_ON_FAILURE": "drop", "SCRAPEGATE_REPORTS": {"json": "gate.json"}},
    )
    assert sorted(by_title(done.feed)) == [
        "Ferry timetable approved",
        "Ferry timetable approved (updated)",
        "Library reopens after renovation",
        "Market closed for the holiday",  # only a warning
        "Night trains to resume",
    ]
    assert done.stats["scrapegate/items/dropped"] == 3
    assert done.stats["item_dropped_count"] == 3
    assert "scrapegate: failed 'no comment widgets'" in done.log
    # The result describes every item scraped, dropped or not.
    result = json.loads((tmp_path / "gate.json").read_text(encoding="utf-8"))
    assert result["documents"] == len(PAGES)


def test_the_spider_closes_early_after_n_failing_items(tmp_path: Path, site: str) -> None:
    done = crawl(tmp_path, f"{site}/index.html", {"SCRAPEGATE_CLOSE_AFTER_FAILURES": 1})
    assert done.reason == "scrapegate_failed"
    assert done.stats["scrapegate/items/checked"] < len(PAGES)
    assert done.stats["scrapegate/closed_early"] == (
        "1 items failed an error expectation (SCRAPEGATE_CLOSE_AFTER_FAILURES = 1)"
    )
    assert "scrapegate: closing the spider early" in done.log


def test_the_spider_closes_early_when_a_pass_rate_falls_below_mostly(
    tmp_path: Path, site: str
) -> None:
    done = crawl(tmp_path, f"{site}/index.html", {"SCRAPEGATE_CLOSE_BELOW_MOSTLY_AFTER": 4})
    assert done.reason == "scrapegate_failed"
    why = done.stats["scrapegate/closed_early"]
    assert re.fullmatch(
        r"'[a-z ]+' passes \d+\.\d% of [4-8] items, below mostly 100\.0% "
        r"\(SCRAPEGATE_CLOSE_BELOW_MOSTLY_AFTER = 4\)",
        why,
    ), why
    assert done.stats["scrapegate/items/checked"] >= 4


def test_a_clean_crawl_finishes_and_passes(tmp_path: Path, site: str) -> None:
    done = crawl(tmp_path, f"{site}/clean.html", {})
    assert done.reason == "finished"
    assert done.stats["scrapegate/passed"] is True
    assert done.stats["scrapegate/items/checked"] == 3
    assert "scrapegate/items/failed" not in done.stats
    assert done.stat("enough articles", "evaluated") == 1
    assert "gate: failures — all 7 error expectations hold: PASS" in done.log


def test_a_bad_setting_stops_the_crawl_before_it_starts(tmp_path: Path, site: str) -> None:
    err = failed_start(
        tmp_path,
        f"{site}/index.html",
        {"SCRAPEGATE_SUITE": str(SUITE), "SCRAPEGATE_ON_FAILURE": "explode"},
    )
    message = "SCRAPEGATE_ON_FAILURE is 'explode'; give one of keep, tag, drop"
    assert message in err
    # The message leads, before Scrapy's traceback, not only at its end.
    assert err.index(message) < err.index("Traceback")


def test_a_bad_suite_stops_the_crawl_with_its_file_line_and_column(
    tmp_path: Path, site: str
) -> None:
    suite = tmp_path / "bad.yaml"
    suite.write_text(
        "suite: bad\nexpectations:\n  - name: t\n    check: not_emtpy\n    field: title\n",
        encoding="utf-8",
    )
    err = failed_start(tmp_path, f"{site}/index.html", {"SCRAPEGATE_SUITE": str(suite)})
    assert f"{suite}:4:12: unknown check 'not_emtpy'" in err


def test_a_failed_crawl_alerts_the_webhook_with_the_report_path(tmp_path: Path, site: str) -> None:
    with webhook() as hook:
        done = crawl(
            tmp_path,
            f"{site}/index.html",
            {
                "SCRAPEGATE_NOTIFY_URL": hook.url,
                "SCRAPEGATE_REPORTS": {"html": "reports/{suite}.html"},
            },
        )
    assert done.stats["scrapegate/notify"] == "sent"
    [body] = hook.received
    assert body["text"].startswith("scrapegate: suite 'town-news' failed (8 documents)")
    listing = body["blocks"][2]["text"]["text"]
    assert "• *date parses* (error): 1 of 8 failed" in listing
    assert body["blocks"][3]["elements"][0]["text"] == "Report: `reports/town-news.html`"


def test_an_unreachable_webhook_is_a_warning_and_the_crawl_ends_as_it_would(
    tmp_path: Path, site: str
) -> None:
    url = refused_url()
    done = crawl(tmp_path, f"{site}/index.html", {"SCRAPEGATE_NOTIFY_URL": url})
    assert done.reason == "scrapegate_failed"
    assert done.stats["scrapegate/notify"] == "failed"
    assert "scrapegate: notify http://127.0.0.1/…: could not reach it:" in done.log
    assert url not in done.log

"""The suite inside a crawl: an item pipeline that checks every item as it is scraped, and an
extension that owns the run, decides the gate at the end and writes the reports.

The extension builds an :class:`~scrapegate.incremental.IncrementalRun` (the engine of
``scrapegate check``, one document at a time) and adds a small spider middleware,
:class:`PageRecorder`, that remembers the page each item came from: item pipelines are not
told. Crawler stats get ``scrapegate/<expectation>/evaluated`` and ``.../failed`` as items
arrive, and the final counts (corpus checks included) when the spider closes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from io import StringIO
from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured

from ..errors import ScrapegateError, UsageError
from ..gate import GateDecision, attach, decide, default_fail_on
from ..incremental import IncrementalRun, Verdict
from ..result import RunResult
from ..suite import load_suite
from .settings import GateSettings, read_settings, report_paths

logger = logging.getLogger("scrapegate")

# The spider's close reason when the gate failed (early, or when the crawl ran out of pages).
CLOSE_REASON = "scrapegate_failed"
PREFIX = "scrapegate"


def stat_name(expectation: str, what: str) -> str:
    """``scrapegate/<expectation>/<what>``: the crawler stat of one expectation's count."""
    return f"{PREFIX}/{expectation}/{what}"


class ScrapegateExtension:
    """Runs ``SCRAPEGATE_SUITE`` over the crawl's items; at the end writes the result and
    reports, logs the summary, sends the alert and names the gate in the close reason."""

    def __init__(self, crawler: Any, config: GateSettings) -> None:
        self.crawler = crawler
        self.config = config
        self.suite = load_suite(config.suite)
        self.reports = report_paths(
            _plain(crawler.settings.get("SCRAPEGATE_REPORTS")), self.suite.name
        )
        self.run: IncrementalRun | None = None
        self.pipeline: ScrapegatePipeline | None = None
        # id(item) -> the URL of the page it was scraped from, until the pipeline sees it.
        self.pages: dict[int, str] = {}
        self.started = 0.0
        self.items_failed = 0
        self.error_items = 0
        self.closing: str | None = None
        self.result: RunResult | None = None
        self.decision: GateDecision | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScrapegateExtension:
        """Off (NotConfigured) without ``SCRAPEGATE_SUITE``; a bad setting or suite stops the
        crawl before it starts, with the setting's or the suite's ``file:line:col`` message."""
        try:
            config = read_settings(crawler.settings)
            if config is None:
                raise NotConfigured("SCRAPEGATE_SUITE is not set")
            extension = cls(crawler, config)
        except ScrapegateError as exc:
            # Scrapy prints a long Twisted traceback for this; the user's message comes
            # first, on its own, so it is not lost at the end of the trace.
            logger.error("scrapegate: %s (the crawl does not start)", exc)
            raise
        if not crawler.settings.frozen:
            crawler.settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", PageRecorder, 1)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.forget_item, signal=signals.item_dropped)
        crawler.signals.connect(extension.forget_item, signal=signals.item_error)
        return extension

    @property
    def origin(self) -> str:
        """The spider's name: items are ``<page> <spider>:<N>``."""
        spider = self.crawler.spider
        return str(getattr(spider, "name", None) or "spider")

    def spider_opened(self, spider: Any = None) -> None:
        """Start the run; say so when the pipeline that feeds it is not enabled."""
        self.started = time.perf_counter()
        self.run = IncrementalRun(self.suite, self.origin)
        if self.pipeline is None:
            logger.error(
                "scrapegate: SCRAPEGATE_SUITE is set but no item reaches it: add "
                "'scrapegate.scrapy.ScrapegatePipeline' to ITEM_PIPELINES"
            )

    def forget_item(self, item: Any, **kwargs: Any) -> None:
        """An item another pipeline dropped (or failed on) never reaches ours."""
        self.pages.pop(id(item), None)

    def check(self, item: Any) -> Verdict:
        """Check one item; update the stats; close the spider early when the settings say so."""
        if self.run is None or self.run.result is not None:
            self.spider_opened()
        assert self.run is not None
        fields = ItemAdapter(item).asdict()
        doc = self.run.document(fields, url=self.pages.pop(id(item), None))
        verdict = self.run.add(doc)
        stats = self.crawler.stats
        stats.inc_value(f"{PREFIX}/items/checked")
        if verdict.failed:
            self.items_failed += 1
            stats.inc_value(f"{PREFIX}/items/failed")
        if verdict.errors:
            self.error_items += 1
        for count in self.run.counts():
            stats.set_value(stat_name(count.name, "evaluated"), count.evaluated)
            stats.set_value(stat_name(count.name, "failed"), count.failed)
        self._close_early_if_needed()
        return verdict

    def _close_early_if_needed(self) -> None:
        if self.closing is not None or self.run is None:
            return
        config = self.config
        why = None
        if config.close_after_failures and self.error_items >= config.close_after_failures:
            why = (
                f"{self.error_items} items failed an error expectation "
                f"(SCRAPEGATE_CLOSE_AFTER_FAILURES = {config.close_after_failures})"
            )
        elif config.close_below_mostly_after:
            for count in self.run.counts():
                if (
                    count.severity == "error"
                    and count.evaluated >= config.close_below_mostly_after
                    and count.pass_rate < count.mostly
                ):
                    why = (
                        f"{count.name!r} passes {count.pass_rate:.1%} of {count.evaluated} "
                        f"items, below mostly {count.mostly:.1%} "
                        f"(SCRAPEGATE_CLOSE_BELOW_MOSTLY_AFTER = "
                        f"{config.close_below_mostly_after})"
                    )
                    break
        if why is None:
            return
        self.closing = why
        self.crawler.stats.set_value(f"{PREFIX}/closed_early", why)
        logger.warning("scrapegate: closing the spider early: %s", why)
        engine = self.crawler.engine
        if hasattr(engine, "close_spider_async"):
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason=CLOSE_REASON))
        else:  # Scrapy before 2.14
            engine.close_spider(self.crawler.spider, CLOSE_REASON)

    def spider_idle(self, spider: Any = None) -> None:
        """Out of pages: close the corpus checks (on a copy) and, when the gate fails, close
        with ``scrapegate_failed`` instead of ``finished``."""
        if self.run is None or self.closing is not None:
            return
        _, decision = self._decide(self.run.preview((self.origin,), self.started))
        if not decision.passed:
            self.closing = decision.line
            raise CloseSpider(CLOSE_REASON)

    def _decide(self, result: RunResult) -> tuple[RunResult, GateDecision]:
        decision = decide(result, None, default_fail_on(has_baseline=False))
        return attach(result, decision), decision

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        """The result: final stats, the reports, the summary in the log, the alert."""
        if self.run is None:
            return
        result, decision = self._decide(self.run.finish((self.origin,), self.started))
        self.result, self.decision = result, decision
        self.pages.clear()
        stats = self.crawler.stats
        for er in result.expectations[1:]:
            stats.set_value(stat_name(er.name, "evaluated"), er.evaluated)
            stats.set_value(stat_name(er.name, "failed"), er.failed)
        stats.set_value(f"{PREFIX}/passed", decision.passed)
        written = self._write_reports(result)
        self._log_summary(result, decision, reason)
        if self.config.notify_url and not decision.passed:
            from ..notify import notify

            report = next((path for kind, path in written if kind == "html"), None)
            report = report or (written[0][1] if written else None)
            warning = notify(
                self.config.notify_url, result, decision, report, self.config.notify_timeout
            )
            if warning is not None:
                logger.warning("scrapegate: %s", warning)
                stats.set_value(f"{PREFIX}/notify", "failed")
            else:
                stats.set_value(f"{PREFIX}/notify", "sent")

    def _write_reports(self, result: RunResult) -> list[tuple[str, str]]:
        written = []
        for kind, path in self.reports:
            try:
                if kind == "json":
                    from ..reports.json_report import write_json

                    write_json(result, path)
                elif kind == "html":
                    from ..reports.html import write_html

                    write_html(result, path)
                else:
                    from ..reports.markdown import write_markdown

                    write_markdown(result, path)
            except (ScrapegateError, OSError) as exc:
                logger.error("scrapegate: could not write the %s report %s: %s", kind, path, exc)
                continue
            written.append((kind, path))
            logger.info("scrapegate: wrote the %s report to %s", kind, path)
        return written

    def _log_summary(self, result: RunResult, decision: GateDecision, reason: str) -> None:
        from rich.console import Console

        from ..terminal import render, render_gate

        buffer = StringIO()
        console = Console(file=buffer, width=120, no_color=True, highlight=False, soft_wrap=True)
        render(result, console, limit=self.config.log_failures)
        render_gate(decision, console)
        level = logging.INFO if decision.passed else logging.WARNING
        logger.log(
            level,
            "scrapegate: %s (close reason %r)\n%s",
            result.suite,
            reason,
            buffer.getvalue().rstrip(),
        )


class ScrapegatePipeline:
    """Checks each item as it is scraped; ``SCRAPEGATE_ON_FAILURE`` keeps, tags or drops
    the items that fail."""

    def __init__(self, extension: ScrapegateExtension) -> None:
        self.extension = extension
        self.config = extension.config
        self.untaggable: set[type] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScrapegatePipeline:
        """Joins the extension's run; off when the extension is (no ``SCRAPEGATE_SUITE``)."""
        extension = crawler.get_extension(ScrapegateExtension)
        if extension is None:
            if crawler.settings.get("SCRAPEGATE_SUITE"):
                raise UsageError(
                    "SCRAPEGATE_SUITE is set but the scrapegate extension is not enabled: add "
                    "'scrapegate.scrapy.ScrapegateExtension' to EXTENSIONS"
                )
            raise NotConfigured("SCRAPEGATE_SUITE is not set")
        pipeline = cls(extension)
        extension.pipeline = pipeline
        return pipeline

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Check ``item``; keep, tag or drop it."""
        verdict = self.extension.check(item)
        if not verdict.failed:
            return item
        on_failure = self.config.on_failure
        stats = self.extension.crawler.stats
        if on_failure == "drop" and verdict.errors:
            stats.inc_value(f"{PREFIX}/items/dropped")
            raise DropItem(f"scrapegate: failed {', '.join(map(repr, verdict.errors))}")
        if on_failure == "tag":
            self._tag(item, verdict)
        return item

    def _tag(self, item: Any, verdict: Verdict) -> None:
        adapter = ItemAdapter(item)
        try:
            adapter[self.config.tag_field] = list(verdict.failed)
        except KeyError:
            # A scrapy.Item, dataclass or attrs class without that field: say so once.
            kind = type(item)
            if kind not in self.untaggable:
                self.untaggable.add(kind)
                logger.warning(
                    "scrapegate: cannot tag %s items: they have no field %r; declare it "
                    "(%s = scrapy.Field(), or a dataclass/attrs field defaulting to None) "
                    "or set SCRAPEGATE_TAG_FIELD",
                    kind.__name__,
                    self.config.tag_field,
                    self.config.tag_field,
                )
            return
        self.extension.crawler.stats.inc_value(f"{PREFIX}/items/tagged")


class PageRecorder:
    """Spider middleware (added by the extension): notes the page each item came from."""

    def __init__(self, pages: dict[int, str]) -> None:
        self.pages = pages

    @classmethod
    def from_crawler(cls, crawler: Any) -> PageRecorder:
        """Shares the extension's notes; off without the extension."""
        extension = crawler.get_extension(ScrapegateExtension)
        if extension is None:
            raise NotConfigured("the scrapegate extension is not enabled")
        return cls(extension.pages)

    def _note(self, response: Any, output: Any) -> None:
        if is_item(output):
            url = getattr(response, "url", None)
            if isinstance(url, str):
                self.pages[id(output)] = url

    def process_spider_output(
        self, response: Any, result: Iterable[Any], spider: Any = None
    ) -> Iterator[Any]:
        """Pass every output on, noting items' pages."""
        for output in result:
            self._note(response, output)
            yield output

    async def process_spider_output_async(
        self, response: Any, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        """The same for asynchronous callbacks."""
        async for output in result:
            self._note(response, output)
            yield output


def _plain(value: Any) -> Any:
    """A settings object (Scrapy's BaseSettings for dict values) as a plain dict."""
    if value is not None and not isinstance(value, (str, dict)) and hasattr(value, "items"):
        return dict(value.items())
    return value

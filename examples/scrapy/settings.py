"""The example project's Scrapy settings: the gate is these lines."""

BOT_NAME = "townnews"
SPIDER_MODULES = ["townnews"]

# scrapegate: check every item against the suite as it is scraped.
ITEM_PIPELINES = {"scrapegate.scrapy.ScrapegatePipeline": 800}
EXTENSIONS = {"scrapegate.scrapy.ScrapegateExtension": 500}
SCRAPEGATE_SUITE = "expectations/articles.yaml"

# Optional: what to do with a failing item, when to stop, where the reports go.
SCRAPEGATE_ON_FAILURE = "tag"  # keep | tag | drop
SCRAPEGATE_CLOSE_AFTER_FAILURES = 50
SCRAPEGATE_REPORTS = "scrapegate-reports"  # <suite>.json, .html and .md in this folder
# SCRAPEGATE_NOTIFY_URL = "https://hooks.slack.com/services/..."

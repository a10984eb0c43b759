"""Extractor regression tests: hold one scraped item to a suite inside a test.

``assert_item_passes(item, "expectations/items.yaml")`` checks one item (a dict, a Scrapy
``Item``, a dataclass or an attrs object) with the engine of ``scrapegate check`` and raises
``AssertionError`` with the suite's evidence (expectation, field, message, snippet) when an
error-severity expectation fails. Corpus checks (``unique``, ``count``, ``repeated_lines``)
judge a whole crawl, not an item: they are left out here.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from typing import Any

from .incremental import IncrementalRun
from .registry import get_check
from .result import RunResult
from .suite import Suite, load_suite


def item_fields(item: Any) -> dict[str, Any]:
    """An item's fields as a dict: dicts as they are, other item types through itemadapter."""
    if isinstance(item, dict):
        return dict(item)
    try:
        from itemadapter import ItemAdapter, is_item
    except ImportError:
        raise TypeError(
            f"a {type(item).__name__} is not a dict; install scrapegate[scrapy] (itemadapter) "
            "to check Scrapy Items, dataclasses and attrs objects"
        ) from None
    if not is_item(item):
        raise TypeError(
            f"a {type(item).__name__} is not an item (a dict, Item, dataclass or attrs object)"
        )
    fields: dict[str, Any] = ItemAdapter(item).asdict()
    return fields


def check_item(
    item: Any,
    suite: Suite | str | os.PathLike[str],
    name: str = "item",
    url: str | None = None,
    now: datetime | None = None,
) -> RunResult:
    """The result of the suite's row checks on one item (source ``url name:1``)."""
    loaded = suite if isinstance(suite, Suite) else load_suite(os.fspath(suite))
    rows = tuple(e for e in loaded.expectations if not get_check(e.check).corpus)
    run = IncrementalRun(replace(loaded, expectations=rows, waivers=()), name, now)
    run.add(run.document(item_fields(item), url=url))
    return run.finish((name,))


def assert_item_passes(
    item: Any,
    suite: Suite | str | os.PathLike[str],
    *,
    strict: bool = False,
    name: str = "item",
    url: str | None = None,
    now: datetime | None = None,
) -> RunResult:
    """Raise AssertionError with the evidence when ``item`` fails an error expectation of
    ``suite`` (with ``strict``, a warning too); return the result when it passes."""
    from .reports.text import describe

    result = check_item(item, suite, name, url, now)
    failed = [
        er for er in result.expectations if not er.passed and (strict or er.severity == "error")
    ]
    if failed:
        where = f" ({result.suite_path})" if result.suite_path else ""
        lines = [
            f"{name} failed {len(failed)} of {len(result.expectations)} expectations of suite "
            f"{result.suite!r}{where}:"
        ]
        lines.extend(
            describe(er, limit=10, more_hint="check_item() returns them all") for er in failed
        )
        raise AssertionError("\n".join(lines))
    return result

"""The ``SCRAPEGATE_*`` settings of a crawl, read once and checked, with messages that say
which setting is wrong and what it accepts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..notify import DEFAULT_TIMEOUT, url_problem
from ..suite import suite_file_name

ON_FAILURE = ("keep", "tag", "drop")
TAG_FIELD = "_scrapegate_failed"
REPORT_KINDS = {"json": ".json", "html": ".html", "markdown": ".md"}


@dataclass(frozen=True)
class GateSettings:
    """What the pipeline and the extension do; see docs/scrapy.md for each setting."""

    suite: str
    on_failure: str = "keep"
    tag_field: str = TAG_FIELD
    close_after_failures: int = 0
    close_below_mostly_after: int = 0
    reports: tuple[tuple[str, str], ...] = ()
    notify_url: str | None = None
    notify_timeout: float = DEFAULT_TIMEOUT
    log_failures: int = 10


def _int(settings: Any, name: str, default: int) -> int:
    value = settings.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} is {value!r}; give a whole number (0 turns it off)") from None
    if number < 0:
        raise UsageError(f"{name} is {number}; give 0 or more (0 turns it off)")
    return number


def report_paths(value: Any, suite_name: str) -> tuple[tuple[str, str], ...]:
    """``SCRAPEGATE_REPORTS`` as (kind, path) pairs: a folder gets ``<suite>.json``,
    ``.html`` and ``.md``; a dict names each kind's file (``{suite}`` becomes the suite's name).
    """
    if value is None or value == "" or value == {}:
        return ()
    safe = suite_file_name(suite_name)
    if isinstance(value, (str, os.PathLike)):
        folder = os.fspath(value)
        return tuple((kind, os.path.join(folder, safe + ext)) for kind, ext in REPORT_KINDS.items())
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in REPORT_KINDS)
        if unknown:
            raise UsageError(
                f"SCRAPEGATE_REPORTS has {', '.join(repr(k) for k in unknown)}; its keys are "
                f"{', '.join(REPORT_KINDS)} (each a file path), or give a folder instead"
            )
        return tuple(
            (kind, os.fspath(path).replace("{suite}", safe)) for kind, path in value.items() if path
        )
    raise UsageError(
        f"SCRAPEGATE_REPORTS is {type(value).__name__}; give a folder, or a dict such as "
        "{'json': 'gate.json', 'html': 'gate.html', 'markdown': 'gate.md'}"
    )


def read_settings(settings: Any) -> GateSettings | None:
    """The gate's settings, or None when ``SCRAPEGATE_SUITE`` is not set (the gate is off)."""
    suite = settings.get("SCRAPEGATE_SUITE")
    if not suite:
        return None
    on_failure = str(settings.get("SCRAPEGATE_ON_FAILURE", "keep")).lower()
    if on_failure not in ON_FAILURE:
        raise UsageError(
            f"SCRAPEGATE_ON_FAILURE is {on_failure!r}; give one of {', '.join(ON_FAILURE)}"
        )
    tag_field = str(settings.get("SCRAPEGATE_TAG_FIELD", TAG_FIELD) or TAG_FIELD)
    notify_url = settings.get("SCRAPEGATE_NOTIFY_URL") or None
    if notify_url is not None:
        problem = url_problem(str(notify_url))
        if problem is not None:
            raise UsageError(f"SCRAPEGATE_NOTIFY_URL: {problem}; give the webhook's full URL")
    timeout_value = settings.get("SCRAPEGATE_NOTIFY_TIMEOUT", DEFAULT_TIMEOUT)
    try:
        timeout = float(timeout_value)
    except (TypeError, ValueError):
        timeout = -1.0
    if not 0.1 <= timeout <= 120:
        raise UsageError(
            f"SCRAPEGATE_NOTIFY_TIMEOUT is {timeout_value!r}; give seconds from 0.1 to 120"
        )
    return GateSettings(
        suite=os.fspath(suite),
        on_failure=on_failure,
        tag_field=tag_field,
        close_after_failures=_int(settings, "SCRAPEGATE_CLOSE_AFTER_FAILURES", 0),
        close_below_mostly_after=_int(settings, "SCRAPEGATE_CLOSE_BELOW_MOSTLY_AFTER", 0),
        reports=(),  # filled in once the suite's name is known
        notify_url=str(notify_url) if notify_url else None,
        notify_timeout=timeout,
        log_failures=_int(settings, "SCRAPEGATE_LOG_FAILURES", 10),
    )

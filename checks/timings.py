"""Where a run's time went, for the benchmark: the intervals during which records were scanned.

Set ``SCRAPEGATE_TIMINGS`` to a file path and every run writes there, as JSON, the monotonic
start and end of each scan (one per worker slice, or one for a run in one process). What lies
outside them, interpreter start-up, planning, merging the workers' partials, closing corpus
checks and writing reports, is the serial share that caps how far more workers can help
(bench/ prints it). Nothing is written without the variable; a write that fails is ignored,
because timings must never change a run's outcome.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence

import orjson

ENV = "SCRAPEGATE_TIMINGS"

Interval = tuple[float, float]


def wanted() -> bool:
    """Whether this run records its scanning intervals (a crawl checking item by item would
    otherwise keep one per item)."""
    return bool(os.environ.get(ENV))


def record(intervals: Sequence[Interval]) -> None:
    """Write ``intervals`` to the file ``SCRAPEGATE_TIMINGS`` names, if it names one."""
    path = os.environ.get(ENV)
    if not path:
        return
    with contextlib.suppress(OSError), open(path, "wb") as fh:
        fh.write(orjson.dumps({"scan_intervals": [list(i) for i in intervals]}))


def covered(intervals: Sequence[Interval]) -> float:
    """Seconds during which at least one interval was running (their union's length)."""
    total = 0.0
    end = float("-inf")
    for low, high in sorted(intervals):
        if high <= end:
            continue
        total += high - max(low, end)
        end = high
    return total

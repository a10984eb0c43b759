"""The regression gate: compare a run with a stored result (the baseline) and say what got worse.

What regresses, and the comparison every report renders, is :mod:`scrapegate.resultdiff`;
this module is the gate on top of it (``scrapegate diff``, ``check --baseline``) and keeps the
names it always had.
"""

from __future__ import annotations

from .reports.diffview import render_diff
from .result import RunResult
from .resultdiff import ExpectationDiff, ResultDiff, diff_of, diff_results
from .resultfile import BaselineError, read_result


def load_result(path: str) -> RunResult:
    """Read a stored result JSON, or raise BaselineError saying what is wrong and what to do."""
    return read_result(path)


__all__ = [
    "BaselineError",
    "ExpectationDiff",
    "ResultDiff",
    "diff_of",
    "diff_results",
    "load_result",
    "render_diff",
]

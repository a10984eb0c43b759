"""Cleaners: pure ``str -> str`` functions registered by name, chained by a suite's pipeline.

``cleaners:`` in a suite lists steps by name (``- normalize_whitespace``) or with parameters
(``- strip_boilerplate: {packs: [comment_widgets]}``). Each cleaner lives in its own module
here; its docstring states the properties it keeps (idempotent, deletion-only, never
lengthens) and ``tests/properties`` proves them. Third-party cleaners register through the
``scrapegate.cleaners`` entry-point group with :func:`cleaner`.
"""

from __future__ import annotations

from ._pipeline import (
    Cleaned,
    DocProblem,
    Pipeline,
    RunStats,
    Step,
    StepStats,
    build_pipeline,
    line_count,
    removed_lines,
)
from ._registry import (
    ENTRY_POINT_GROUP,
    CleanerError,
    CleanerType,
    CleanFunction,
    DuplicateCleanerError,
    UnknownCleanerError,
    builtin_cleaners,
    cleaner,
    get_cleaner,
    make_cleaner,
    registry,
)
from ._spec import CleanerSpec
from ._validate import validate_pipeline

__all__ = [
    "ENTRY_POINT_GROUP",
    "CleanFunction",
    "Cleaned",
    "CleanerError",
    "CleanerSpec",
    "CleanerType",
    "DocProblem",
    "DuplicateCleanerError",
    "Pipeline",
    "RunStats",
    "Step",
    "StepStats",
    "UnknownCleanerError",
    "build_pipeline",
    "builtin_cleaners",
    "cleaner",
    "get_cleaner",
    "line_count",
    "make_cleaner",
    "registry",
    "removed_lines",
    "validate_pipeline",
]

"""Glue shared by the CLI and the pytest plugin: suite + paths -> inputs -> engine -> result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from checks.engine import Progress, Transform, run_suite
from checks.errors import UsageError
from checks.loaders import iter_documents, resolve_inputs
from checks.result import RunResult
from checks.suite import Suite


def input_paths(suite: Suite, paths: Sequence[str] | None) -> list[str]:
    """The paths to read: those given, else the suite's ``documents.paths``."""
    if paths:
        return list(paths)
    defaults = suite.default_paths()
    if not defaults:
        raise UsageError(
            f"{suite.path}: no documents to check; pass paths on the command line or set "
            "'documents.paths' in the suite"
        )
    return defaults


def run_paths(
    suite: Suite,
    paths: Sequence[str] | None = None,
    fmt: str | None = None,
    now: datetime | None = None,
    transform: Transform | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Load the documents at ``paths`` (or the suite's defaults) and run the suite on them."""
    chosen = input_paths(suite, paths)
    inputs = resolve_inputs(chosen, fmt or suite.documents.format)
    records = iter_documents(inputs, suite.documents.id)
    return run_suite(suite, records, chosen, now=now, transform=transform, progress=progress)

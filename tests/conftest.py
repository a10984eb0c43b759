"""Shared test setup: hypothesis profiles and helpers to build suites in memory."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-goldens`` rewrites golden files instead of comparing against them."""
    parser.addoption("--update-goldens", action="store_true", help="Rewrite golden files.")


_CACHE_DIR_BEFORE = os.environ.get("SCRAPEGATE_CACHE_DIR")
_cache_dirs: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """The suite validation cache (scrapegate.validcache) of this session goes to a fresh
    folder, never the user's ~/.cache: tests see a cold cache first, then warm ones, as users
    do, and leave nothing behind."""
    folder = tempfile.mkdtemp(prefix="scrapegate-test-cache-")
    _cache_dirs.append(folder)
    os.environ["SCRAPEGATE_CACHE_DIR"] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's cache folder and put the variable back as it was."""
    while _cache_dirs:
        shutil.rmtree(_cache_dirs.pop(), ignore_errors=True)
    if _CACHE_DIR_BEFORE is None:
        os.environ.pop("SCRAPEGATE_CACHE_DIR", None)
    else:
        os.environ["SCRAPEGATE_CACHE_DIR"] = _CACHE_DIR_BEFORE

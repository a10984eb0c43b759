"""One local[2] SparkSession for every Spark test (starting Java costs seconds)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


def _missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark not installed (pip install -e '.[spark]'; README's test command does)"
    if shutil.which("java") is None:
        return "java not installed (apt-get install openjdk-17-jre-headless; .ci/run installs it)"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """The session's SparkSession: local[2], no UI, few shuffle partitions."""
    missing = _missing()
    if missing is not None:
        pytest.skip(missing)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("scrapegate-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()

"""The contenders being timed, and the command line each one runs.

Every variant is a fresh process started from the repository root, so interpreter start-up
and imports count, as a user sees them:

* ``floor``: ``python bench/floor.py DATA``, read the lines and ``orjson.loads`` each;
* ``doc1``: ``--workers 1`` with ``SCRAPEGATE_BATCH_DOCUMENTS=1``: the engine evaluating one
  document at a time, as before it worked in batches (same code otherwise: old and new in one run);
* ``w1`` / ``wall``: ``scrapegate check`` with ``--workers 1`` / ``--workers 0`` (all cores);
* ``pytest``: ``pytest bench/reference.yaml --docs DATA`` through the pytest plugin;
* ``gx``: ``scrapegate check --engine gx`` (Great Expectations on pandas);
* ``spark``: ``scrapegate check --engine spark --spark-master local[2]`` (the same engine in
  Spark tasks; Java start-up counts, and is shown alone on a 1-document file);
* ``spark1``: the same on ``local[1]``: with ``spark``, how Spark's work grows with executor
  cores;
* start-up: ``scrapegate check`` with default options on a 1-document file.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.paths import BIN, SUITE


@dataclass
class Variant:
    """How to run one contender and how to check what it flagged."""

    key: str
    title: str
    command: Callable[[str, Path], list[str]]
    output: str  # "json", "junit" or "floor"
    unavailable: str | None = None
    # pytest: the verification run lists every failure (the timed runs use the defaults).
    verify_command: Callable[[str, Path], list[str]] | None = None
    # Environment variables the command runs with (on top of the harness's).
    env: dict[str, str] = field(default_factory=dict)


def scrapegate_bin() -> list[str]:
    """The ``scrapegate`` executable of this environment (or the CLI through ``python -c``)."""
    exe = shutil.which("scrapegate", path=str(BIN))
    return [exe] if exe else [sys.executable, "-c", "from scrapegate.cli import entry; entry()"]


def check_cmd(*extra: str) -> Callable[[str, Path], list[str]]:
    """``scrapegate check DATA --suite bench/reference.yaml --json OUT -q`` plus ``extra``."""

    def build(data: str, out: Path) -> list[str]:
        return [
            *scrapegate_bin(),
            "check",
            data,
            "--suite",
            SUITE,
            "--json",
            str(out),
            "-q",
            *extra,
        ]

    return build


def pytest_cmd(*extra: str) -> Callable[[str, Path], list[str]]:
    """``pytest bench/reference.yaml --docs DATA ... --junitxml OUT`` plus ``extra``."""

    def build(data: str, out: Path) -> list[str]:
        return [
            sys.executable, "-m", "pytest", SUITE, "--docs", data, "-p", "no:cacheprovider",
            "-q", "--junitxml", str(out), *extra,
        ]  # fmt: skip

    return build


def floor_cmd(data: str, out: Path) -> list[str]:
    """``python bench/floor.py DATA`` (it writes no output file)."""
    return [sys.executable, "bench/floor.py", data]


def gx_unavailable() -> str | None:
    """Why ``--engine gx`` cannot run here, or None when it can."""
    if importlib.util.find_spec("great_expectations") is None:
        return "great_expectations is not installed (pip install -e '.[gx]')"
    try:
        found = importlib.util.find_spec("scrapegate.gx.runner")
    except ModuleNotFoundError:
        found = None
    if found is None:
        return "`--engine gx` needs scrapegate.gx.runner, which is not in this tree yet"
    return None


# Two task slots, the size of the CI machines; a cluster adds executors, not a bigger master.
SPARK_MASTER = "local[2]"
# One task slot: with SPARK_MASTER, how the work grows with executor cores, measured.
SPARK_MASTER_ONE = "local[1]"


def spark_unavailable() -> str | None:
    """Why ``--engine spark`` cannot run here, or None when it can."""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "java is not installed (apt-get install openjdk-17-jre-headless)"
    return None


def spark_variant(key: str, master: str) -> Variant:
    """``--engine spark`` on ``master``."""
    return Variant(
        key,
        f"--engine spark ({master})",
        check_cmd("--engine", "spark", "--spark-master", master),
        "json",
        unavailable=spark_unavailable(),
    )


def variants() -> dict[str, Variant]:
    """The variants by key, in the order the table shows them."""
    return {
        v.key: v
        for v in (
            Variant("floor", "floor (read + orjson.loads)", floor_cmd, "floor"),
            Variant(
                "doc1",
                "scrapegate, 1 worker, one document at a time (the engine before batches)",
                check_cmd("--workers", "1"),
                "json",
                env={"SCRAPEGATE_BATCH_DOCUMENTS": "1"},
            ),
            Variant("w1", "scrapegate, 1 worker", check_cmd("--workers", "1"), "json"),
            Variant(
                "wall",
                f"scrapegate, all cores ({os.cpu_count()})",
                check_cmd("--workers", "0"),
                "json",
            ),
            Variant(
                "pytest",
                "pytest plugin",
                pytest_cmd(),
                "junit",
                verify_command=pytest_cmd("--scrapegate-max-failures", "1000000000"),
            ),
            Variant(
                "gx",
                "--engine gx",
                check_cmd("--engine", "gx"),
                "json",
                unavailable=gx_unavailable(),
            ),
            spark_variant("spark", SPARK_MASTER),
            spark_variant("spark1", SPARK_MASTER_ONE),
        )
    }


def startup_cmd(data: str, *extra: str) -> list[str]:
    """``scrapegate check DATA --suite bench/reference.yaml -q``: default options otherwise."""
    return [*scrapegate_bin(), "check", data, "--suite", SUITE, "-q", *extra]


def spark_startup_cmd(data: str) -> list[str]:
    """The start-up command with ``--engine spark``: what starting Java and Spark costs."""
    return startup_cmd(data, "--engine", "spark", "--spark-master", SPARK_MASTER)

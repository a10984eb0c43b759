"""The script to give spark-submit: ``scrapegate check`` with ``--engine spark``.

spark-submit runs a Python file, not a console script, and this one uses absolute imports so
it runs as a file::

    spark-submit --master yarn --files news.yaml \\
        "$(python -c 'import scrapegate.spark_submit as m; print(m.__file__)')" \\
        check s3a://bucket/crawl/ --suite news.yaml --json /dbfs/reports/result.json

The arguments are ``scrapegate``'s; ``--engine spark`` is added to a ``check`` that names no
engine. The SparkSession is spark-submit's (its --master and --conf), and the exit code is
``check``'s (0 pass, 1 failed, 2 usage error, 3 internal error).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import cast


def _main() -> Callable[[list[str]], int]:
    # By its absolute name: spark-submit runs this file as a script, outside its package.
    return cast("Callable[[list[str]], int]", import_module("scrapegate.cli").main)


def submitted_args(args: list[str]) -> list[str]:
    """``args`` with ``--engine spark`` added to a ``check`` that chose no engine."""
    if args[:1] == ["check"] and not any(
        a == "--engine" or a.startswith("--engine=") for a in args
    ):
        return ["check", "--engine", "spark", *args[1:]]
    return args


def run(args: list[str] | None = None) -> int:
    """Run ``scrapegate`` with ``args`` (default: the command line) as spark-submit does."""
    return _main()(submitted_args(list(sys.argv[1:] if args is None else args)))


if __name__ == "__main__":
    sys.exit(run())

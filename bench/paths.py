"""Where the benchmark's inputs, outputs and executables are (all relative to this checkout)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # every measured command runs from the repository root
WORK = HERE / "_work"  # logs, result files and raw numbers (gitignored)
SUITE = "bench/reference.yaml"
SOAK_SUITE = "bench/soak.yaml"
BIN = Path(sys.executable).parent  # the environment's scripts (the `scrapegate` executable)

"""The benchmark proper: every variant on one corpus, verified first, then timed.

Per corpus, each variant makes one verification run, which is not timed: it must flag exactly
the generator's bad documents (``bench/verify.py``). Then come the timed runs, interleaved
across the variants (run 1 of every variant, then run 2, ...), so that a noisy spell on a
shared machine hits all of them alike; each timed run is checked again. A ``Cell`` holds one
variant's verdict on one corpus and its runs; the table shows their medians.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import generate as gen
from bench.measurement import Measured, measure
from bench.paths import ROOT, WORK
from bench.variants import Variant, spark_startup_cmd, startup_cmd, variants
from bench.verify import verify_floor, verify_junit, verify_result_json


@dataclass
class Cell:
    """A variant on one corpus: its verification verdict and timed runs."""

    corpus: str
    variant: str
    title: str
    documents: int
    body_bytes: int
    status: str = "pending"  # ok | unavailable | mismatch | error
    note: str = ""
    runs: list[Measured] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Verified, with timed runs to show."""
        return self.status == "ok" and bool(self.runs)

    @property
    def wall(self) -> float:
        """Median wall seconds."""
        return statistics.median(r.wall for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """Median peak RSS (MB)."""
        return statistics.median(r.peak_mb for r in self.runs)

    @property
    def pss_mb(self) -> float:
        """Median peak of the group's summed PSS (MB): shared pages counted once (0: unread)."""
        return statistics.median(r.tree_pss_mb for r in self.runs)

    @property
    def cpu(self) -> float:
        """Median CPU seconds (user + system, workers included)."""
        return statistics.median(r.cpu for r in self.runs)

    @property
    def serial(self) -> float | None:
        """Median seconds outside the scanning of records (None: the command did not say)."""
        if not self.runs or any(r.scan_s is None for r in self.runs):
            return None
        return statistics.median(r.wall - (r.scan_s or 0.0) for r in self.runs)

    @property
    def spread(self) -> float:
        """(max - min) / median of the wall times; 0 for a single run."""
        walls = [r.wall for r in self.runs]
        return (max(walls) - min(walls)) / self.wall if len(walls) > 1 else 0.0

    def to_json(self) -> dict[str, Any]:
        """The raw numbers, for bench/_work/results-*.json."""
        return {
            "corpus": self.corpus,
            "variant": self.variant,
            "title": self.title,
            "documents": self.documents,
            "body_bytes": self.body_bytes,
            "status": self.status,
            "note": self.note,
            "runs": [
                {
                    "wall": r.wall,
                    "cpu": r.cpu,
                    "maxrss_mb": r.maxrss_mb,
                    "tree_mb": r.tree_mb,
                    "tree_pss_mb": r.tree_pss_mb,
                    "scan_s": r.scan_s,
                }
                for r in self.runs
            ],
        }


def run_once(variant: Variant, cell: Cell, data: str, truth: dict[str, Any], tag: str,
             timeout: float, verify: bool) -> Measured | None:  # fmt: skip
    """One run; on a verification problem mark the cell and return None."""
    stem = WORK / "logs" / cell.corpus / f"{variant.key}-{tag}"
    out = stem.with_suffix(".json" if variant.output != "junit" else ".xml")
    out.unlink(missing_ok=True)
    build = variant.verify_command if (verify and variant.verify_command) else variant.command
    measured = measure(build(data, out), stem, timeout, env=variant.env)
    expected_codes = {0} if variant.output == "floor" else {0, 1}
    if measured.returncode not in expected_codes:
        cell.status = "error"
        cell.note = f"exit {measured.returncode}: {measured.tail()}"
        return None
    if variant.output == "floor":
        problems = verify_floor(measured.stdout, truth)
    elif variant.output == "junit":
        problems = verify_junit(out, data, truth, full=verify)
    else:
        problems = verify_result_json(out, data, truth)
    if problems:
        cell.status = "mismatch"
        cell.note = "; ".join(problems[:4]) + (" ..." if len(problems) > 4 else "")
        return None
    return measured


def bench_corpus(
    size: int, keys: list[str], repeat: int, timeout: float, log: Callable[[str], None]
) -> list[Cell]:
    """The variants ``keys`` on a corpus of ``size`` documents: verified, then timed."""
    path, truth = gen.ensure(size)
    data = str(path.relative_to(ROOT))
    available = variants()
    cells: list[tuple[Variant, Cell]] = []
    for key in keys:
        v = available[key]
        cell = Cell(gen.label(size), key, v.title, truth["documents"], truth["body_bytes"])
        cells.append((v, cell))
        if v.unavailable:
            cell.status, cell.note = "unavailable", v.unavailable
            continue
        log(f"[{cell.corpus}] {v.title}: verification run")
        if run_once(v, cell, data, truth, "verify", timeout, verify=True) is not None:
            cell.status = "ok"
        else:
            log(f"  {cell.status}: {cell.note}")
    for round_ in range(1, repeat + 1):
        for v, cell in cells:
            if cell.status != "ok":
                continue
            log(f"[{cell.corpus}] {v.title}: run {round_}/{repeat}")
            measured = run_once(v, cell, data, truth, f"run{round_}", timeout, verify=False)
            if measured is None:
                log(f"  {cell.status}: {cell.note}")
                cell.runs.clear()
            else:
                cell.runs.append(measured)
    return [cell for _, cell in cells]


def bench_startup(
    repeat: int, timeout: float, log: Callable[[str], None], spark: bool = False
) -> Cell:
    """``scrapegate check`` (default options; ``spark``: --engine spark) on a 1-document file.

    With ``spark`` it is the cost of starting Java and a local Spark before any record is
    read, which every --engine spark run pays; the corpus rows include it.
    """
    clean = gen.Rates(widget=0, no_attribution=0, bad_date=0, duplicate_url=0, typographic=0)
    path, truth = gen.ensure(1, clean, quiet=True)
    data = str(path.relative_to(ROOT))
    title = (
        "start-up: check --engine spark on 1 document"
        if spark
        else ("start-up: check on 1 document")
    )
    cell = Cell("1 doc", "spark-startup" if spark else "startup", title, 1, truth["body_bytes"])
    cmd = spark_startup_cmd(data) if spark else startup_cmd(data)
    log(f"[start-up] {title}, {repeat} runs")
    for index in range(repeat + 1):
        m = measure(cmd, WORK / "logs" / "startup" / f"run{index}", timeout)
        if m.returncode != 0:
            cell.status, cell.note = "error", f"exit {m.returncode}: {m.tail()}"
            cell.runs.clear()
            return cell
        if index:  # the first run warms the page cache and writes .pyc files
            cell.runs.append(m)
    cell.status = "ok"
    return cell

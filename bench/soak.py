"""The soak: ``scrapegate check`` and ``scrapegate clean`` once each on a malformed corpus.

It confirms that every malformed record is reported at its ``path:line``, that documents +
unreadable = records and every expectation evaluated every document, that each expectation
still flagged exactly the bad documents, and that ``clean`` wrote every document. It keeps
the summed RSS at 10%, 25%, 50%, 75% and 90% of each run, and the growth from 25% to 90%
(the steady state).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import generate as gen
from bench.measurement import Measured, child_env, measure
from bench.paths import ROOT, SOAK_SUITE, SUITE, WORK
from bench.variants import check_cmd, scrapegate_bin
from bench.verify import verify_clean, verify_result_json


@dataclass
class SoakCell:
    """A soak command: verdict, one run and the memory over time."""

    command: str
    status: str = "pending"
    note: str = ""
    run: Measured | None = None
    checks: list[str] = field(default_factory=list)

    def memory_points(self) -> list[tuple[int, float]]:
        """RSS of the process group (MB) at 10%, 25%, 50%, 75% and 90% of the wall time."""
        if self.run is None or not self.run.samples:
            return []
        points = []
        for pct in (10, 25, 50, 75, 90):
            at = self.run.wall * pct / 100
            before = [mb for t, mb in self.run.samples if t <= at]
            points.append((pct, before[-1] if before else 0.0))
        return points

    def growth(self) -> float | None:
        """Relative RSS growth from 25% to 90% of the run (steady-state drift)."""
        points = dict(self.memory_points())
        if not points or not points.get(25):
            return None
        return points[90] / points[25] - 1

    def to_json(self) -> dict[str, Any]:
        """The numbers for the soak table and bench/_work/results-soak.json."""
        return {
            "command": self.command,
            "status": self.status,
            "note": self.note,
            "checks": self.checks,
            "wall": self.run.wall if self.run else None,
            "peak_mb": self.run.peak_mb if self.run else None,
            "memory": self.memory_points(),
            "growth": self.growth(),
        }


def clean_options() -> tuple[str | None, str]:
    """(reason it is unavailable, --help text) for ``scrapegate clean``."""
    probe = subprocess.run(
        [*scrapegate_bin(), "clean", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=child_env(),
        check=False,
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return f"`scrapegate clean --help` exits {probe.returncode}: {last}", ""
    return None, probe.stdout


def soak(size: int, malformed: float, timeout: float, log: Callable[[str], None]) -> dict[str, Any]:
    """Check and clean a corpus of ``size`` records, a share ``malformed`` unreadable."""
    path, truth = gen.ensure(size, gen.Rates(malformed=malformed))
    data = str(path.relative_to(ROOT))
    stamp = gen.corpus_name(size, malformed)
    cells = []

    check = SoakCell(f"scrapegate check {data} --suite {SUITE} --workers 0 --json FILE")
    log(f"[soak {stamp}] check, all cores")
    out = WORK / "logs" / stamp / "soak-check.json"
    out.unlink(missing_ok=True)
    check.run = measure(
        check_cmd("--workers", "0")(data, out), WORK / "logs" / stamp / "soak-check", timeout
    )
    if check.run.returncode not in (0, 1):
        check.status, check.note = "error", f"exit {check.run.returncode}: {check.run.tail()}"
    else:
        problems = verify_result_json(out, data, truth)
        check.status = "mismatch" if problems else "ok"
        check.note = "; ".join(problems[:4])
        if not problems:
            check.checks = [
                f"all {len(truth['unreadable']):,} malformed records reported at path:line",
                f"documents {truth['documents']:,} + unreadable "
                f"{len(truth['unreadable']):,} = records {truth['records']:,}",
                "every expectation flagged exactly the generator's bad documents",
            ]
    cells.append(check)

    clean = SoakCell(f"scrapegate clean {data} --suite {SOAK_SUITE} -o DIR -q")
    reason, help_text = clean_options()
    if reason:
        clean.status, clean.note = "unavailable", reason
    else:
        outdir = WORK / "clean-out"
        shutil.rmtree(outdir, ignore_errors=True)
        cmd = [*scrapegate_bin(), "clean", data, "--suite", SOAK_SUITE, "-o", str(outdir), "-q"]
        if "--workers" in help_text:
            cmd += ["--workers", "0"]
            clean.command += " --workers 0"
        else:
            clean.command += " (clean has no --workers option: one process)"
        report = WORK / "logs" / stamp / "soak-clean.json"
        report.unlink(missing_ok=True)
        if "--json" in help_text:
            cmd += ["--json", str(report)]
            clean.command += " --json FILE"
        log(f"[soak {stamp}] clean")
        clean.run = measure(cmd, WORK / "logs" / stamp / "soak-clean", timeout)
        clean.status, clean.note, clean.checks = verify_clean(
            clean.run, outdir, report, data, truth
        )
        shutil.rmtree(outdir, ignore_errors=True)
    cells.append(clean)
    return {
        "corpus": stamp,
        "records": truth["records"],
        "documents": truth["documents"],
        "unreadable": len(truth["unreadable"]),
        "file_mb": truth["file_bytes"] / 1e6,
        "cells": cells,
    }

"""One measured run: a command as a fresh process, its wall time, CPU time and memory.

The command runs under ``bench/_measure.py``, a small wrapper that reports the exact wall
time, CPU seconds and ``ru_maxrss`` of the command (and the workers it waited for). Here, the
harness also samples the RSS summed over the command's whole process group, because the
largest single process understates a run with forked workers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from bench.paths import HERE, ROOT
from scrapegate.timings import ENV as TIMINGS_ENV
from scrapegate.timings import covered

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    """One subprocess run."""

    wall: float
    cpu: float  # user + system seconds of the command and its workers
    returncode: int
    maxrss_mb: float  # exact: the largest single process (ru_maxrss from wait4)
    tree_mb: float  # sampled: the largest sum of RSS over the process group
    samples: list[tuple[float, float]]
    stdout: Path
    stderr: Path
    # Seconds during which the command was scanning records (scrapegate.timings), when it
    # reported them: the rest of ``wall`` is its serial share.
    scan_s: float | None = None

    @property
    def peak_mb(self) -> float:
        """The larger of the exact single-process peak and the sampled group peak."""
        return max(self.maxrss_mb, self.tree_mb)

    def tail(self, lines: int = 3) -> str:
        """The last ``lines`` lines of the run's stderr, on one line."""
        text = self.stderr.read_text(errors="replace").strip().splitlines()
        return " | ".join(text[-lines:]) if text else "(no output on stderr)"


def _group_rss(pgid: int) -> int:
    """Sum of RSS (bytes) of the live processes in group ``pgid``, except its leader."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == pgid:
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        fields = data[data.rindex(b")") + 2 :].split()
        if int(fields[2]) == pgid:
            total += int(fields[21]) * PAGE
    return total


def child_env() -> dict[str, str]:
    """The environment of a measured command: ours, without CI annotations."""
    env = dict(os.environ)
    env.pop("GITHUB_ACTIONS", None)  # no annotation lines in measured runs
    # A user's Python keeps compiled bytecode; without it every run compiles every module
    # again (about 0.2 s of start-up here, where the sandbox sets this variable).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure(
    cmd: list[str],
    stem: Path,
    timeout: float,
    interval: float = 0.05,
    env: dict[str, str] | None = None,
) -> Measured:
    """Run ``cmd`` from the repo root; time it and watch its memory.

    The command runs under bench/_measure.py (a small wrapper that reports the exact wall
    time and ``ru_maxrss``), in a process group of its own whose summed RSS is sampled
    every ``interval`` seconds, the wrapper excluded.
    """
    stem.parent.mkdir(parents=True, exist_ok=True)
    out_path, err_path = stem.with_suffix(".out"), stem.with_suffix(".err")
    report = stem.with_suffix(".measure.json")
    report.unlink(missing_ok=True)
    timings_path = stem.with_suffix(".timings.json")
    timings_path.unlink(missing_ok=True)
    environment = {**child_env(), **(env or {}), TIMINGS_ENV: str(timings_path)}
    wrapped = [sys.executable, str(HERE / "_measure.py"), str(report), "--", *cmd]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            wrapped,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=environment,
            start_new_session=True,
        )
        samples: list[tuple[float, float]] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(interval):
                samples.append((time.perf_counter() - started, _group_rss(proc.pid) / 2**20))

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, kill)
        timer.start()
        proc.wait()
        timer.cancel()
        stop.set()
        sampler.join()
    # Reap stragglers left in the group (there should be none).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if report.is_file():
        measured = orjson.loads(report.read_bytes())
    else:  # killed by the timeout, or the wrapper could not start the command
        measured = {"wall": time.perf_counter() - started, "returncode": -9, "maxrss_kb": 0}
    scan_s = None
    if timings_path.is_file():
        scan_s = covered(
            [tuple(i) for i in orjson.loads(timings_path.read_bytes())["scan_intervals"]]
        )
    return Measured(
        scan_s=scan_s,
        wall=measured["wall"],
        cpu=measured.get("cpu", 0.0),
        returncode=measured["returncode"],
        maxrss_mb=measured["maxrss_kb"] / 1024,
        tree_mb=max((mb for _, mb in samples), default=0.0),
        samples=samples,
        stdout=out_path,
        stderr=err_path,
    )

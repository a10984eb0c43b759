"""One measured run: a command as a fresh process, its wall time, CPU time and memory.

The command runs under ``bench/_measure.py``, a small wrapper that reports the exact wall
time, CPU seconds and ``ru_maxrss`` of the command (and the workers it waited for). Here, the
harness also samples the memory of the command's whole process group, because the largest
single process understates a run with forked workers. Two group figures are kept:

* RSS summed over the group: every page counted once per process that maps it, so the pages
  forked workers share with the parent (the interpreter, imported modules, compiled sets)
  are counted once per worker. An upper bound, and the figure the targets have always used.
* PSS summed over the group (``Pss`` of ``/proc/PID/smaps_rollup``): each shared page divided
  between the processes that map it, so the sum is the memory the group really holds.
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
    # sampled: the largest sum of PSS over the process group (shared pages counted once);
    # 0.0 where /proc/PID/smaps_rollup cannot be read
    tree_pss_mb: float
    samples: list[tuple[float, float]]  # (seconds, group RSS MB)
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


def _group_members(pgid: int) -> list[tuple[int, int]]:
    """``(pid, RSS bytes)`` of the live processes in group ``pgid``, except its leader."""
    members = []
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
            members.append((int(name), int(fields[21]) * PAGE))
    return members


def _pss(pid: int) -> int:
    """Proportional set size (bytes) of ``pid``: its shared pages divided among their users."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass  # the process ended, or the kernel has no smaps_rollup
    return 0


def _group_memory(pgid: int) -> tuple[int, int]:
    """Summed RSS and summed PSS (bytes) of the group ``pgid``, its leader excluded."""
    members = _group_members(pgid)
    return sum(rss for _, rss in members), sum(_pss(pid) for pid, _ in members)


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
        pss_peak = [0.0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(interval):
                rss, pss = _group_memory(proc.pid)
                samples.append((time.perf_counter() - started, rss / 2**20))
                pss_peak[0] = max(pss_peak[0], pss / 2**20)

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
        tree_pss_mb=pss_peak[0],
        samples=samples,
        stdout=out_path,
        stderr=err_path,
    )

"""Temp files a killed run left behind (SIGKILL cannot be handled) are removed by later runs.

A temp file's name carries the host, pid and start time of the process writing it; a run
writing into a folder removes the ones whose writer is gone and keeps every other file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from scrapegate import atomic
from scrapegate.cli import main

from .support import Project
from .test_sigterm import TEMP_GLOB, _big_failing_input, _start, _wait_for_temp_file

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pids and signals")


RUN = ["check", "docs", "--suite", "suite.yaml", "--json", "out/result.json"]


def _run(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    # Not Project.main: that one asserts no file but the outputs changed, and this run
    # removes files on purpose.
    code = main(RUN)
    seen = capsys.readouterr()
    return code, seen.out + seen.err


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def _name(pid: int, start: str, host: str | None = None) -> str:
    return f".scrapegate-{host or atomic._host()}-{pid}-{start}-x1y2z3.tmp"


def test_a_later_run_removes_stale_temp_files_and_keeps_live_and_foreign_ones(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.good()
    out = project.root / "out"
    out.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        live_start = atomic._start_time(sleeper.pid) or "t1"
        dead = out / _name(_dead_pid(), "12345")
        live = out / _name(sleeper.pid, live_start)
        other_host = out / _name(_dead_pid(), "12345", host="0badc0de")
        old_other_host = out / _name(_dead_pid(), "12345", host="0badc0df")
        legacy_old = out / ".scrapegate-k3j_x9ab.tmp"
        unrelated = out / ".scrapegate-notes.txt"
        for path in (dead, live, other_host, old_other_host, legacy_old, unrelated):
            path.write_bytes(b"partial report")
        week_ago = time.time() - atomic.STALE_AGE_S - 60
        for path in (old_other_host, legacy_old):
            os.utime(path, (week_ago, week_ago))
        reused = None
        if atomic._start_time(sleeper.pid) is not None:
            # The pid lives, but as another process than the one that wrote the file.
            reused = out / _name(sleeper.pid, str(int(live_start) - 1))
            reused.write_bytes(b"partial report")

        code, text = _run(capsys)
        assert code == 0, text
        left = sorted(p.name for p in out.iterdir())
        assert dead.name not in left and old_other_host.name not in left
        assert legacy_old.name not in left
        if reused is not None:
            assert reused.name not in left
        assert {live.name, other_host.name, unrelated.name, "result.json"} <= set(left), left
        assert live.read_bytes() == b"partial report"
    finally:
        sleeper.kill()
        sleeper.wait()
        for path in out.glob(TEMP_GLOB):
            path.unlink()


def test_stale_check_only_knows_our_own_names() -> None:
    assert not atomic.is_stale_temp_file("report.json", 0)
    assert not atomic.is_stale_temp_file(".scrapegate-x.json", 0)
    assert not atomic.is_stale_temp_file(_name(os.getpid(), "1"), 0)  # our own, in progress
    assert atomic.is_stale_temp_file(_name(_dead_pid(), "1"), time.time())


def test_a_run_killed_with_sigkill_leaves_a_temp_file_that_the_next_run_removes(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    _big_failing_input(project)
    child = _start(project, workers="1")
    _wait_for_temp_file(child, project.root)
    os.killpg(child.pid, signal.SIGKILL)
    child.communicate(timeout=60)
    [left] = list(project.root.rglob(TEMP_GLOB))
    assert left.parent == project.root / "out"
    assert f"-{child.pid}-" in left.name
    project.write("docs/big.jsonl", b"")
    project.good()
    code, text = _run(capsys)
    assert code == 0, text
    assert not list(project.root.rglob(TEMP_GLOB))
    assert (project.root / "out" / "result.json").exists()


def test_a_quarantine_spool_a_killed_run_left_is_removed_by_the_next_routed_run(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.good()
    out = project.root / "out"
    out.mkdir()
    stale = out / _name(_dead_pid(), "12345").replace("-x1y2z3.tmp", "-spool-ab12cd.tmp")
    stale.mkdir()
    (stale / "part-0.jsonl").write_text('{"record": 1}\n')
    code = main(["check", "docs", "--suite", "suite.yaml", "--quarantine", "out/bad.jsonl"])
    capsys.readouterr()
    assert code == 0
    assert not stale.exists()
    # This run's own spool is gone too: only the quarantine file is left.
    assert sorted(p.name for p in out.iterdir()) == ["bad.jsonl"]

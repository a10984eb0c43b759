"""SIGTERM (what a cancelled CI job sends) ends a run like Ctrl-C: exit 143, no temp file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.robustness.support import Project, scrapegate_process

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

TEMP_GLOB = ".scrapegate-*.tmp"
RUN = ["check", "docs", "--suite", "suite.yaml", "--json", "out/result.json"]


def _big_failing_input(project: Project) -> None:
    # Every record fails 'title present': the result JSON holds ~150k failures (~40 MB), so
    # writing it takes long enough to be caught with its temp file on disk.
    record = {"url": "https://n.example/a", "title": "", "body": "word " * 20}
    project.write("docs/big.jsonl", (json.dumps(record) + "\n").encode() * 150_000)


def _start(project: Project, workers: str) -> subprocess.Popen[bytes]:
    return scrapegate_process(
        [*RUN, "--workers", workers],
        project.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for_temp_file(child: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 120
    while not list(root.rglob(TEMP_GLOB)):
        assert child.poll() is None, "the run ended before its temp file was seen"
        assert time.monotonic() < deadline, "no temp file appeared in 120 s"
        time.sleep(0.005)


def _finish(child: subprocess.Popen[bytes]) -> str:
    try:
        _, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail("the run did not end within 60 s of SIGTERM")
    return err.decode()


def _assert_terminated(child: subprocess.Popen[bytes], root: Path, err: str) -> None:
    assert child.returncode == 143, err
    assert err.strip().splitlines()[-1] == "terminated (SIGTERM); no partial output was written"
    assert "Traceback" not in err and "Process " not in err, err
    assert not (root / "out" / "result.json").exists()
    assert not list(root.rglob(TEMP_GLOB)), "the temp file was left behind"


def test_sigterm_while_writing_the_report_removes_the_temp_file_and_exits_143(
    project: Project,
) -> None:
    _big_failing_input(project)
    child = _start(project, workers="1")
    _wait_for_temp_file(child, project.root)
    child.send_signal(signal.SIGTERM)  # to the process alone, as a CI runner does
    _assert_terminated(child, project.root, _finish(child))


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_sigterm_to_the_group_of_a_parallel_run_exits_143_and_writes_nothing(
    project: Project,
) -> None:
    _big_failing_input(project)
    child = _start(project, workers="2")
    deadline = time.monotonic() + 60
    children = Path(f"/proc/{child.pid}/task")
    while child.poll() is None and time.monotonic() < deadline:
        if any((t / "children").read_text().split() for t in children.iterdir()):
            break
        time.sleep(0.01)
    assert child.poll() is None, "the run ended before it could be terminated"
    time.sleep(0.2)  # let the workers get into their slices
    os.killpg(child.pid, signal.SIGTERM)  # the parent and its workers together
    _assert_terminated(child, project.root, _finish(child))

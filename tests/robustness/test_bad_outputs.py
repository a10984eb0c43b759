"""Outputs: an unwritable path, a full disk, Ctrl-C and our own bugs never leave a half-written
file behind, never touch an input, and each says what happened in one line.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.robustness.support import GOOD, Project, jsonl, scrapegate_process

OUTPUT_OPTIONS = ["--json", "--junit", "--markdown", "--html"]


@pytest.mark.parametrize("option", OUTPUT_OPTIONS)
def test_an_output_path_that_cannot_be_a_file_is_a_clear_error(
    project: Project, option: str
) -> None:
    project.good()
    project.write("taken", b"a file, not a folder")
    result = project.check("docs", option, "taken/out.file", json_out=False)
    assert result.code == 2
    assert result.err == (
        "error: taken/out.file: cannot write: a file stands where the path needs a folder; "
        "choose another path or move that file\n"
    )


def test_an_output_path_that_is_a_folder_is_a_clear_error(project: Project) -> None:
    project.good()
    (project.root / "out").mkdir()
    result = project.check("docs", "--json", "out", json_out=False)
    assert result.code == 2
    assert result.err.startswith("error: out: cannot write: Is a directory; it is a folder")


def test_a_folder_without_write_permission_is_a_clear_error(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root writes anywhere, so the refusal is simulated where the temp file is created.
    project.good()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = project.check("docs", "--json", "out/result.json", json_out=False)
    assert result.code == 2
    assert result.err == (
        "error: out/result.json: cannot write: Permission denied; choose a writable location "
        "or fix the folder's permissions\n"
    )


def test_a_full_disk_keeps_the_old_report_and_leaves_no_temp_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.good()
    old = project.write("out/result.json", b'{"old": true}\n')

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = project.check("docs", "--json", "out/result.json", json_out=False)
    assert result.code == 2
    assert result.err == (
        "error: out/result.json: cannot write: No space left on device; free some space or "
        "choose another location; nothing was written\n"
    )
    assert old.read_bytes() == b'{"old": true}\n'
    assert os.listdir(project.root / "out") == ["result.json"]


def test_the_diff_command_reports_an_unwritable_output_the_same_way(project: Project) -> None:
    project.good()
    assert project.check("docs").code == 0
    assert project.main(["check", "docs", "--suite", "suite.yaml", "--json", "base.json"]).code == 0
    project.write("taken", b"")
    result = project.main(["diff", "base.json", "base.json", "--json", "taken/diff.json"])
    assert result.code == 2
    assert "taken/diff.json: cannot write: a file stands where the path needs a folder" in (
        result.err
    )


def test_ctrl_c_while_an_output_is_written_in_place_names_it(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Spark failures dataset is written by the executors straight to its folder: an
    # interrupted run must not claim that nothing was written.
    from scrapegate import atomic

    project.good()
    monkeypatch.setattr(atomic, "unfinished_outputs", {"--failures-dataset out/failures"})

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = project.check("docs", "--json", "out/result.json", json_out=False)
    assert result.code == 130
    assert result.err.strip().endswith(
        "interrupted; --failures-dataset out/failures is incomplete (written in place, not "
        "replaced); run again to replace it"
    )


def test_ctrl_c_while_writing_keeps_the_old_report(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.good()
    old = project.write("out/result.json", b'{"old": true}\n')

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = project.check("docs", "--json", "out/result.json", json_out=False)
    assert result.code == 130
    assert result.err.strip().endswith("interrupted; no partial output was written")
    assert old.read_bytes() == b'{"old": true}\n'
    assert os.listdir(project.root / "out") == ["result.json"]


def test_a_report_gets_the_usual_permissions_not_a_temp_files(project: Project) -> None:
    project.good()
    assert project.check("docs", "--json", "new.json", json_out=False).code == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE((project.root / "new.json").stat().st_mode) == 0o666 & ~umask
    (project.root / "new.json").chmod(0o640)
    assert project.check("docs", "--json", "new.json", json_out=False).code == 0
    assert stat.S_IMODE((project.root / "new.json").stat().st_mode) == 0o640


def test_a_bug_of_ours_exits_3_asks_for_a_report_and_hides_the_traceback(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.good()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("scrapegate.runner.run_paths", broken)
    result = project.check("docs")
    assert result.code == 3
    lines = result.err.splitlines()
    assert lines[0] == "internal error: RuntimeError: boom"
    assert "This is a bug in scrapegate; please report it" in lines[1]
    assert "rerun as 'scrapegate --debug COMMAND ...' for the traceback" in lines[1]
    assert result.data == {}  # no result file: nothing half-done is written


def test_debug_shows_the_traceback_of_a_bug(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrapegate.cli import main

    project.good()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("scrapegate.runner.run_paths", broken)
    code = main(["--debug", "check", "docs", "--suite", "suite.yaml"])
    err = project.capsys.readouterr().err
    assert code == 3
    assert "Traceback (most recent call last)" in err and "RuntimeError: boom" in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "base.json: not valid JSON"),
        (b'{"schema_version": 1}', "base.json: not a scrapegate result"),
        (None, "base.json: no such file"),
    ],
    ids=["corrupt", "not a result", "missing"],
)
def test_a_bad_baseline_is_a_clear_error(
    project: Project, content: bytes | None, fragment: str
) -> None:
    project.good()
    if content is not None:
        project.write("base.json", content)
    result = project.check("docs", "--baseline", "base.json")
    assert result.code == 2
    assert result.err.startswith(f"error: {fragment}")
    assert result.err.count("\n") == 1


# --- Ctrl-C on a real process ---------------------------------------------------------------


def _assert_interrupted(child: subprocess.Popen[bytes], root: Path, err: bytes) -> None:
    text = err.decode()
    assert child.returncode == 130, text
    assert text.strip().splitlines()[-1] == "interrupted; no partial output was written"
    assert "Traceback" not in text and "Process " not in text, text
    assert not (root / "result.json").exists()
    assert not list(root.rglob(".scrapegate-*.tmp"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_reading_stdin_exits_130_and_writes_nothing(project: Project) -> None:
    child = scrapegate_process(
        ["check", "-", "--suite", "suite.yaml", "--json", "result.json", "--workers", "1"],
        project.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert child.stdin is not None
    # More than a pipe holds: when this write returns, the child is inside the loader.
    child.stdin.write(jsonl(GOOD) * 20_000)
    child.stdin.flush()
    os.killpg(child.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    _, err = child.communicate(timeout=60)
    _assert_interrupted(child, project.root, err)


def _children(pid: int) -> list[str]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [c for t in tasks for c in (t / "children").read_text().split()]
    except OSError:
        return []


def _start_parallel_run(project: Project) -> subprocess.Popen[bytes]:
    """``check docs --workers 2`` in a child, returned once its workers exist."""
    child = scrapegate_process(
        ["check", "docs", "--suite", "suite.yaml", "--json", "result.json", "--workers", "2"],
        project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not _children(child.pid) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert child.poll() is None, "the run ended before it could be interrupted"
    time.sleep(0.2)  # let the workers get into their slices
    return child


def _finish(child: subprocess.Popen[bytes]) -> str:
    """The child's stderr once it has exited; its thread stacks if it hangs instead."""
    try:
        _, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(child.pid, signal.SIGUSR1)
        time.sleep(2)
        os.killpg(child.pid, signal.SIGKILL)
        _, err = child.communicate()
        pytest.fail("the run hung; its threads:\n" + err.decode()[-8000:])
    return err.decode()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_ctrl_c_during_a_parallel_run_exits_130_and_writes_nothing(project: Project) -> None:
    record = {"url": "https://n.example/a", "title": "T", "body": "Comments " + "word " * 80}
    project.write("docs/big.jsonl", (json.dumps(record) + "\n").encode() * 150_000)  # ~64 MB
    child = _start_parallel_run(project)
    os.killpg(child.pid, signal.SIGINT)
    err = _finish(child)
    _assert_interrupted(child, project.root, err.encode())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_worker_killed_mid_run_ends_the_run_with_a_clear_error(project: Project) -> None:
    # What the OOM killer does: the run must end with a message, not hang or lose the reason.
    record = {"url": "https://n.example/a", "title": "T", "body": "word " * 80}
    project.write("docs/big.jsonl", (json.dumps(record) + "\n").encode() * 150_000)
    child = _start_parallel_run(project)
    os.kill(int(_children(child.pid)[0]), signal.SIGKILL)
    err = _finish(child)
    assert child.returncode == 3, err
    assert err.splitlines()[-1].startswith("error: a worker process died before finishing")
    assert "Traceback" not in err
    assert not (project.root / "result.json").exists()

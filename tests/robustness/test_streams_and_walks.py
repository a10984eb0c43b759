"""Pipes, FIFOs and folder walks: every record read once, nothing skipped in silence, no hang.

A pipe can be read only once: it is never sniffed and reopened or split across workers. A
FIFO, socket or device found in a folder is named in a warning and never opened (a FIFO with
no writer would block forever); named on the command line it is read. Symlinked folders are
followed (a loop is a warning) and a folder that cannot be listed is an unreadable record.
Anything that could block on a FIFO runs in a child process with a timeout.
"""

from __future__ import annotations

import gzip
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main
from tests.robustness.support import GOOD, Outcome, Project, jsonl, scrapegate_process

TIMEOUT = 120
WORKERS = ["0", "1", "2"]
BAD_LINE = b"{bad\n"


def _records(count: int, bad_at: int, body: int = 20) -> bytes:
    """``count`` good records with one invalid line inserted as line ``bad_at``."""
    lines = [
        json.dumps({"url": f"https://n.example/{i}", "title": "t", "body": "b" * body}).encode()
        + b"\n"
        for i in range(count)
    ]
    lines.insert(bad_at - 1, BAD_LINE)
    return b"".join(lines)


def _shell(project: Project, script: str) -> Outcome:
    """Run ``scrapegate ...`` inside ``bash -c`` (for process substitution), with a timeout."""
    runner = shlex.quote(sys.executable) + " -m scrapegate.cli"
    child = subprocess.run(
        ["bash", "-c", script.replace("scrapegate ", runner + " ", 1)],
        cwd=project.root,
        capture_output=True,
        timeout=TIMEOUT,
        env={**os.environ, "COLUMNS": "200"},
    )
    outcome = Outcome(child.returncode, child.stdout.decode(), child.stderr.decode())
    result = project.root / "result.json"
    if result.exists():
        outcome.data = json.loads(result.read_text(encoding="utf-8"))
        result.unlink()
    assert "Traceback" not in outcome.text, outcome.text
    return outcome


def _run(project: Project, *args: str) -> Outcome:
    """``scrapegate ARGS`` in a child process with a timeout: a hang fails, never blocks."""
    child = scrapegate_process(
        list(args), project.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = child.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        pytest.fail(f"scrapegate {' '.join(args)} hung")
    outcome = Outcome(child.returncode, out.decode(), err.decode())
    result = project.root / "result.json"
    if result.exists():
        outcome.data = json.loads(result.read_text(encoding="utf-8"))
        result.unlink()
    assert "Traceback" not in outcome.text, outcome.text
    return outcome


def _mkfifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


# -- class 3: pipes and FIFOs ---------------------------------------------------------------


@pytest.mark.parametrize("workers", WORKERS)
def test_a_short_process_substitution_is_read_whole_at_any_worker_count(
    project: Project, workers: str
) -> None:
    project.write("bad.jsonl", _records(3, bad_at=4))
    result = _shell(
        project,
        "scrapegate check --format jsonl --suite suite.yaml --json result.json "
        f"--workers {workers} <(cat bad.jsonl)",
    )
    assert result.code == 1, result.text
    assert result.data["documents"] == 3
    [(source, message)] = result.unreadable()
    assert source.endswith(":4") and message.startswith("invalid JSON")


@pytest.mark.parametrize("workers", WORKERS)
def test_a_pipe_long_enough_to_split_loses_no_record_and_keeps_line_numbers(
    project: Project, workers: str
) -> None:
    # ~9 MB: a regular file this size is cut into slices; a pipe must be read as one stream.
    project.write("big.jsonl", _records(60_000, bad_at=45_678, body=100))
    result = _shell(
        project,
        "scrapegate check --format jsonl --suite suite.yaml --json result.json "
        f"--workers {workers} <(cat big.jsonl)",
    )
    assert result.code == 1, result.text
    assert result.data["documents"] == 60_000
    assert [s.rsplit(":", 1)[1] for s, _ in result.unreadable()] == ["45678"]


@pytest.mark.parametrize("workers", WORKERS)
def test_gzip_data_through_a_pipe_is_decompressed_and_counted(
    project: Project, workers: str
) -> None:
    project.write("bad.jsonl.gz", gzip.compress(_records(500, bad_at=321)))
    result = _shell(
        project,
        "scrapegate check --format jsonl --suite suite.yaml --json result.json "
        f"--workers {workers} <(cat bad.jsonl.gz)",
    )
    assert result.code == 1, result.text
    assert result.data["documents"] == 500
    assert [s.rsplit(":", 1)[1] for s, _ in result.unreadable()] == ["321"]


@pytest.mark.parametrize("workers", WORKERS)
def test_a_fifo_inside_a_folder_is_named_in_a_warning_and_skipped(
    project: Project, workers: str
) -> None:
    project.good()
    _mkfifo(project.root / "docs" / "live.jsonl")
    result = _run(
        project,
        "check",
        "docs",
        "--suite",
        "suite.yaml",
        "--json",
        "result.json",
        "--workers",
        workers,
    )
    assert result.code == 0, result.text
    assert result.data["documents"] == 2
    assert (
        "docs/live.jsonl: a FIFO (named pipe), not a regular file: skipped without opening it "
        "(reading it could block the run); name it on the command line to read it"
    ) in result.warnings()
    assert "warning: docs/live.jsonl: a FIFO (named pipe)" in result.text


@pytest.mark.parametrize("workers", WORKERS)
def test_a_fifo_named_on_the_command_line_is_read(project: Project, workers: str) -> None:
    fifo = _mkfifo(project.root / "live.jsonl")
    project.write("bad.jsonl", _records(5, bad_at=2))
    writer = subprocess.Popen(["bash", "-c", "cat bad.jsonl > live.jsonl"], cwd=project.root)
    try:
        result = _run(
            project,
            "check",
            str(fifo.name),
            "--suite",
            "suite.yaml",
            "--json",
            "result.json",
            "--workers",
            workers,
        )
    finally:
        writer.kill()
        writer.wait(TIMEOUT)
    assert result.code == 1, result.text
    assert result.data["documents"] == 5
    assert result.unreadable()[0][0] == "live.jsonl:2"


def test_clean_of_a_folder_with_a_fifo_warns_and_cleans_the_rest(project: Project) -> None:
    project.write(
        "suite.yaml",
        b"suite: c\ncleaners: [normalize_whitespace]\n"
        b"expectations:\n  - {name: t, check: not_empty, field: title}\n",
    )
    project.good()
    _mkfifo(project.root / "docs" / "live.jsonl")
    result = _run(project, "clean", "docs", "--suite", "suite.yaml", "-o", "out")
    assert result.code == 0, result.text
    assert "warning: docs/live.jsonl: a FIFO (named pipe), not a regular file" in result.text
    assert sorted(p.name for p in (project.root / "out").iterdir()) == ["good.jsonl"]


def test_clean_refuses_a_pipe_because_it_reads_each_input_twice(project: Project) -> None:
    project.write(
        "suite.yaml",
        b"suite: c\ncleaners: [normalize_whitespace]\n"
        b"expectations:\n  - {name: t, check: not_empty, field: title}\n",
    )
    project.good()
    result = _shell(
        project, "scrapegate clean --format jsonl --suite suite.yaml -o out <(cat docs/good.jsonl)"
    )
    assert result.code == 2, result.text
    assert "not a regular file (a pipe, FIFO or device); clean reads each input twice" in (
        result.err
    )
    assert "save it to a file and clean that" in result.err
    assert not (project.root / "out").exists()


def test_the_plugin_skips_a_fifo_in_docs_with_a_warning(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        suite="suite: s\nexpectations:\n"
        "  - {name: title present, check: not_empty, field: title}\n",
    )
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "good.jsonl").write_bytes(jsonl(GOOD))
    _mkfifo(pytester.path / "docs" / "live.jsonl")
    result = pytester.runpytest_subprocess("suite.yaml", "--docs", "docs", timeout=TIMEOUT)
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(["*docs/live.jsonl: a FIFO (named pipe), not a regular file*"])


# -- class 4: folder walks ------------------------------------------------------------------


@pytest.mark.parametrize("workers", WORKERS)
def test_a_symlinked_folder_inside_an_input_folder_is_checked(
    project: Project, workers: str
) -> None:
    project.good()
    project.write("elsewhere/more.jsonl", _records(3, bad_at=2))
    os.symlink("../elsewhere", project.root / "docs" / "linked")
    result = project.check("docs", workers=workers)
    assert result.code == 1
    assert result.data["documents"] == 5
    assert result.unreadable()[0][0] == "docs/linked/more.jsonl:2"


def test_a_folder_symlink_loop_is_a_warning_and_never_followed(project: Project) -> None:
    project.good()
    os.symlink("..", project.root / "docs" / "up")
    result = _run(project, "check", "docs", "--suite", "suite.yaml", "--json", "result.json")
    assert result.code == 0, result.text
    assert result.data["documents"] == 2
    assert (
        "docs/up/docs: symbolic link to a folder that contains it (docs), a loop: not "
        "followed; remove the link or point it elsewhere"
    ) in result.warnings()


def _lock_folder(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Make listing ``locked`` fail as it does for a user without read permission."""
    real_scandir = os.scandir

    def guarded(path: Any = ".") -> Any:
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)


UNLISTABLE = (
    "cannot read folder: Permission denied; check the folder's permissions (or run as a user "
    "who can read it); the files in it were not checked"
)


@pytest.mark.parametrize("workers", WORKERS)
def test_an_unreadable_subfolder_is_a_reported_failure_and_the_rest_is_checked(
    project: Project, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    # CI runs as root, who lists every folder: make listing it fail instead.
    project.good()
    project.good("docs/locked/inner.jsonl")
    project.good("docs/z.jsonl")
    _lock_folder(monkeypatch, project.root / "docs" / "locked")
    result = project.check("docs", workers=workers)
    assert result.code == 1
    assert result.unreadable() == [("docs/locked", UNLISTABLE)]
    assert result.data["documents"] == 4
    assert f"docs/locked: {UNLISTABLE}" in result.text


def test_an_unreadable_named_folder_is_a_reported_failure_not_a_usage_error(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.good("docs/locked/inner.jsonl")
    project.good()
    _lock_folder(monkeypatch, project.root / "docs" / "locked")
    result = project.check("docs/locked", "docs/good.jsonl")
    assert result.code == 1
    assert result.unreadable() == [("docs/locked", UNLISTABLE)]
    assert result.data["documents"] == 2


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root lists chmod 000 folders"
)
def test_a_chmod_000_folder_is_a_reported_failure_and_the_rest_is_checked(
    project: Project,
) -> None:
    project.good()
    locked = project.good("docs/locked/inner.jsonl").parent
    locked.chmod(0)
    try:
        result = _run(project, "check", "docs", "--suite", "suite.yaml", "--json", "result.json")
    finally:
        locked.chmod(0o755)
    assert result.code == 1
    assert result.unreadable() == [("docs/locked", UNLISTABLE)]
    assert result.data["documents"] == 2


def test_clean_follows_folder_links_and_reports_unreadable_folders(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write(
        "suite.yaml",
        b"suite: c\ncleaners: [normalize_whitespace]\n"
        b"expectations:\n  - {name: t, check: not_empty, field: title}\n",
    )
    project.good()
    project.good("elsewhere/more.jsonl")
    project.good("docs/locked/inner.jsonl")
    os.symlink("../elsewhere", project.root / "docs" / "linked")
    _lock_folder(monkeypatch, project.root / "docs" / "locked")
    code = main(["clean", "docs", "--suite", "suite.yaml", "-o", "out"])
    out = capsys.readouterr().out
    assert code == 1
    assert f"docs/locked: {UNLISTABLE}" in out
    assert (project.root / "out" / "linked" / "more.jsonl").read_bytes() == jsonl(GOOD)
    assert (project.root / "out" / "good.jsonl").exists()
    assert "cleaned 4 documents from 2 files into out" in out


def test_a_report_over_an_input_reached_through_a_folder_link_is_refused(
    project: Project,
) -> None:
    project.good()
    target = project.good("elsewhere/more.jsonl")
    os.symlink("../elsewhere", project.root / "docs" / "linked")
    result = project.check("docs", "--json", "docs/linked/more.jsonl", json_out=False)
    assert result.code == 2
    assert result.err.startswith("error: --json docs/linked/more.jsonl: that file is an input")
    assert target.read_bytes() == jsonl(GOOD)


def test_the_gx_engine_skips_a_fifo_in_a_folder_with_the_same_warning(project: Project) -> None:
    pytest.importorskip("great_expectations")
    project.good()
    _mkfifo(project.root / "docs" / "live.jsonl")
    result = _run(
        project,
        "check",
        "docs",
        "--suite",
        "suite.yaml",
        "--json",
        "result.json",
        "--engine",
        "gx",
    )
    assert result.code == 0, result.text
    assert result.data["documents"] == 2
    assert any(w.startswith("docs/live.jsonl: a FIFO (named pipe)") for w in result.warnings())


def test_parquet_through_a_pipe_says_to_save_it_to_a_file(project: Project) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.Table.from_pylist(GOOD), project.root / "a.parquet")
    result = _shell(
        project,
        "scrapegate check --format parquet --suite suite.yaml --json result.json <(cat a.parquet)",
    )
    assert result.code == 1, result.text
    [(source, message)] = result.unreadable()
    assert source.startswith("/dev/fd/")
    assert message == (
        "cannot read file: Illegal seek; a pipe cannot be read as Parquet (it needs to seek): "
        "save it to a file first"
    )

"""Outputs that are not regular files: a device stays a device, a FIFO stays a FIFO and gets
the output, a symbolic link stays a link and its target gets the output.

Device nodes are private ones made with ``os.mknod`` in the test's folder (a character device
1:3, the numbers of ``/dev/null``), never the real ``/dev`` entries; making one needs root.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from scrapegate import atomic
from scrapegate.cli import main
from scrapegate.errors import OutputError
from tests.robustness.support import Project, scrapegate_process

needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="os.mknod needs root"
)

GX_SUITE = """\
suite: gx
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def _prepare(project: Project) -> None:
    project.good()
    project.write("gx.yaml", GX_SUITE.encode())
    assert main(["check", "docs", "--suite", "suite.yaml", "--json", "base.json"]) == 0


# Every writer of the CLI, as the argv that writes to OUT (after _prepare).
WRITERS: dict[str, list[str]] = {
    "check --json": ["check", "docs", "--suite", "suite.yaml", "--json", "OUT"],
    "check --junit": ["check", "docs", "--suite", "suite.yaml", "--junit", "OUT"],
    "check --html": ["check", "docs", "--suite", "suite.yaml", "--html", "OUT"],
    "check --markdown": ["check", "docs", "--suite", "suite.yaml", "--markdown", "OUT"],
    "check --baseline --json": [
        *("check", "docs", "--suite", "suite.yaml"),
        *("--baseline", "base.json", "--json", "OUT"),
    ],
    "diff --json": ["diff", "base.json", "base.json", "--json", "OUT"],
    "diff --markdown": ["diff", "base.json", "base.json", "--markdown", "OUT"],
    "report --html": ["report", "base.json", "--html", "OUT"],
    "report --markdown": ["report", "base.json", "--markdown", "OUT"],
    "export-gx -o": ["export-gx", "gx.yaml", "-o", "OUT"],
}


def _argv(writer: str, out: Path) -> list[str]:
    return [str(out) if arg == "OUT" else arg for arg in WRITERS[writer]]


def _char_device(path: Path) -> Path:
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return path


def _is_our_device(path: Path) -> bool:
    st = os.lstat(path)
    return stat.S_ISCHR(st.st_mode) and (os.major(st.st_rdev), os.minor(st.st_rdev)) == (1, 3)


@needs_root
@pytest.mark.parametrize("writer", WRITERS)
def test_writing_to_a_device_keeps_the_device(
    project: Project, capsys: pytest.CaptureFixture[str], writer: str
) -> None:
    _prepare(project)
    device = _char_device(project.root / "null")
    capsys.readouterr()
    assert main(_argv(writer, device)) in (0, 1)
    assert "error" not in capsys.readouterr().err
    assert _is_our_device(device)
    assert not list(project.root.glob(".scrapegate-*.tmp"))


@needs_root
def test_cleaning_into_a_device_keeps_the_device(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    (project.root / "suite.yaml").write_text(
        "suite: c\ndocuments:\n  id: url\ncleaners:\n  - normalize_whitespace\n"
        "expectations:\n  - name: t\n    check: not_empty\n    field: title\n"
    )
    project.good()
    (project.root / "out").mkdir()
    device = _char_device(project.root / "out" / "good.jsonl")
    assert main(["clean", "docs/good.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 0
    assert _is_our_device(device)


@needs_root
def test_the_plugin_json_option_keeps_a_device(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", suite=GX_SUITE.replace("id: url", "paths: [docs/]\n  id: url"))
    pytester.mkdir("docs")
    (pytester.path / "docs" / "a.jsonl").write_text('{"url": "u", "title": "t"}\n')
    device = _char_device(pytester.path / "null")
    result = pytester.runpytest("suite.yaml", "--scrapegate-json", str(device))
    result.assert_outcomes(passed=2)
    assert _is_our_device(device)


def _read_fifo(fifo: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(fifo, "rb") as fh:
            into.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


@pytest.mark.parametrize("writer", WRITERS)
def test_writing_to_a_fifo_feeds_its_reader_and_keeps_the_fifo(
    project: Project, capsys: pytest.CaptureFixture[str], writer: str
) -> None:
    _prepare(project)
    fifo = project.root / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    assert main(_argv(writer, fifo)) in (0, 1)
    reader.join(timeout=10)
    assert "error" not in capsys.readouterr().err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].strip(), "the reader got nothing"
    if writer.endswith("--json"):
        assert "expectations" in json.loads(received[0]) or "regressed" in json.loads(received[0])


def test_a_fifo_nobody_reads_is_a_clear_error_not_a_hang(
    project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "FIFO_WAIT_S", 0.2)
    project.good()
    fifo = project.root / "pipe"
    os.mkfifo(fifo)
    code = main(["check", "docs", "--suite", "suite.yaml", "--json", "pipe"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: pipe: cannot write: nobody reads this FIFO (named pipe); start its reader "
        "first (for example 'cat pipe &') or choose a regular file\n"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("writer", WRITERS)
def test_writing_through_a_symlink_replaces_its_target_and_keeps_the_link(
    project: Project,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    writer: str,
) -> None:
    _prepare(project)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    target = elsewhere / "report.out"
    target.write_bytes(b"old")
    link = project.root / "link.out"
    link.symlink_to(target)
    assert main(_argv(writer, link)) in (0, 1)
    assert "error" not in capsys.readouterr().err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() not in (b"", b"old")
    assert not list(elsewhere.glob(".scrapegate-*.tmp"))


def test_a_dangling_symlink_gets_its_target_created(project: Project) -> None:
    project.good()
    link = project.root / "link.json"
    link.symlink_to(project.root / "out" / "result.json")
    assert main(["check", "docs", "--suite", "suite.yaml", "--json", "link.json"]) == 0
    assert link.is_symlink()
    assert json.loads((project.root / "out" / "result.json").read_text())["expectations"]


def test_a_symlink_loop_is_a_clear_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.good()
    (project.root / "loop.json").symlink_to("loop.json")
    assert main(["check", "docs", "--suite", "suite.yaml", "--json", "loop.json"]) == 2
    assert capsys.readouterr().err == (
        "error: loop.json: cannot write: symbolic link loop (the link points back to itself); "
        "fix or remove the link\n"
    )
    assert (project.root / "loop.json").is_symlink()


def test_a_symlinked_report_keeps_its_target_s_permissions(project: Project) -> None:
    project.good()
    target = project.root / "real.json"
    target.write_text("{}")
    target.chmod(0o640)
    (project.root / "link.json").symlink_to("real.json")
    assert main(["check", "docs", "--suite", "suite.yaml", "--json", "link.json"]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


WRITE: dict[str, Callable[[str], None]] = {
    "bytes": lambda path: atomic.write_bytes_atomic(path, b"x\n"),
    "text": lambda path: atomic.write_text_atomic(path, "x\n"),
    "chunks": lambda path: atomic.write_chunks_atomic(path, [b"x", b"\n"]),
}


@needs_root
@pytest.mark.parametrize("how", WRITE)
def test_every_atomic_writer_writes_into_a_device(tmp_path: Path, how: str) -> None:
    device = _char_device(tmp_path / "null")
    atomic.check_writable(str(device))
    WRITE[how](str(device))
    assert _is_our_device(device)
    assert os.listdir(tmp_path) == ["null"]


needs_proc_fd = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd descriptor links"
)


@needs_proc_fd
@pytest.mark.parametrize("via", ["descriptor", "link to it"])
def test_a_report_to_redirected_stdout_comes_after_what_was_printed(
    project: Project, via: str
) -> None:
    # Like --markdown /dev/stdout with stdout redirected to a file (/dev/stdout itself is a
    # link to /proc/self/fd/1; the test makes its own link rather than touch /dev).
    project.good()
    out = "/proc/self/fd/1"
    if via == "link to it":
        (project.root / "stdout").symlink_to(out)
        out = "stdout"
    captured = project.root / "captured.txt"
    with captured.open("wb") as fh:
        child = scrapegate_process(
            ["check", "docs", "--suite", "suite.yaml", "--markdown", out], project.root, stdout=fh
        )
        assert child.wait(timeout=60) == 0
    text = captured.read_text()
    assert text.startswith("### scrapegate: robustness: ")
    assert "PASSED" in text.splitlines()[-2]
    assert text.splitlines()[-1] == "gate: failures — all 3 error expectations hold: PASS"
    assert captured.is_file() and not captured.is_symlink()
    if via == "link to it":
        assert (project.root / "stdout").is_symlink()


@needs_proc_fd
def test_a_report_to_a_closed_pipe_is_a_clear_error(project: Project) -> None:
    project.good()
    child = scrapegate_process(
        ["check", "docs", "--suite", "suite.yaml", "-q", "--json", "/proc/self/fd/1"],
        project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    child.stdout.close()  # the reader goes away before the output is written
    _, err = child.communicate(timeout=60)
    assert child.returncode == 2
    assert err.decode().endswith(
        "error: /proc/self/fd/1: cannot write: the reader closed the pipe before the output "
        "was complete; keep the reader running until scrapegate ends\n"
    )


@needs_root
def test_a_device_in_a_read_only_folder_is_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As for /dev/null and a user who cannot write to /dev: only the device's own permission
    # counts. Root writes anywhere, so the folder's refusal is simulated.
    device = _char_device(tmp_path / "null")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: not os.path.isdir(p) and real_access(p, mode))
    atomic.check_writable(str(device))
    with pytest.raises(OutputError, match="choose a writable location"):
        atomic.check_writable(str(tmp_path / "report.json"))

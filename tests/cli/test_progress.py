"""`scrapegate check --progress`: the progress line on stderr (bytes of the total, rate, ETA;
a count for stdin), never on stdout or in a report, and off unless wanted."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scrapegate import parallel
from scrapegate.cli import main
from scrapegate.cli import progress as progress_module
from scrapegate.cli.progress import ProgressLine, amount, duration, wanted
from scrapegate.loaders import Input
from scrapegate.loaders.meter import ReadMeter

SUITE = """\
suite: news
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def _docs(count: int) -> list[dict[str, str]]:
    return [
        {"url": f"https://n.example/{i}", "title": f"Story {i}", "body": "Ships moved. " * 20}
        for i in range(count)
    ]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    Path("suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def _write(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in _docs(count)), encoding="utf-8")
    return path


def _progress_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("progress:")]


def test_progress_ends_with_the_bytes_of_the_total(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(project / "docs.jsonl", 50)
    size = data.stat().st_size
    code = main(["check", "docs.jsonl", "--suite", "suite.yaml", "--json", "r.json", "--progress"])
    out, err = capsys.readouterr()
    assert code == 0
    final = _progress_lines(err)[-1]
    assert final.startswith(f"progress: read {amount(size)} of {amount(size)} (100%) in ")
    assert " MB/s, 50 documents, " in final and final.endswith(" docs/s")
    assert "progress" not in out  # stderr only: never stdout ...
    assert "progress:" not in Path("r.json").read_text(encoding="utf-8")  # ... nor a report


def test_gzip_progress_counts_compressed_bytes(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = _write(project / "plain.jsonl", 200).read_bytes()
    Path("docs.jsonl.gz").write_bytes(gzip.compress(plain))
    size = Path("docs.jsonl.gz").stat().st_size
    assert size < len(plain)
    assert main(["check", "docs.jsonl.gz", "--suite", "suite.yaml", "--progress"]) == 0
    final = _progress_lines(capsys.readouterr().err)[-1]
    assert f"read {amount(size)} of {amount(size)} (100%)" in final, final
    assert "200 documents" in final


def test_stdin_shows_a_count(project: Path) -> None:
    lines = "".join(json.dumps(d) + "\n" for d in _docs(7))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapegate.cli",
            "check",
            "-",
            "--suite",
            "suite.yaml",
            "--progress",
        ],
        input=lines,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    final = _progress_lines(done.stderr)[-1]
    assert final.startswith("progress: 7 documents checked in "), final
    assert final.endswith(" docs/s") and " of " not in final
    assert "progress" not in done.stdout


def test_workers_bytes_add_up_to_the_file_size(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(project / "docs.jsonl", 400)
    size = data.stat().st_size
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 4096)
    assert len(parallel.plan([Input(str(data), "jsonl")], 2)) > 2  # really split
    code = main(["check", "docs.jsonl", "--suite", "suite.yaml", "--workers", "2", "--progress"])
    assert code == 0
    final = _progress_lines(capsys.readouterr().err)[-1]
    assert f"read {amount(size)} of {amount(size)} (100%)" in final, final
    assert "400 documents" in final


def test_the_meter_counts_every_byte_of_a_split_file(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly, not rounded as the line shows it: the slices' bytes add up to the size."""
    data = _write(project / "docs.jsonl", 400)
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 4096)
    seen: list[tuple[int, int | None]] = []
    real_close = ProgressLine.close

    def close(self: ProgressLine, finished: bool = True) -> None:
        seen.append((self.counts()[0], self.meter.total))
        real_close(self, finished)

    monkeypatch.setattr(ProgressLine, "close", close)
    assert (
        main(["check", "docs.jsonl", "--suite", "suite.yaml", "--workers", "2", "--progress"]) == 0
    )
    assert seen == [(data.stat().st_size, data.stat().st_size)]


def test_nothing_is_printed_without_progress_off_a_terminal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(project / "docs.jsonl", 20)
    assert main(["check", "docs.jsonl", "--suite", "suite.yaml"]) == 0
    assert "progress" not in capsys.readouterr().err
    assert main(["check", "docs.jsonl", "--suite", "suite.yaml", "--no-progress"]) == 0
    assert "progress" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "quiet", "terminal", "ci", "shown"),
    [
        (None, False, True, None, True),  # a terminal: shown
        (None, False, False, None, False),  # a pipe or a file: not shown
        (None, True, True, None, False),  # -q
        (None, False, True, "true", False),  # CI=true
        (None, False, True, "1", False),
        (None, False, True, "false", True),
        (True, False, False, "true", True),  # --progress wins over all of them
        (True, True, False, None, True),
        (False, False, True, None, False),  # --no-progress
    ],
)
def test_when_the_line_is_wanted(
    monkeypatch: pytest.MonkeyPatch,
    option: bool | None,
    quiet: bool,
    terminal: bool,
    ci: str | None,
    shown: bool,
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert wanted(option, quiet, terminal) is shown


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_line_is_redrawn_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "QUIET_START_S", 0.0)
    monkeypatch.setattr(progress_module, "TERMINAL_INTERVAL_S", 0.01)
    meter = ReadMeter()
    meter.reset(total=2_000_000)
    meter.finished = 500_000
    stream = _Terminal()
    line = ProgressLine(stream, terminal=True, forced=False, meter=meter).start()
    line(1000)
    deadline = time.monotonic() + 30
    while "\r" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    meter.finished = 2_000_000
    line(4000)
    line.close()
    text = stream.getvalue()
    assert text.startswith("\rprogress: read ")
    assert "\x1b[K" in text and "of 2.0 MB (" in text
    assert text.endswith("\rprogress: read 2.0 MB of 2.0 MB (100%) in " + text.split(" in ")[-1])
    assert text.endswith(" docs/s\x1b[K\n") and "4,000 documents" in text.splitlines()[-1]


def test_a_short_run_on_a_terminal_prints_nothing() -> None:
    stream = _Terminal()
    line = ProgressLine(stream, terminal=True, forced=False, meter=ReadMeter()).start()
    line.close()  # well before QUIET_START_S
    assert stream.getvalue() == ""


def test_a_failed_run_clears_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "QUIET_START_S", 0.0)
    monkeypatch.setattr(progress_module, "TERMINAL_INTERVAL_S", 0.01)
    stream = _Terminal()
    line = ProgressLine(stream, terminal=True, forced=False, meter=ReadMeter()).start()
    deadline = time.monotonic() + 30
    while not line.drawn and time.monotonic() < deadline:
        time.sleep(0.01)
    line.close(finished=False)
    assert stream.getvalue().endswith("\r\x1b[K\r")


def test_eta_and_units() -> None:
    meter = ReadMeter()
    meter.reset(total=10_000_000)
    meter.finished = 2_500_000
    line = ProgressLine(io.StringIO(), terminal=False, forced=True, meter=meter)
    line.started -= 10  # 2.5 MB in 10 s: 7.5 MB left take 30 s more
    line(1234)
    shown = line.line()
    assert shown.startswith("progress: read 2.5 MB of 10.0 MB (25%), 0.2 MB/s, 1,234 documents")
    assert shown.endswith(", ETA 30 s")
    assert [amount(n) for n in (0, 1, 999, 1000, 1_500_000, 3 * 10**9)] == [
        "0 bytes",
        "1 byte",
        "999 bytes",
        "1.0 kB",
        "1.5 MB",
        "3.0 GB",
    ]
    assert [duration(s) for s in (0.4, 59, 200, 7500)] == ["0 s", "59 s", "3 min 20 s", "2 h 5 min"]

"""`scrapegate check` at its limits: --workers, a closed stdin, --sample, a repeated --suite."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import scrapegate.parallel
from scrapegate.cli import main

SUITE = """\
suite: options
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def _docs(folder: Path, files: int, per_file: int = 1) -> None:
    folder.mkdir()
    for f in range(files):
        lines = [
            json.dumps({"url": f"https://n.example/{f}/{i}", "title": f"T{f}.{i}"})
            for i in range(per_file)
        ]
        (folder / f"p{f:03}.jsonl").write_text("\n".join(lines) + "\n")


def test_workers_beyond_the_cores_fork_no_more_processes_than_cores_and_say_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE)
    _docs(tmp_path / "docs", files=20)
    monkeypatch.setattr(scrapegate.parallel, "usable_cores", lambda: 2)
    pools: list[int] = []
    # scrapegate.parallel imports the executor when it forks (start-up time): patch its source.
    real = concurrent.futures.ProcessPoolExecutor

    def recording(*args: Any, **kwargs: Any) -> Any:
        pools.append(kwargs["max_workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", recording)
    code = main(["check", "docs", "--suite", "suite.yaml", "--workers", "1000"])
    err = capsys.readouterr().err
    assert code == 0
    assert pools == [2]
    assert err.count("note: --workers 1000 is more than the 2 cores this machine has") == 1


def test_workers_within_the_cores_print_no_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE)
    _docs(tmp_path / "docs", files=3)
    monkeypatch.setattr(scrapegate.parallel, "usable_cores", lambda: 2)
    assert main(["check", "docs", "--suite", "suite.yaml", "--workers", "2"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_a_closed_stdin_is_a_usage_error_not_an_internal_error(tmp_path: Path) -> None:
    (tmp_path / "suite.yaml").write_text(SUITE)
    done = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", "check", "-", "--suite", "suite.yaml"],
        cwd=tmp_path,
        preexec_fn=lambda: os.close(0),  # `<&-`: file descriptor 0 is closed, not empty
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "error: -: standard input is closed, so there are no documents to read from it; "
        "pipe them in (scraper | scrapegate check - ...) or name the files to check\n"
    )


COUNTED = """\
suite: counted
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: whole crawl
    check: count
    min: 30
  - name: few of kind b
    check: count
    max: 3
    where: {field: kind, equals: b}
"""


@pytest.mark.parametrize("engine", ["native", "gx"])
def test_count_under_sample_is_evaluated_on_every_record_read_and_says_so(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    engine: str,
) -> None:
    if engine == "gx":
        pytest.importorskip("great_expectations")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(COUNTED)
    kinds = ["b"] * 4 + ["a"] * 26  # 30 documents, 4 of kind b: 'few of kind b' fails
    lines = [
        json.dumps({"url": f"https://n.example/{i}", "title": "T", "kind": k})
        for i, k in enumerate(kinds)
    ]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines) + "\n")
    argv = ["check", "docs.jsonl", "--suite", "suite.yaml", "--sample", "5", "--json", "r.json"]
    assert main([*argv, "--engine", engine]) == 1
    data = json.loads((tmp_path / "r.json").read_text())
    shown = {e["name"]: (e["evaluated"], e["failed"]) for e in data["expectations"]}
    assert shown["whole crawl"] == (1, 0)  # 30 documents read, not the 5 sampled
    assert shown["title present"][0] == 5
    few = next(e for e in data["expectations"] if e["name"] == "few of kind b")
    assert [f["message"] for f in few["failures"]] == ["4 documents, more than max 3"]
    assert data["warnings"][:2] == [
        "sampled 5 records with seed 0",
        "count expectations were evaluated on all 30 documents read, not on the sample",
    ]
    assert "count expectations were evaluated on all 30 documents" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["clean"])
def test_a_repeated_suite_is_refused_with_exit_2_naming_both(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(SUITE)
    (tmp_path / "b.yaml").write_text(SUITE)
    _docs(tmp_path / "docs", files=1)
    argv = [command, "docs", "--suite", "a.yaml", "--suite", "b.yaml"]
    assert main([*argv, *(["-o", "out"] if command == "clean" else [])]) == 2
    captured = capsys.readouterr()
    assert captured.err.endswith(
        "Error: --suite is given 2 times ('a.yaml', 'b.yaml'); a run checks one suite: "
        "pass one --suite, and run scrapegate once per suite\n"
    )
    assert captured.out == ""
    assert not (tmp_path / "out").exists()

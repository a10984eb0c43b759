"""A record past the size limit is an unreadable record, read in bounded memory.

Every run is a child process under a 1 GB address-space limit with a timeout; the big inputs
are generated into a pipe or built as small gzip bombs, never held by the test.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import resource
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from .support import GOOD, SUITE, Outcome, jsonl

TIMEOUT = 120
MEMORY = 1 << 30
OUTPUT = ("--suite", "suite.yaml", "--json", "result.json")
MESSAGE = "line is longer than 128 MiB (the limit)"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(
    root: Path,
    args: list[str],
    feed: Iterator[bytes] | None = None,
    suite: str = SUITE,
    **env: str,
) -> Outcome:
    """``scrapegate check ARGS`` in a memory-limited child; ``feed`` is written to its stdin."""
    (root / "suite.yaml").write_text(suite, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "scrapegate.cli", "check", *args, *OUTPUT],
        cwd=root,
        env={**os.environ, "COLUMNS": "200", **env},
        stdin=subprocess.PIPE if feed is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_memory,
    )

    def write() -> None:
        assert child.stdin is not None
        try:
            for chunk in feed or ():
                child.stdin.write(chunk)
        except BrokenPipeError:
            pass
        finally:
            with contextlib.suppress(BrokenPipeError):
                child.stdin.close()

    writer = threading.Thread(target=write, daemon=True)
    if feed is not None:
        writer.start()
    try:
        out, err = child.communicate(timeout=TIMEOUT) if feed is None else _wait(child)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        pytest.fail("scrapegate hung")
    outcome = Outcome(child.returncode, out.decode(), err.decode())
    result = root / "result.json"
    if result.exists():
        outcome.data = json.loads(result.read_text(encoding="utf-8"))
    assert "Traceback" not in outcome.text and "MemoryError" not in outcome.text, outcome.text
    return outcome


def _wait(child: subprocess.Popen[bytes]) -> tuple[bytes, bytes]:
    assert child.stdout is not None and child.stderr is not None
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(child.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    out = child.stdout.read()
    child.wait(timeout=TIMEOUT)
    reader.join(TIMEOUT)
    return out, b"".join(err)


def _huge_line(size: int) -> Iterator[bytes]:
    """``size`` bytes of one unfinished JSON string, 8 MiB at a time."""
    yield b'{"url": "x", "title": "'
    piece = b"a" * (8 << 20)
    for _ in range(size // len(piece)):
        yield piece
    yield b'"}\n'


def _gzip_bomb(size: int) -> bytes:
    """A gzip member of ``size`` bytes of one line, then two good records (~1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b'{"title": "')]
    piece = b"a" * (8 << 20)
    parts += [packer.compress(piece) for _ in range(size // len(piece))]
    parts += [packer.compress(b'"}\n' + jsonl(GOOD)), packer.flush()]
    return b"".join(parts)


def _assert_skipped_and_rest_checked(outcome: Outcome, source: str) -> None:
    assert outcome.code == 1, outcome.text
    [(where, message)] = outcome.unreadable()
    assert where == source and message.startswith(MESSAGE), (where, message)
    assert f"{source}: {MESSAGE}" in outcome.text
    assert outcome.data["documents"] == 2, outcome.data["documents"]


def test_an_endless_line_on_stdin_is_skipped_and_the_next_lines_are_checked(
    tmp_path: Path,
) -> None:
    def feed() -> Iterator[bytes]:
        yield from _huge_line(3 << 30)
        yield jsonl(GOOD)

    outcome = _run(tmp_path, ["-"], feed())
    _assert_skipped_and_rest_checked(outcome, "<stdin>:1")


def test_a_gzip_line_that_inflates_past_memory_is_skipped_and_the_rest_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "bomb.jsonl.gz").write_bytes(_gzip_bomb(2 << 30))
    outcome = _run(tmp_path, ["bomb.jsonl.gz"])
    _assert_skipped_and_rest_checked(outcome, "bomb.jsonl.gz:1")


def test_the_parallel_reader_skips_long_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    good = jsonl(GOOD[:1])
    long = b'{"title": "' + b"b" * 5000 + b'"}\n'
    with (tmp_path / "many.jsonl").open("wb") as out:
        for line in range(1, 100_001):
            out.write(long if line % 25_000 == 0 else good)
    outcome = _run(tmp_path, ["many.jsonl", "--workers", "2"], SCRAPEGATE_MAX_RECORD_BYTES="4096")
    assert outcome.code == 1, outcome.text
    assert outcome.unreadable() == [
        (f"many.jsonl:{n}", outcome.unreadable()[0][1]) for n in (25_000, 50_000, 75_000, 100_000)
    ]
    assert outcome.unreadable()[0][1].startswith("line is longer than 4 KiB (the limit)")
    assert outcome.data["documents"] == 99_996


TEXT_SUITE = """\
suite: dumps
expectations:
  - name: text length
    check: length
    field: text
    max: 100
"""


def test_dev_zero_as_a_text_dump_is_one_unreadable_record_and_the_rest_is_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "good.txt").write_text("A short page.\n", encoding="utf-8")
    outcome = _run(tmp_path, ["--format", "text", "/dev/zero", "good.txt"], suite=TEXT_SUITE)
    assert outcome.code == 1, outcome.text
    message = "file is bigger than 128 MiB (the limit)"
    [(source, text)] = outcome.unreadable()
    assert source == "/dev/zero" and text.startswith(message)
    assert f"/dev/zero: {message}" in outcome.text
    assert outcome.data["documents"] == 1
    assert outcome.failures("text length") == []


def test_a_text_dump_past_a_lowered_limit_is_unreadable_and_one_at_it_is_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "big.md").write_bytes(b"x" * 101)
    (tmp_path / "fits.md").write_bytes(b"y" * 100)
    outcome = _run(
        tmp_path, ["big.md", "fits.md"], suite=TEXT_SUITE, SCRAPEGATE_MAX_RECORD_BYTES="100"
    )
    assert outcome.code == 1, outcome.text
    [(source, text)] = outcome.unreadable()
    assert source == "big.md" and text.startswith("file is bigger than 100 bytes (the limit)")
    assert outcome.data["documents"] == 1


def _command(root: Path, args: list[str], **env: str) -> Outcome:
    """``scrapegate ARGS`` in a memory-limited child process with a timeout."""
    child = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", *args],
        cwd=root,
        env={**os.environ, "COLUMNS": "200", **env},
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        check=False,
    )
    outcome = Outcome(child.returncode, child.stdout.decode(), child.stderr.decode())
    assert "MemoryError" not in outcome.text and "Traceback" not in outcome.text, outcome.text
    return outcome


def test_dev_zero_as_the_suite_is_refused_by_name_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(jsonl(GOOD))
    outcome = _command(tmp_path, ["check", "a.jsonl", "--suite", "/dev/zero"])
    assert outcome.code == 2, outcome.text
    assert "/dev/zero: file is bigger than 10 MiB, the limit for a YAML file" in outcome.text


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "/dev/zero", "result.json"],
        ["diff", "result.json", "/dev/zero"],
        ["report", "/dev/zero", "--markdown", "out.md"],
        ["check", "a.jsonl", "--suite", "suite.yaml", "--baseline", "/dev/zero"],
    ],
)
def test_dev_zero_as_a_result_file_is_refused_by_name_with_exit_2(
    tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / "a.jsonl").write_bytes(jsonl(GOOD))
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    made = _command(
        tmp_path, ["check", "a.jsonl", "--suite", "suite.yaml", "--json", "result.json"]
    )
    assert made.code == 0, made.text
    outcome = _command(tmp_path, args, SCRAPEGATE_MAX_RESULT_BYTES=str(100 << 20))
    assert outcome.code == 2, outcome.text
    assert (
        "/dev/zero: file is bigger than 104857600 bytes, the limit for a result file"
        in outcome.text
    )
    assert not (tmp_path / "out.md").exists()


def _bomb(head: bytes, size: int, tail: bytes) -> bytes:
    """gzip of ``head``, ``size`` bytes of ``a`` and ``tail``, built 8 MiB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    piece = b"a" * (8 << 20)
    parts = [packer.compress(head)]
    parts += [packer.compress(piece) for _ in range(size // len(piece))]
    parts += [packer.compress(tail), packer.flush()]
    return b"".join(parts)


def test_a_csv_line_that_inflates_past_memory_is_skipped_and_later_rows_are_checked(
    tmp_path: Path,
) -> None:
    rows = b"".join(f"{r['url']},{r['title']},{r['body']}\n".encode() for r in GOOD)
    bomb = _bomb(b"url,title,body\nhttps://n.example/0,Big,", 2 << 30, b"\n" + rows)
    (tmp_path / "bomb.csv").write_bytes(bomb)
    outcome = _run(tmp_path, ["bomb.csv"])
    _assert_skipped_and_rest_checked(outcome, "bomb.csv:2")


def test_a_json_object_that_inflates_past_memory_is_unreadable_and_other_files_are_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "big.json").write_bytes(_bomb(b'{"title": "', 2 << 30, b'"}\n'))
    (tmp_path / "good.jsonl").write_bytes(jsonl(GOOD))
    outcome = _run(tmp_path, ["big.json", "good.jsonl"])
    assert outcome.code == 1, outcome.text
    message = "object is bigger than 128 MiB (the limit)"
    [(source, text)] = outcome.unreadable()
    assert source == "big.json:1" and text.startswith(message), (source, text)
    assert outcome.data["documents"] == 2


def test_max_record_bytes_lowers_the_limit_for_check_and_its_workers(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b'{"title": "' + b"c" * 200 + b'"}\n' + jsonl(GOOD))
    for workers in ("1", "2"):
        outcome = _run(tmp_path, ["a.jsonl", "--max-record-bytes", "100", "--workers", workers])
        assert outcome.code == 1, outcome.text
        message = "line is longer than 100 bytes (the limit)"
        assert outcome.unreadable()[0][0] == "a.jsonl:1", outcome.text
        assert f"a.jsonl:1: {message}" in outcome.text
        assert outcome.data["documents"] == 2


def test_max_record_bytes_lowers_the_limit_for_clean(tmp_path: Path) -> None:
    data = jsonl(GOOD) + b'{"title": "' + b"c" * 200 + b'"}\n'
    (tmp_path / "a.jsonl").write_bytes(data)
    suite = SUITE.replace("expectations:", "cleaners:\n  - normalize_whitespace\nexpectations:")
    (tmp_path / "suite.yaml").write_text(suite, encoding="utf-8")
    args = ["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out", "--max-record-bytes", "100"]
    outcome = _command(tmp_path, args)
    assert outcome.code == 1, outcome.text
    assert "a.jsonl:3: line is longer than 100 bytes (the limit)" in outcome.text
    # clean keeps an unreadable record as it was, like any other it cannot read
    assert (tmp_path / "out" / "a.jsonl").read_bytes() == data


def test_clean_copies_a_line_past_the_limit_through_in_pieces_and_cleans_the_rest(
    tmp_path: Path,
) -> None:
    (tmp_path / "bomb.jsonl").write_bytes(_gzip_bomb(2 << 30))
    suite = SUITE.replace("expectations:", "cleaners:\n  - normalize_whitespace\nexpectations:")
    (tmp_path / "suite.yaml").write_text(suite, encoding="utf-8")
    outcome = _command(tmp_path, ["clean", "bomb.jsonl", "--suite", "suite.yaml", "-o", "out"])
    assert outcome.code == 1, outcome.text
    assert f"bomb.jsonl:1: {MESSAGE}" in outcome.text
    assert "cleaned 2 documents" in outcome.text, outcome.text
    size, tail = 0, b""
    with gzip.open(tmp_path / "out" / "bomb.jsonl", "rb") as copy:
        while chunk := copy.read(8 << 20):
            size, tail = size + len(chunk), (tail + chunk)[-1000:]
    assert size == len(b'{"title": "') + (2 << 30) + len(b'"}\n') + len(jsonl(GOOD))
    assert tail.endswith(jsonl(GOOD))


def test_a_result_file_is_refused_past_256_mib_by_default(tmp_path: Path) -> None:
    # Parsing a result takes about seven times its size: the default keeps that near 2 GB.
    outcome = _command(tmp_path, ["report", "/dev/zero", "--markdown", "out.md"])
    assert outcome.code == 2, outcome.text
    assert (
        "/dev/zero: file is bigger than 268435456 bytes, the limit for a result file (it is "
        "parsed whole, taking about seven times its size in memory)" in outcome.text
    )
    assert "set SCRAPEGATE_MAX_RESULT_BYTES=<bytes> (the file's size or more)" in outcome.text


def test_check_says_when_the_result_it_wrote_is_past_the_read_limit(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(jsonl(GOOD))
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    run = ["check", "a.jsonl", "--suite", "suite.yaml", "--json", "result.json"]
    outcome = _command(tmp_path, run, SCRAPEGATE_MAX_RESULT_BYTES="100")
    assert outcome.code == 0, outcome.text
    size = (tmp_path / "result.json").stat().st_size
    assert (
        f"note: --json result.json: the result is {size} bytes, more than the 100 bytes "
        "'report', 'diff' and '--baseline' read by default" in outcome.text
    )
    assert f"set SCRAPEGATE_MAX_RESULT_BYTES={size} or more" in outcome.text
    report = ["report", "result.json", "--markdown", "out.md"]
    refused = _command(tmp_path, report, SCRAPEGATE_MAX_RESULT_BYTES="100")
    assert refused.code == 2, refused.text
    read = _command(tmp_path, report, SCRAPEGATE_MAX_RESULT_BYTES=str(size))
    assert read.code == 0, read.text
    assert (tmp_path / "out.md").exists()
    quiet = _command(tmp_path, run)
    assert "note:" not in quiet.text

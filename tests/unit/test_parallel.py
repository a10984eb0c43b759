"""Parallel runs give exactly the result of a single pass: same failures, sources, messages."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from scrapegate import failurespool, parallel
from scrapegate.loaders import Input
from scrapegate.reports.json_report import dumps
from scrapegate.runner import run_paths
from tests.helpers import NOW, suite_from_yaml

SUITE = """\
suite: parallel
documents: {id: url}
expectations:
  - {name: no widgets, check: no_boilerplate, field: body, packs: [comment_widgets]}
  - {name: url unique, check: unique, field: url}
  - {name: enough, check: count, min: 1}
  - {name: title present, check: not_empty, field: title}
"""


def write_corpus(path: Path, n: int = 400) -> None:
    lines = []
    for i in range(n):
        body = "Plain prose about the harbour. " * 20
        if i % 37 == 0:
            body += "\ncomments powered by Disqus"
        url = f"https://n.example/{i % 150}"  # repeats cross every slice boundary
        record = {"url": url, "title": "" if i % 53 == 0 else f"T{i}", "body": body}
        lines.append(json.dumps(record))
        if i % 97 == 0:
            lines.append("{broken json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def result_json(path: Path, workers: int) -> dict[str, object]:
    suite = suite_from_yaml(SUITE)
    data = run_paths(suite, [str(path)], workers=workers, now=NOW).to_json()
    data.pop("duration_s")
    return data


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_result_is_identical_to_a_single_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus)
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 4096)
    assert len(parallel.plan([Input(str(corpus), "jsonl")], workers)) > 2
    single = result_json(corpus, 1)
    assert result_json(corpus, workers) == single
    unique = next(e for e in single["expectations"] if e["name"] == "url unique")  # type: ignore[union-attr]
    assert unique["failed"] == 250
    readable = single["expectations"][0]  # type: ignore[index]
    assert readable["failed"] == 5


def test_slices_start_on_line_boundaries_with_exact_line_numbers(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"n": i}) + "\n" for i in range(1000)))
    raw = corpus.read_bytes()
    starts = parallel._line_aligned_starts(str(corpus), [10, 5000, 9000], len(raw))
    assert len(starts) == 3
    pieces = [parallel.Slice(str(corpus), "jsonl", 0, starts[0], 1)]
    pieces += [
        parallel.Slice(str(corpus), "jsonl", start, end, None)
        for start, end in zip(starts, [*starts[1:], len(raw)], strict=True)
    ]
    numbered = list(parallel.numbered(pieces))
    for piece in numbered[1:]:
        assert raw[piece.start - 1 : piece.start] == b"\n"
        assert raw[: piece.start].count(b"\n") + 1 == piece.first_line


def test_a_target_inside_one_long_line_cuts_once_after_it(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    long_line = json.dumps({"body": "x" * 300_000}) + "\n"
    corpus.write_text('{"n": 1}\n' + long_line + '{"n": 2}\n{"n": 3}\n')
    raw = corpus.read_bytes()
    starts = parallel._line_aligned_starts(str(corpus), [100, 1000, 200_000], len(raw))
    assert starts == [len('{"n": 1}\n') + len(long_line)]
    # A slice handed out unnumbered is refused rather than read with wrong line numbers.
    with pytest.raises(ValueError, match="not numbered"):
        parallel.read_slice(parallel.Slice(str(corpus), "jsonl", starts[0], len(raw), None), None)


def test_planning_never_reads_from_a_fifo(tmp_path: Path) -> None:
    # Sniffing a FIFO for gzip ate its first buffer: the records in it were never checked.
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "live.jsonl"
    os.mkfifo(fifo)
    data = b"".join(b'{"url": "u%d"}\n' % i for i in range(1000))
    # Hold both ends open (the reader non-blocking) so a read here could never block.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    writer = os.open(fifo, os.O_WRONLY)
    try:
        os.write(writer, data)
        slices = parallel.plan([Input(str(fifo), "jsonl")], workers=4)
        os.close(writer)
        left = b""
        while chunk := os.read(reader, 1 << 16):
            left += chunk
    finally:
        os.close(reader)
        with contextlib.suppress(OSError):
            os.close(writer)
    assert slices == [parallel.Slice(str(fifo), "jsonl")]
    assert left == data


@pytest.mark.parametrize("workers", [1, 3])
def test_failures_spooled_to_disk_give_the_same_json_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """Workers hand back their failures as spool files; the JSON is byte for byte the same."""
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus)
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 4096)
    suite = suite_from_yaml(SUITE)

    def written(buffered: int, sort_run: int) -> bytes:
        monkeypatch.setattr(failurespool, "BUFFERED", buffered)
        monkeypatch.setattr(failurespool, "SORT_RUN", sort_run)
        result = run_paths(suite, [str(corpus)], workers=workers, now=NOW)
        assert isinstance(result.expectations[2].failures, failurespool.FailureSpool)
        return dumps(replace(result, duration_s=0.0))

    in_memory = written(1 << 20, 1 << 20)
    folder = failurespool.spool_folder()
    assert written(2, 3) == in_memory
    assert os.listdir(folder) == [], "no spool file outlives the result that held it"


def test_a_file_that_shrinks_after_planning_stops_the_run_with_a_clear_error(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"n": i}) + "\n" for i in range(1000)))
    size = corpus.stat().st_size
    later = parallel.Slice(str(corpus), "jsonl", size // 2, size, None)
    corpus.write_text('{"n": 0}\n')  # rewritten shorter by the scraper meanwhile
    with pytest.raises(parallel.InputChanged, match="shrank while it was being read"):
        list(parallel.numbered([later]))

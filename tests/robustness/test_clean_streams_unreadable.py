"""``clean`` copies an unreadable record through from the input's bytes, never held whole.

Each test cleans, in process under tracemalloc, a file holding one 64 MiB record against a
1 MiB record limit: the peak of Python allocations must stay far below the record's size.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import orjson

from scrapegate.cli import main

from .support import GOOD, SUITE, Project

BIG = 64 << 20
LIMIT = 1 << 20
PEAK = 16 << 20
CLEANING = SUITE.replace("expectations:", "cleaners:\n  - normalize_whitespace\nexpectations:")


def _clean(project: Project, name: str) -> tuple[int, str, int]:
    project.write("suite.yaml", CLEANING.encode())
    argv = ["clean", name, "--suite", "suite.yaml", "-o", "out", "--max-record-bytes", str(LIMIT)]
    tracemalloc.start()
    try:
        code = main(argv)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seen = project.capsys.readouterr()
    return code, seen.out + seen.err, peak


def _write_big(path: Path, head: bytes, tail: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(head)
        piece = b"a" * (1 << 20)
        for _ in range(BIG // len(piece)):
            fh.write(piece)
        fh.write(tail)


def _same_file(a: Path, b: Path) -> bool:
    with open(a, "rb") as x, open(b, "rb") as y:
        while True:
            one, two = x.read(1 << 20), y.read(1 << 20)
            if one != two:
                return False
            if not one:
                return True


def test_a_csv_row_past_the_limit_is_copied_through_in_bounded_memory(project: Project) -> None:
    rows = b"".join(f"{r['url']},{r['title']},{r['body']}\n".encode() for r in GOOD)
    _write_big(project.root / "big.csv", b"url,title,body\nhttps://n.example/0,Big,", b"\n" + rows)
    code, text, peak = _clean(project, "big.csv")
    assert code == 1, text
    assert "big.csv:2: line is longer than 1 MiB (the limit)" in text
    assert "cleaned 2 documents" in text, text
    assert peak < PEAK, f"peak {peak} bytes for a {BIG}-byte row"
    assert _same_file(project.root / "big.csv", project.root / "out" / "big.csv")


def test_a_jsonl_line_past_the_limit_is_copied_through_in_bounded_memory(
    project: Project,
) -> None:
    good = b"".join(json.dumps(r).encode() + b"\n" for r in GOOD)
    _write_big(project.root / "big.jsonl", good + b'{"title": "', b'"}\n' + good)
    code, text, peak = _clean(project, "big.jsonl")
    assert code == 1, text
    assert "big.jsonl:3: line is longer than 1 MiB (the limit)" in text
    assert peak < PEAK, f"peak {peak} bytes for a {BIG}-byte line"
    assert _same_file(project.root / "big.jsonl", project.root / "out" / "big.jsonl")


def test_a_json_array_element_past_the_limit_is_copied_through_in_bounded_memory(
    project: Project,
) -> None:
    good = [orjson.dumps(r) for r in GOOD]
    opening = b'{"url": "https://n.example/0", "title": "'
    _write_big(
        project.root / "big.json", b"[" + good[0] + b",\n" + opening, b'"},\n' + good[1] + b"]"
    )
    code, text, peak = _clean(project, "big.json")
    assert code == 1, text
    message = "array element 1 (starting at column 1) is bigger than 1 MiB (the limit)"
    assert f"big.json:2: {message}" in text
    assert "cleaned 2 documents" in text, text
    assert peak < PEAK, f"peak {peak} bytes for a {BIG}-byte element"
    expected = project.root / "expected.json"
    _write_big(expected, b"[\n  " + good[0] + b",\n  " + opening, b'"},\n  ' + good[1] + b"\n]\n")
    assert _same_file(expected, project.root / "out" / "big.json")


def test_a_text_dump_past_the_limit_is_copied_through_in_bounded_memory(
    project: Project,
) -> None:
    _write_big(project.root / "big.txt", b"<p>", b"</p>\n")
    code, text, peak = _clean(project, "big.txt")
    assert code == 1, text
    assert "big.txt: file is bigger than 1 MiB (the limit)" in text
    assert peak < PEAK, f"peak {peak} bytes for a {BIG}-byte file"
    assert _same_file(project.root / "big.txt", project.root / "out" / "big.txt")


def test_data_after_a_json_array_is_copied_through_in_bounded_memory(project: Project) -> None:
    name = "big.json"
    good = orjson.dumps(GOOD[0])
    _write_big(project.root / name, b"[" + good + b"] ", b"\n")
    code, text, peak = _clean(project, name)
    assert code == 1, text
    assert f"{name}:1: unexpected data after the array at column" in text
    assert peak < PEAK, f"peak {peak} bytes for {BIG} bytes after the array"
    expected = project.root / "expected.json"
    _write_big(expected, b"[\n  " + good + b"\n] ", b"\n")
    assert _same_file(expected, project.root / "out" / name)

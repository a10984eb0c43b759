"""A JSON array element past the record limit is unreadable, skipped in bounded memory.

The scanner stops holding an element once it passes ``--max-record-bytes`` and reads on to
its end a chunk at a time; ``clean`` copies it through from the input's bytes. The property
test cuts the file into tiny chunks so that every string, escape and bracket meets a chunk
boundary somewhere.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapegate.cli import main
from scrapegate.documents import Document, UnreadableRecord
from scrapegate.loaders import json_

from .support import GOOD, Project

LIMIT = 120

_text = st.text(alphabet=st.sampled_from('ab"\\[]{},: \n\u00e9\u2028'), max_size=40)
_values = st.recursive(
    st.none() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
_elements = st.dictionaries(_text, _values, max_size=5) | _values


def _layout(elements: list[Any], indents: list[int]) -> tuple[bytes, list[tuple[int, int]]]:
    """The array's bytes and the (start, end) byte offsets of each element's text."""
    out, spans = bytearray(b"[\n"), []
    for i, element in enumerate(elements):
        out += b" " * indents[i % len(indents)]
        text = json.dumps(element, ensure_ascii=False).encode()
        spans.append((len(out), len(out) + len(text)))
        out += text
        out += b",\n" if i < len(elements) - 1 else b"\n"
    out += b"]\n"
    return bytes(out), spans


@settings(max_examples=150, deadline=None)
@given(
    elements=st.lists(_elements, min_size=1, max_size=8),
    indents=st.lists(st.integers(0, 3), min_size=1, max_size=3),
    chunk=st.integers(1, 9),
)
def test_elements_past_the_limit_are_skipped_and_the_others_read(
    elements: list[Any], indents: list[int], chunk: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data, spans = _layout(elements, indents)
    path = tmp_path_factory.mktemp("big") / "a.json"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_, "CHUNK", chunk)
        patch.setenv("SCRAPEGATE_MAX_RECORD_BYTES", str(LIMIT))
        loaded = list(json_.read(str(path)))
    assert len(loaded) == len(elements), loaded
    for index, (record, element, (start, end)) in enumerate(
        zip(loaded, elements, spans, strict=True)
    ):
        line = data.count(b"\n", 0, start) + 1
        assert record.line == line
        if end - start > LIMIT:
            assert isinstance(record, UnreadableRecord)
            col = start - data.rfind(b"\n", 0, start)
            assert record.message.startswith(
                f"array element {index} (starting at column {col}) is bigger than 120 bytes"
            )
            # The span may take in the spaces between the element and its comma.
            assert record.span is not None and record.span[0] == start and record.raw is None
            assert data[record.span[0] : record.span[1]].rstrip() == data[start:end]
        elif isinstance(element, dict):
            assert isinstance(record, Document) and record.fields == element
        else:
            assert isinstance(record, UnreadableRecord)
            assert (record.raw or b"").rstrip() == data[start:end]


def test_a_huge_element_is_skipped_in_bounded_memory_and_the_rest_is_read(
    tmp_path: Path,
) -> None:
    # 48 MiB of one element, strings and brackets mixed, against a 1 MiB limit.
    piece = b'{"body": "' + b'a\\"[{' * 1000 + b'"},'
    big = b'{"url": "big", "parts": [' + piece * (48 * 1024 * 1024 // len(piece)) + b"{}]}"
    data = b"[\n" + json.dumps(GOOD[0]).encode() + b",\n  " + big + b",\n"
    data += json.dumps(GOOD[1]).encode() + b"\n]\n"
    path = tmp_path / "a.json"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRAPEGATE_MAX_RECORD_BYTES", str(1 << 20))
        tracemalloc.start()
        try:
            loaded = list(json_.read(str(path)))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 8 << 20, f"peak {peak} bytes while skipping a {len(big)}-byte element"
    first, skipped, last = loaded
    assert isinstance(first, Document) and first.fields == GOOD[0]
    assert isinstance(last, Document) and last.fields == GOOD[1] and last.line == 4
    assert isinstance(skipped, UnreadableRecord) and skipped.line == 3
    assert skipped.message.startswith(
        "array element 1 (starting at column 3) is bigger than 1 MiB (the limit)"
    )
    start = data.index(big)
    assert skipped.span == (start, start + len(big))


CLEANING_SUITE = """\
suite: s
documents:
  id: url
cleaners:
  - normalize_whitespace
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def test_check_and_clean_report_a_big_element_at_its_place_and_keep_its_bytes(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    big = b'{"url": "https://n.example/big", "title": "' + b"x" * 300 + b'"}'
    data = b'[{"url": "https://n.example/1", "title": "  A  "},\n' + big
    data += b',\n {"url": "https://n.example/3", "title": "C"}] trailing'
    project.write("docs/a.json", data)
    project.write("suite.yaml", CLEANING_SUITE.encode())
    checked = project.check("docs", "--max-record-bytes", "200")
    assert checked.code == 1, checked.text
    assert checked.unreadable()[0] == (
        "docs/a.json:2",
        "array element 1 (starting at column 1) is bigger than 200 bytes (the limit); it was "
        "skipped without being read into memory: split it, or raise the limit with "
        "--max-record-bytes BYTES (or SCRAPEGATE_MAX_RECORD_BYTES)",
    )
    assert checked.data["documents"] == 2
    code = main(
        ["clean", "docs", "--suite", "suite.yaml", "-o", "out", "--max-record-bytes", "200"]
    )
    seen = capsys.readouterr()
    assert code == 1, seen
    assert "docs/a.json:2: array element 1" in seen.out + seen.err
    assert (project.root / "out" / "a.json").read_bytes() == (
        b'[\n  {"url":"https://n.example/1","title":"A"},\n  '
        + big
        + b',\n  {"url":"https://n.example/3","title":"C"}\n] trailing'
    )

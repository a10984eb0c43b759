"""Fuzzing: whatever bytes, text or structures arrive, scrapegate answers with a result or one of
its own errors, never anything else.

Loaders get arbitrary bytes under every extension; the suite parser gets arbitrary text and
arbitrary YAML structures; cleaners get arbitrary text. The ``ci`` profile (CI=true) keeps
the module well under a minute; ``HYPOTHESIS_PROFILE=thorough`` runs it for long.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from scrapegate.documents import Document, UnreadableRecord
from scrapegate.errors import ConfigError, ScrapegateError
from scrapegate.loaders import Input, iter_documents, resolve_inputs
from scrapegate.loaders.jsonl import read_range
from scrapegate.registry import registry
from scrapegate.suite import parse_suite
from scrapegate.yamlsource import load_marked

# Files are written inside the test body (function-scoped tmp_path does not reset between
# examples), so each example gets its own directory.
EXTENSIONS = [".jsonl", ".json", ".csv", ".parquet", ".txt", ".html", ".jsonl.gz"]

# Bytes that look like the formats, so that examples reach past the first byte of a parser.
_json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
_json_values = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_fragments = st.sampled_from(
    [b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"\n", b"\r\n", b" ", b"\t", b"\x00",
     b"\xef\xbb\xbf", b"\xff\xfe", b"\x1f\x8b", b"\xff", b"\xc3", b'{"id": 1}', b'"id"', b"null",
     b"a,b\n", b'"x""y"', b"PAR1", b"1e999", b"-0", b"\xe2\x80\xa8"]
)  # fmt: skip


@st.composite
def format_like_bytes(draw: st.DrawFn) -> bytes:
    """Well-formed records, then splices of structural fragments and random bytes."""
    lines = draw(st.lists(_json_values, max_size=6))
    # json, not orjson: NaN and integers past 64 bits are in scraped data too.
    data = "".join(json.dumps(v) + "\n" for v in lines).encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(data)))
        piece = draw(_fragments | st.binary(max_size=8))
        data = data[:where] + piece + data[where:]
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


any_bytes = st.binary(max_size=2000) | format_like_bytes()


def _write(directory: str, ext: str, data: bytes) -> str:
    path = os.path.join(directory, "input" + ext)
    if ext.endswith(".gz"):
        packed = gzip.compress(data)
        data = packed[: len(packed) * 2 // 3] if data[:1] == b"\x00" else packed
    with open(path, "wb") as fh:
        fh.write(data)
    return path


@st.composite
def parquet_bytes(draw: st.DrawFn) -> bytes:
    """A real Parquet file of arbitrary rows, sometimes cut short or with a byte flipped."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    cell = st.none() | st.text(max_size=10) | st.integers(-(2**62), 2**62)
    rows = draw(st.lists(st.fixed_dictionaries({"id": cell, "title": cell}), max_size=5))
    sink = io.BytesIO()
    try:
        pq.write_table(pa.Table.from_pylist(rows), sink)
    except (pa.ArrowException, ValueError, TypeError):
        return b""  # mixed cell types do not make a column; not the loader's business
    data = sink.getvalue()
    mode = draw(st.sampled_from(["whole", "cut", "flip"]))
    if mode == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif mode == "flip" and data:
        where = draw(st.integers(0, len(data) - 1))
        data = data[:where] + bytes([data[where] ^ 0xFF]) + data[where + 1 :]
    return data


def _load_all(path: str, id_field: str | None) -> list[Any]:
    try:
        return list(iter_documents(resolve_inputs([path]), id_field))
    except ScrapegateError:
        return []


@pytest.mark.parametrize("ext", EXTENSIONS)
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=any_bytes | parquet_bytes(), id_field=st.sampled_from([None, "id", "a.b"]))
@example(data=b"[" * 100_000, id_field=None)
@example(data=b"\xff\xfe{\x00}\x00", id_field="id")
@example(data=b'{"id": "a"}\n{"id": ', id_field="id")
def test_loaders_yield_documents_or_unreadable_records(
    ext: str, data: bytes, id_field: str | None
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = _write(directory, ext, data)
        items = _load_all(path, id_field)
        with open(path, "rb") as fh:
            assert fh.read() is not None  # the input is still there and readable
    for item in items:
        assert isinstance(item, Document | UnreadableRecord)
        if isinstance(item, Document):
            assert isinstance(item.fields, dict) and isinstance(item.id, str) and item.line >= 1
        else:
            assert item.message and item.line >= 0


@given(data=any_bytes, cuts=st.lists(st.integers(0, 4000), max_size=4))
@example(data=b"\x00garbage\n" + b'{"id": 1}\n' * 3, cuts=[10])
@example(data=b'{"a": [[1]]}\n{"id": 2}\n{"b"\n', cuts=[1, 14])
def test_jsonl_read_in_slices_equals_one_read(data: bytes, cuts: list[int]) -> None:
    """Parallel workers read line-aligned byte ranges: together they must equal one pass."""
    assume(not data.startswith(b"\x1f\x8b"))  # gzip files are never split
    with tempfile.TemporaryDirectory() as directory:
        path = _write(directory, ".jsonl", data)
        whole = _load_all(path, "id")
        starts = sorted({0, *(_line_start(data, c) for c in cuts if c < len(data))})
        pieces: list[Any] = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(data)
            first_line = data.count(b"\n", 0, start) + 1
            pieces.extend(read_range(path, start, end, first_line, "id"))
    assert pieces == whole


def _line_start(data: bytes, offset: int) -> int:
    newline = data.rfind(b"\n", 0, offset)
    return newline + 1


# --- suites -------------------------------------------------------------------------------

_yaml_alphabet = st.sampled_from([*string.printable, "&a", "*a", "<<", "!!", "- ", ": "])
yaml_ish_text = st.lists(_yaml_alphabet, max_size=200).map("".join) | st.text(max_size=300)

_keys = st.sampled_from(
    ["suite", "expectations", "documents", "cleaners", "name", "check", "field", "where",
     "equals", "in", "matches", "mostly", "severity", "paths", "id", "fields", "from", "pattern",
     "packs", "min", "max", "formats", "sources", "unit", "description", "<<", "x"]
) | st.text(max_size=6)  # fmt: skip
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["(a", "(?<=x)", "(?P<value>.+)", "today", "%Y", "error", "warn"])
)
structures = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
    max_leaves=25,
)


@st.composite
def suite_like(draw: st.DrawFn) -> Any:
    """A suite skeleton with real check names, filled with arbitrary keys and values."""
    names = sorted(registry())
    items = []
    for index in range(draw(st.integers(0, 4))):
        item: dict[str, Any] = {
            "name": draw(st.sampled_from([f"e{index}", "same"])),
            "check": draw(st.sampled_from(names)),
        }
        item.update(draw(st.dictionaries(_keys, structures, max_size=4)))
        items.append(item)
    suite: dict[str, Any] = {"suite": draw(st.text(max_size=5)), "expectations": items}
    suite.update(draw(st.dictionaries(_keys, structures, max_size=2)))
    return suite


def _parse(text: str) -> None:
    try:
        parse_suite(load_marked(text, "fuzz.yaml"))
    except ConfigError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert str(problem).startswith("fuzz.yaml")
            assert "\n" not in problem.message


@given(text=yaml_ish_text)
@example(text="a: " + "[" * 5000 + "]" * 5000)
@example(text="a: " + "[" * 500 + "]" * 500)
@example(text="a: 2001-02-30")
@example(text="a: !!timestamp x")
@example(text="? [a]\n: 1")
@example(text="a: &x {k: 1}\nb: {<<: *x, k: 2}")
@example(text="suite: s\nexpectations:\n- {name: n, check: length, field: f, min: 5, max: 1}")
def test_suite_parser_answers_arbitrary_text_with_config_errors_only(text: str) -> None:
    _parse(text)


@given(data=structures | suite_like())
@example(
    data={
        "suite": "s",
        "expectations": [{"name": "n", "check": "matches", "field": "f", "pattern": "(a"}],
    }
)
@example(data={"suite": "s", "cleaners": [{}], "expectations": []})
@example(
    data={
        "suite": "",
        "expectations": [{"name": "e", "check": "attribution_present", "sources": [None]}],
    }
)
@example(data={"suite": "s", "cleaners": [{"x": None}, 3, "strip_htm"], "expectations": []})
def test_suite_parser_answers_arbitrary_structures_with_config_errors_only(data: Any) -> None:
    _parse(yaml.safe_dump(data, allow_unicode=True))


# --- cleaners -----------------------------------------------------------------------------

# Parameters a suite would give the built-in cleaners that need some (field cleaners need a
# field, truncate_after a pattern, strip_boilerplate packs); the rest run on their defaults.
_PARAMS: dict[str, Any] = {
    "field": "date",
    "pattern": r"^--\s*(?:Reuters|AP)\s*--$",
    "packs": ("comment_widgets", "share_buttons", "cookie_banners"),
}


def _cleaner_functions() -> Iterator[tuple[str, Any]]:
    from dataclasses import fields

    from scrapegate import cleaners

    for name, kind in sorted(cleaners.registry().items()):
        names = {f.name for f in fields(kind.params)}
        params = kind.params(**{k: v for k, v in _PARAMS.items() if k in names})
        yield name, kind.factory(params)


text_inputs = st.text(max_size=400) | st.lists(
    st.sampled_from(
        ["<p>", "</p>", "<script>x</script>", "&amp;", "&#0;", "Ã©", "\u00a0", "\r\n", "\n\n",
         "Comments", "Share on Facebook", "--Reuters--", "Jul 4, 2025", "\u202e", "\x00", "\ud7ff",
         "  ", "\t", "é", "e\u0301", "ﬁ"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@given(text=text_inputs)
@example(text="")
@example(text="<" * 10_000)
def test_cleaners_return_text_or_raise_their_own_error(text: str) -> None:
    from scrapegate.cleaners import CleanerError

    for name, clean in _cleaner_functions():
        try:
            out = clean(text)
        except (CleanerError, ScrapegateError):
            continue
        assert isinstance(out, str), name


def test_fuzz_profile_is_the_ci_one_under_ci() -> None:
    """CI must run these with the `ci` profile: bounded, derandomized, reproducible."""
    if not os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE"):
        pytest.skip("only meaningful under CI=true without an explicit profile")
    current = settings.default
    assert current is not None
    assert current.derandomize and current.max_examples <= 200


def test_generated_inputs_exist(tmp_path: Path) -> None:
    """The strategies produce what the loaders are meant to see (a guard against dead fuzz)."""
    path = _write(str(tmp_path), ".jsonl", b'{"id": "x"}\n{bad\n')
    items = list(iter_documents([Input(path, "jsonl")], "id"))
    assert [type(i) for i in items] == [Document, UnreadableRecord]

"""Loaders: every format yields documents with exact locations and reports bad records."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest

from scrapegate.documents import Document, Loaded, UnreadableRecord
from scrapegate.errors import UsageError
from scrapegate.loaders import (
    EXTENSIONS,
    FORMATS,
    Input,
    canonical_path,
    iter_documents,
    json_,
    read_input,
    resolve_inputs,
)


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def load(path: str, fmt: str | None = None, id_field: str | None = None) -> list[Loaded]:
    return list(iter_documents(resolve_inputs([path], fmt), id_field))


def summary(items: list[Loaded]) -> list[tuple[str, int, object]]:
    """(kind, line, fields-or-message) per item, for compact assertions."""
    return [
        ("doc", i.line, i.fields) if isinstance(i, Document) else ("bad", i.line, i.message)
        for i in items
    ]


def only_bad(items: list[Loaded]) -> UnreadableRecord:
    bad = [i for i in items if isinstance(i, UnreadableRecord)]
    assert len(bad) == 1, items
    return bad[0]


# --- JSON Lines ---------------------------------------------------------------------------


def test_jsonl_yields_a_document_per_line_with_its_line_number(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"id": "x"}\n\n   \n{"id": 7, "n": [1]}\r\n{"z": 1}')
    docs = load(path, id_field="id")
    assert summary(docs) == [
        ("doc", 1, {"id": "x"}),
        ("doc", 4, {"id": 7, "n": [1]}),
        ("doc", 5, {"z": 1}),
    ]
    assert [d.id for d in docs if isinstance(d, Document)] == ["x", "7", f"{path}:5"]
    assert all(d.path == path for d in docs)


def test_jsonl_bad_lines_are_reported_at_their_line_and_later_lines_still_load(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "a.jsonl", '{"a": 1}\n{"a": \n[1, 2]\n"s"\nnull\n{"a": 2}\n')
    items = summary(load(path))
    assert items[0] == ("doc", 1, {"a": 1})
    assert items[1][:2] == ("bad", 2)
    assert str(items[1][2]).startswith("invalid JSON: ")
    assert str(items[1][2]).endswith("; fix or remove this line")
    assert items[2] == ("bad", 3, "record is a JSON array, expected an object")
    assert items[3] == ("bad", 4, "record is a JSON string, expected an object")
    assert items[4] == ("bad", 5, "record is a JSON null, expected an object")
    assert items[5] == ("doc", 6, {"a": 2})


def test_jsonl_invalid_utf8_names_the_line_and_byte_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", b'{"a": 1}\n{"t": "caf\xe9"}\n{"a": 3}\n')
    items = load(path)
    bad = only_bad(items)
    assert bad.line == 2
    # Line 2 starts at byte 9; 0xe9 is its 11th byte.
    assert "byte 0xe9 at byte offset 19 (byte 11 of the line)" in bad.message
    assert [i.line for i in items if isinstance(i, Document)] == [1, 3]


def test_jsonl_utf8_bom_on_the_first_line_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\n')
    assert summary(load(path)) == [("doc", 1, {"a": 1}), ("doc", 2, {"a": 2})]


def test_jsonl_utf16_file_is_one_unreadable_record_with_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", '{"a": 1}\n{"a": 2}\n'.encode("utf-16"))
    assert summary(load(path)) == [
        ("bad", 0, "file is UTF-16 encoded; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
    ]


def test_jsonl_gz_suffix_is_decompressed(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl.gz", gzip.compress(b'{"a": 1}\n{"a": 2}\n'))
    assert summary(load(path)) == [("doc", 1, {"a": 1}), ("doc", 2, {"a": 2})]


def test_jsonl_gzip_is_detected_by_magic_bytes_without_the_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "dump.data", gzip.compress(b'{"a": 1}\n'))
    assert summary(load(path, fmt="jsonl")) == [("doc", 1, {"a": 1})]


def test_jsonl_truncated_gzip_reports_the_last_line_reached_and_stops(tmp_path: Path) -> None:
    lines = b"".join(
        b'{"n": %d, "pad": "%s"}\n' % (i, os.urandom(16).hex().encode()) for i in range(5000)
    )
    blob = gzip.compress(lines)
    path = write(tmp_path, "a.jsonl.gz", blob[: len(blob) // 2])
    items = load(path)
    last = items[-1]
    assert isinstance(last, UnreadableRecord)
    docs = items[:-1]
    assert docs and all(isinstance(d, Document) for d in docs)
    assert last.line == docs[-1].line == len(docs)
    assert last.message.startswith(f"file is truncated or corrupt after line {len(docs)}: ")


def test_stdin_is_read_as_jsonl_and_shown_as_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.SimpleNamespace(buffer=io.BytesIO(b'{"a": 1}\nnope\n{"a": 2}\n'))
    monkeypatch.setattr(sys, "stdin", fake)
    items = load("-")
    assert summary(items)[0] == ("doc", 1, {"a": 1})
    assert summary(items)[2] == ("doc", 3, {"a": 2})
    assert {i.path for i in items} == {"<stdin>"}
    assert isinstance(items[1], UnreadableRecord)
    assert items[1].source == "<stdin>:2"


def test_stdin_gzip_is_decompressed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.SimpleNamespace(buffer=io.BytesIO(gzip.compress(b'{"a": 1}\n')))
    monkeypatch.setattr(sys, "stdin", fake)
    assert summary(load("-")) == [("doc", 1, {"a": 1})]


def test_stdin_with_a_non_jsonl_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="standard input is read as JSON Lines"):
        resolve_inputs(["-"], "csv")


# --- JSON ------------------------------------------------------------------------------------


def test_json_array_spread_over_lines_gives_each_object_its_start_line(tmp_path: Path) -> None:
    text = '[\n  {"id": "a",\n   "t": "x, ] } [ \\" y"},\n\n  {\n    "id": "b"\n  }\n]\n'
    docs = load(write(tmp_path, "a.json", text), id_field="id")
    assert summary(docs) == [
        ("doc", 2, {"id": "a", "t": 'x, ] } [ " y'}),
        ("doc", 5, {"id": "b"}),
    ]
    assert [d.id for d in docs if isinstance(d, Document)] == ["a", "b"]


def test_json_minified_array_objects_share_line_1_but_ids_stay_unique(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[{"a": 1}, {"a": 2}, {"a": 3}]')
    docs = load(path)
    assert [d.line for d in docs] == [1, 1, 1]
    assert [d.id for d in docs if isinstance(d, Document)] == [
        f"{path}:1",
        f"{path}:1#1",
        f"{path}:1#2",
    ]


def test_json_single_object_is_one_document(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '\n\n{"id": "only", "items": [1, 2]}\n')
    docs = load(path, id_field="id")
    assert summary(docs) == [("doc", 3, {"id": "only", "items": [1, 2]})]
    assert docs[0].source == f"{path}:3"


def test_json_non_object_elements_are_reported_at_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[\n{"a": 1},\n42,\n["x"],\n{"a": 2}\n]')
    assert summary(load(path)) == [
        ("doc", 2, {"a": 1}),
        ("bad", 3, "array element 1 is a JSON number, expected an object"),
        ("bad", 4, "array element 2 is a JSON array, expected an object"),
        ("doc", 5, {"a": 2}),
    ]


def test_json_invalid_element_reports_line_and_column_and_the_rest_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[\n{"a": 1},\n  {"a": }, {"a": 3}\n]\n')
    items = summary(load(path))
    assert items[0] == ("doc", 2, {"a": 1})
    assert items[1][:2] == ("bad", 3)
    assert str(items[1][2]).startswith("invalid JSON at column 9: ")
    assert items[2] == ("doc", 3, {"a": 3})


def test_json_invalid_object_reports_orjsons_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '{\n  "a": 1,\n  "b": tru\n}\n')
    bad = only_bad(load(path))
    assert bad.line == 3
    assert bad.message.startswith("invalid JSON at column 8: ")


def test_json_file_holding_json_lines_suggests_jsonl(tmp_path: Path) -> None:
    bad = only_bad(load(write(tmp_path, "a.json", '{"a": 1}\n{"a": 2}\n')))
    assert bad.line == 2
    assert "--format jsonl" in bad.message


def test_json_truncated_array_is_reported_after_the_complete_elements(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[\n{"a": 1},\n{"a": 2},\n{"a": "unfinish')
    items = summary(load(path))
    assert items[:2] == [("doc", 2, {"a": 1}), ("doc", 3, {"a": 2})]
    assert items[2] == ("bad", 4, "file ends inside the array; truncated?")


def test_json_stray_commas_and_trailing_data_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[{"a": 1},\n,{"a": 2},\n]\nextra')
    assert summary(load(path)) == [
        ("doc", 1, {"a": 1}),
        ("bad", 2, "empty array element (stray comma?)"),
        ("doc", 2, {"a": 2}),
        ("bad", 3, "empty array element (stray comma?)"),
        ("bad", 4, "unexpected data after the array at column 1"),
    ]


def test_json_empty_array_and_empty_file_give_no_documents(tmp_path: Path) -> None:
    assert load(write(tmp_path, "a.json", " [ ] \n")) == []
    assert load(write(tmp_path, "b.json", "")) == []


def test_json_streams_correctly_across_tiny_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [{"t": 'a\\"[{,', "n": [1, {"x": "}"}]}, {"t": "\\", "é": "]"}, {}]
    text = "\ufeff[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]"
    path = write(tmp_path, "a.json", text)
    monkeypatch.setattr(json_, "CHUNK", 3)
    assert summary(load(path)) == [("doc", n, r) for n, r in zip((2, 3, 4), records, strict=True)]


def test_json_utf16_file_is_one_unreadable_record(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", '[{"a": 1}]'.encode("utf-16"))
    assert only_bad(load(path)).message.startswith("file is UTF-16 encoded")


# --- CSV -------------------------------------------------------------------------------------


def test_csv_rows_start_at_their_physical_line_across_multiline_cells(tmp_path: Path) -> None:
    text = 'id,body\n1,"first\nsecond\n\nthird"\n2,plain\n\n3,"x"\n'
    docs = load(write(tmp_path, "a.csv", text), id_field="id")
    assert summary(docs) == [
        ("doc", 2, {"id": "1", "body": "first\nsecond\n\nthird"}),
        ("doc", 6, {"id": "2", "body": "plain"}),
        ("doc", 8, {"id": "3", "body": "x"}),
    ]
    assert [d.id for d in docs if isinstance(d, Document)] == ["1", "2", "3"]


def test_csv_ragged_rows_are_reported_not_guessed(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "a,b\n1,2,3\n4\n5,6\n")
    items = summary(load(path))
    assert items[0][:2] == ("bad", 2)
    assert str(items[0][2]).startswith("row has 3 cells, header has 2")
    assert items[1] == ("bad", 3, "row has 1 cell, header has 2")
    assert items[2] == ("doc", 4, {"a": "5", "b": "6"})


def test_csv_utf8_bom_does_not_leak_into_the_first_column_name(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"\xef\xbb\xbfid,t\r\n1,x\r\n")
    assert summary(load(path)) == [("doc", 2, {"id": "1", "t": "x"})]


def test_csv_invalid_utf8_is_reported_at_its_line_and_later_rows_load(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", b"a,b\n1,ok\n2,caf\xe9\n3,ok\n")
    items = load(path)
    bad = only_bad(items)
    assert bad.line == 3
    assert "byte 0xe9 at byte offset 14 (byte 6 of the line)" in bad.message
    assert [i.line for i in items if isinstance(i, Document)] == [2, 4]


def test_csv_undecodable_header_stops_the_file_instead_of_using_a_data_row(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "a.csv", b"n\xe4me,b\n1,2\n")
    bad = only_bad(items := load(path))
    assert (bad.line, len(items)) == (1, 1)


def test_csv_cells_larger_than_the_default_field_limit_load(tmp_path: Path) -> None:
    body = "w" * 300_000
    path = write(tmp_path, "a.csv", f'id,body\n1,"{body}"\n')
    assert summary(load(path)) == [("doc", 2, {"id": "1", "body": body})]


def test_csv_duplicate_header_column_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,id\n1,2\n")
    assert summary(load(path)) == [
        ("bad", 1, "column 'id' appears twice in the header; rename one")
    ]


# --- Parquet ---------------------------------------------------------------------------------


def test_parquet_rows_are_documents_numbered_from_1_across_batches(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = str(tmp_path / "a.parquet")
    ids = [f"r{i}" for i in range(1500)] + [""]
    pq.write_table(pa.table({"id": ids, "n": list(range(1501))}), path, row_group_size=700)
    docs = load(path, id_field="id")
    assert all(isinstance(d, Document) for d in docs)
    assert [d.line for d in docs] == list(range(1, 1502))
    doc = docs[1024]
    assert isinstance(doc, Document)
    assert (doc.fields, doc.source) == ({"id": "r1024", "n": 1024}, f"{path}:1025")
    assert [d.id for d in docs if isinstance(d, Document)][-2:] == ["r1499", f"{path}:1501"]


def test_parquet_garbage_file_is_an_unreadable_record(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    bad = only_bad(load(write(tmp_path, "a.parquet", b"not parquet at all")))
    assert bad.line == 0
    assert bad.message.startswith("not a readable Parquet file: ")


def test_parquet_without_pyarrow_is_a_usage_error_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "a.parquet", b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(UsageError, match=r"pip install 'scrapegate\[parquet\]'"):
        resolve_inputs([path])
    with pytest.raises(UsageError, match="reading Parquet needs pyarrow"):
        list(read_input(Input(path, "parquet")))


# --- Text ------------------------------------------------------------------------------------


def test_text_file_is_one_document_identified_by_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "page.md", "# Title\r\nbody\n")
    docs = load(path, id_field="id")
    assert summary(docs) == [("doc", 1, {"text": "# Title\r\nbody\n", "path": path})]
    doc = docs[0]
    assert isinstance(doc, Document)
    assert (doc.id, doc.text_field) == (path, "text")
    assert doc.source_at("text", doc.fields["text"].index("body")) == f"{path}:2"


def test_text_invalid_utf8_reports_the_line_and_offset_of_the_first_bad_byte(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfone\ntwo \xff\xfe\n")
    bad = only_bad(load(path))
    assert bad.line == 2
    assert "byte 0xff at byte offset 11 (byte 5 of the line)" in bad.message


def test_text_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "héllo\nwörld\n".encode("utf-16"))
    assert summary(load(path)) == [("doc", 1, {"text": "héllo\nwörld\n", "path": path})]


def test_text_empty_file_is_a_document_with_empty_text(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"")
    assert summary(load(path)) == [("doc", 1, {"text": "", "path": path})]


# --- Resolving inputs ------------------------------------------------------------------------


def test_folders_are_walked_recursively_in_sorted_order_keeping_known_extensions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ["b.jsonl", "a/z.csv", "a/y/x.json", "a.txt", "c.JSONL.GZ", "notes.bin"]:
        write(tmp_path / "data", name, b"")
    write(tmp_path / "data", ".hidden.jsonl", b"")
    write(tmp_path / "data", ".git/x.jsonl", b"")
    monkeypatch.chdir(tmp_path)
    # Sorted by path components: folder "a" comes before file "a.txt".
    assert resolve_inputs(["./data/"]) == [
        Input("data/a/y/x.json", "json"),
        Input("data/a/z.csv", "csv"),
        Input("data/a.txt", "text"),
        Input("data/b.jsonl", "jsonl"),
        Input("data/c.JSONL.GZ", "jsonl"),
    ]


@pytest.mark.parametrize("given", ["data/a.jsonl", "./data/a.jsonl", "data/../data/a.jsonl"])
def test_paths_inside_the_working_directory_are_named_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    write(tmp_path, "data/a.jsonl", b"{}\n")
    monkeypatch.chdir(tmp_path)
    for spelling in (given, str(tmp_path / given)):
        assert canonical_path(spelling) == "data/a.jsonl"
        [doc] = load(spelling)
        assert (doc.id, doc.path, doc.source) == (
            "data/a.jsonl:1",
            "data/a.jsonl",
            "data/a.jsonl:1",
        )


def test_paths_outside_the_working_directory_are_absolute_and_normalised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "data/page.txt", "x")
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    expected = str(tmp_path / "data" / "page.txt")
    assert canonical_path("../data/./page.txt") == expected
    assert canonical_path(f"{tmp_path}/here/../data//page.txt") == expected
    assert [d.id for d in load("../data/")] == [expected]
    assert canonical_path(".") == "."
    assert canonical_path("-") == "-"
    assert canonical_path("") == ""  # not "." : an empty argument must not read everything


def test_a_symlinked_working_directory_is_recognised_under_its_shell_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "real/data/a.jsonl", b"")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real", target_is_directory=True)
    monkeypatch.chdir(link)  # getcwd() now says .../real; the shell's $PWD says .../link
    monkeypatch.setenv("PWD", str(link))
    assert canonical_path(f"{link}/data/a.jsonl") == "data/a.jsonl"
    assert canonical_path(str(tmp_path / "real" / "data" / "a.jsonl")) == "data/a.jsonl"


def test_dotdot_after_a_symlinked_folder_keeps_naming_the_file_actually_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "jump/.." is the parent of the link's target, not "." : folding it would name a
    # different file, so the real path is used instead.
    write(tmp_path, "elsewhere/inner/x", b"")
    write(tmp_path, "elsewhere/a.jsonl", b"{}\n")
    write(tmp_path, "work/a.jsonl", b"")
    (tmp_path / "work" / "jump").symlink_to(tmp_path / "elsewhere" / "inner")
    monkeypatch.chdir(tmp_path / "work")
    real = os.path.realpath(tmp_path / "elsewhere" / "a.jsonl")
    assert canonical_path("jump/../a.jsonl") == real
    assert [d.id for d in load("jump/../a.jsonl")] == [f"{real}:1"]


def test_folder_with_a_format_keeps_every_file(tmp_path: Path) -> None:
    write(tmp_path, "x.bin", b"")
    write(tmp_path, "y.csv", b"")
    assert [i.format for i in resolve_inputs([str(tmp_path)], "jsonl")] == ["jsonl", "jsonl"]


def test_missing_path_error_says_paths_are_relative_to_the_suite(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    with pytest.raises(UsageError) as info:
        resolve_inputs([missing])
    assert str(info.value) == (
        f"{missing}: no such file or directory; "
        "check the path (paths in a suite are relative to the suite file)"
    )


def test_unknown_extension_of_a_named_file_lists_the_formats(tmp_path: Path) -> None:
    path = write(tmp_path, "dump.xml", b"")
    with pytest.raises(UsageError) as info:
        resolve_inputs([path])
    assert path in str(info.value)
    assert "--format" in str(info.value)
    assert ", ".join(FORMATS) in str(info.value)
    assert resolve_inputs([path], "text") == [Input(path, "text")]


def test_unknown_format_name_is_a_usage_error_with_a_suggestion() -> None:
    with pytest.raises(UsageError, match="did you mean 'jsonl'"):
        resolve_inputs(["-"], "jsonll")


def test_named_empty_folder_resolves_to_no_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert resolve_inputs([str(tmp_path / "empty")]) == []


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    write(tmp_path, "d/a.jsonl", b"")
    try:
        os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    except (OSError, NotImplementedError):
        pytest.skip("symlinks not supported here")
    assert resolve_inputs([str(tmp_path / "d")]) == [Input(f"{tmp_path}/d/a.jsonl", "jsonl")]


def test_the_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", b"")
    assert resolve_inputs([path, str(tmp_path), path]) == [Input(path, "jsonl")]


def test_extension_table_matches_the_formats() -> None:
    assert set(EXTENSIONS.values()) == set(FORMATS)
    assert EXTENSIONS[".ndjson.gz"] == "jsonl"
    assert EXTENSIONS[".htm"] == "text"


# --- Unreadable files ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_vanished_file_is_one_record_and_the_next_file_still_loads(
    tmp_path: Path, fmt: str
) -> None:
    good = write(tmp_path, "good.jsonl", b'{"a": 1}\n')
    gone = str(tmp_path / "gone")
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    items = list(iter_documents([Input(gone, fmt), Input(good, "jsonl")]))
    assert summary(items) == [
        ("bad", 0, "cannot read file: No such file or directory"),
        ("doc", 1, {"a": 1}),
    ]
    assert items[0].source == gone


def test_a_directory_given_as_a_file_is_one_unreadable_record(tmp_path: Path) -> None:
    bad = only_bad(list(read_input(Input(str(tmp_path), "jsonl"))))
    assert bad.message.startswith("cannot read file: ")
    assert bad.line == 0


def test_read_input_rejects_an_unknown_format() -> None:
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        read_input(Input("x", "xml"))


def test_id_field_uses_str_or_int_values_and_falls_back_to_the_source(tmp_path: Path) -> None:
    lines = [
        {"id": "a"},
        {"id": 5},
        {"id": "  "},
        {"id": True},
        {"id": 1.5},
        {"meta": {"id": "deep"}},
        {},
    ]
    path = write(tmp_path, "a.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    ids = [d.id for d in load(path, id_field="id") if isinstance(d, Document)]
    assert ids == ["a", "5", f"{path}:3", f"{path}:4", f"{path}:5", f"{path}:6", f"{path}:7"]
    nested = [d.id for d in load(path, id_field="meta.id") if isinstance(d, Document)]
    assert nested[5] == "deep"


def test_a_symlinked_folder_is_walked_under_the_link_name(tmp_path: Path) -> None:
    write(tmp_path, "elsewhere/b.jsonl", b"")
    write(tmp_path, "d/a.jsonl", b"")
    os.symlink(tmp_path / "elsewhere", tmp_path / "d" / "linked")
    assert resolve_inputs([str(tmp_path / "d")]) == [
        Input(f"{tmp_path}/d/a.jsonl", "jsonl"),
        Input(f"{tmp_path}/d/linked/b.jsonl", "jsonl"),
    ]


def test_a_folder_symlink_loop_is_one_warning(tmp_path: Path) -> None:
    write(tmp_path, "d/a.jsonl", b"")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    warnings: list[str] = []
    assert resolve_inputs([str(tmp_path / "d")], warnings=warnings) == [
        Input(f"{tmp_path}/d/a.jsonl", "jsonl")
    ]
    assert warnings == [
        f"{tmp_path}/d/loop: symbolic link to a folder that contains it ({tmp_path}/d), a "
        "loop: not followed; remove the link or point it elsewhere"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_in_a_folder_is_never_an_input_even_with_format(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "live.jsonl")
    warnings: list[str] = []
    assert resolve_inputs([str(tmp_path)], "jsonl", warnings=warnings) == []
    assert warnings == [
        f"{tmp_path}/live.jsonl: a FIFO (named pipe), not a regular file: skipped without "
        "opening it (reading it could block the run); name it on the command line to read it"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_explicitly_is_an_input(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "live.jsonl")
    assert resolve_inputs([str(tmp_path / "live.jsonl")]) == [
        Input(f"{tmp_path}/live.jsonl", "jsonl")
    ]


def test_an_unlistable_folder_is_an_unreadable_record_in_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "d/a.jsonl", b'{"x": 1}\n')
    write(tmp_path, "d/m/inner.jsonl", b'{"x": 2}\n')
    write(tmp_path, "d/z.jsonl", b'{"x": 3}\n')
    real_scandir = os.scandir

    def guarded(path: Any = ".") -> Any:
        if str(path).endswith("/m"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    inputs = resolve_inputs([str(tmp_path / "d")])
    assert [(i.path, i.problem is not None) for i in inputs] == [
        (f"{tmp_path}/d/a.jsonl", False),
        (f"{tmp_path}/d/m", True),
        (f"{tmp_path}/d/z.jsonl", False),
    ]
    records = list(iter_documents(inputs))
    assert [type(r).__name__ for r in records] == ["Document", "UnreadableRecord", "Document"]
    assert records[1] == UnreadableRecord(
        f"{tmp_path}/d/m",
        0,
        "cannot read folder: Permission denied; check the folder's permissions (or run as a "
        "user who can read it); the files in it were not checked",
    )


@pytest.mark.skipif(not os.path.isdir("/dev/fd"), reason="no /dev/fd on this platform")
def test_gzip_through_a_pipe_that_delivers_one_byte_first_is_still_decompressed() -> None:
    # peek() shows only what has arrived: one byte of the magic must not make it plain text.
    data = gzip.compress(b'{"url": "u1"}\n{"url": "u2"}\n')
    read_end, write_end = os.pipe()
    os.write(write_end, data[:1])

    def rest() -> None:
        time.sleep(0.2)
        os.write(write_end, data[1:])
        os.close(write_end)

    writer = threading.Thread(target=rest, daemon=True)
    writer.start()
    try:
        records = list(read_input(Input(f"/dev/fd/{read_end}", "jsonl")))
    finally:
        writer.join(10)
        os.close(read_end)
    assert [r.fields for r in records if isinstance(r, Document)] == [{"url": "u1"}, {"url": "u2"}]
    assert [r for r in records if isinstance(r, UnreadableRecord)] == []


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this platform")
def test_a_link_to_a_device_in_a_folder_is_named_and_never_read(tmp_path: Path) -> None:
    # /dev/zero never ends: reading it would run forever instead of checking the folder.
    write(tmp_path, "a.jsonl", b"")
    os.symlink("/dev/zero", tmp_path / "zero.jsonl")
    warnings: list[str] = []
    assert resolve_inputs([str(tmp_path)], warnings=warnings) == [
        Input(f"{tmp_path}/a.jsonl", "jsonl")
    ]
    assert warnings == [
        f"{tmp_path}/zero.jsonl: a character device, not a regular file: skipped without "
        "opening it (reading it could block the run); name it on the command line to read it"
    ]


def test_a_folder_tree_deeper_than_the_recursion_limit_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    depth = sys.getrecursionlimit() + 50
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("a.jsonl").write_bytes(b"")
        os.chdir(tmp_path)
        [found] = resolve_inputs(["d"])
        assert found.path.count("/") == depth
    finally:
        _remove_deep_tree(tmp_path / "d")


def _remove_deep_tree(top: Path) -> None:
    """Remove a chain of folders ``d/d/...`` bottom-up (rmtree recurses, and fails on it)."""
    folders: list[Path] = []
    while top.is_dir():
        folders.append(top)
        top = top / "d"
    for folder in reversed(folders):
        for child in folder.iterdir():
            if not child.is_dir():
                child.unlink()
        folder.rmdir()

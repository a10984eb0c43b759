"""Bad documents: each gets one clear line at its ``file:line``, the rest is still checked, exit 1.

Every run goes through ``scrapegate.cli.main`` in a project folder; the helpers assert for every
run that no traceback is printed, no input file changes and no temp file is left behind.
Problems with paths themselves (missing, a symlink loop) are usage errors: exit 2.
"""

from __future__ import annotations

import base64
import builtins
import gzip
import json
import os
import random
import subprocess
from typing import Any

import pytest

from tests.robustness.support import GOOD, Project, jsonl, scrapegate_process

LINE_GOOD = json.dumps(GOOD[0]).encode()


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def _gzip_cut() -> bytes:
    packed = gzip.compress(jsonl(GOOD * 2000))
    return packed[: len(packed) // 2]


def _gzip_flipped() -> bytes:
    packed = bytearray(gzip.compress(jsonl(GOOD * 50)))
    packed[20:40] = bytes(20)
    return bytes(packed)


def _parquet(rows: list[dict[str, Any]]) -> bytes:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import io

    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), sink)
    return sink.getvalue()


# Found by the fuzz tests: a row group claiming -2496 rows, which makes pyarrow abort the whole
# process from C++ (std::length_error) unless the metadata is checked first.
NEGATIVE_ROWS_PARQUET = base64.b64decode(
    "UEFSMRUEGRw1ABgGc2NoZW1hFQAAFgAZHBkMFgAW/yYAFgAAGRwYDEFSUk9XOnNjaGVtYRhMLy8vLy96QUFBQUFR"
    "QUFBQUFBQUtBQXdBQmdBRkFBZ0FDZ0FBQUFBQkJBQU1BQUFBQ0FBSUFBQUFCQUFJQUFBQUJBQUFBQUFBQUFBPQAY"
    "IHBhcnF1ZXQtY3BwLWFycm93IHZlcnNpb24gMjYuMC4xGQwApAAAAFBBUjE="
)

# (case, file name, content, where it is reported, message fragment, documents it still holds)
BAD_FILES = [
    ("malformed JSON line", "a.jsonl", LINE_GOOD + b"\n{not json\n" + LINE_GOOD + b"\n",
     "docs/a.jsonl:2", "invalid JSON", 2),
    ("truncated last line", "a.jsonl", LINE_GOOD + b'\n{"url": "https://n.example/9", "ti',
     "docs/a.jsonl:2", "the last record is cut off", 1),
    ("invalid UTF-8", "a.jsonl", b'{"url": "u", "title": "caf\xe9"}\n' + LINE_GOOD + b"\n",
     "docs/a.jsonl:1", "invalid UTF-8: byte 0xe9", 1),
    ("UTF-16 with BOM, JSON Lines", "a.jsonl", (LINE_GOOD.decode() + "\n").encode("utf-16"),
     "docs/a.jsonl", "file is UTF-16 encoded; convert it to UTF-8", 0),
    ("UTF-16 with BOM, JSON", "a.json", json.dumps(GOOD).encode("utf-16"),
     "docs/a.json", "file is UTF-16 encoded", 0),
    ("UTF-16 with BOM, CSV", "a.csv", "url,title\nu,t\n".encode("utf-16"),
     "docs/a.csv", "file is UTF-16 encoded", 0),
    ("random bytes named .jsonl", "a.jsonl", random.Random(0).randbytes(64 << 10),
     "docs/a.jsonl", "binary data, not JSON Lines", 0),
    ("xz data named .jsonl", "a.jsonl", b"\xfd7zXZ\x00" + bytes(200),
     "docs/a.jsonl", "file is xz-compressed; decompress it first", 0),
    ("gzip cut in half", "a.jsonl.gz", _gzip_cut(),
     "docs/a.jsonl.gz:", "file is truncated or corrupt after line", None),
    ("gzip with corrupt bytes", "a.jsonl.gz", _gzip_flipped(),
     "docs/a.jsonl.gz", "file is truncated or corrupt", None),
    ("100k nested arrays", "a.jsonl", _deep(100_000) + b"\n" + LINE_GOOD + b"\n",
     "docs/a.jsonl:1", "nested more than 200 levels deep", 1),
    ("300 nested arrays in a field", "a.jsonl",
     b'{"url": "deep", "title": ' + _deep(300) + b"}\n" + LINE_GOOD + b"\n",
     "docs/a.jsonl:1", "nested more than 200 levels deep", 1),
    ("100k nested arrays in a JSON array", "a.json",
     b"[" + LINE_GOOD + b",\n" + _deep(100_000) + b",\n" + LINE_GOOD + b"]",
     "docs/a.json:2", "nested more than 200 levels deep", 2),
    ("a record that is not an object", "a.jsonl", b"[1, 2]\n" + LINE_GOOD + b"\n",
     "docs/a.jsonl:1", "record is a JSON array, expected an object", 1),
    ("truncated JSON array", "a.json", b"[" + LINE_GOOD + b",\n" + LINE_GOOD[:20],
     "docs/a.json:2", "file ends inside the array; truncated?", 1),
    ("CSV with ragged rows", "a.csv", b"url,title,body\nu1,A,x\nu2,B\nu3,C,y,z\nu4,D,w\n",
     "docs/a.csv:3", "row has 2 cells, header has 3", 2),
    ("CSV with an unclosed quote", "a.csv", b'url,title,body\nu1,A,x\nu2,"B,y\nu3,C,z\n',
     "docs/a.csv:3", "a quoted cell opened on this row is never closed", 1),
    ("Parquet cut short", "a.parquet", b"PAR1" + bytes(30),
     "docs/a.parquet", "not a readable Parquet file", 0),
    ("Parquet with impossible metadata", "a.parquet", NEGATIVE_ROWS_PARQUET,
     "docs/a.parquet", "corrupt Parquet file: row group 0 claims -2496 rows", 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "where", "fragment", "kept"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_is_reported_at_its_place_and_the_rest_is_checked(
    project: Project, name: str, content: bytes, where: str, fragment: str, kept: int | None
) -> None:
    project.good()
    project.write(f"docs/{name}", content)
    result = project.check("docs")
    assert result.code == 1, result.text
    reported = result.unreadable()
    assert any(src.startswith(where) and fragment in msg for src, msg in reported), reported
    assert all("\n" not in msg for _, msg in reported)
    if kept is not None:
        assert result.data["documents"] == len(GOOD) + kept
    assert result.data["documents"] >= len(GOOD)
    assert f"{reported[0][0]}" in result.out  # the terminal names the place too


def test_every_bad_file_in_one_folder_is_reported_and_nothing_else_is_lost(
    project: Project,
) -> None:
    project.good()
    for index, (_, name, content, *_) in enumerate(BAD_FILES):
        project.write(f"docs/{index:02d}-{name}", content)
    result = project.check("docs")
    assert result.code == 1
    reported = {src.split(":")[0] for src, _ in result.unreadable()}
    assert reported == {f"docs/{i:02d}-{c[1]}" for i, c in enumerate(BAD_FILES)}
    kept = sum(c[5] for c in BAD_FILES if c[5] is not None)
    assert result.data["documents"] >= len(GOOD) + kept


def test_a_single_100_mb_record_is_checked_like_any_other(project: Project) -> None:
    path = project.root / "docs" / "big.jsonl"
    path.parent.mkdir()
    chunk = b"lorem ipsum dolor sit amet " * 40_000  # ~1 MB, written 100 times
    with open(path, "wb") as fh:
        fh.write(b'{"url": "https://n.example/big", "title": "Big", "body": "')
        for _ in range(100):
            fh.write(chunk)
        fh.write(b'"}\n')
        fh.write(jsonl(GOOD))
    result = project.check("docs")
    assert result.code == 1
    assert result.unreadable() == []
    assert result.data["documents"] == 3
    [(source, message)] = result.failures("body length")
    assert source == "docs/big.jsonl:1"
    assert message == f"{len(chunk) * 100} characters, more than max 1000"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "field 'body' is missing or null"),
        (42, "field 'body' is a number, expected text"),
        (["a", "b"], "field 'body' is a list, expected text"),
        ({"text": "x"}, "field 'body' is an object, expected text"),
    ],
    ids=["null", "number", "list", "object"],
)
def test_a_field_of_the_wrong_type_fails_its_expectation_with_the_type_named(
    project: Project, value: object, message: str
) -> None:
    record = {"url": "https://n.example/odd", "title": "Odd", "body": value}
    project.write("docs/a.jsonl", jsonl([GOOD[0], record, GOOD[1]]))
    result = project.check("docs")
    assert result.code == 1
    assert result.failures("body length") == [("docs/a.jsonl:2", message)]
    assert result.failures("title present") == []
    assert result.data["documents"] == 3


def test_documents_without_the_id_field_are_named_by_place_with_one_warning(
    project: Project,
) -> None:
    records = [GOOD[0], {"title": "No url", "body": "x"}, {"url": " ", "title": "", "body": "y"}]
    project.write("docs/a.jsonl", jsonl(records))
    result = project.check("docs")
    assert result.code == 1
    assert result.failures("title present")[0][0] == "docs/a.jsonl:3"
    failure = result.data["expectations"][1]["failures"][0]
    assert failure["doc"] == "docs/a.jsonl:3"  # named by its place, not by a blank url
    [warning] = [w for w in result.warnings() if "'url'" in w]
    assert warning.startswith("2 documents have no usable 'url', so file:line names them")
    assert "(first: docs/a.jsonl:2)" in warning
    assert "warning: 2 documents have no usable 'url'" in result.out


def test_duplicate_ids_give_one_warning_naming_both_places(project: Project) -> None:
    project.write("docs/a.jsonl", jsonl([GOOD[0], GOOD[1]]))
    project.write("docs/b.jsonl", jsonl([GOOD[1], GOOD[0], GOOD[1]]))
    result = project.check("docs")
    assert result.code == 0  # a warning, not a failure: `unique` is the check for that
    [warning] = [w for w in result.warnings() if "repeat" in w]
    assert warning.startswith("3 documents repeat an earlier 'url'")
    assert "(first: docs/b.jsonl:1 repeats docs/a.jsonl:2)" in warning
    assert result.data["documents"] == 5


@pytest.mark.parametrize("layout", ["empty file", "empty folder"])
def test_empty_input_passes_with_a_warning_that_says_how_to_fail_it(
    project: Project, layout: str
) -> None:
    if layout == "empty file":
        project.write("docs/a.jsonl", b"")
    else:
        (project.root / "docs").mkdir()
    result = project.check("docs")
    assert result.code == 0
    assert result.data["documents"] == 0
    [warning] = result.warnings()
    assert warning.startswith("no documents were checked in docs")
    assert "'count' expectation with min: 1" in warning


def test_files_of_unknown_format_in_a_folder_are_named_in_a_warning(project: Project) -> None:
    project.good()
    project.write("docs/notes.xml", b"<a/>")
    project.write("docs/z.bin", b"\x00")
    result = project.check("docs")
    assert result.code == 0
    assert result.data["documents"] == 2
    [warning] = result.warnings()
    assert warning.startswith("2 files in the input folders were not read")
    assert "(first: docs/notes.xml)" in warning


def test_a_path_that_does_not_exist_is_a_usage_error(project: Project) -> None:
    result = project.check("nope.jsonl")
    assert result.code == 2
    assert result.err.startswith("error: nope.jsonl: no such file or directory; check the path")


def test_a_named_symlink_loop_is_a_usage_error_that_says_so(project: Project) -> None:
    os.symlink("b.jsonl", project.root / "a.jsonl")
    os.symlink("a.jsonl", project.root / "b.jsonl")
    result = project.check("a.jsonl")
    assert result.code == 2
    assert result.err.startswith("error: a.jsonl: symbolic link loop")


def test_a_symlink_loop_inside_a_folder_is_one_unreadable_file(project: Project) -> None:
    project.good()
    os.symlink("loop-b.jsonl", project.root / "docs" / "loop-a.jsonl")
    os.symlink("loop-a.jsonl", project.root / "docs" / "loop-b.jsonl")
    result = project.check("docs")
    assert result.code == 1
    assert [src for src, _ in result.unreadable()] == ["docs/loop-a.jsonl", "docs/loop-b.jsonl"]
    assert all("symbolic link loop" in msg for _, msg in result.unreadable())
    assert result.data["documents"] == 2


def test_a_broken_symlink_inside_a_folder_says_where_it_points(project: Project) -> None:
    project.good()
    os.symlink("gone.jsonl", project.root / "docs" / "a.jsonl")
    result = project.check("docs")
    assert result.code == 1
    [(source, message)] = result.unreadable()
    assert source == "docs/a.jsonl"
    assert "broken symbolic link to 'gone.jsonl'" in message


def test_an_unreadable_file_is_reported_and_the_others_checked(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI runs as root, who can read a chmod 000 file: make open() refuse it instead.
    project.good()
    locked = project.write("docs/locked.jsonl", jsonl(GOOD))
    real_open = builtins.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | os.PathLike) and os.path.abspath(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    result = project.check("docs")
    assert result.code == 1
    [(source, message)] = result.unreadable()
    assert source == "docs/locked.jsonl"
    assert message.startswith("cannot read file: Permission denied; check the file's permissions")
    assert result.data["documents"] == 2


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads chmod 000 files"
)
def test_a_chmod_000_file_is_reported_and_the_others_checked(project: Project) -> None:
    project.good()
    locked = project.write("docs/locked.jsonl", jsonl(GOOD))
    locked.chmod(0)
    try:
        result = project.check("docs")
    finally:
        locked.chmod(0o644)
    assert result.code == 1
    assert result.unreadable()[0][0] == "docs/locked.jsonl"
    assert "Permission denied" in result.unreadable()[0][1]


def test_a_parquet_file_without_a_column_fails_the_expectations_on_it(project: Project) -> None:
    project.write(
        "docs/a.parquet", _parquet([{"url": "p1", "body": "x"}, {"url": "p2", "body": "y"}])
    )
    result = project.check("docs")
    assert result.code == 1
    assert result.failures("title present") == [
        ("docs/a.parquet:1", "field 'title' is missing or null"),
        ("docs/a.parquet:2", "field 'title' is missing or null"),
    ]
    assert result.unreadable() == []


@pytest.mark.parametrize("target", ["docs/good.jsonl", "./docs/../docs/good.jsonl", "suite.yaml"])
def test_writing_a_report_over_an_input_or_the_suite_is_refused(
    project: Project, target: str
) -> None:
    good = project.good()
    before = {p: p.read_bytes() for p in (good, project.root / "suite.yaml")}
    result = project.check("docs", "--json", target, json_out=False)
    assert result.code == 2
    assert result.err.startswith(f"error: --json {target}: that file is an input (")
    assert "choose another output path" in result.err
    assert {p: p.read_bytes() for p in before} == before


def test_stdin_closed_mid_line_reports_the_cut_record(project: Project) -> None:
    child = scrapegate_process(
        ["check", "-", "--suite", "suite.yaml"],
        project.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # The writer dies mid-record: the pipe closes after half a line.
    cut = jsonl(GOOD) + b'{"url": "https://n.example/3", "title": "Cut'
    out, err = child.communicate(input=cut, timeout=120)
    text = (out + err).decode()
    assert child.returncode == 1, text
    assert "<stdin>:3" in text and "the last record is cut off" in text
    assert "2 documents" in text
    assert "Traceback" not in text


def test_a_folder_named_like_a_file_is_read_as_a_folder(project: Project) -> None:
    project.good("x.jsonl/inner.jsonl")
    result = project.check("x.jsonl")
    assert result.code == 0
    assert result.data["documents"] == 2


def test_a_file_named_without_a_known_extension_asks_for_format(project: Project) -> None:
    project.write("dump.data", jsonl(GOOD))
    result = project.check("dump.data")
    assert result.code == 2
    assert "dump.data: cannot tell the format from the file name; pass --format" in result.err
    assert project.check("dump.data", "--format", "jsonl").code == 0


def test_unreadable_input_is_never_modified_even_when_cleaning(project: Project) -> None:
    # Project.check hashes every file before and after; --clean runs the cleaners in memory.
    suite = (project.root / "suite.yaml").read_text(encoding="utf-8")
    project.write("suite.yaml", (suite + "cleaners:\n  - normalize_whitespace\n").encode())
    project.write("docs/a.jsonl", LINE_GOOD + b"\n{bad\n")
    result = project.check("docs", "--clean")
    assert result.code == 1
    assert result.unreadable() == [("docs/a.jsonl:2", result.unreadable()[0][1])]


def test_inputs_are_only_ever_opened_for_reading(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.good()
    project.write("docs/b.jsonl", LINE_GOOD + b"\n{bad\n")
    modes: list[str] = []
    real_open = builtins.open

    def spy(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "docs" in str(file):
            modes.append(mode)
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    assert project.check("docs").code == 1
    assert modes and set(modes) == {"rb"}


def test_all_unreadable_records_are_not_called_an_empty_input(project: Project) -> None:
    project.write("docs/bad.jsonl", b"{not json\n[1, 2\n")
    result = project.check("docs")
    assert result.code == 1
    [warning] = [w for w in result.warnings() if "no documents" in w]
    assert "all 2 records were unreadable" in warning
    assert "is it empty" not in warning

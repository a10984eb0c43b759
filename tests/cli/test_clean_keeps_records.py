"""`scrapegate clean` writes every record it read, cleaned or verbatim, in every format.

Each file mixes good records with every kind of bad one its format can hold; the cleaned copy
must hold as many records as the input (read back with scrapegate's own loaders), keep the
untouched ones byte for byte where the format keeps bytes, carry the bad ones through, and the
run must report each at its file:line and say so in its verdict line.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scrapegate.cli import main
from scrapegate.documents import Document, Loaded, UnreadableRecord
from scrapegate.loaders import read_input, resolve_inputs

SUITE = """\
suite: keep-records
documents:
  id: url
cleaners:
  - normalize_whitespace
  - strip_boilerplate: {packs: [comment_widgets, portal_chrome], fields: [body]}
expectations:
  - name: no widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets, portal_chrome]
"""

DEEP = "[" * 250 + "]" * 250
CLEANED = {"url": "u1", "body": "Rain fell.\nComments\nLoading..."}
UNTOUCHED = {"url": "u2", "body": "Ships moved."}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def loaded(path: Path) -> list[Loaded]:
    """Everything scrapegate's loaders read from ``path``: documents and unreadable records."""
    return [record for inp in resolve_inputs([str(path)]) for record in read_input(inp, "url")]


def documents(path: Path) -> list[dict[str, object]]:
    return [r.fields for r in loaded(path) if isinstance(r, Document)]


def clean(name: str, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, list[str]]:
    code = main(["clean", name, "--suite", "suite.yaml", "-o", "out", *more])
    return code, capsys.readouterr().out.splitlines()


def test_jsonl_keeps_every_line_bad_ones_byte_for_byte(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps(CLEANED).encode(),
        json.dumps(UNTOUCHED, indent=None, separators=(",", ":")).encode(),
        b'{"url": "u3", "body": "caf\xe9"}',  # Latin-1, not UTF-8
        ('{"url": "u4", "deep": ' + DEEP + "}").encode(),
        b"[1, 2]",
        b"{not json",
        b'{"url": "u5", "body": "Sun."}',
    ]
    source = project / "a.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    code, out = clean("a.jsonl", capsys)
    assert code == 1
    written = (project / "out" / "a.jsonl").read_bytes().split(b"\n")[:-1]
    assert len(written) == len(lines)
    assert json.loads(written[0]) == {"url": "u1", "body": "Rain fell."}
    assert written[1:] == lines[1:], "untouched and unreadable lines keep their bytes"
    assert len(loaded(project / "out" / "a.jsonl")) == len(loaded(source))
    for line in (3, 4, 5, 6):
        assert any(o.startswith(f"a.jsonl:{line}: ") for o in out), (line, out)
    assert out[-1] == (
        "cleaned 3 documents from 1 file into out; 4 unreadable records copied through unchanged"
    )


def test_truncated_jsonl_gz_keeps_every_byte_that_decompresses(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        json.dumps(CLEANED) + "\n" + json.dumps(UNTOUCHED) + "\n" + '{"url": "u3", "body": "cut'
    ).encode()
    whole = gzip.compress(data + b' off here"}\n', mtime=0)
    # Cut inside the compressed stream: the last line is partly there, the trailer is gone.
    cut = whole[: len(whole) - 16]
    prefix = zlib.decompressobj(wbits=31).decompress(cut)
    assert prefix.startswith(data[:-8]) and len(prefix) > len(data) - 30
    (project / "a.jsonl.gz").write_bytes(cut)
    code, out = clean("a.jsonl.gz", capsys)
    assert code == 1
    assert any(o.startswith("a.jsonl.gz:2: file is truncated or corrupt after line 2") for o in out)
    written = gzip.decompress((project / "out" / "a.jsonl.gz").read_bytes())
    first, second, rest = written.split(b"\n", 2)
    assert json.loads(first) == {"url": "u1", "body": "Rain fell."}
    assert second + b"\n" + rest == prefix.split(b"\n", 1)[1], "the cut-off line is kept"
    back = loaded(project / "out" / "a.jsonl.gz")
    assert [type(r) for r in back] == [Document, Document, UnreadableRecord]
    assert "the last record is cut off" in back[2].message  # type: ignore[union-attr]
    assert out[-1] == (
        "cleaned 2 documents from 1 file into out; 1 unreadable record copied through unchanged"
    )


def test_csv_keeps_ragged_undecodable_and_unclosed_rows_as_their_raw_lines(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        b"url,body\r\n",
        b'u1,"Rain fell.\r\nComments\r\nLoading..."\r\n',  # cleaned; a cell over three lines
        b'"u2",Ships moved.\r\n',  # untouched: its needless quotes stay
        b"u3,one,too many\r\n",  # ragged
        b"u4,caf\xe9\r\n",  # Latin-1, not UTF-8
        b"\r\n",
        b"u5,Sun.\r\n",
        b'u6,"never closed\r\n',  # unclosed quote: swallows every later line
        b"u7,Fog.\r\n",
    ]
    source = project / "a.csv"
    source.write_bytes(b"".join(rows))
    before = loaded(source)
    code, out = clean("a.csv", capsys)
    assert code == 1
    written = (project / "out" / "a.csv").read_bytes()
    assert written == b"url,body\r\nu1,Rain fell.\r\n" + b"".join(rows[2:])
    assert len(loaded(project / "out" / "a.csv")) == len(before) == 6
    assert "a.csv:6: row has 3 cells, header has 2; quote cells that contain commas" in out
    assert any(o.startswith("a.csv:7: invalid UTF-8") for o in out), out
    assert any(o.startswith("a.csv:10: malformed CSV: unexpected end of data") for o in out), out
    assert out[-1] == (
        "cleaned 3 documents from 1 file into out; 3 unreadable records copied through unchanged"
    )


def test_json_array_keeps_bad_elements_as_their_raw_text_and_data_after_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ["42", '"just text"', '{"url": "u3", "deep": ' + DEEP + "}", '{"url": }']
    text = (
        "[\n"
        + ",\n".join([json.dumps(CLEANED), json.dumps(UNTOUCHED), *bad, '{"url": "u5"}'])
        + "\n] trailing junk\n"
    )
    source = project / "a.json"
    source.write_text(text, encoding="utf-8")
    before = loaded(source)
    code, out = clean("a.json", capsys)
    assert code == 1
    written = (project / "out" / "a.json").read_text(encoding="utf-8")
    for element in bad:
        assert f"\n  {element}," in written, "an unreadable element is kept as its raw text"
    assert written.endswith("\n] trailing junk\n"), "data after the array stays after it"
    after = loaded(project / "out" / "a.json")
    assert len(after) == len(before) == 8
    assert [type(r) for r in after] == [type(r) for r in before]
    assert documents(project / "out" / "a.json") == [
        {"url": "u1", "body": "Rain fell."},
        UNTOUCHED,
        {"url": "u5"},
    ]
    for line in (4, 5, 6, 7):
        assert any(o.startswith(f"a.json:{line}: ") for o in out), (line, out)
    assert any(o.startswith("a.json:9: unexpected data after the array") for o in out), out
    assert out[-1] == (
        "cleaned 3 documents from 1 file into out; 5 unreadable records copied through unchanged"
    )


def test_truncated_json_array_stays_truncated_with_its_unfinished_element(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "a.json").write_text(
        "[" + json.dumps(CLEANED) + ', {"url": "u2", "bo', encoding="utf-8"
    )
    code, out = clean("a.json", capsys)
    assert code == 1
    written = (project / "out" / "a.json").read_text(encoding="utf-8")
    assert written.endswith(',\n  {"url": "u2", "bo')
    assert [type(r) for r in loaded(project / "out" / "a.json")] == [Document, UnreadableRecord]
    assert "a.json:1: file ends inside the array; truncated?" in out


def test_truncated_json_gz_array_keeps_what_decompressed_of_its_last_element(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Over 1 MiB decompressed: the reader's first chunk reads, the next one hits the cut.
    text = "[" + ",\n".join(
        json.dumps({"url": f"u{i}", "body": f"{i:x} Comments"}) for i in range(60000)
    )
    whole = gzip.compress((text + "]\n").encode(), mtime=0)
    source = project / "a.json"
    source.write_bytes(whole[: len(whole) * 3 // 4])
    before = loaded(source)
    assert isinstance(before[-1], UnreadableRecord) and len(before) > 1000
    code, out = clean("a.json", capsys)
    assert code == 1
    assert any("file is truncated or corrupt" in o for o in out), out
    written = gzip.decompress((project / "out" / "a.json").read_bytes())
    assert not written.rstrip().endswith(b"]"), "a truncated array stays truncated"
    after = loaded(project / "out" / "a.json")
    assert len(after) == len(before)
    assert "file ends inside the array" in after[-1].message  # type: ignore[union-attr]


def test_small_truncated_json_gz_is_copied_through_not_taken_for_an_interrupt(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = gzip.compress(json.dumps([CLEANED, UNTOUCHED]).encode(), mtime=0)
    (project / "a.json").write_bytes(whole[:-12])
    code, out = clean("a.json", capsys)
    assert code == 1, out  # was 130, "interrupted": the format sniffing hit the cut
    assert (project / "out" / "a.json").read_bytes() == whole[:-12]
    assert "a.json:1: file is truncated or corrupt after line 1: Compressed file ended" in out[0]
    assert out[-1].endswith("; 1 unreadable record copied through unchanged")


def test_json_array_closed_by_a_brace_keeps_the_brace_and_what_follows(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "a.json"
    source.write_text('[{"url": "u1"}, {"url": "u2"}} tail', encoding="utf-8")
    code, out = clean("a.json", capsys)
    assert code == 1
    assert (project / "out" / "a.json").read_text(encoding="utf-8").endswith('"u2"}\n} tail')
    assert len(loaded(project / "out" / "a.json")) == len(loaded(source)) == 3
    assert "a.json:1: '}' closes the array; expected ']'" in out


def test_json_stray_commas_stay_empty_elements(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "a.json"
    source.write_text('[{"url": "u1"},,{"url": "u2"},]', encoding="utf-8")
    assert clean("a.json", capsys)[0] == 1
    assert len(loaded(project / "out" / "a.json")) == len(loaded(source)) == 4


def test_text_dump_that_is_not_utf8_is_copied_byte_for_byte(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"Rain fell.\nCaf\xe9 closed.\n"
    (project / "a.txt").write_bytes(data)
    code, out = clean("a.txt", capsys)
    assert code == 1
    assert (project / "out" / "a.txt").read_bytes() == data
    assert any(o.startswith("a.txt:2: invalid UTF-8") for o in out), out
    assert out[-1].endswith("; 1 unreadable record copied through unchanged")


def test_parquet_that_breaks_off_is_copied_through_whole(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = 1100  # two row groups: the second one is corrupt, the first reads
    table = pa.table({"url": [f"u{i}" for i in range(rows)], "body": ["Rain.\nComments"] * rows})
    pq.write_table(table, project / "a.parquet", row_group_size=1024)
    data = bytearray((project / "a.parquet").read_bytes())
    column = pq.ParquetFile(project / "a.parquet").metadata.row_group(1).column(1)
    start = (column.dictionary_page_offset or column.data_page_offset) + 4
    end = start - 4 + column.total_compressed_size
    data[start:end] = b"\xff" * (end - start)
    (project / "a.parquet").write_bytes(bytes(data))
    assert len(loaded(project / "a.parquet")) == 1025
    code, out = clean("a.parquet", capsys)
    assert code == 1
    assert (project / "out" / "a.parquet").read_bytes() == bytes(data), "no row is lost"
    broke = "a.parquet:1024: file is truncated or corrupt after row 1024"
    assert any(
        o.startswith(broke)
        and o.endswith("uncleaned: a Parquet copy cannot hold the rows that do not decode")
        for o in out
    ), out
    assert out[-1].endswith("; 1 unreadable record copied through unchanged")


GARBAGE = st.one_of(
    st.binary(max_size=20).filter(lambda b: b"\n" not in b),
    st.sampled_from([b"[1]", b"42", b"{not json", b"\xff\xfe", b"{}", DEEP.encode()]),
)
GOOD = st.dictionaries(
    st.sampled_from(["url", "body", "n"]),
    st.one_of(st.text(max_size=12), st.integers()),
).map(lambda d: json.dumps(d).encode())


@example(lines=[b"\xef\xbb\xbf{}", b"  "])
@given(lines=st.lists(st.one_of(GOOD, GARBAGE), max_size=8))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_jsonl_clean_preserves_every_line(
    project: Path, capsys: pytest.CaptureFixture[str], lines: list[bytes]
) -> None:
    source = project / "p.jsonl"
    source.write_bytes(b"".join(line + b"\n" for line in lines))
    main(["clean", "p.jsonl", "--suite", "suite.yaml", "-o", "out"])
    capsys.readouterr()
    written = (project / "out" / "p.jsonl").read_bytes().split(b"\n")[:-1]
    assert len(written) == len(lines)
    assert len(loaded(project / "out" / "p.jsonl")) == len(loaded(source))


def test_truncated_csv_gz_keeps_its_cut_off_row(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b"url,body\nu1,Rain fell.\nu2,Ships moved.\nu3,cut off here\n"
    cut = gzip.compress(data, mtime=0)[:-12]
    prefix = zlib.decompressobj(wbits=31).decompress(cut)
    (project / "a.csv.gz").write_bytes(cut)
    code, out = clean("a.csv.gz", capsys, "--format", "csv")
    assert code == 1
    assert gzip.decompress((project / "out" / "a.csv.gz").read_bytes()) == prefix
    assert any("file is truncated or corrupt" in o for o in out), out


# Bad elements that keep the array's brackets balanced: anything else is a broken structure,
# which ends the file for the reader and for the copy alike.
BAD_ELEMENT = st.sampled_from(
    [b"42", b'"text"', b"null", b"[1, {}]", b'{"url": }', b"tru", b"", DEEP.encode()]
)


@given(elements=st.lists(st.one_of(GOOD, BAD_ELEMENT), min_size=1, max_size=8))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_json_array_clean_preserves_every_element(
    project: Path, capsys: pytest.CaptureFixture[str], elements: list[bytes]
) -> None:
    source = project / "p.json"
    source.write_bytes(b"[" + b",\n".join(elements) + b"]\n")
    main(["clean", "p.json", "--suite", "suite.yaml", "-o", "out"])
    capsys.readouterr()
    assert len(loaded(project / "out" / "p.json")) == len(loaded(source))


CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


@given(rows=st.lists(st.lists(CELL, min_size=1, max_size=3), max_size=6))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_csv_clean_preserves_every_row(
    project: Path, capsys: pytest.CaptureFixture[str], rows: list[list[str]]
) -> None:
    source = project / "p.csv"
    # Ragged rows on purpose, and cells written unquoted: stray quotes and commas included.
    source.write_text(
        "url,body\n" + "".join(",".join(row) + "\n" for row in rows), encoding="utf-8"
    )
    main(["clean", "p.csv", "--suite", "suite.yaml", "-o", "out"])
    capsys.readouterr()
    assert len(loaded(project / "out" / "p.csv")) == len(loaded(source))


def test_csv_gz_cut_inside_its_header_is_copied_through_not_taken_for_an_interrupt(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = gzip.compress(b"url,body" * 3000 + b"\nu1,Rain.\n", mtime=0)[:40]
    (project / "a.csv.gz").write_bytes(cut)
    code, out = clean("a.csv.gz", capsys, "--format", "csv")
    assert code == 1, out
    assert any("file is truncated or corrupt" in o for o in out), out
    written = (project / "out" / "a.csv.gz").read_bytes()
    salvaged = zlib.decompressobj(wbits=31).decompress(cut)
    assert zlib.decompressobj(wbits=31).decompress(written) == salvaged

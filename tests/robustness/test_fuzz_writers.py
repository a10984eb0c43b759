"""Fuzzing of the writers: arbitrary file names reach every report and ``clean -o``, and
``clean`` takes arbitrary bytes in every format.

A file name may hold any byte but ``/`` and NUL: invalid UTF-8 (decoded with
surrogateescape, as Python does), newlines, terminal escape sequences, bidi controls. Every
writer must still produce a valid file, nothing raw may reach the terminal, and ``clean`` must
write every file it reads, answering with exit 0 or 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scrapegate.cli import main
from scrapegate.documents import Document
from scrapegate.loaders import iter_documents, resolve_inputs

from .support import SUITE
from .test_fuzz import EXTENSIONS, _write, any_bytes

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file names are bytes")

_name_bytes = (
    st.binary(min_size=1, max_size=40)
    | st.sampled_from(
        [b"\x1b]0;owned\x07", b"\x1b]8;;https://evil.example\x1b\\link", b"a\nb", b"r\rx",
         b"\xe2\x80\xaeevil", b"\xff\xfe", b"\xed\xa0\x80", b"-rf", b"a\"'<b>&", b"\xef\xbf\xbe"]
    )
).map(lambda raw: raw.replace(b"/", b"_").replace(b"\x00", b"_"))  # fmt: skip
NAMES = _name_bytes.filter(lambda raw: raw not in (b".", b"..")).map(os.fsdecode)
# What a terminal would act on: C0 controls but newline, DEL and C1, bidi overrides.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
CLEANING = SUITE.replace("expectations:", "cleaners:\n  - normalize_whitespace\nexpectations:")
FAILING = b'{"url": "https://n.example/1", "title": "", "body": "x"}\n'


@contextlib.contextmanager
def _inside(folder: str) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@SETTINGS
@given(name=NAMES)
@example(name="\x1b[31mred\x1b[0m")
@example(name=os.fsdecode(b"\xff\nnew"))
def test_every_report_is_valid_whatever_the_file_names(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder, _inside(folder):
        os.mkdir("docs")
        with open(os.path.join("docs", name + ".jsonl"), "wb") as fh:
            fh.write(FAILING)
        Path("suite.yaml").write_text(SUITE, encoding="utf-8")
        os.mkdir("out")
        out = os.path.join("out", name)
        argv = ["check", "docs", "--suite", "suite.yaml", "--workers", "1"]
        argv += ["--json", out + ".json", "--html", out + ".html"]
        argv += ["--markdown", out + ".md", "--junit", out + ".xml"]
        code = main(argv)
        seen = capsys.readouterr()
        assert code == 1, seen
        assert not RAW_CONTROL.search(seen.out + seen.err), (seen.out + seen.err)[:2000]
        data = json.loads(Path(out + ".json").read_bytes())
        [failure] = next(e for e in data["expectations"] if e["name"] == "title present")[
            "failures"
        ]
        assert failure["source"].startswith("docs/")
        ET.parse(out + ".xml")  # well-formed XML, whatever the name holds
        html = Path(out + ".html").read_text(encoding="utf-8")
        markdown = Path(out + ".md").read_text(encoding="utf-8")
        for text in (html, markdown):
            assert not RAW_CONTROL.search(text.replace("\t", " ")), text[:2000]
        # The reports are read back by scrapegate itself.
        assert main(["report", out + ".json", "--markdown", "again.md"]) in (0, 1)
        capsys.readouterr()


@SETTINGS
@given(name=NAMES, ext=st.sampled_from([".jsonl", ".csv", ".json", ".txt"]))
def test_clean_writes_every_file_under_its_own_name_whatever_it_is(
    name: str, ext: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {
        ".jsonl": FAILING,
        ".csv": b"url,title\nhttps://n.example/1,  A  \n",
        ".json": b'[{"url": "https://n.example/1", "title": "  A  "}]',
        ".txt": b"<p>  A  </p>\n",
    }[ext]
    with tempfile.TemporaryDirectory() as folder, _inside(folder):
        os.mkdir("docs")
        with open(os.path.join("docs", name + ext), "wb") as fh:
            fh.write(data)
        Path("suite.yaml").write_text(CLEANING, encoding="utf-8")
        target = "out-" + name
        code = main(["clean", "docs", "--suite", "suite.yaml", "-o", target])
        seen = capsys.readouterr()
        assert code in (0, 1), seen
        assert not RAW_CONTROL.search(seen.out + seen.err), (seen.out + seen.err)[:2000]
        assert os.listdir(target) == [name + ext]
        assert not [n for n in os.listdir(target) if n.startswith(".scrapegate-")]


def _documents(path: str) -> int:
    return sum(isinstance(r, Document) for r in iter_documents(resolve_inputs([path]), "url"))


@pytest.mark.parametrize("ext", [e for e in EXTENSIONS if e != ".parquet"])
@settings(SETTINGS, max_examples=min(SETTINGS.max_examples, 40))  # six formats: keep CI short
@given(data=any_bytes)
@example(data=b'[{"url": "a"}, 1, {"url": "b"}] x')
@example(data=b'url,title\n"a,b\nc,d\n')
def test_clean_writes_every_readable_record_of_arbitrary_bytes(
    ext: str, data: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder, _inside(folder):
        os.mkdir("docs")
        path = _write("docs", ext, data)
        Path("suite.yaml").write_text(CLEANING, encoding="utf-8")
        code = main(["clean", "docs", "--suite", "suite.yaml", "-o", "out"])
        seen = capsys.readouterr()
        assert code in (0, 1), seen
        assert "Traceback" not in seen.out + seen.err
        copy = os.path.join("out", os.path.basename(path))
        assert os.path.exists(copy), os.listdir("out")
        assert _documents(copy) == _documents(path)

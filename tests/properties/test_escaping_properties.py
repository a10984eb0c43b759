"""Every writer gives valid, inert output whatever the data, the file name or the suite holds.

The run is the user's: ``scrapegate check`` with every output, on a file whose name is
arbitrary bytes (decoded with surrogateescape, so not always UTF-8), holding arbitrary text,
under a suite whose names are arbitrary text; then ``report`` and ``diff`` on its JSON.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scrapegate.cli import main

# Text as scrapers and file systems hand it over: any code point, lone surrogates included.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
# YAML cannot hold lone surrogates, even escaped; the suite's text is otherwise arbitrary.
suite_text = st.text(min_size=1, max_size=20)
# A file name within file system limits: no NUL, no '/', not '.' or '..', 255 bytes at most.
file_names = st.binary(min_size=1, max_size=60).filter(
    lambda b: b"\0" not in b and b"/" not in b and b not in (b".", b"..")
)

HOSTILE_NAME = b"bad\xff\x1b]0;title\x07\x1b]8;;http:\\\\x\x07\n\xe2\x80\xae\r.jsonl"
TROJAN = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def hidden(ch: str) -> bool:
    """A character that must never reach a reader raw: control, format, separator, surrogate."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")


def raw_hidden(text: str, allowed: str = "\n") -> list[str]:
    return sorted({repr(ch) for ch in text if hidden(ch) and ch not in allowed})


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar, all ASCII: YAML's \\U escapes (not JSON's pairs) past BMP."""
    out = []
    for ch in text:
        if " " <= ch <= "~" and ch not in '"\\':
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def run(
    tmp: Path, name: bytes, value: str, suite_name: str, expectation: str
) -> tuple[int, dict[str, Path]]:
    data = tmp / os.fsdecode(name)
    record = {"title": value, "body": value, "f " + expectation: value}
    data.write_bytes(json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n")
    suite = tmp / "suite.yaml"
    suite.write_text(
        f"suite: {yaml_string(suite_name)}\n"
        "documents: {format: jsonl}\n"
        "expectations:\n"
        f"  - {{name: {yaml_string('a ' + expectation)}, check: not_empty, field: title}}\n"
        f"  - {{name: {yaml_string('b ' + expectation)}, check: length, field: body, max: 0}}\n"
        f"  - {{name: {yaml_string('c ' + expectation)}, check: no_html, field: body}}\n"
        # An arbitrary field name, in the suite and (once) in the data.
        f"  - {{name: {yaml_string('d ' + expectation)}, check: length, max: 0,"
        f" field: {yaml_string('f ' + expectation)}}}\n",
        encoding="utf-8",
    )
    out = {k: tmp / f"out.{k}" for k in ("json", "html", "md", "xml")}
    args = ["check", str(data), "--format", "jsonl", "--suite", str(suite)]
    args += ["--json", str(out["json"])]
    args += ["--html", str(out["html"]), "--markdown", str(out["md"]), "--junit", str(out["xml"])]
    return main(args), out


@pytest.fixture(autouse=True)
def _annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # print the ::error lines too


# capfdbinary is drained at the start of every example, so sharing it between them is safe.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=file_names, value=any_text, suite_name=suite_text, expectation=suite_text)
@example(name=HOSTILE_NAME, value="x\ufffe\uffff\x01\udcff" + TROJAN, suite_name=TROJAN,
         expectation="\x1b]0;t\x07")  # fmt: skip
def test_every_writer_gives_valid_inert_output_for_any_text_and_file_name(
    capfdbinary: pytest.CaptureFixture[bytes],
    name: bytes,
    value: str,
    suite_name: str,
    expectation: str,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        capfdbinary.readouterr()
        code, out = run(tmp, name, value, suite_name, expectation)
        captured = capfdbinary.readouterr()
        assert code in (0, 1), captured.err.decode("utf-8", "replace")
        # The terminal: valid UTF-8, no escape sequence, bidi control or other hidden character.
        terminal = (captured.out + captured.err).decode("utf-8")
        assert raw_hidden(terminal) == []
        annotations = [line for line in terminal.splitlines() if line.startswith("::")]
        assert annotations, "a failing run annotates on GitHub Actions"

        ET.parse(out["xml"])  # well-formed XML
        assert raw_hidden(out["xml"].read_text("utf-8")) == []

        result = json.loads(out["json"].read_bytes().decode("utf-8"))
        assert result["suite"] == suite_name  # the suite's text survives (no surrogates there)

        html = out["html"].read_text("utf-8")
        assert raw_hidden(html, allowed="\t\n\r") == []
        assert raw_hidden(out["md"].read_text("utf-8")) == []

        # The JSON is a result `report` and `diff` read back.
        again = {k: tmp / f"again.{k}" for k in ("html", "md")}
        assert main(["report", str(out["json"]), "--html", str(again["html"])]) == 0
        assert main(["report", str(out["json"]), "--markdown", str(again["md"])]) == 0
        assert raw_hidden(again["html"].read_text("utf-8"), allowed="\t\n\r") == []
        assert main(["diff", str(out["json"]), str(out["json"])]) == 0
        terminal = capfdbinary.readouterr().out.decode("utf-8")
        assert raw_hidden(terminal) == []

"""The one escaping function, and what each writer makes of hostile text and file names."""

from __future__ import annotations

import json
import os
from xml.etree import ElementTree as ET

import pytest

from scrapegate.escaping import printable, utf8_safe
from scrapegate.reports import github
from scrapegate.reports.json_report import dumps
from scrapegate.reports.junit import render_junit
from scrapegate.result import ExpectationResult, Failure, RunResult

TROJAN_SOURCE = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# A file name that is not UTF-8, as Python hands it over (surrogateescape).
UNDECODABLE = os.fsdecode(b"caf\xe9\x1b]0;pwned\x07.jsonl")


def hostile_result() -> RunResult:
    failure = Failure(
        f"{UNDECODABLE}:1", f"{UNDECODABLE}:1", "ti\u2068tle", "bad \ufffe\uffff\x01\u202e"
    )
    er = ExpectationResult(
        "name \u202b\x1b[31m", "c", "ti\u2068tle", "error", 1.0, 1, 1, (failure,)
    )
    return RunResult("suite \u2067", UNDECODABLE, (UNDECODABLE,), 1, (er,))


@pytest.mark.parametrize("ch", list(TROJAN_SOURCE))
def test_every_trojan_source_character_is_shown_as_an_escape(ch: str) -> None:
    assert printable(f"a{ch}b") == f"a\\u{ord(ch):04x}b"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC 0: set the window title
        ("\x1b]8;;http://x\x1b\\", "\\x1b]8;;http://x\\x1b\\"),  # OSC 8: a hyperlink
        ("\x9b31m", "\\x9b31m"),  # C1 CSI
        ("\udcff", "\\udcff"),  # lone surrogate from an undecodable file name
        ("\ufffe\uffff", "\\ufffe\\uffff"),  # noncharacters XML cannot hold
        ("\u2028\u200b\ufeff\u00ad", "\\u2028\\u200b\\ufeff\\xad"),  # invisible
        ("a\nb\tc\rd", "a⏎b→c\\rd"),
    ],
)
def test_controls_and_invisible_characters_are_escaped(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(shown) == shown  # escaping twice changes nothing


def test_ordinary_text_is_left_alone() -> None:
    text = "Café naïve 東京 😀 ⚠️ no\u00a0break \ue000 a\\b"
    assert printable(text) == text


def test_keep_lets_newlines_through_for_multi_line_messages() -> None:
    assert printable("one\ntwo\x1b", keep="\n") == "one\ntwo\\x1b"


def test_junit_is_well_formed_xml_whatever_the_text_and_file_name() -> None:
    root = ET.fromstring(render_junit([hostile_result()]))
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("name") == "name \\u202b\\x1b[31m"
    assert case.get("classname") == "caf\\udce9\\x1b]0;pwned\\x07.jsonl"
    body = case.findtext("failure") or ""
    assert "bad \\ufffe\\uffff\\x01\\u202e" in body
    assert "[ti\\u2068tle]" in body


def test_json_writes_undecodable_file_names_as_escapes_the_same_way_every_time() -> None:
    data = json.loads(dumps(hostile_result()).decode("utf-8"))
    assert data["suite_path"] == "caf\\udce9\x1b]0;pwned\x07.jsonl" == utf8_safe(UNDECODABLE)
    # Only surrogates change: the data's own characters are kept for tools reading the JSON.
    assert data["expectations"][0]["failures"][0]["message"] == "bad \ufffe\uffff\x01\u202e"
    assert dumps(hostile_result()) == dumps(hostile_result())


def test_annotation_file_property_shows_control_characters_and_escapes_separators() -> None:
    failure = Failure(None, "d\u202e,x:y\n\x1b.jsonl:3", None, "m")
    er = ExpectationResult("e", "c", None, "error", 1.0, 1, 1, (failure,))
    [line] = github.annotations(RunResult("s", "s.yaml", ("d",), 1, (er,)))
    assert line.startswith("::error file=d\\u202e%2Cx%3Ay⏎\\x1b.jsonl,line=3,")
    assert all(ch.isprintable() for ch in line)

"""RE2 on UTF-8 bytes encoded once per value gives what the str API gives, in characters."""

from __future__ import annotations

import pytest

from scrapegate.regex import PatternSet, compile_pattern, finditer_spans, utf8

TEXTS = [
    "",
    "plain ascii Share this",
    "Ünïcödé Share ça Share — 日本語 Share",
    "emoji 😀😀 Share\nShare 😀",
    "ß" * 50 + "Share",
]
PATTERNS = [r"(?i)share", r"", r"(?i)\bsh", r"😀+", r"(?m)^share$", r"[^ ]*"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_finditer_spans_equal_the_str_api(text: str, pattern: str) -> None:
    compiled = compile_pattern(pattern)
    expected = [(m.start(), m.end()) for m in compiled.finditer(text)]
    assert list(finditer_spans(compiled, text, utf8(text))) == expected


@pytest.mark.parametrize("text", TEXTS)
def test_set_hits_and_first_span_equal_the_str_api(text: str) -> None:
    patterns = PatternSet(PATTERNS)
    data = utf8(text)
    assert patterns.hits_utf8(data) == patterns.hits(text)
    for index in range(len(PATTERNS)):
        assert patterns.first_utf8(text, data, index) == patterns.first(text, index)
    single = PatternSet([r"(?i)share"])
    assert single.hits_utf8(data) == single.hits(text)


def test_utf8_is_encoded_once_per_text() -> None:
    text = "ça " * 10
    assert utf8(text) is utf8(text)
    assert utf8(text) == text.encode("utf-8")


def test_a_long_text_is_not_kept_but_scans_the_same() -> None:
    text = "Share ça\n" * 20_000
    assert utf8(text) is not utf8(text)
    patterns = PatternSet(PATTERNS)
    data = utf8(text)
    assert patterns.hits_utf8(data) == patterns.hits(text)
    assert patterns.first_utf8(text, data, 4) == patterns.first(text, 4)

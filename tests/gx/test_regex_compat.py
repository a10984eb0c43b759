"""Rewritten patterns mean the same in Python re, in pandas (pyarrow or object strings) and RE2."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scrapegate.gx.regex_compat import (
    FOLD_PROBE,
    IncompatiblePattern,
    example_match,
    translate,
)
from scrapegate.library.attribution_present import BYLINE, CREDIT_LINE, source_rules
from scrapegate.library.no_html import PATTERNS
from scrapegate.packs import available_packs, load_pack
from scrapegate.regex import PatternError, compile_pattern

ALPHABET = "aiIıİkKKsSſé _-.\n\t\x0b\u00a0xyz0129{},AB"
ATOMS = st.sampled_from(
    [
        "a",
        "i",
        "I",
        "ı",
        "İ",
        "k",
        "s",
        "é",
        " ",
        "x",
        "\\.",
        "\\d",
        "\\w",
        "\\s",
        "\\D",
        "\\W",
        "\\S",
        "\\b",
        "\\B",
        "[a-z]",
        "[^a-z]",
        "[\\s\\d]",
        "[^\\n]",
        "[\\S]",
        ".",
        "^",
        "$",
        "\\A",
        "\\z",
        "\\x{131}",
        "{",
        "[k-s]",
        "[^iI]",
    ]
)
QUANTIFIERS = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "{,2}", "*?"])
FLAGS = st.sampled_from(["(?i)", "(?m)", "(?s)", "(?i-m)", ""])


def _group(inner: str, kind: str) -> str:
    return {
        "plain": f"({inner})",
        "nc": f"(?:{inner})",
        "i": f"(?i:{inner})",
        "not_i": f"(?-i:{inner})",
        "named": f"(?P<g>{inner})",
    }[kind]


PATTERNS_ = st.recursive(
    st.tuples(ATOMS, QUANTIFIERS).map("".join),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map("".join),
        st.tuples(inner, inner).map("|".join),
        st.tuples(FLAGS, inner).map("".join),
        st.tuples(inner, st.sampled_from(["plain", "nc", "i", "not_i"])).map(lambda t: _group(*t)),
    ),
    max_leaves=6,
)


def _re2_compiles(pattern: str) -> bool:
    try:
        compile_pattern(pattern)
    except PatternError:
        return False
    return True


@pytest.mark.filterwarnings("ignore:This pattern is interpreted as a regular expression")
@settings(max_examples=300, deadline=None)
@example(pattern="(?i)disqus", texts=["DİSQUS", "Dısqus", "DISQUS"])
@example(pattern="x$", texts=["x\n", "x"])
@example(pattern="a{,2}", texts=["a{,2}", "aa"])
@example(pattern="\\bby\\b", texts=["by", "byé", "éby"])
@example(pattern="(?i)[^a-z]", texts=["İ", "ı", "k"])
@example(pattern="(?i)[a-z]", texts=["i", "I", "İ", "ı"])
@example(pattern="a(?i)b|c", texts=["aB", "C", "AB"])
@example(pattern="\\s", texts=["\x0b", "\u00a0", " "])
@example(pattern="\\B", texts=["0\xa00"])
@given(
    pattern=PATTERNS_.filter(_re2_compiles),
    texts=st.lists(st.text(ALPHABET, max_size=10), max_size=8),
)
def test_rewritten_patterns_match_exactly_where_re2_matches(pattern: str, texts: list[str]) -> None:
    try:
        translated = translate(pattern)
    except IncompatiblePattern:
        return  # refusing is always safe; the refusal tests pin which constructs are refused
    re2_pattern = compile_pattern(pattern)
    expected = [re2_pattern.search(t) is not None for t in texts]
    python = re.compile(translated.python)
    assert [python.search(t) is not None for t in texts] == expected, translated.python
    pd = pytest.importorskip("pandas")
    for dtype in ("str", object):
        found = pd.Series(texts, dtype=dtype).str.contains(translated.python).tolist()
        assert [bool(x) for x in found] == expected, (dtype, translated.python)


@pytest.mark.parametrize(
    "atom",
    [
        "i",
        "I",
        "ı",
        "İ",
        "k",
        "s",
        "[a-z]",
        "[^a-z]",
        "[A-Z0-9]",
        "\\w",
        "\\W",
        "\\d",
        "\\s",
        "\\S",
        "[^iI]",
        "[k-s]",
        "é",
    ],
)
@pytest.mark.parametrize("flags", ["", "(?i)"])
def test_single_characters_fold_as_in_re2_over_the_first_code_points(atom: str, flags: str) -> None:
    chars = [chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000] + list(FOLD_PROBE + "ẞ")
    theirs = compile_pattern(flags + atom)
    ours = re.compile(translate(flags + atom).python)
    differ = [c for c in chars if bool(theirs.fullmatch(c)) != bool(ours.fullmatch(c))]
    assert differ == []


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("x$", "x\\Z"),
        ("(?m)x$", "(?m-is:x$)"),
        ("\\d\\s", "[0-9][\\t\\n\\f\\r ]"),
        ("a{,2}", "a\\{,2\\}"),
        ("a(?i)b|c", "a(?i-ms:b)|(?i-ms:c)"),
        ("(?<n>a)", "(?P<n>a)"),
        ("(?i)i", "(?i-ms:(?-i:[iI]))"),
    ],
)
def test_rewrites_spell_out_the_re2_meaning(pattern: str, python: str) -> None:
    assert translate(pattern).python == python


@pytest.mark.parametrize(
    ("pattern", "fragment", "offset"),
    [
        ("ab\\pL", "Unicode class", 2),
        ("\\Q.\\E", "quoting is RE2-only", 0),
        ("(?U)a+", "ungreedy", 0),
        ("x[[:alpha:]]", "POSIX class", 2),
        ("[a\\S]", "negated Perl class", 0),
        ("\\C", "any byte", 0),
        ("(?=a)", "look-ahead", 0),
        ("a\\B", "inside multi-byte characters", 1),
    ],
)
def test_patterns_without_a_common_meaning_are_refused_with_the_offset(
    pattern: str, fragment: str, offset: int
) -> None:
    with pytest.raises(IncompatiblePattern) as info:
        translate(pattern)
    assert fragment in info.value.message
    assert info.value.offset == offset


def test_every_shipped_rule_runs_under_gx() -> None:
    sources = [r.compiled_source for p in available_packs() for r in load_pack(p).rules]
    sources += [r.source for r in source_rules("Reuters")] + [CREDIT_LINE, BYLINE, *PATTERNS]
    for source in sources:
        translate(source)  # raises for a rule outside the common subset


@pytest.mark.parametrize(
    "pattern", ["utm_", "^https://", "a|b", "x{3}", "(?i)[^a-z]+$", "\\bby\\b"]
)
def test_example_match_finds_a_string_the_pattern_matches(pattern: str) -> None:
    found = example_match(translate(pattern).python)
    assert found is not None
    assert compile_pattern(pattern).search(found)

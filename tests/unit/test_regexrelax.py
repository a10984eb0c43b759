"""Relaxed pattern sets (scrapegate.regexrelax): cheaper to compile, the original hits."""

from __future__ import annotations

import re2

from scrapegate.library.rules import build_rules
from scrapegate.packs import available_packs
from scrapegate.regex import _OPTIONS, PatternSet, _search_set
from scrapegate.regexrelax import relaxed


def test_large_bounded_repetitions_are_widened_and_nothing_else() -> None:
    assert relaxed(r"cookies(?:[ \t,.]+[^\n]{0,400})?$") == r"cookies(?:[ \t,.]+[^\n]{0,})?$"
    assert relaxed(r"a{2,30}b{1,3}") == r"a{2,}b{1,3}"  # small bounds stay unrolled
    assert relaxed(r"[0-9]{1,3}") is None
    assert relaxed(r"x\{0,400}") is None  # an escaped brace is a literal
    assert relaxed(r"[{0,400}]") is None  # inside a class too
    assert relaxed(r"[]{0,400}]") is None  # ']' first in a class is a member
    assert relaxed(r"[^]{0,400}]") is None
    assert relaxed(r"[[:alpha:]{0,400}]") is None  # a POSIX class does not end the class
    assert relaxed(r"\Q{0,400}\E") is None  # quoted text is left alone
    assert relaxed(r"x{20}") is None  # an exact count has no bound to widen
    assert relaxed(r"x{0,400}?") == r"x{0,}?"


def _shipped_sources() -> tuple[str, ...]:
    return tuple(r.source for r in build_rules(available_packs(), []))


def _plain_set(patterns: tuple[str, ...]) -> re2.Set:
    rset = re2.Set.SearchSet(_OPTIONS)
    for pattern in patterns:
        rset.Add(pattern)
    rset.Compile()
    return rset


def test_the_shipped_packs_scan_relaxed_and_confirm_with_the_original() -> None:
    sources = _shipped_sources()
    assert sum(relaxed(s) is not None for s in sources) >= 5  # the costly ones are relaxed
    assert type(_search_set(sources)).__name__ == "_ConfirmedSet"


def test_hits_are_those_of_the_original_patterns_around_every_bound() -> None:
    """Lines just inside and just past each bound: the relaxed set alone would flag the latter."""
    sources = _shipped_sources()
    plain, scanned = _plain_set(sources), PatternSet(sources)
    widened = _plain_set(tuple(relaxed(s) or s for s in sources))
    heads = [
        "We use cookies",
        "This website uses cookies",
        "Questo sito usa cookies",
        "Iscriviti alla newsletter",
        "Sign up for our free newsletter",
        "Home > News",
        "By continuing to browse this site and more you agree to cookies",
    ]
    differing = 0
    for head in heads:
        for separator in (", ", " ", ". ", " - ", ": "):
            for count in (*range(35, 45), *range(155, 165), *range(395, 405), 2000):
                for filler in ("x", "é", "中", " ", ","):
                    for tail in ("", "  \r", "\nnext line"):
                        text = f"intro\n{head}{separator}{filler * count}{tail}"
                        expected = sorted(plain.Match(text) or ())
                        assert scanned.hits(text) == expected, text[:80]
                        # The engine's path: the same text as UTF-8 bytes.
                        assert scanned.hits_utf8(text.encode()) == expected, text[:80]
                        differing += expected != sorted(widened.Match(text) or ())
    assert differing > 0  # the texts reach past the bounds, so the confirmation is exercised


def test_a_small_set_with_a_relaxed_pattern_keeps_its_hits() -> None:
    patterns = ("a{0,500}b", "cd")
    rset = _search_set(patterns)
    assert sorted(rset.Match("xab") or ()) == [0]
    assert sorted(rset.Match("a" * 600 + "b") or ()) == [0]
    assert sorted(rset.Match("cd") or ()) == [1]

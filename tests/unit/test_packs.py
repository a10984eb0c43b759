"""The shipped boilerplate packs: every example matches, nothing in clean prose does.

Precision matters more than recall: ``fixtures/prose/clean_paragraphs.txt`` holds invented
news paragraphs that use the same words as page chrome (comments, cookies, loading, close,
share, subscribe...) innocently, and no rule of any pack may match them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scrapegate.packs import MATCH_KINDS, Pack, PackRule, available_packs, load_pack
from scrapegate.regex import compile_pattern
from scrapegate.textnorm import normalize_for_matching

ROOT = Path(__file__).resolve().parents[2]
PROSE = ROOT / "fixtures" / "prose" / "clean_paragraphs.txt"

EXPECTED_PACKS = {
    "comment_widgets",
    "contact_forms",
    "cookie_banners",
    "newsletter_promos",
    "portal_chrome",
    "share_buttons",
}

PACKS: list[Pack] = [load_pack(name) for name in available_packs()]
RULES: list[PackRule] = [rule for pack in PACKS for rule in pack.rules]
EXAMPLES: list[tuple[PackRule, str]] = [(rule, ex) for rule in RULES for ex in rule.examples]


def _rule_id(rule: PackRule) -> str:
    return rule.qualified_name


def _example_id(value: object) -> str:
    if isinstance(value, PackRule):
        return value.qualified_name
    return repr(value)[:40]


def _matches(rule: PackRule, text: str) -> bool:
    return compile_pattern(rule.compiled_source).search(normalize_for_matching(text)) is not None


def _prose_paragraphs() -> list[str]:
    return [line for line in PROSE.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- pack structure -------------------------------------------------------------------------


def test_expected_packs_are_shipped() -> None:
    assert set(available_packs()) >= EXPECTED_PACKS


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_pack_has_description_and_rules(pack: Pack) -> None:
    assert pack.description.strip(), f"pack {pack.name} has no description"
    # An opt-in pack (legal_footer) may be small; a page-chrome pack covers its widget.
    minimum = 8 if pack.in_runs else 1
    assert len(pack.rules) >= minimum, f"pack {pack.name} has only {len(pack.rules)} rules"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_rule_names_unique_within_pack(pack: Pack) -> None:
    names = [rule.name for rule in pack.rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"duplicate rule names in {pack.name}: {duplicates}"


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_rule_is_well_formed(rule: PackRule) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", rule.name), "name must be snake_case"
    assert rule.description.strip(), "rule needs a description"
    assert "\n" not in rule.description.strip(), "description must be one line"
    assert rule.match in MATCH_KINDS
    assert not (rule.ambiguous and rule.match == "inline"), "only whole-line rules are ambiguous"
    assert rule.examples, "rule needs at least one example"
    assert all(ex.strip() for ex in rule.examples), "examples must not be blank"


# --- patterns compile the same on RE2 and Python re ------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_pattern_compiles_on_re2_and_python(rule: PackRule) -> None:
    compile_pattern(rule.pattern)
    compile_pattern(rule.compiled_source)
    re.compile(rule.compiled_source)
    # Constructs that RE2 and Python read differently, or only one of them accepts.
    for construct in (r"\Z", r"(?P=", "*+", "++", "?+", r"\d", r"\w", r"\b", r"\s", r"\D", r"\W"):
        assert construct not in rule.pattern, f"pattern uses {construct!r}"


@pytest.mark.parametrize(("rule", "example"), EXAMPLES, ids=_example_id)
def test_example_matches_on_both_engines(rule: PackRule, example: str) -> None:
    text = normalize_for_matching(example)
    re2_hit = compile_pattern(rule.compiled_source).search(text)
    py_hit = re.search(rule.compiled_source, text)
    assert re2_hit is not None, f"{rule.qualified_name} does not match its example {example!r}"
    assert py_hit is not None, f"Python re disagrees with RE2 on {example!r}"
    assert re2_hit.group(0) == py_hit.group(0)


# --- disguised examples still match ----------------------------------------------------------


def _disguises(example: str) -> dict[str, str]:
    """Variants of an example that must still match; line rules stay whole lines."""
    words = example.split(" ")
    nbsp = "\u00a0".join(words)
    zwsp = example[:1] + "\u200b" + example[1:] if len(example) > 1 else "\u200b" + example
    return {
        "upper": example.upper(),
        "outer_spaces_tabs": f" \t  {example}\t  ",
        "inner_spaces": "  ".join(words),
        "inner_tab": "\t".join(words),
        "no_break_space": nbsp,
        "zero_width_space": zwsp,
        "all_at_once": "\t " + "\u200b" + "\u00a0 ".join(w.upper() for w in words) + " \t",
        "between_lines": f"First paragraph of the article.\n{example}\nLast paragraph.",
    }


DISGUISES = [
    (rule, ex, kind, text) for rule, ex in EXAMPLES for kind, text in _disguises(ex).items()
]


@pytest.mark.parametrize(
    ("rule", "example", "kind", "text"),
    DISGUISES,
    ids=[f"{r.qualified_name}-{k}" for r, _e, k, _t in DISGUISES],
)
def test_disguised_example_matches(rule: PackRule, example: str, kind: str, text: str) -> None:
    assert _matches(rule, text), f"{rule.qualified_name} misses {kind} variant {text!r}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.match == "line"], ids=_rule_id)
def test_line_rule_does_not_match_inside_a_sentence(rule: PackRule) -> None:
    example = rule.examples[0]
    sentence = f"The spokesman said that {example} was not the issue, and left the room."
    assert not _matches(rule, sentence), f"{rule.qualified_name} matched mid-sentence"


# --- precision: clean prose matches nothing --------------------------------------------------


def test_prose_fixture_is_substantial() -> None:
    paragraphs = _prose_paragraphs()
    assert len(paragraphs) >= 60
    text = "\n".join(paragraphs).lower()
    for word in (
        "comments",
        "cookies",
        "newsletter",
        "captcha",
        "loading",
        "close",
        "actions",
        "menu",
        "search",
        "share",
        "tweet",
        "subscribe",
    ):
        assert word in text, f"prose fixture lacks an innocent use of {word!r}"


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_rule_matches_no_clean_prose(rule: PackRule) -> None:
    compiled = compile_pattern(rule.compiled_source)
    whole = normalize_for_matching(PROSE.read_text(encoding="utf-8"))
    hits = [p for p in whole.splitlines() if p.strip() and compiled.search(p) is not None]
    assert not hits, f"{rule.qualified_name} matches clean prose: {hits[:3]}"
    assert compiled.search(whole) is None


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_rule_does_not_match_everything(rule: PackRule) -> None:
    """Guard against a pattern that degenerates to matching any line (e.g. an empty branch)."""
    for probe in ("", "x y z", "The weather was fine on Sunday.", "Date: Jul 4, 2025"):
        assert not _matches(rule, probe), f"{rule.qualified_name} matches {probe!r}"

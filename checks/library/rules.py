"""Shared by the pattern-list checks: packs plus user patterns compiled into one RE2 set.

A value is scanned once through its normalised view (see ``checks.textnorm``); the exact
span is located only for the rules that hit, and mapped back into the original text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checks.packs import MATCH_KINDS, UnknownPackError, compile_source, load_pack
from checks.regex import PatternError, PatternSet
from checks.registry import ParamError
from checks.textnorm import matching_view

PATTERN_ITEM_SCHEMA: dict[str, Any] = {
    "description": "An RE2 pattern, or {name, pattern, match} where match is line or inline.",
    "oneOf": [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["pattern"],
            "properties": {
                "name": {"type": "string", "description": "Name shown in failures."},
                "pattern": {"type": "string", "description": "RE2 pattern."},
                "match": {
                    "enum": list(MATCH_KINDS),
                    "description": "line: whole lines only; inline: anywhere (default).",
                },
            },
        },
    ],
}


@dataclass(frozen=True)
class Rule:
    """A compiled-ready rule: display name, label for messages and the scanned source."""

    name: str
    label: str
    source: str


@dataclass(frozen=True)
class Hit:
    """A rule that matched: where in the original text, and what."""

    rule: Rule
    start: int
    end: int
    text: str


def pack_label(pack: str) -> str:
    """``comment_widgets`` -> ``comment widget``: how a pack's matches are described."""
    words = pack.replace("_", " ")
    return words[:-1] if words.endswith("s") else words


def build_rules(packs: Sequence[str], patterns: Sequence[Any], key: str = "packs") -> list[Rule]:
    """Rules for the given packs and user patterns; bad names/patterns raise ParamError."""
    rules: list[Rule] = []
    for index, pack_name in enumerate(packs):
        try:
            pack = load_pack(pack_name)
        except UnknownPackError as exc:
            raise ParamError((key, index), str(exc)) from None
        label = pack_label(pack_name)
        rules.extend(Rule(r.qualified_name, label, r.compiled_source) for r in pack.rules)
    for index, item in enumerate(patterns):
        if isinstance(item, str):
            name, pattern, match = f"patterns[{index}]", item, "inline"
        else:
            name = str(item.get("name", f"patterns[{index}]"))
            pattern, match = str(item["pattern"]), str(item.get("match", "inline"))
        rule = Rule(name, "pattern", compile_source(pattern, match))
        try:
            PatternSet([rule.source])
        except PatternError as exc:
            raise ParamError(
                ("patterns", index), str(exc).replace(repr(rule.source), repr(pattern))
            ) from None
        rules.append(rule)
    return rules


class RuleScanner:
    """All rules of one expectation in one RE2 set."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.patterns = PatternSet([r.source for r in self.rules])

    def scan(self, text: str) -> list[Hit]:
        """The first match of every rule that hits ``text``, in text order."""
        view = matching_view(text)
        hits = []
        for index in self.patterns.hits(view.text):
            span = self.patterns.first(view.text, index)
            if span is None:
                continue
            start, end = view.to_original(span.start), view.to_original(span.end)
            hits.append(Hit(self.rules[index], start, end, text[start:end]))
        hits.sort(key=lambda h: h.start)
        return hits

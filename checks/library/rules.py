"""Shared by the pattern-list checks: packs plus user patterns compiled into one RE2 set.

A value is scanned once through its normalised view (see ``scrapegate.textnorm``); the exact
span is located only for the rules that hit, and mapped back into the original text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..packs import (
    MATCH_KINDS,
    PackFileError,
    UnknownPackError,
    compile_source,
    is_pack_path,
    load_pack,
    load_pack_file,
)
from ..regex import PatternError, PatternSet, compile_pattern, utf8
from ..registry import ParamError, raise_all
from ..textnorm import ByIdentity, MatchView, matching_view

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
    """Rules for the given packs and user patterns; every bad name/pattern is one ParamError."""
    rules: list[Rule] = []
    errors: list[ParamError] = []
    for index, pack_name in enumerate(packs):
        try:
            # A path (the suite resolved it against its folder) is a user's own pack file.
            pack = load_pack_file(pack_name) if is_pack_path(pack_name) else load_pack(pack_name)
        except UnknownPackError as exc:
            errors.append(ParamError((key, index), str(exc)))
            continue
        except PackFileError as exc:
            errors.append(ParamError((key, index), f"pack file {pack_name}: {exc}"))
            continue
        label = pack_label(pack.name)
        # Ambiguous words count only next to other chrome: scrapegate.library.runs finds them.
        rules.extend(
            Rule(r.qualified_name, label, r.compiled_source) for r in pack.rules if not r.ambiguous
        )
    for index, item in enumerate(patterns):
        if isinstance(item, str):
            name, pattern, match = f"patterns[{index}]", item, "inline"
        else:
            name = str(item.get("name", f"patterns[{index}]"))
            pattern, match = str(item["pattern"]), str(item.get("match", "inline"))
        rule = Rule(name, "pattern", compile_source(pattern, match))
        try:
            # The pattern alone first: RE2's message then quotes what the user wrote, not
            # the wrapped source (and 'a)|(b' cannot pass by balancing the wrapper's parens).
            compile_pattern(pattern)
            PatternSet([rule.source])
        except PatternError as exc:
            errors.append(
                ParamError(("patterns", index), str(exc).replace(repr(rule.source), repr(pattern)))
            )
            continue
        rules.append(rule)
    raise_all(errors)
    return rules


def pack_rule_names(packs: Sequence[str]) -> frozenset[str]:
    """``pack/rule`` of every rule of the given packs (unknown names are skipped)."""
    names: set[str] = set()
    for pack_name in packs:
        if is_pack_path(pack_name):
            continue  # a user's pack file takes no part in runs of chrome
        try:
            names.update(r.qualified_name for r in load_pack(pack_name).rules)
        except UnknownPackError:
            continue
    return frozenset(names)


class SharedScan:
    """One RE2 set for the rules of every expectation on the same field.

    The engine registers each expectation's scanner here, so a document's field is scanned
    once however many pattern checks read it: hit lists are remembered for the texts of the
    batch being evaluated (by identity; an entry holds its text, so its id stays unique).
    """

    def __init__(self) -> None:
        self.sources: list[str] = []
        self._patterns: PatternSet | None = None
        self._memo: ByIdentity[list[int]] = ByIdentity()

    def register(self, sources: Sequence[str]) -> int:
        """Add sources; return the index of the first one."""
        offset = len(self.sources)
        self.sources.extend(sources)
        self._patterns = None
        self._memo.clear()
        return offset

    def _compiled(self) -> PatternSet:
        if self._patterns is None:
            self._patterns = PatternSet(self.sources)
        return self._patterns

    def hits(self, text: str) -> list[int]:
        """Indices (into ``sources``) of every source that matches ``text``."""
        return self.hits_batch([text])[0]

    def hits_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """``hits`` of each text; those not yet known are scanned together in one call."""
        memo = self._memo
        known = [memo.get(text) for text in texts]
        unknown = [text for text, hits in zip(texts, known, strict=True) if hits is None]
        if not unknown:
            return known  # type: ignore[return-value]
        found = iter(_hits_batch(self._compiled(), unknown))
        result: list[list[int]] = []
        for text, hits in zip(texts, known, strict=True):
            if hits is None:
                hits = next(found)
                memo.put(text, hits)
            result.append(hits)
        return result


def _hits_batch(patterns: PatternSet, texts: Sequence[str]) -> list[list[int]]:
    """The pattern set's hits for each text (one RE2 set scan each, on its UTF-8 bytes)."""
    hits = patterns.hits_utf8
    return [hits(utf8(text)) for text in texts]


class RuleScanner:
    """All rules of one expectation in one RE2 set (or a slice of a field's shared set)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.patterns = PatternSet([r.source for r in self.rules])
        self._shared: SharedScan | None = None
        self._offset = 0

    def share(self, shared: SharedScan) -> None:
        """Scan through ``shared`` from now on (the engine calls this per field)."""
        self._offset = shared.register([r.source for r in self.rules])
        self._shared = shared

    def hit_indices(self, view_text: str) -> list[int]:
        """Indices of this scanner's rules that match the normalised ``view_text``."""
        return self.hit_indices_batch([view_text])[0]

    def hit_indices_batch(self, view_texts: Sequence[str]) -> list[list[int]]:
        """``hit_indices`` of each normalised text, scanned together."""
        if self._shared is None:
            return _hits_batch(self.patterns, view_texts)
        low, high = self._offset, self._offset + len(self.rules)
        return [
            [i - low for i in hits if low <= i < high] if hits else []
            for hits in self._shared.hits_batch(view_texts)
        ]

    def matches(self, text: str) -> bool:
        """Whether any rule matches ``text`` (no span located)."""
        return bool(self.hit_indices(matching_view(text).text))

    def matching(self, texts: Sequence[str]) -> list[bool]:
        """``matches`` of each text, scanned together."""
        views = [matching_view(text).text for text in texts]
        return [bool(hits) for hits in self.hit_indices_batch(views)]

    def scan(self, text: str) -> list[Hit]:
        """The first match of every rule that hits ``text``, in text order."""
        view = matching_view(text)
        return self.located(text, view, self.hit_indices(view.text))

    def scan_batch(self, texts: Sequence[str]) -> list[list[Hit]]:
        """``scan`` of each text, the rule sets scanned together."""
        views = [matching_view(text) for text in texts]
        hit_lists = self.hit_indices_batch([view.text for view in views])
        return [
            self.located(text, view, hits) if hits else []
            for text, view, hits in zip(texts, views, hit_lists, strict=True)
        ]

    def located(self, text: str, view: MatchView, indices: Sequence[int]) -> list[Hit]:
        """The first match of each rule in ``indices`` (rules known to hit ``view``)."""
        hits = []
        data = utf8(view.text)
        for index in indices:
            span = self.patterns.first_utf8(view.text, data, index)
            if span is None:
                continue
            start, end = view.to_original(span.start), view.to_original(span.end)
            hits.append(Hit(self.rules[index], start, end, text[start:end]))
        hits.sort(key=lambda h: h.start)
        return hits

"""attribution_present: the text credits its source (wire trailer, dateline or byline).

Catches extractors that cut the end of an article, where wire copy carries ``--Reuters--``,
or the dateline ``LONDON (Reuters) -``. Each of ``sources`` expands to its usual forms:
``--Source--`` trailers, ``(Source) -`` datelines (any dash), and a ``Source`` line on its own;
``Reporting by``, ``Writing by`` and ``Editing by`` credits count for every source. Add
``byline: true`` to accept ``By Jane Doe`` at the start of a line, and ``patterns`` for house
styles. The failure quotes the end of the text, where a trailer would be.

Passes::

    expectation: {name: credited, check: attribution_present, field: text, sources: [Reuters]}
    document: {text: "Markets rallied on Friday.\\n--Reuters--"}

Fails::

    expectation: {name: credited, check: attribution_present, field: text, sources: [Reuters]}
    document: {text: "Markets rallied on Friday.\\nComments"}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..regex import compile_pattern
from ..registry import CheckContext, ParamError, RowCheck, Violation, check
from .rules import PATTERN_ITEM_SCHEMA, Rule, RuleScanner, build_rules

SCHEMA: dict[str, Any] = {
    "sources": {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "description": "Agencies or outlets whose usual credit forms count (Reuters, AP, AFP).",
    },
    "patterns": {
        "type": "array",
        "items": PATTERN_ITEM_SCHEMA,
        "description": "Extra RE2 patterns that count as an attribution.",
    },
    "byline": {
        "type": "boolean",
        "default": False,
        "description": "Also accept a 'By First Last' byline at the start of a line.",
    },
}

CREDIT_LINE = r"(?im)^[ \t(]*(?:additional )?(?:reporting|writing|editing) by\b"
BYLINE = r"(?m)^[ \t]*[Bb][Yy][ \t]+[A-ZÀ-Þ][^\s|,;:]*(?:[ \t]+[A-ZÀ-Þ][^\s|,;:]*)+"


def escape_source(source: str) -> str:
    """A source name as a literal RE2 pattern with flexible inner spaces."""
    return r"\s+".join(_escape(word) for word in source.split())


def _escape(text: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() and ch != " " else ch for ch in text)


def source_rules(source: str) -> list[Rule]:
    """The usual credit forms of one source."""
    s = escape_source(source)
    return [
        Rule(f"--{source}--", "trailer", rf"(?i)-{{2,}}[ \t]*{s}[ \t]*-{{2,}}"),
        Rule(f"({source}) -", "dateline", rf"(?i)\([ \t]*{s}[ \t]*\)[ \t]*[-‐‑–—]"),
        Rule(f"{source} (own line)", "trailer", rf"(?im)^[ \t]*\(?{s}\)?[ \t]*$"),
    ]


@dataclass(frozen=True)
class AttributionParams:
    """Sources, extra patterns and whether a byline counts."""

    sources: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = ()
    byline: bool = False


@check("attribution_present", params=AttributionParams, schema=SCHEMA)
def attribution_present(params: AttributionParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    if not params.sources and not params.patterns and not params.byline:
        raise ParamError("check", "attribution_present needs 'sources', 'patterns' or 'byline'")
    rules: list[Rule] = []
    for source in params.sources:
        rules.extend(source_rules(source))
    if params.sources:
        rules.append(Rule("Reporting by", "credit", CREDIT_LINE))
    if params.byline:
        rules.append(Rule("By First Last", "byline", BYLINE))
    rules.extend(build_rules((), params.patterns))
    for rule in rules:
        compile_pattern(rule.source)
    wanted = ", ".join(r.name for r in rules[:6]) + (", ..." if len(rules) > 6 else "")
    return AttributionEvaluator(RuleScanner(rules), wanted)


class AttributionEvaluator:
    """Passes a value when any credit form matches; ``scanner`` is shared by the engine."""

    def __init__(self, scanner: RuleScanner, wanted: str) -> None:
        self.scanner = scanner
        self.wanted = wanted

    def __call__(self, value: str) -> list[Violation]:
        if self.scanner.matches(value):
            return []
        return self._missing(value)

    def batch(self, values: Sequence[str]) -> list[tuple[int, list[Violation]]]:
        """Failing positions of a column of values: the credit forms scanned together."""
        found = self.scanner.matching(values)
        return [(index, self._missing(values[index])) for index, ok in enumerate(found) if not ok]

    def _missing(self, value: str) -> list[Violation]:
        tail = max(0, len(value.rstrip()) - 60)
        return [Violation(f"no attribution found (looked for {self.wanted})", tail, len(value))]

"""no_boilerplate: no page chrome from the listed ``packs`` (or extra ``patterns``) remains.

Catches comment widgets, contact forms, portlet titles, share buttons, cookie banners and
newsletter promos that leak into article text when a selector widens. Packs are reviewed
data files (``scrapegate schema`` lists their names); generic words such as ``Comments`` or
``CLOSE`` only match as whole lines, so prose that mentions them passes. Matching is
case-insensitive and sees through no-break spaces, zero-width characters and compatibility
forms; evidence quotes the original text. Extra ``patterns`` are RE2, matched anywhere unless
``match: line``.

Passes::

    expectation: {name: no widgets, check: no_boilerplate, field: text, packs: [comment_widgets]}
    document: {text: "The minister declined to comment on the comments."}

Fails::

    expectation: {name: no widgets, check: no_boilerplate, field: text, packs: [comment_widgets]}
    document: {text: "Rain is expected.\\nComments\\ncomments powered by Disqus"}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..packs import available_packs
from ..registry import CheckContext, ParamError, RowCheck, Violation, check
from .rules import PATTERN_ITEM_SCHEMA, RuleScanner, build_rules

SCHEMA: dict[str, Any] = {
    "packs": {
        "type": "array",
        "items": {"type": "string"},
        "description": f"Boilerplate packs to look for: {', '.join(available_packs())}.",
    },
    "patterns": {
        "type": "array",
        "items": PATTERN_ITEM_SCHEMA,
        "description": "Extra RE2 patterns that must not occur.",
    },
}


@dataclass(frozen=True)
class NoBoilerplateParams:
    """Packs and extra patterns."""

    packs: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = ()


@check("no_boilerplate", params=NoBoilerplateParams, schema=SCHEMA)
def no_boilerplate(params: NoBoilerplateParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    if not params.packs and not params.patterns:
        raise ParamError("check", "no_boilerplate needs 'packs', 'patterns' or both")
    return BoilerplateEvaluator(RuleScanner(build_rules(params.packs, params.patterns)))


class BoilerplateEvaluator:
    """Fails a value for every rule that matches it; ``scanner`` is shared by the engine."""

    def __init__(self, scanner: RuleScanner) -> None:
        self.scanner = scanner

    def __call__(self, value: str) -> list[Violation]:
        return [
            Violation(f"{hit.rule.label} text {hit.text!r} ({hit.rule.name})", hit.start, hit.end)
            for hit in self.scanner.scan(value)
        ]

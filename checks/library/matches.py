"""matches / not_matches: the field does (or does not) match an RE2 ``pattern``.

``matches`` searches anywhere in the value; anchor with ``^`` and ``$`` to require the whole
value. Patterns are RE2 syntax and case-sensitive unless they start with ``(?i)``. Use them
for shapes no built-in check covers: URLs on the right host, ids in the right format.

Passes::

    expectation: {name: https urls, check: matches, field: url, pattern: '^https://'}
    document: {url: "https://news.example.com/a/1"}

Fails::

    expectation: {name: no tracking params, check: not_matches, field: url, pattern: 'utm_'}
    document: {url: "https://news.example.com/a/1?utm_source=x"}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..regex import PatternError, compile_pattern
from ..registry import CheckContext, ParamError, RowCheck, Violation, check
from ..textnorm import snippet

SCHEMA: dict[str, Any] = {
    "pattern": {"type": "string", "description": "RE2 regular expression searched in the value."},
}


@dataclass(frozen=True)
class PatternParams:
    """The pattern to search for."""

    pattern: str = ""


def _compile(params: PatternParams) -> Any:
    try:
        return compile_pattern(params.pattern)
    except PatternError as exc:
        raise ParamError("pattern", str(exc)) from None


@check("matches", params=PatternParams, schema=SCHEMA, required=("pattern",))
def matches(params: PatternParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator: the value must match."""
    compiled = _compile(params)

    def evaluate(value: str) -> list[Violation]:
        if compiled.search(value):
            return []
        shown = snippet(value, 0, 0, context=60)
        return [Violation(f"value {shown!r} does not match {params.pattern!r}")]

    return evaluate


@check("not_matches", params=PatternParams, schema=SCHEMA, required=("pattern",))
def not_matches(params: PatternParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator: the value must not match."""
    compiled = _compile(params)

    def evaluate(value: str) -> list[Violation]:
        m = compiled.search(value)
        if m is None:
            return []
        return [Violation(f"matches {params.pattern!r}: {m.group(0)!r}", m.start(), m.end())]

    return evaluate

"""not_empty: the field is present and holds more than whitespace.

Catches titles and bodies a selector change turned into nothing. Strings must contain a
non-space character; lists and objects must have an element; numbers and booleans count as
present.

Passes::

    expectation: {name: title present, check: not_empty, field: title}
    document: {title: Storm closes port for a second day}

Fails::

    expectation: {name: title present, check: not_empty, field: title}
    document: {title: "   "}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..registry import CheckContext, RowCheck, Violation, check

SCHEMA: dict[str, Any] = {}


@dataclass(frozen=True)
class NotEmptyParams:
    """not_empty takes no parameters."""


@check("not_empty", params=NotEmptyParams, schema=SCHEMA, text_only=False)
def not_empty(params: NotEmptyParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""

    def evaluate(value: Any) -> list[Violation]:
        if isinstance(value, str):
            if value.strip():
                return []
            return [Violation(f"value is blank ({len(value)} whitespace characters)")]
        if isinstance(value, list | dict) and not value:
            return [Violation(f"value is an empty {type(value).__name__}")]
        return []

    return evaluate

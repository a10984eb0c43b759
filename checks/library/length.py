"""length: the field's length in characters or words lies between ``min`` and ``max``.

Catches truncated bodies (a paywall or a lazy-loaded tail) and titles that swallowed the page.
Words are counted by splitting on whitespace; characters are Unicode code points.

Passes::

    expectation: {name: body long enough, check: length, field: body, min: 5, unit: words}
    document: {body: Officials said the bridge will reopen on Monday.}

Fails::

    expectation: {name: title short, check: length, field: title, max: 10}
    document: {title: Storm closes port for a second day as winds batter coast}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..registry import CheckContext, ParamError, RowCheck, Violation, check
from ..wording import plural

SCHEMA: dict[str, Any] = {
    "min": {"type": "integer", "minimum": 0, "description": "Smallest allowed length."},
    "max": {"type": "integer", "minimum": 0, "description": "Largest allowed length."},
    "unit": {
        "enum": ["chars", "words"],
        "default": "chars",
        "description": "Count characters (default) or whitespace-separated words.",
    },
}


@dataclass(frozen=True)
class LengthParams:
    """Bounds and unit."""

    min: int | None = None
    max: int | None = None
    unit: str = "chars"


@check("length", params=LengthParams, schema=SCHEMA)
def length(params: LengthParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    if params.min is None and params.max is None:
        raise ParamError("check", "length needs 'min', 'max' or both")
    if params.min is not None and params.max is not None and params.min > params.max:
        raise ParamError("min", f"min {params.min} is larger than max {params.max}")
    words = params.unit == "words"
    noun = "word" if words else "character"
    low, high = params.min, params.max

    def evaluate(value: str) -> list[Violation]:
        if words:
            # split(None, n) stops after n splits: bounds are decided without splitting a
            # whole 5 KB body into words; the exact count is only needed for the message.
            if low is not None and low > 0 and len(value.split(None, low - 1)) < low:
                size = len(value.split())
                return [Violation(f"{plural(size, noun)}, fewer than min {low}", 0, len(value))]
            if high is not None and len(value.split(None, high)) > high:
                size = len(value.split())
                return [Violation(f"{plural(size, noun)}, more than max {high}", 0, len(value))]
            return []
        size = len(value)
        if low is not None and size < low:
            return [Violation(f"{plural(size, noun)}, fewer than min {low}", 0, len(value))]
        if high is not None and size > high:
            return [Violation(f"{plural(size, noun)}, more than max {high}", 0, len(value))]
        return []

    return evaluate

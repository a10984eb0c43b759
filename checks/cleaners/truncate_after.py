"""truncate_after: everything after the last line matching ``pattern`` is dropped.

For pages whose article ends with a known line, such as the wire trailer ``--Reuters--``,
and whose chrome below it changes too often for a pack to keep up. That line itself stays,
with its line break. The RE2 ``pattern`` is searched in each line (anchor it with ``^`` and
``$`` to match whole lines) through the same normalised view as boilerplate matching, so
zero-width characters and no-break spaces do not hide a trailer. Text without a matching line
is left as it is: a missing trailer is ``attribution_present``'s business, not a reason to
cut.

Properties: idempotent; deletion-only (a prefix of the input's lines is kept); never
lengthens its input.

Example::

    cleaners:
      - truncate_after: {pattern: '^--\\s*(?:Reuters|AP|AFP)\\s*--$'}
    "Rain fell.\\n--Reuters--\\nComments\\nLoading..."  ->  "Rain fell.\\n--Reuters--\\n"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..regex import PatternError, compile_pattern
from ..registry import ParamError
from ..textnorm import matching_view
from ._registry import CleanFunction, cleaner

SCHEMA: dict[str, Any] = {
    "pattern": {
        "type": "string",
        "minLength": 1,
        "description": "RE2 pattern searched in each line; the last matching line is kept, "
        "everything after it dropped.",
    },
}


@dataclass(frozen=True)
class TruncateAfterParams:
    """The pattern of the last line to keep."""

    pattern: str = ""


@cleaner(
    "truncate_after",
    params=TruncateAfterParams,
    schema=SCHEMA,
    required=("pattern",),
    deletion_only=True,
)
def truncate_after(params: TruncateAfterParams) -> CleanFunction:
    """Build the cleaner."""
    try:
        compiled = compile_pattern(params.pattern)
    except PatternError as exc:
        raise ParamError("pattern", str(exc)) from None

    def clean(text: str) -> str:
        lines = text.split("\n")
        for index in range(len(lines) - 1, -1, -1):
            if compiled.search(matching_view(lines[index]).text):
                if index + 1 == len(lines):
                    return text
                return "\n".join(lines[: index + 1]) + "\n"
        return text

    return clean

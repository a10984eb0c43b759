"""no_html: no leftover HTML tags, comments or character entities in the field.

Catches extractors that stopped stripping markup (``<div class="ad">``, ``<br/>``) or
decoding entities (``&nbsp;``, ``&#8217;``). Tags are recognised by their names (the usual
HTML elements), so prose such as ``x < y and z > w`` does not count.

Passes::

    expectation: {name: body has no html, check: no_html, field: body}
    document: {body: "Prices rose 3% while wages fell, the bureau said."}

Fails::

    expectation: {name: body has no html, check: no_html, field: body}
    document: {body: "Prices rose&nbsp;3%<br/>while wages fell."}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..regex import PatternSet
from ..registry import CheckContext, RowCheck, Violation, check

TAG_NAMES = (
    "a|abbr|article|aside|audio|b|blockquote|body|br|button|center|code|div|em|embed|figcaption|"
    "figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|label|li|link|main|"
    "meta|nav|noscript|ol|option|p|picture|pre|script|section|select|small|source|span|strong|"
    "style|sub|sup|svg|table|tbody|td|textarea|th|thead|time|tr|u|ul|video"
)
# Tag names are case-insensitive in HTML; attributes stay on one line in real leftovers.
TAG = rf"(?i)</?(?:{TAG_NAMES})(?:\s[^<>\n]*)?/?>"
COMMENT = r"<!--"
ENTITY = r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
PATTERNS = (TAG, COMMENT, ENTITY)
KINDS = ("HTML tag", "HTML comment", "HTML entity")

SCHEMA: dict[str, Any] = {}


@dataclass(frozen=True)
class NoHtmlParams:
    """no_html takes no parameters."""


@check("no_html", params=NoHtmlParams, schema=SCHEMA)
def no_html(params: NoHtmlParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    patterns = PatternSet(PATTERNS)

    def evaluate(value: str) -> list[Violation]:
        out = []
        for index in patterns.hits(value):
            span = patterns.first(value, index)
            if span is not None:
                out.append(Violation(f"{KINDS[index]} {span.text!r}", span.start, span.end))
        return out

    return evaluate

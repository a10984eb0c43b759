"""Where the offending text sits inside a failure's snippet.

The engine cuts snippets with :func:`scrapegate.textnorm.snippet` at its defaults: up to
``CONTEXT`` characters either side of ``value[start:end]`` (itself cut to ``LIMIT``), with
``...`` marking each cut. Inverting that arithmetic gives the span to highlight; a property
test pins these constants to the engine's.
"""

from __future__ import annotations

CONTEXT = 30
LIMIT = 160
_CUT = "..."


def split_snippet(snippet: str, start: int | None, end: int | None) -> tuple[str, str, str]:
    """``(before, offending, after)``; everything in ``before`` when the span is unknown."""
    if start is None or end is None or end <= start or not snippet or start < 0:
        return snippet, "", ""
    length = min(end - start, LIMIT)
    left = max(0, start - CONTEXT)
    offset = start - left
    if left > 0:
        # A cut on the left always shows as "..."; without one the offsets do not describe
        # this snippet (a hand-edited result, another engine), so highlight nothing.
        if not snippet.startswith(_CUT):
            return snippet, "", ""
        offset += len(_CUT)
    stop = min(offset + length, len(snippet))
    if offset >= stop:
        return snippet, "", ""
    return snippet[:offset], snippet[offset:stop], snippet[stop:]

"""dedupe_paragraphs: a paragraph that repeats an earlier one is removed.

Scrapers that concatenate a page's teaser, body and print version repeat whole paragraphs.
A paragraph is a run of non-blank lines; two are the same when they match after whitespace
is collapsed and invisible characters are ignored (the normalised view boilerplate matching
uses; case counts). The first occurrence stays, with the blank line after a removed
paragraph going with it. Paragraphs shorter than ``min_words`` (a repeated "* * *" or a
one-word answer in an interview) are never removed.

Properties: idempotent; deletion-only (whole paragraphs go, the rest keeps its order); never
lengthens its input.

Example::

    cleaners: [dedupe_paragraphs]
    "Rain fell on Monday.\\n\\nRoads closed.\\n\\nRain fell on Monday."
      ->  "Rain fell on Monday.\\n\\nRoads closed."
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..textnorm import matching_view
from ._registry import CleanFunction, cleaner

SCHEMA: dict[str, Any] = {
    "min_words": {
        "type": "integer",
        "minimum": 1,
        "default": 4,
        "description": "Paragraphs with fewer words are never removed (default 4).",
    },
}


@dataclass(frozen=True)
class DedupeParagraphsParams:
    """The shortest paragraph that counts as a duplicate."""

    min_words: int = 4


def _key(lines: list[str]) -> str:
    return " ".join(matching_view("\n".join(lines)).text.split())


def dedupe_paragraphs_text(text: str, min_words: int = 4) -> str:
    """The cleaner itself, for direct use."""
    lines = text.split("\n")
    # Blocks alternate between paragraphs (non-blank runs) and separators (blank runs).
    blocks: list[tuple[bool, list[str]]] = []
    for line in lines:
        is_text = bool(line.strip())
        if blocks and blocks[-1][0] == is_text:
            blocks[-1][1].append(line)
        else:
            blocks.append((is_text, [line]))
    seen: set[str] = set()
    drop: set[int] = set()
    for index, (is_text, block) in enumerate(blocks):
        if not is_text:
            continue
        key = _key(block)
        if len(key.split()) < min_words or key not in seen:
            seen.add(key)
            continue
        drop.add(index)
        # Its separator goes too: the one after it, or before it when it ends the text.
        if index + 1 < len(blocks):
            drop.add(index + 1)
        elif index > 0:
            drop.add(index - 1)
    if not drop:
        return text
    kept = [line for i, (_, block) in enumerate(blocks) if i not in drop for line in block]
    return "\n".join(kept)


@cleaner(
    "dedupe_paragraphs",
    params=DedupeParagraphsParams,
    schema=SCHEMA,
    deletion_only=True,
)
def dedupe_paragraphs(params: DedupeParagraphsParams) -> CleanFunction:
    """Build the cleaner."""
    min_words = params.min_words

    def clean(text: str) -> str:
        return dedupe_paragraphs_text(text, min_words)

    return clean

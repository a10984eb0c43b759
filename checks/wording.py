"""Counts in messages: ``1 document``, ``2 documents``, never ``1 document(s)``.

The lowest layer, so the loaders and the engine word their warnings the way the terminal does.
"""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 document``, ``2 documents``: a count with its noun in the right number."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def verb(count: int, one: str, many: str) -> str:
    """The verb form agreeing with ``count`` (``has``/``have``)."""
    return one if count == 1 else many

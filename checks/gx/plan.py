"""The compiled plan of a GX run: the prepared columns and the GX expectation of each check.

The data model shared by the compiler (:mod:`scrapegate.gx.compile`), the batch builder
(:mod:`scrapegate.gx.frame`) and the GX session; no GX or pandas import.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..suite import Expectation, Suite, Where

ROW_COLUMN = "sg_row"


@dataclass(frozen=True)
class Prepared:
    """A column of the batch, computed from one field of every document.

    ``kind``: ``text`` (the string itself), ``view`` (its normalised matching view),
    ``chrome_view`` (the view plus one marker line per run of chrome that no_boilerplate's
    run finder counts for the packs in ``settings``), ``presence`` (not_empty's notion of a
    value), ``date_text`` (the text a strftime format
    must match), ``occurrence`` (1 for the first document with a value, 2 for the next...),
    ``text_match`` / ``view_match`` (1 when RE2 finds one of ``patterns`` in the text or the
    view, else 0: patterns that pandas would hand to Python's backtracking ``re``),
    ``text_quality`` (how many signals of the ``settings`` JSON are outside their bounds,
    measured by text_quality's own code).
    ``missing`` replaces a missing, null or non-text value; it always fails the expectation.
    """

    name: str
    field: str
    kind: str
    missing: str | int
    strftime: str | None = None
    where: str | None = None
    patterns: tuple[str, ...] = ()
    settings: str = ""


@dataclass(frozen=True)
class Mapped:
    """A scrapegate expectation and the GX expectation that decides it."""

    index: int
    spec: Expectation
    gx_type: str
    kwargs: dict[str, Any]
    column: Prepared | None
    where: str | None
    notes: str = ""


@dataclass(frozen=True)
class Unmapped:
    """A scrapegate expectation with no faithful GX equivalent, and why."""

    index: int
    spec: Expectation
    reason: str


@dataclass(frozen=True)
class Plan:
    """Everything needed to build the GX suite and the batch it runs on."""

    suite: Suite
    mapped: tuple[Mapped, ...]
    unmapped: tuple[Unmapped, ...]
    columns: tuple[Prepared, ...]
    wheres: tuple[tuple[str, Where], ...]

    def to_json(self) -> dict[str, Any]:
        """The preparation plan as JSON, stored in the GX suite's meta."""
        return {
            "row_column": ROW_COLUMN,
            "columns": [
                {
                    "name": c.name,
                    "field": c.field,
                    "kind": c.kind,
                    "missing": c.missing,
                    **({"strftime": c.strftime} if c.strftime else {}),
                    **({"where": c.where} if c.where else {}),
                    **({"re2_patterns": list(c.patterns)} if c.patterns else {}),
                    **({"settings": json.loads(c.settings)} if c.settings else {}),
                }
                for c in self.columns
            ],
            "where": [
                {
                    "name": name,
                    "field": w.field,
                    **({"equals": w.equals} if w.has_equals else {}),
                    **({"in": list(w.in_)} if w.in_ is not None else {}),
                    **({"matches": w.matches} if w.matches is not None else {}),
                }
                for name, w in self.wheres
            ],
            "unmapped": [
                {"name": u.spec.name, "check": u.spec.check, "reason": u.reason}
                for u in self.unmapped
            ],
        }

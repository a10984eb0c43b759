"""Documents to the pandas batch GX validates: one row per document, prepared columns per plan.

The preparation reuses the native engine's own pieces (where filter, matching view, unique
digest, the date parser's trimming rules) so that GX judges exactly the text our checks see.
Rows keep document order; ``sg_row`` is the position GX reports back for every failing row.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..dates import _LABEL, _PLACEHOLDERS
from ..documents import Document
from ..engine import _WhereFilter
from ..library.no_boilerplate import run_segments
from ..library.unique import digest
from ..textnorm import matching_view
from .builder import RUN_MARKER
from .plan import ROW_COLUMN, Plan, Prepared


@dataclass(frozen=True)
class Batch:
    """The prepared dataframe and which ``where`` fields any document had."""

    frame: Any
    where_seen: dict[str, bool]


def presence(value: Any) -> str:
    """not_empty's view of a value as text: blank exactly when not_empty fails it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return f"<{type(value).__name__} of {len(value)}>" if value else ""
    return str(value)


def date_text(value: Any) -> str:
    """The text scrapegate tries a format on: trimmed, 'Label:' removed, placeholders blank."""
    if not isinstance(value, str):
        return ""
    stripped = value.strip()
    if not stripped or stripped.lower() in _PLACEHOLDERS:
        return ""
    label = _LABEL.match(stripped)
    # Safe only for formats that cannot match a label themselves (see mapping._may_read_label).
    if label is not None and label.end() < len(stripped):
        return stripped[label.end() :]
    return stripped


def _text_column(column: Prepared, values: Sequence[Any]) -> list[Any]:
    missing = column.missing
    if column.kind == "text":
        return [v if isinstance(v, str) else missing for v in values]
    if column.kind == "view":
        return [matching_view(v).text if isinstance(v, str) else missing for v in values]
    if column.kind == "chrome_view":
        own, min_run = _run_settings(column)
        return [
            matching_view(v).text + f"\n{RUN_MARKER}" * len(run_segments(v, own, min_run))
            if isinstance(v, str)
            else missing
            for v in values
        ]
    if column.kind == "presence":
        return [presence(v) for v in values]
    if column.kind == "date_text":
        return [date_text(v) for v in values]
    raise ValueError(f"unknown column kind {column.kind!r}")


def _run_settings(column: Prepared) -> tuple[frozenset[str], int]:
    """The pack rules and min_run of a no_boilerplate column (``settings`` JSON)."""
    settings = json.loads(column.settings)
    return frozenset(settings["own"]), int(settings["min_run"])


def re2_found(column: Prepared, values: Sequence[Any]) -> list[int]:
    """1 where RE2 finds one of the column's patterns in the text (or its view), else 0."""
    from ..regex import compile_pattern

    compiled = [compile_pattern(p) for p in column.patterns]
    view = column.kind == "view_match"
    out: list[int] = []
    for value in values:
        if not isinstance(value, str):
            out.append(int(column.missing))
            continue
        text = matching_view(value).text if view else value
        found = any(c.search(text) for c in compiled)
        if not found and column.settings:
            found = bool(run_segments(value, *_run_settings(column)))
        out.append(1 if found else 0)
    return out


def quality_failures(column: Prepared, values: Sequence[Any]) -> list[int]:
    """How many text_quality signals each text fails (its own code measures); missing: -1."""
    from ..library.text_quality import Settings, measure

    settings = Settings.from_json(column.settings)
    return [
        len(measure(v, settings)) if isinstance(v, str) else int(column.missing) for v in values
    ]


def occurrences(values: Sequence[Any], applies: Sequence[bool]) -> list[int]:
    """1 for the first applicable document with a value, 2 for the next...; 0 when missing."""
    seen: dict[int, int] = {}
    out = []
    for value, applied in zip(values, applies, strict=True):
        if not applied or value is None:
            out.append(0)
            continue
        key = digest(value)
        seen[key] = seen.get(key, 0) + 1
        out.append(seen[key])
    return out


def build_batch(plan: Plan, docs: Sequence[Document]) -> Batch:
    """The dataframe GX validates, with every column the plan needs."""
    pd: Any = importlib.import_module("pandas")
    data: dict[str, Any] = {ROW_COLUMN: pd.Series(range(len(docs)), dtype="int64")}
    where_seen: dict[str, bool] = {}
    applies: dict[str, list[bool]] = {}
    for name, where in plan.wheres:
        filt = _WhereFilter(where)
        applies[name] = [filt.applies(doc) for doc in docs]
        where_seen[name] = filt.field_seen
        data[name] = pd.Series(applies[name], dtype="bool")
    for column in plan.columns:
        values = [doc.get(column.field) for doc in docs]
        if column.kind == "occurrence":
            mask = applies[column.where] if column.where else [True] * len(docs)
            data[column.name] = pd.Series(occurrences(values, mask), dtype="int64")
        elif column.kind == "text_quality":
            data[column.name] = pd.Series(quality_failures(column, values), dtype="int64")
        elif column.patterns:
            data[column.name] = pd.Series(re2_found(column, values), dtype="int64")
        else:
            data[column.name] = pd.Series(_text_column(column, values), dtype="str")
    return Batch(pd.DataFrame(data), where_seen)

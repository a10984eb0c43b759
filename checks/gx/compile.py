"""Compile a suite into Great Expectations expectations plus the columns they read.

Pure planning: no GX or pandas import. Each scrapegate expectation becomes one GX expectation
on a *prepared* column (see :mod:`scrapegate.gx.frame`), built so that GX's verdict per document is
ours:

* a missing, null or (for text checks) non-text value is written as a *sentinel* the GX
  expectation is known to fail, because GX skips nulls where we count them as failures;
* ``where`` becomes a GX ``row_condition`` on a prepared boolean column, so excluded documents
  are not evaluated, exactly as in our engine;
* boilerplate and attribution rules read the normalised matching view, with patterns rewritten
  by :mod:`scrapegate.gx.regex_compat` so Python ``re`` agrees with RE2.

A check with no faithful GX equivalent is :class:`Unmapped` with the reason; the GX runner
evaluates it with the native engine and says so, and ``export-gx`` lists it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError, Problem
from ..library.rules import Rule
from ..suite import Expectation, Suite, Where
from ..yamlsource import KeyPath
from .regex_compat import IncompatiblePattern, Translated, example_match, translate

ROW_COLUMN = "sg_row"
# The matching view drops zero-width spaces, so no view text can contain this sentinel.
VIEW_MISSING = "\u200b<missing>"
VIEW_MISSING_RULE = "\u200b"
WORDS_MISSING_UNIT = "x "


@dataclass(frozen=True)
class Prepared:
    """A column of the batch, computed from one field of every document.

    ``kind``: ``text`` (the string itself), ``view`` (its normalised matching view),
    ``presence`` (not_empty's notion of a value), ``date_text`` (the text a strftime format
    must match), ``occurrence`` (1 for the first document with a value, 2 for the next...).
    ``missing`` replaces a missing, null or non-text value; it always fails the expectation.
    """

    name: str
    field: str
    kind: str
    missing: str | int
    strftime: str | None = None
    where: str | None = None


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


class _NoMapping(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Builder:
    suite: Suite
    columns: dict[tuple[Any, ...], Prepared] = field(default_factory=dict)
    wheres: dict[Where, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where_column(self, where: Where | None) -> str | None:
        if where is None:
            return None
        if where not in self.wheres:
            self.wheres[where] = _unique_name(
                f"where_{_slug(where.field)}", {*self.wheres.values()}
            )
        return self.wheres[where]

    def column(
        self, spec: Expectation, kind: str, missing: str | int, strftime: str | None = None
    ) -> Prepared:
        assert spec.field is not None
        # Occurrence numbers depend on which documents take part.
        where = self.where_column(spec.where) if kind == "occurrence" else None
        key = (spec.field, kind, missing, strftime, where)
        if key not in self.columns:
            taken = {c.name for c in self.columns.values()}
            name = _unique_name(f"{_slug(spec.field)}__{kind}", taken)
            self.columns[key] = Prepared(name, spec.field, kind, missing, strftime, where)
        return self.columns[key]


def _slug(name: str) -> str:
    # Spark and pandas' query() both accept plain identifiers without quoting.
    return re.sub(r"[^0-9A-Za-z_]", "_", name) or "field"


def _unique_name(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken or name == ROW_COLUMN:
        name, n = f"{base}_{n}", n + 1
    return name


def compile_suite(suite: Suite) -> Plan:
    """Plan the GX run of ``suite``; raise ConfigError for patterns Python re cannot mirror."""
    builder = Builder(suite)
    mapped: list[Mapped] = []
    unmapped: list[Unmapped] = []
    for index, spec in enumerate(suite.expectations):
        try:
            mapped.append(_map(builder, index, spec))
        except _NoMapping as exc:
            unmapped.append(Unmapped(index, spec, exc.reason))
    if builder.problems:
        raise ConfigError(builder.problems)
    return Plan(
        suite=suite,
        mapped=tuple(mapped),
        unmapped=tuple(unmapped),
        columns=tuple(builder.columns.values()),
        wheres=tuple((name, where) for where, name in builder.wheres.items()),
    )


def _map(b: Builder, index: int, spec: Expectation) -> Mapped:
    from . import mapping

    handler = mapping.HANDLERS.get(spec.check)
    if handler is None:
        raise _NoMapping(f"check type {spec.check!r} has no Great Expectations mapping")
    gx_type, kwargs, column, notes = handler(b, index, spec)
    if column is not None:
        kwargs = {"column": column.name, **kwargs}
        if spec.mostly < 1.0:
            kwargs["mostly"] = spec.mostly
    where = b.where_column(spec.where)
    return Mapped(index, spec, gx_type, kwargs, column, where, notes)


def translate_rules(
    b: Builder, index: int, spec: Expectation, rules: Sequence[tuple[Rule, KeyPath]]
) -> list[Translated]:
    """Rules rewritten for Python re; incompatible ones become problems at the key that made them.

    ``rules`` pairs each rule with the key path, inside the expectation, of the pack, source or
    pattern it came from (empty for built-in rules).
    """
    from .locate import locate_key

    out = []
    for rule, path in rules:
        try:
            out.append(translate(rule.source))
        except IncompatiblePattern as exc:
            b.problems.append(
                Problem(
                    locate_key(spec, ("expectations", index, *path)),
                    f"pattern {rule.name!r} cannot run under --engine gx: {exc.message}",
                    f"expectations[{index}] ({spec.name!r})",
                )
            )
    return out


def no_mapping(reason: str) -> _NoMapping:
    """The exception a mapping handler raises when GX cannot decide the check faithfully."""
    return _NoMapping(reason)


def missing_that_fails(
    python_patterns: Sequence[str],
    must_match: bool,
    candidates: Sequence[str] = ("", "\x00", "\u200b"),
) -> str | None:
    """A sentinel string: matched by none of the patterns (or by one, ``must_match``)."""
    if must_match:
        for pattern in python_patterns:
            found = example_match(pattern)
            if found is not None:
                return found
        return None
    compiled = [re.compile(p) for p in python_patterns]
    for candidate in candidates:
        if not any(c.search(candidate) for c in compiled):
            return candidate
    return None

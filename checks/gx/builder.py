"""What the mapping handlers build with: prepared columns, sentinels, rules rewritten for re.

A handler (:mod:`scrapegate.gx.mapping`) asks the :class:`Builder` for the columns it reads,
raises :func:`no_mapping` when GX cannot decide its check faithfully, and picks a sentinel
with :func:`missing_that_fails`; :mod:`scrapegate.gx.compile` drives the handlers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from ..library.rules import Rule
from ..suite import Expectation, Suite, Where
from ..yamlsource import KeyPath
from .locate import locate_key
from .plan import ROW_COLUMN, Prepared
from .regex_compat import IncompatiblePattern, Translated, example_match, translate

# The matching view drops zero-width spaces, so no view text can contain this sentinel.
VIEW_MISSING = "\u200b<missing>"
VIEW_MISSING_RULE = "\u200b"
# Appended to the view, one line per run of chrome the native run finder counts; the
# zero-width space makes VIEW_MISSING_RULE match it.
RUN_MARKER = "\u200b<chrome run>"
WORDS_MISSING_UNIT = "x "
# A missing or non-text value in a column RE2 computed: neither 'found' (1) nor 'not found' (0).
RE2_MISSING = -1


class NoMapping(Exception):
    """Raised by a mapping handler (see :func:`no_mapping`); carries the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Builder:
    """The columns, where-columns and problems the handlers gather while a suite compiles."""

    suite: Suite
    columns: dict[tuple[Any, ...], Prepared] = field(default_factory=dict)
    # Keyed by Where.key(): ``equals: 1`` and ``equals: true`` are two filters.
    wheres: dict[tuple[str, str, str, str | None], tuple[str, Where]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where_column(self, where: Where | None) -> str | None:
        """The boolean column of ``where`` (one per distinct filter), None without one."""
        if where is None:
            return None
        key = where.key()
        if key not in self.wheres:
            self.wheres[key] = (
                _unique_name(f"where_{_slug(where.field)}", {n for n, _ in self.wheres.values()}),
                where,
            )
        return self.wheres[key][0]

    def column(
        self,
        spec: Expectation,
        kind: str,
        missing: str | int,
        strftime: str | None = None,
        patterns: tuple[str, ...] = (),
        settings: str = "",
    ) -> Prepared:
        """The prepared column of the expectation's field, shared by equal requests."""
        assert spec.field is not None
        # Occurrence numbers depend on which documents take part.
        where = self.where_column(spec.where) if kind == "occurrence" else None
        key = (spec.field, kind, missing, strftime, where, patterns, settings)
        if key not in self.columns:
            taken = {c.name for c in self.columns.values()}
            name = _unique_name(f"{_slug(spec.field)}__{kind}", taken)
            self.columns[key] = Prepared(
                name, spec.field, kind, missing, strftime, where, patterns, settings
            )
        return self.columns[key]

    def re2_decides(
        self,
        spec: Expectation,
        base: str,
        translated: Sequence[Translated],
        found: bool,
        settings: str = "",
    ) -> tuple[str, dict[str, Any], Prepared, str] | None:
        """GX's check of a column RE2 computed, when a pattern would reach Python's ``re``.

        pandas hands a pattern that needs look-around (``\\b`` spelled for Python) to Python's
        backtracking ``re``, where ``\\b(a+)+$`` takes minutes on 30 characters. Those
        patterns never reach GX: RE2 searches the original patterns while the batch is built
        (1: one of them is found, 0: none, -1: a missing or non-text value), and GX expects
        ``found`` (1) or not (0). None when every pattern stays on pandas' RE2 path.
        """
        if not any(t.python_only for t in translated):
            return None
        sources = tuple(t.source for t in translated)
        column = self.column(
            spec, f"{base}_match", RE2_MISSING, patterns=sources, settings=settings
        )
        notes = (
            f"the column is 1 where RE2 finds one of the patterns in the {base}, 0 where it "
            f"finds none and {RE2_MISSING} for a missing or non-text value, which fails; a "
            "pattern here needs look-around in Python's re, which can backtrack exponentially, "
            "so RE2 decides it while the batch is built"
            + (" (a run of chrome counts as found)" if settings else "")
        )
        kwargs: dict[str, Any] = {"value_set": [1 if found else 0]}
        return "expect_column_values_to_be_in_set", kwargs, column, notes


def _slug(name: str) -> str:
    # Spark and pandas' query() both accept plain identifiers without quoting.
    return re.sub(r"[^0-9A-Za-z_]", "_", name) or "field"


def _unique_name(base: str, taken: set[str]) -> str:
    name, n = base, 2
    while name in taken or name == ROW_COLUMN:
        name, n = f"{base}_{n}", n + 1
    return name


def translate_rules(
    b: Builder, index: int, spec: Expectation, rules: Sequence[tuple[Rule, KeyPath]]
) -> list[Translated]:
    """Rules rewritten for Python re; incompatible ones become problems at the key that made them.

    ``rules`` pairs each rule with the key path, inside the expectation, of the pack, source or
    pattern it came from (empty for built-in rules).
    """
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


def no_mapping(reason: str) -> NoMapping:
    """The exception a mapping handler raises when GX cannot decide the check faithfully."""
    return NoMapping(reason)


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

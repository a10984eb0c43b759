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

from ..errors import ConfigError
from ..suite import Expectation, Suite
from . import mapping
from .builder import Builder, NoMapping
from .plan import ROW_COLUMN, Mapped, Plan, Prepared, Unmapped


def compile_suite(suite: Suite) -> Plan:
    """Plan the GX run of ``suite``; raise ConfigError for patterns Python re cannot mirror."""
    builder = Builder(suite)
    mapped: list[Mapped] = []
    unmapped: list[Unmapped] = []
    for index, spec in enumerate(suite.expectations):
        try:
            mapped.append(_map(builder, index, spec))
        except NoMapping as exc:
            unmapped.append(Unmapped(index, spec, exc.reason))
    if builder.problems:
        raise ConfigError(builder.problems)
    return Plan(
        suite=suite,
        mapped=tuple(mapped),
        unmapped=tuple(unmapped),
        columns=tuple(builder.columns.values()),
        wheres=tuple(builder.wheres.values()),
    )


def _map(b: Builder, index: int, spec: Expectation) -> Mapped:
    handler = mapping.HANDLERS.get(spec.check)
    if handler is None:
        raise NoMapping(f"check type {spec.check!r} has no Great Expectations mapping")
    gx_type, kwargs, column, notes = handler(b, index, spec)
    if column is not None:
        kwargs = {"column": column.name, **kwargs}
        if spec.mostly < 1.0:
            kwargs["mostly"] = spec.mostly
    where = b.where_column(spec.where)
    return Mapped(index, spec, gx_type, kwargs, column, where, notes)


# The plan's types, for the callers that always imported them from here.
__all__ = ["ROW_COLUMN", "Mapped", "Plan", "Prepared", "Unmapped", "compile_suite"]

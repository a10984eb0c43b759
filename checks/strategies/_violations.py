"""Documents that violate exactly one expectation: a mutation per check type, applied to
values generated to satisfy the suite (:mod:`._documents`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from ..registry import get_check
from ..suite import Expectation, Suite
from ._documents import (
    JUNK_DATES,
    Fields,
    UnsupportedSuite,
    _checks,
    _failed,
    _logical,
    _page_source,
    _row,
    _suite,
    _text,
    example_lines,
    to_fields,
)
from ._prose import format_date


@st.composite
def _insert_line(draw: st.DrawFn, text: str, line: str) -> str:
    lines = text.split("\n")
    lines.insert(draw(st.integers(0, len(lines))), line)
    return "\n".join(lines)


def _short(value: str, keep: int, words: bool) -> str:
    """The start of ``value``, keeping a final ``--Agency--`` credit line so that only the
    length check fails."""
    lines = value.rstrip("\n").split("\n")
    credit = lines.pop() if len(lines) > 1 and re.fullmatch(r"--.+--", lines[-1]) else ""
    rest = "\n".join(lines)
    keep = max(0, keep - (len(credit.split()) if words else len(credit) + 2))
    short = " ".join(rest.split()[:keep]) if words else rest[:keep]
    return f"{short}\n\n{credit}" if credit else short


# Words of a page's section, title and Date: line, which a shortened body cannot remove.
_PAGE_HEAD_WORDS = 30


@st.composite
def _bad_value(
    draw: st.DrawFn, suite: Suite, target: Expectation, value: Any, page: bool = False
) -> Any:
    """A value of the target field that fails the target check."""
    check, params = target.check, target.params
    if check == "not_empty":
        return draw(st.sampled_from(("", "   ", "\n\t")))
    if check == "date_parses":
        if params.not_after is not None and draw(st.booleans()):
            future = datetime.now(UTC) + timedelta(days=draw(st.integers(400, 4000)))
            return format_date("{b} {d}, {Y}", future)
        return draw(st.sampled_from(JUNK_DATES))
    if check == "length":
        words = params.unit == "words"
        if params.min is not None and params.min > 0:
            return _short(str(value), params.min - 1 - _PAGE_HEAD_WORDS * page, words)
        size = len(str(value).split()) if words else len(str(value))
        repeats = params.max // max(size, 1) + 2
        return " ".join([str(value)] * repeats)
    if check == "no_html":
        tag = draw(st.sampled_from(("<br/>", "&nbsp;", "<b>", "</p>", "&#8217;")))
        return draw(_insert_line(str(value), f"More text{tag} follows."))
    if check == "no_boilerplate":
        others = [e for e in _row(suite) if e.field == target.field and e is not target]
        lines = example_lines(target, tuple(e for e in others if e.check == "no_boilerplate"))
        if params.patterns:
            return draw(_insert_line(str(value), draw(st.from_regex(_first(params.patterns)))))
        if not lines:
            raise UnsupportedSuite(f"no pack example trips only {target.name!r}")
        return draw(_insert_line(str(value), draw(st.sampled_from(lines))))
    if check == "text_quality":
        return _link_list_page(target, str(value))
    if check == "matches":
        return draw(st.sampled_from(("http://news.example/1", "ftp://news.example/1", "n/a")))
    if check == "not_matches":
        return draw(st.from_regex(params.pattern).filter(lambda v: "\n" not in v))
    raise UnsupportedSuite(f"cannot generate a violation of check {check!r} ({target.name!r})")


def _link_list_page(target: Expectation, value: str) -> str:
    """``value`` followed by a menu of markdown links long enough to break ``link_lines``."""
    from ..library.text_quality import resolve

    bound = resolve(target.params).get("link_lines")
    if bound is None:
        raise UnsupportedSuite(f"{target.name!r} turns link_lines off; no violation to generate")
    lines = sum(1 for line in value.split("\n") if line.strip())
    share = bound["max"]
    extra = int(share * lines / max(1e-9, 1 - share)) + 3
    menu = "\n".join(
        f"* [Section {n}](https://news.example/section/{n})" for n in range(1, extra + 1)
    )
    return f"{value}\n\n{menu}"


def _first(patterns: tuple[Any, ...]) -> str:
    item = patterns[0]
    return str(item if isinstance(item, str) else item["pattern"])


@st.composite
def violate(draw: st.DrawFn, suite: Suite, target: Expectation, values: Fields) -> Fields:
    """Render ``values`` after breaking ``target``."""
    values = dict(values)
    source = _page_source(suite)
    field = target.field or ""
    if target.check == "attribution_present":
        checks = {k: v for k, v in _checks(suite, field).items() if k != "attribution_present"}
        key = "__body__" if field == source else field
        values[key] = draw(_text(checks))
    elif field == source and target.check == "length":
        values["__body__"] = draw(_bad_value(suite, target, values["__body__"], page=True))
    if field == source and target.check not in ("attribution_present", "length"):
        fields = to_fields(suite, values)
        fields[field] = draw(_bad_value(suite, target, fields[field]))
    elif field != source and target.check != "attribution_present":
        values[field] = draw(_bad_value(suite, target, values.get(field, "")))
        fields = to_fields(suite, values)
    else:
        fields = to_fields(suite, values)
    if target.where is not None:
        where = target.where
        if where.has_equals:
            fields[where.field] = where.equals
        elif where.in_:
            fields[where.field] = where.in_[0]
        elif where.matches is not None:
            fields[where.field] = draw(st.from_regex(where.matches).filter(lambda v: "\n" not in v))
    return fields


def documents_violating(suite: Suite | str, expectation: str) -> st.SearchStrategy[Fields]:
    """Documents that fail the expectation named ``expectation`` and pass every other row
    expectation of ``suite``. UnsupportedSuite for corpus expectations and unknown checks."""
    loaded = _suite(suite)
    target = next((e for e in loaded.expectations if e.name == expectation), None)
    if target is None:
        names = ", ".join(e.name for e in loaded.expectations)
        raise UnsupportedSuite(f"no expectation {expectation!r} in {loaded.path} (has: {names})")
    if get_check(target.check).corpus:
        raise UnsupportedSuite(
            f"{expectation!r} is a corpus check ({target.check}): one document cannot violate it"
        )
    return (
        _logical(loaded)
        .flatmap(lambda values: violate(loaded, target, values))
        .filter(lambda fields: _failed(loaded, fields) == {expectation})
    )

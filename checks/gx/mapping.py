"""One handler per built-in check: the GX expectation, its arguments and the column it reads.

A handler returns ``(gx_type, kwargs, column, notes)`` or raises :func:`no_mapping` with the
reason GX cannot decide the check as we do. Every sentinel below is chosen so that the GX
expectation fails it: that is how a missing value fails in GX as it does in our engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..library.rules import Rule, build_rules, pack_rule_names
from ..suite import Expectation
from ..yamlsource import KeyPath
from .builder import (
    RE2_MISSING,
    RUN_MARKER,
    VIEW_MISSING,
    VIEW_MISSING_RULE,
    WORDS_MISSING_UNIT,
    Builder,
    missing_that_fails,
    no_mapping,
    translate_rules,
)
from .plan import Prepared
from .regex_compat import IncompatiblePattern, Translated, translate

Result = tuple[str, dict[str, Any], Prepared | None, str]
Handler = Callable[[Builder, int, Expectation], Result]

MISSING_NOTE = "a missing, null or non-text value is written as {shown} so that it fails"
# Directives that can put a letter first or a ':' anywhere: the format might then match a
# "Label:" prefix that scrapegate would otherwise strip before trying the format.
_LETTER_FIRST = frozenset("aAbBpZzcxX")
_COLON_DIRECTIVES = frozenset("cxXzZTRr")


def _note(missing: str | int) -> str:
    shown = repr(missing) if len(str(missing)) <= 24 else f"a {len(str(missing))}-character text"
    return MISSING_NOTE.format(shown=shown)


def not_empty(b: Builder, index: int, spec: Expectation) -> Result:
    """A non-blank regex on the value (lists, objects, numbers become text first)."""
    column = b.column(spec, "presence", "")
    notes = "empty lists and objects are written as '' and numbers or booleans as text; " + _note(
        ""
    )
    # Python's \S is exactly "not str.isspace()", the test not_empty applies.
    return "expect_column_values_to_match_regex", {"regex": r"\S"}, column, notes


def length(b: Builder, index: int, spec: Expectation) -> Result:
    """Characters: GX value lengths. Words: a regex that counts whitespace-separated words."""
    low, high, unit = spec.params.min, spec.params.max, spec.params.unit
    if low:
        missing = ""
    elif high is not None:
        missing = ("x" if unit == "chars" else WORDS_MISSING_UNIT) * (high + 1)
    else:
        raise no_mapping(
            "every text passes 'min: 0', so no placeholder can make a missing value fail"
        )
    column = b.column(spec, "text", missing)
    bounds = {k: v for k, v in (("min_value", low), ("max_value", high)) if v is not None}
    if unit == "chars":
        return "expect_column_value_lengths_to_be_between", bounds, column, _note(missing)
    # Python's \s is str.isspace(), the split() that counts our words; \S+ runs cannot overlap,
    # so the repetition does not backtrack badly.
    regex = rf"\A\s*(?:\S+(?:\s+|\Z)){{{low or 0},{'' if high is None else high}}}\Z"
    return "expect_column_values_to_match_regex", {"regex": regex}, column, _note(missing)


def _may_read_label(fmt: str) -> bool:
    tokens = re.findall(r"%.|.", fmt, re.DOTALL)
    if not tokens:
        return False
    first = tokens[0]
    letter_first = first[1:] in _LETTER_FIRST if first.startswith("%") else first.isalpha()
    colon = any(t == ":" or (t.startswith("%") and t[1:] in _COLON_DIRECTIVES) for t in tokens)
    return letter_first and colon


def date_parses(b: Builder, index: int, spec: Expectation) -> Result:
    """One strftime format without bounds: GX's strftime expectation on the trimmed text."""
    p = spec.params
    if not p.formats:
        raise no_mapping(
            "without 'formats', scrapegate's multilingual parser decides (prefix words, month "
            "names in several languages, day/month order, number-only strings rejected); GX's "
            "dateutil-parseable expectation accepts and rejects different strings"
        )
    if len(p.formats) > 1:
        raise no_mapping("several formats: GX's strftime expectation takes exactly one")
    fmt = p.formats[0]
    if fmt.lower() == "iso8601":
        raise no_mapping("'iso8601' means datetime.fromisoformat, which no GX expectation runs")
    if p.not_before is not None or p.not_after is not None:
        raise no_mapping("not_before/not_after compare the parsed date; GX checks only the format")
    if _may_read_label(fmt):
        raise no_mapping(
            f"format {fmt!r} could match a 'Label:' prefix, which scrapegate tries both with "
            "and without; GX tries one text"
        )
    column = b.column(spec, "date_text", "", strftime=fmt)
    notes = (
        "the text is trimmed, a 'Label:' prefix removed and placeholders such as 'n/a' "
        "written as '', as scrapegate does before trying the format; " + _note("")
    )
    return "expect_column_values_to_match_strftime_format", {"strftime_format": fmt}, column, notes


def _pattern_rules(patterns: tuple[Any, ...]) -> list[tuple[Rule, KeyPath]]:
    out: list[tuple[Rule, KeyPath]] = []
    for i, item in enumerate(patterns):
        path: KeyPath = ("patterns", i) if isinstance(item, str) else ("patterns", i, "pattern")
        out.extend((rule, path) for rule in build_rules((), (item,)))
    return out


def no_boilerplate(b: Builder, index: int, spec: Expectation) -> Result:
    """A not-match regex list over the matching view: pack rules plus user patterns."""
    p = spec.params
    rules: list[tuple[Rule, KeyPath]] = []
    for k, pack in enumerate(p.packs):
        rules.extend((rule, ("packs", k)) for rule in build_rules((pack,), ()))
    rules.extend(_pattern_rules(p.patterns))
    translated = translate_rules(b, index, spec, rules)
    own = pack_rule_names(p.packs)
    runs = json.dumps({"own": sorted(own), "min_run": p.min_run}) if own else ""
    decided = b.re2_decides(spec, "view", translated, found=False, settings=runs)
    if decided is not None:
        return decided
    if not runs:
        column = b.column(spec, "view", VIEW_MISSING)
    else:
        column = b.column(spec, "chrome_view", VIEW_MISSING, settings=runs)
    regexes = [t.python for t in translated] + [VIEW_MISSING_RULE]
    notes = (
        "the column holds the normalised matching view; the last pattern matches only the "
        f"placeholder {VIEW_MISSING!r} (the view never holds a zero-width space), so a "
        "missing or non-text value fails"
    )
    if runs:
        notes += (
            f", and the line {RUN_MARKER!r} that scrapegate's run finder appends for every run "
            "of chrome (or ambiguous word next to chrome) holding a rule of these packs"
        )
    return "expect_column_values_to_not_match_regex_list", {"regex_list": regexes}, column, notes


def attribution_present(b: Builder, index: int, spec: Expectation) -> Result:
    """A match-any regex list over the matching view: source forms, credits, byline, patterns."""
    from ..library.attribution_present import BYLINE, CREDIT_LINE, source_rules

    p = spec.params
    rules: list[tuple[Rule, KeyPath]] = []
    for k, source in enumerate(p.sources):
        rules.extend((rule, ("sources", k)) for rule in source_rules(source))
    if p.sources:
        rules.append((Rule("Reporting by", "credit", CREDIT_LINE), ("sources",)))
    if p.byline:
        rules.append((Rule("By First Last", "byline", BYLINE), ("byline",)))
    rules.extend(_pattern_rules(p.patterns))
    translated = translate_rules(b, index, spec, rules)
    decided = b.re2_decides(spec, "view", translated, found=True)
    if decided is not None:
        return decided
    regexes = [t.python for t in translated]
    # The no_boilerplate placeholder first: one view column can then serve both checks.
    missing = missing_that_fails(regexes, must_match=False, candidates=(VIEW_MISSING, ""))
    if missing is None:
        raise no_mapping(
            "a pattern matches every short text, so no placeholder for a missing value fails"
        )
    column = b.column(spec, "view", missing)
    kwargs = {"regex_list": regexes, "match_on": "any"}
    return "expect_column_values_to_match_regex_list", kwargs, column, _note(missing)


def no_html(b: Builder, index: int, spec: Expectation) -> Result:
    """A not-match regex list of tag, comment and entity patterns over the raw text."""
    from ..library.no_html import PATTERNS

    rules = [(Rule(f"no_html[{i}]", "html", source), ()) for i, source in enumerate(PATTERNS)]
    translated = translate_rules(b, index, spec, rules)
    decided = b.re2_decides(spec, "text", translated, found=False)
    if decided is not None:
        return decided
    regexes = [t.python for t in translated]
    missing = missing_that_fails(regexes, must_match=True)
    if missing is None:
        raise no_mapping("no placeholder matching an HTML pattern was found")
    column = b.column(spec, "text", missing)
    return (
        "expect_column_values_to_not_match_regex_list",
        {"regex_list": regexes},
        column,
        _note(missing),
    )


def _user_pattern(b: Builder, index: int, spec: Expectation) -> Translated | None:
    from ..errors import Problem
    from .locate import locate_key

    try:
        return translate(spec.params.pattern)
    except IncompatiblePattern as exc:
        b.problems.append(
            Problem(
                locate_key(spec, ("expectations", index, "pattern")),
                f"pattern {spec.params.pattern!r} cannot run under --engine gx: {exc.message}",
                f"expectations[{index}] ({spec.name!r})",
            )
        )
        return None


def matches(b: Builder, index: int, spec: Expectation, negate: bool = False) -> Result:
    """GX's (not-)match regex on the raw text."""
    translated = _user_pattern(b, index, spec)
    if translated is None:
        return "expect_column_values_to_match_regex", {"regex": ""}, None, ""
    decided = b.re2_decides(spec, "text", [translated], found=not negate)
    if decided is not None:
        return decided
    regex = translated.python
    missing = missing_that_fails([regex], must_match=negate)
    if missing is None:
        found = "no text the pattern matches" if negate else "the pattern matches every short text"
        raise no_mapping(f"{found} was found, so a missing value could not be made to fail")
    column = b.column(spec, "text", missing)
    gx_type = (
        "expect_column_values_to_not_match_regex"
        if negate
        else "expect_column_values_to_match_regex"
    )
    return gx_type, {"regex": regex}, column, _note(missing)


def not_matches(b: Builder, index: int, spec: Expectation) -> Result:
    """GX's not-match regex on the raw text."""
    return matches(b, index, spec, negate=True)


def unique(b: Builder, index: int, spec: Expectation) -> Result:
    """Each document's occurrence number of its value must be 1.

    GX's expect_column_values_to_be_unique fails every copy of a repeated value, the first one
    too; scrapegate fails only the later copies. The prepared column numbers the documents that
    share a value in document order (1 for the first, 0 for a missing value).
    """
    column = b.column(spec, "occurrence", 0)
    notes = (
        "the column numbers the documents sharing a value in document order (1 = first, "
        "0 = value missing); only later copies fail, as in scrapegate, where GX's "
        "expect_column_values_to_be_unique would also fail the first"
    )
    return "expect_column_values_to_be_in_set", {"value_set": [1]}, column, notes


def count(b: Builder, index: int, spec: Expectation) -> Result:
    """GX's table row count, over the documents ``where`` selects."""
    bounds = {
        k: v
        for k, v in (("min_value", spec.params.min), ("max_value", spec.params.max))
        if v is not None
    }
    return "expect_table_row_count_to_be_between", bounds, None, "one corpus-level evaluation"


def repeated_lines(b: Builder, index: int, spec: Expectation) -> Result:
    """No GX expectation counts lines across the documents of a group."""
    raise no_mapping(
        "a document fails for lines it shares with most documents of its group, counted over "
        "the whole corpus; GX has no expectation for that, and a prepared column would only "
        "copy scrapegate's own verdict"
    )


def text_quality(b: Builder, index: int, spec: Expectation) -> Result:
    """0 failing signals: a column of text_quality's own count, between 0 and 0.

    The signals (line shares, symbols, word length and count) have no GX expectation; the
    batch builder measures them with the check's own code, so the verdicts cannot drift.
    """
    from ..library.text_quality import resolve

    settings = resolve(spec.params).to_json()
    column = b.column(spec, "text_quality", RE2_MISSING, settings=settings)
    notes = (
        "the column counts the text_quality signals outside their bounds (listed as "
        f"'settings' in the plan), measured by scrapegate's own code; {RE2_MISSING} for a "
        "missing or non-text value, which fails"
    )
    kwargs: dict[str, Any] = {"min_value": 0, "max_value": 0}
    return "expect_column_values_to_be_between", kwargs, column, notes


HANDLERS: dict[str, Handler] = {
    "not_empty": not_empty,
    "length": length,
    "date_parses": date_parses,
    "no_boilerplate": no_boilerplate,
    "attribution_present": attribution_present,
    "no_html": no_html,
    "matches": matches,
    "not_matches": not_matches,
    "unique": unique,
    "count": count,
    "repeated_lines": repeated_lines,
    "text_quality": text_quality,
}

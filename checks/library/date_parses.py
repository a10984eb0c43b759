"""date_parses: the field holds a real date, optionally within ``not_before`` / ``not_after``.

Catches selectors that grab the wrong element for the date (``Tweet of the Week #67``) and
pages whose date format changed. With ``formats`` (strftime patterns or ``iso8601``) only those
are accepted; otherwise a multilingual parser copes with prefix words (``Updated:``,
``Veröffentlicht am:``), month names in English, German, French, Spanish, Portuguese, Italian
and Dutch, year-first Japanese, Chinese, Korean and Hungarian dates (``2021年3月5日``,
``2021년 3월 5일``, ``2020. 06. 04. 11:27``, full-width digits), and numeric dates whose
day/month order follows ``day_first``, then the suite's ``documents.language`` for each
document, then ``languages``. Strings of numbers without a date shape are rejected, and
relative dates (``3 hours ago``) only count with ``allow_relative: true``. Bounds take
``today``, ``now`` or a date; the failure quotes the value, and says so when the date could
be read day-first or month-first (``'02/11/2023' is ambiguous (2 Nov 2023 or 11 Feb 2023);
read day-first from document language 'es'``).

Passes::

    expectation: {name: date parses, check: date_parses, field: date, not_after: today}
    document: {date: "Jul 4, 2025"}

Fails::

    expectation: {name: date parses, check: date_parses, field: date}
    document: {date: "Tweet of the Week #67"}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..dates import (
    DateError,
    DateParser,
    ParsedDate,
    is_after,
    is_before,
    language_problem,
    parse_bound,
    to_iso,
)
from ..errors import did_you_mean
from ..registry import CheckContext, ParamError, RowCheck, Violation, check, raise_all

ISO8601 = "iso8601"
# Day over 12 and hour over 12, so %d/%m and %H/%I mix-ups cannot round-trip by luck.
_SAMPLE = datetime(2025, 7, 14, 15, 32, 5, 123456, tzinfo=UTC)

# The keys that configure the parser; normalize_date takes the same ones.
PARSER_SCHEMA: dict[str, Any] = {
    "formats": {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "description": "Accepted formats: strftime patterns such as '%b %d, %Y', or 'iso8601'.",
    },
    "languages": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[a-z]{2}$"},
        "description": (
            "Languages of month names, e.g. [en, de]; the first also sets the day/month order "
            "of 04/07/2025 when the document's language (documents.language) is not known."
        ),
    },
    "day_first": {
        "type": "boolean",
        "description": (
            "Read 04/07/2025 as 4 July (true) or April 7 (false); wins over documents.language "
            "and languages, which decide by default."
        ),
    },
}

SCHEMA: dict[str, Any] = {
    **PARSER_SCHEMA,
    "allow_relative": {
        "type": "boolean",
        "default": False,
        "description": "Accept relative dates such as '3 hours ago' (measured from the run).",
    },
    "not_before": {
        "type": "string",
        "description": "Earliest allowed date: 'today', 'now' or YYYY-MM-DD.",
    },
    "not_after": {
        "type": "string",
        "description": "Latest allowed date: 'today', 'now' or YYYY-MM-DD.",
    },
}


@dataclass(frozen=True)
class DateParsesParams:
    """Accepted formats, languages and bounds."""

    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    day_first: bool | None = None
    allow_relative: bool = False
    not_before: str | None = None
    not_after: str | None = None


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` can never read a date (a typo, a bad directive), or None when it can."""
    if fmt.lower() == ISO8601:
        return None
    if "%" not in fmt:
        hint = did_you_mean(fmt.lower(), [ISO8601]) or "; write it with directives, e.g. '%Y-%m-%d'"
        return f"format {fmt!r} is neither {ISO8601!r} nor a strftime pattern{hint}"
    # strptime finds a bad directive or a stray % only when it parses, and an ISO year
    # without its week only on a match: so it parses a date the format itself wrote.
    try:
        datetime.strptime(_SAMPLE.strftime(fmt), fmt)
    except re.error:
        return f"format {fmt!r} uses a directive twice; use each directive at most once"
    except ValueError as exc:
        return (
            f"format {fmt!r} cannot read dates ({str(exc).rstrip('.')}); use directives such as "
            "%Y %m %d %b %H %M %S %z"
        )
    return None


def parser_problems(formats: Sequence[str], languages: Sequence[str]) -> list[ParamError]:
    """Every format and language the parser cannot use, each at its own list item."""
    errors = [
        ParamError(("formats", index), problem)
        for index, fmt in enumerate(formats)
        if (problem := format_problem(fmt)) is not None
    ]
    errors.extend(
        ParamError(("languages", index), problem)
        for index, lang in enumerate(languages)
        if (problem := language_problem(lang)) is not None
    )
    return errors


@check("date_parses", params=DateParsesParams, schema=SCHEMA, document_language=True)
def date_parses(params: DateParsesParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    errors = parser_problems(params.formats, params.languages)
    bounds = {}
    for key in ("not_before", "not_after"):
        text = getattr(params, key)
        if text is not None:
            try:
                bounds[key] = parse_bound(text, ctx.now)
            except ValueError as exc:
                errors.append(ParamError(key, str(exc)))
    raise_all(errors)
    parser = DateParser(
        formats=params.formats,
        languages=params.languages,
        day_first=params.day_first,
        allow_relative=params.allow_relative,
        reference=ctx.now,
    )
    low, high = bounds.get("not_before"), bounds.get("not_after")
    # One parser per document language seen (a handful), each with its own cached results.
    by_language: dict[str | None, DateParser] = {None: parser}

    def evaluate(value: str, language: str | None = None) -> list[Violation]:
        chosen = by_language.get(language)
        if chosen is None:
            chosen = by_language[language] = replace(parser, document_language=language)
        parsed = chosen.parse(value)
        if isinstance(parsed, DateError):
            return [Violation(parsed.message, 0, len(value))]
        if low is not None and is_before(parsed.value, low):
            return [_outside(value, parsed, f"before {params.not_before}", low)]
        if high is not None and is_after(parsed.value, high):
            return [_outside(value, parsed, f"after {params.not_after}", high)]
        return []

    return evaluate


def _outside(value: str, parsed: ParsedDate, where: str, bound: datetime) -> Violation:
    """A date past a bound; an ambiguous one says which reading was taken, and why."""
    ambiguity = f"; {parsed.ambiguity}" if parsed.ambiguity else ""
    return Violation(
        f"date {value!r} ({to_iso(parsed.value)}) is {where} ({to_iso(bound)}){ambiguity}",
        parsed.start,
        parsed.end,
    )

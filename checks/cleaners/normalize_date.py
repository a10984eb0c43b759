"""normalize_date: a date ``field`` rewritten as ISO 8601 (``Jul 4, 2025`` -> ``2025-07-04``).

Uses the parser of the ``date_parses`` check with the same ``formats``, ``languages`` and
``day_first`` settings, so what the check accepts is what this cleaner rewrites: prefix words
go (``Veröffentlicht am: 04.07.2025, 11:39 Uhr`` -> ``2025-07-04T11:39:00``), a date
without a time becomes ``YYYY-MM-DD``, a time with a zone keeps its offset. A value that
does not parse is left unchanged and reported with the document's location, and a value
that is already in the ISO form this cleaner writes is left alone. Relative dates
(``3 hours ago``) are never rewritten: cleaning must not depend on when it runs. With the
suite's ``documents.language`` set, an ambiguous ``02/11/2023`` is read in each document's
language, as ``date_parses`` reads it (the pipeline passes the language in; ``day_first``
still wins). Unlike the check, the cleaner has no corpus evidence: it rewrites each
document as it streams past, before later pages of the site are seen, so on a page of
unknown language an ambiguous date follows ``languages`` (the first one's order) or, without
them, is read month first; set ``day_first`` or ``documents.language`` when a site is known
to write day first. Year-first CJK, Korean and Hungarian dates (``2021年3月5日``,
``2021년 3월 5일``, ``2020. 06. 04. 11:27``, full-width digits), Japanese era dates
(``令和3年3月5日`` -> ``2021-03-05``) and Polish and Russian month names (``5 marca 2021``,
``5 марта 2021 г.``) are read too.

Properties: idempotent; an ISO value it writes parses back to the same date and time.

Example::

    cleaners:
      - normalize_date: {field: date}
    {date: "Updated: Nov. 9, 2023 5:30 PM EST"}  ->  {date: "2023-11-09T17:30:00-05:00"}
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..dates import DateError, DateParser, to_iso
from ..library.date_parses import PARSER_SCHEMA, parser_problems
from ..registry import ParamError, raise_all
from ._registry import CleanerError, CleanFunction, cleaner

SCHEMA: dict[str, Any] = {
    "field": {"type": "string", "minLength": 1, "description": "The date field to rewrite."},
    **PARSER_SCHEMA,
}


@dataclass(frozen=True)
class NormalizeDateParams:
    """The field and the date_parses parser settings."""

    field: str = ""
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    day_first: bool | None = None


def is_iso_output(value: str) -> bool:
    """Whether ``value`` is exactly what this cleaner writes for some date."""
    if not 10 <= len(value) <= 40 or not value[:4].isdigit():
        return False
    try:
        return to_iso(datetime.fromisoformat(value)) == value
    except ValueError:
        return False


@cleaner(
    "normalize_date",
    params=NormalizeDateParams,
    schema=SCHEMA,
    required=("field",),
    target="field",
    document_language=True,
)
def normalize_date(params: NormalizeDateParams) -> CleanFunction:
    """Build the cleaner."""
    if not params.field:
        raise ParamError("field", "normalize_date needs the 'field' that holds the date")
    # The check's own validation: what date_parses rejects, this cleaner rejects too.
    raise_all(parser_problems(params.formats, params.languages))
    parser = DateParser(
        formats=params.formats, languages=params.languages, day_first=params.day_first
    )
    # As in date_parses: one parser per document language seen.
    by_language: dict[str | None, DateParser] = {None: parser}

    def clean(value: str, language: str | None = None) -> str:
        if is_iso_output(value):
            return value
        chosen = by_language.get(language)
        if chosen is None:
            chosen = by_language[language] = replace(parser, document_language=language)
        parsed = chosen.parse(value)
        if isinstance(parsed, DateError):
            raise CleanerError(parsed.message)
        return to_iso(parsed.value)

    return clean

"""date_parses: the field holds a real date, optionally within ``not_before`` / ``not_after``.

Catches selectors that grab the wrong element for the date (``Tweet of the Week #67``) and
pages whose date format changed. With ``formats`` (strftime patterns or ``iso8601``) only those
are accepted; otherwise a multilingual parser copes with prefix words (``Updated:``,
``Veröffentlicht am:``), month names in English, German, French, Spanish, Portuguese, Italian,
Dutch, Polish and Russian (with their genitive: ``5 marca 2021 r.``, ``5 марта 2021 г.``),
Japanese era dates (``令和3年3月5日``), year-first Japanese, Chinese, Korean and Hungarian
dates (``2021年3月5日``, ``2021년 3월 5일``, ``2020. 06. 04. 11:27``, full-width digits), and
numeric dates whose
day/month order follows ``day_first``, then the suite's ``documents.language`` for each
document, then the unambiguous dates of the same site, then ``languages``. Strings of numbers
without a date shape are rejected, and relative dates (``3 hours ago``) only count with
``allow_relative: true``. Bounds take ``today``, ``now`` or a date; the failure quotes the
value, and says so when the date could be read day-first or month-first (``'02/11/2023' is
ambiguous (2 Nov 2023 or 11 Feb 2023); read day-first from document language 'es'``).

On pages of unknown language, an ambiguous date whose verdict depends on its reading (one
reading crosses a bound) waits for the end of the run: ``13/11/2023`` elsewhere on the same
site (its ``documents.group_by`` group; without one, the host of a URL id) shows the site
writes day first, ``11/13/2023`` month first; the majority decides, then that of the whole
corpus, then ``languages`` and the default. The failure names the evidence (``read
month-first from the unambiguous dates of host 'us.example' (0 day-first, 2 month-first)``).
The engine reads the input once, so such dates are kept (at most 100,000 per expectation)
and judged when the corpus has been seen; parallel workers add up their evidence, and the
verdicts are those of one pass.

Passes::

    expectation: {name: date parses, check: date_parses, field: date, not_after: today}
    document: {date: "Jul 4, 2025"}

Fails::

    expectation: {name: date parses, check: date_parses, field: date}
    document: {date: "Tweet of the Week #67"}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..dates import (
    DateError,
    DateParser,
    is_after,
    is_before,
    language_problem,
    parse_bound,
    to_iso,
)
from ..documents import Document
from ..errors import did_you_mean
from ..grouping import host_of
from ..registry import (
    CheckContext,
    CorpusViolation,
    DocRef,
    ParamError,
    Violation,
    check,
    raise_all,
)

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


@check(
    "date_parses",
    params=DateParsesParams,
    schema=SCHEMA,
    document_language=True,
    sees_document=True,
    finishes=True,
)
def date_parses(params: DateParsesParams, ctx: CheckContext) -> DateParses:
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
    return DateParses(params, parser, bounds.get("not_before"), bounds.get("not_after"), ctx)


# Ambiguous dates whose verdict waits for the end of the run, per check: about 300 bytes
# each (a reference, the value up to _KEPT characters, two readings), so 30 MB at the cap.
MAX_DEFERRED = 100_000
_KEPT = 200


@dataclass
class _Deferred:
    group: str | None
    doc: DocRef
    value: str
    start: int
    end: int
    reading: datetime
    alternative: datetime
    ambiguity: str


@dataclass
class _Evidence:
    day_first: int = 0
    month_first: int = 0

    def __str__(self) -> str:
        return f"{self.day_first} day-first, {self.month_first} month-first"

    def add(self, other: _Evidence) -> None:
        self.day_first += other.day_first
        self.month_first += other.month_first


class DateParses:
    """The evaluator: a row check, plus the evidence that resolves ambiguous dates.

    Called as ``evaluator(value, language, document)``. A value whose verdict does not
    depend on the day/month order is judged at once. An ambiguous ``a/b/yyyy`` date that
    only ``languages`` or the default would order, on a page of unknown language, and with
    a bound that one of its readings crosses, waits: at the end of the run the unambiguous
    slash and dash dates of the same group (``documents.group_by``; without it, the host of
    a URL id; else the corpus) decide, then those of the whole corpus, then ``languages``
    and the default as before. Evidence counts and deferred values merge across parallel
    slices by addition and concatenation, so ``--workers`` gives the verdicts of one pass.
    """

    def __init__(
        self,
        params: DateParsesParams,
        parser: DateParser,
        low: datetime | None,
        high: datetime | None,
        ctx: CheckContext,
    ) -> None:
        self.params = params
        self.low, self.high = low, high
        self.group_by = ctx.group_by
        # One parser per document language seen (a handful), each with its own cached results.
        self.by_language: dict[str | None, DateParser] = {None: parser}
        self.evidence: dict[str | None, _Evidence] = {}
        self.deferred: list[_Deferred] = []
        self.overflow = 0

    def __call__(
        self, value: str, language: str | None = None, document: Document | None = None
    ) -> list[Violation]:
        """Judge one value now, or keep it for the end of the run (see the class)."""
        chosen = self.by_language.get(language)
        if chosen is None:
            chosen = self.by_language[language] = replace(
                self.by_language[None], document_language=language
            )
        parsed = chosen.parse(value)
        if isinstance(parsed, DateError):
            return [Violation(parsed.message, 0, len(value))]
        if document is not None and parsed.evidence:
            seen = self.evidence.setdefault(self._group(document), _Evidence())
            if parsed.evidence == "day-first":
                seen.day_first += 1
            else:
                seen.month_first += 1
        alternative = parsed.alternative
        if (
            document is not None
            and alternative is not None
            and (self._outside(parsed.value) or self._outside(alternative))
        ):
            if len(self.deferred) < MAX_DEFERRED:
                self.deferred.append(
                    _Deferred(
                        self._group(document),
                        DocRef(document.id, document.source),
                        value[:_KEPT],
                        parsed.start,
                        parsed.end,
                        parsed.value,
                        alternative,
                        parsed.ambiguity,
                    )
                )
                return []
            self.overflow += 1
        found = self._judge(value, parsed.value, parsed.ambiguity, parsed.start, parsed.end)
        return [] if found is None else [found]

    def _group(self, document: Document) -> str | None:
        if self.group_by is not None:
            return self.group_by.of(document)
        return host_of(document.id) if "://" in document.id else None

    def _outside(self, moment: datetime) -> bool:
        return (self.low is not None and is_before(moment, self.low)) or (
            self.high is not None and is_after(moment, self.high)
        )

    def _judge(
        self, value: str, moment: datetime, ambiguity: str, start: int, end: int
    ) -> Violation | None:
        if self.low is not None and is_before(moment, self.low):
            return _outside(
                value, moment, ambiguity, f"before {self.params.not_before}", self.low, start, end
            )
        if self.high is not None and is_after(moment, self.high):
            return _outside(
                value, moment, ambiguity, f"after {self.params.not_after}", self.high, start, end
            )
        return None

    def merge(self, later: DateParses) -> Iterable[CorpusViolation]:
        """Add the next slice's evidence and deferred dates (verdicts wait for finish)."""
        for group, seen in later.evidence.items():
            self.evidence.setdefault(group, _Evidence()).add(seen)
        room = max(0, MAX_DEFERRED - len(self.deferred))
        self.deferred.extend(later.deferred[:room])
        # Past the cap a slice's surplus is judged by the default reading, as one pass would.
        for item in later.deferred[room:]:
            found = self._judge(item.value, item.reading, item.ambiguity, item.start, item.end)
            if found is not None:
                yield CorpusViolation(item.doc, found)
        self.overflow += later.overflow + max(0, len(later.deferred) - room)

    def finish(self) -> Iterable[CorpusViolation]:
        """Judge every deferred date by the reading the evidence of its group chose."""
        corpus = _Evidence()
        for seen in self.evidence.values():
            corpus.add(seen)
        for item in self.deferred:
            moment, ambiguity = item.reading, item.ambiguity
            decided = self._decide(item.group, corpus)
            if decided is not None:
                day_first, why = decided
                # ``reading`` is the month-first one when the default chose it, and so on.
                default_day_first = "read day-first" in item.ambiguity
                if day_first != default_day_first:
                    moment = item.alternative
                ambiguity = _reworded(item.ambiguity, day_first, why)
            found = self._judge(item.value, moment, ambiguity, item.start, item.end)
            if found is not None:
                yield CorpusViolation(item.doc, found)

    def _decide(self, group: str | None, corpus: _Evidence) -> tuple[bool, str] | None:
        seen = self.evidence.get(group)
        if group is not None and seen is not None and seen.day_first != seen.month_first:
            where = f"group {group!r}" if self.group_by is not None else f"host {group!r}"
            return (
                seen.day_first > seen.month_first,
                f"from the unambiguous dates of {where} ({seen})",
            )
        if corpus.day_first != corpus.month_first:
            return (
                corpus.day_first > corpus.month_first,
                f"from the unambiguous dates of the corpus ({corpus})",
            )
        return None

    def warnings(self) -> list[str]:
        """Whether some ambiguous dates were read without waiting for the corpus evidence."""
        if not self.overflow:
            return []
        return [
            f"date_parses kept at most {MAX_DEFERRED:,} ambiguous dates for the end of the "
            f"run; {self.overflow:,} more were read by languages or the default, without the "
            "evidence of their site"
        ]


def _reworded(ambiguity: str, day_first: bool, why: str) -> str:
    head, _, _ = ambiguity.partition("; read ")
    return f"{head}; read {'day-first' if day_first else 'month-first'} {why}"


def _outside(
    value: str,
    moment: datetime,
    ambiguity: str,
    where: str,
    bound: datetime,
    start: int,
    end: int,
) -> Violation:
    """A date past a bound; an ambiguous one says which reading was taken, and why."""
    said = f"; {ambiguity}" if ambiguity else ""
    return Violation(
        f"date {value!r} ({to_iso(moment)}) is {where} ({to_iso(bound)}){said}", start, end
    )

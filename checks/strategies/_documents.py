"""Documents that satisfy a suite; :mod:`._violations` breaks them one expectation at a time.

Values are generated per field from the expectations on it (dates within bounds, prose long
enough, a credit line for ``attribution_present``, values matching ``matches`` patterns).
Suites that derive fields from a text dump (``documents.fields``) get whole pages in the
fixture shape, with the derived values written where their patterns look. Every document is
then run through the suite's own engine and kept only if it does what was asked, so the
strategies never lie about a suite, whatever its checks. Corpus expectations (``unique``,
``count``) concern a set of documents and are left out.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from ..documents import Document
from ..registry import CheckContext, get_check
from ..suite import Expectation, Suite, load_suite
from ._judge import judge_for
from ._pages import pack_examples
from ._prose import (
    AGENCIES,
    SECTIONS,
    article_text,
    date_range,
    date_samples,
    paragraphs,
    titles,
)

Fields = dict[str, Any]
JUNK_DATES = ("Tweet of the Week #67", "XUM1541", "539 drones and 11 missiles", "tbd")
_LABEL = re.compile(r"\^(?:\\s\*|\[ \\t\]\*)?([A-Z][A-Za-z ]{0,30}):")


class UnsupportedSuite(ValueError):
    """The suite asks for something these strategies cannot generate; the message says what."""


def _suite(suite: Suite | str) -> Suite:
    return load_suite(suite) if isinstance(suite, str) else suite


def _row(suite: Suite) -> list[Expectation]:
    return [e for e in suite.expectations if not get_check(e.check).corpus]


def _page_source(suite: Suite) -> str | None:
    sources = {d.source for d in suite.documents.fields}
    return next(iter(sources)) if len(sources) == 1 else None


def _checks(suite: Suite, field: str) -> dict[str, Expectation]:
    return {e.check: e for e in _row(suite) if e.field == field}


@st.composite
def _date(draw: st.DrawFn, spec: Expectation | None) -> str:
    if spec is None:
        return draw(date_samples()).text
    params, now = spec.params, datetime.now(UTC)
    from ..dates import parse_bound

    low = parse_bound(params.not_before, now) if params.not_before else None
    high = parse_bound(params.not_after, now) if params.not_after else None
    earliest, latest = date_range(
        low.replace(tzinfo=None) if low else None, high.replace(tzinfo=None) if high else None
    )
    sample = draw(date_samples(earliest, latest))
    if params.formats:
        fmt = draw(st.sampled_from(params.formats))
        return sample.value.isoformat() if fmt.lower() == "iso8601" else sample.value.strftime(fmt)
    return sample.text


@st.composite
def _text(draw: st.DrawFn, checks: dict[str, Expectation]) -> str:
    length = checks.get("length")
    words = length is not None and length.params.unit == "words"
    low = length.params.min if length is not None and length.params.min else 0
    attribution = checks.get("attribution_present")
    if attribution is None and ((words and low < 12) or (not words and low < 60)):
        text = draw(titles())
    else:
        text = draw(article_text())
        while len(text.split()) < (low if words else low // 5):
            text += "\n\n" + draw(paragraphs(3, 4))
    quality = checks.get("text_quality")
    if quality is not None:
        text = _reads_like_an_article(draw, quality, text)
    if attribution is not None:
        sources = attribution.params.sources
        if sources:
            text += f"\n\n--{draw(st.sampled_from(sources))}--"
        elif attribution.params.byline:
            text = f"By Jane Doe\n\n{text}"
    return text


def _reads_like_an_article(draw: st.DrawFn, spec: Expectation, text: str) -> str:
    """``text`` grown until the text_quality expectation ``spec`` passes it.

    Generated prose reuses a small pool of sentences, so repeated paragraphs are dropped and
    new ones added (each with a sentence of its own) until the words and lines suffice.
    """
    evaluate = get_check("text_quality").factory(spec.params, _ctx())
    seen: set[str] = set()
    lines = []
    for line in text.split("\n\n"):
        if line not in seen:
            seen.add(line)
            lines.append(line)
    n = 0
    while evaluate("\n\n".join(lines)) and n < 40:
        n += 1
        lines.append(f"{draw(paragraphs(2, 3))} The figure for district {n} was revised.")
    text = "\n\n".join(lines)
    if evaluate(text):
        raise UnsupportedSuite(f"cannot generate text that passes {spec.name!r}")
    return text


def _url(n: int) -> str:
    return f"https://news.example/{n:04d}"


def _value(suite: Suite, field: str) -> st.SearchStrategy[Any]:
    checks = _checks(suite, field)
    if "date_parses" in checks:
        return _date(checks["date_parses"])
    if "matches" in checks:
        pattern = checks["matches"].params.pattern
        violations = get_check("matches").factory(checks["matches"].params, _ctx())
        if not violations(_url(1)):
            return st.integers(0, 9999).map(_url)
        return st.from_regex(pattern).filter(lambda v: "\n" not in v)
    if field == suite.documents.id:
        return st.integers(0, 9999).map(_url)
    return _text(checks)


def _ctx() -> CheckContext:
    return CheckContext(datetime.now(UTC))


def _render_page(suite: Suite, source: str, values: Fields, body: str) -> Fields:
    """A page whose derived fields capture ``values``: section, title, ``Label: value`` lines."""
    lines = [values.pop("__section__"), values.pop("__title__")]
    for derived in suite.documents.fields:
        if derived.name in values:
            label = _LABEL.search(derived.pattern)
            name = label.group(1) if label else derived.name.capitalize()
            lines.append(f"{name}: {values[derived.name]}")
    page = "\n".join(lines) + "\n\n" + body + "\n"
    fields = {source: page, "path": "generated/page.txt"}
    if suite.documents.id and suite.documents.id not in fields:
        fields[suite.documents.id] = "generated/page.txt"
    return fields


@st.composite
def _logical(draw: st.DrawFn, suite: Suite) -> Fields:
    """Per-field values before a page is rendered."""
    source = _page_source(suite)
    wanted = {e.field for e in _row(suite) if e.field} | (
        {suite.documents.id} if suite.documents.id else set()
    )
    values: Fields = {}
    for field in sorted(wanted - {source, "path"}):
        values[field] = draw(_value(suite, field))
    if source is not None:
        values["__section__"] = draw(st.sampled_from(SECTIONS))
        values["__title__"] = values.get("title") or draw(titles())
        checks = _checks(suite, source)
        if "attribution_present" not in checks:
            checks["attribution_present"] = _agency_credit()
        values["__body__"] = draw(_text(checks))
    return values


def _agency_credit() -> Expectation:
    from ..library.attribution_present import AttributionParams

    return Expectation("credit", "attribution_present", None, AttributionParams(AGENCIES))


def to_fields(suite: Suite, values: Fields) -> Fields:
    """Render logical values as the document the suite reads (a page for text dumps)."""
    values = dict(values)
    source = _page_source(suite)
    if source is None:
        return {k: v for k, v in values.items() if not k.startswith("__")}
    body = values.pop("__body__")
    return _render_page(suite, source, values, body)


def to_document(suite: Suite, fields: Fields) -> Document:
    """A document as a loader would hand it to the engine."""
    source = _page_source(suite)
    ident = fields.get(suite.documents.id or "", "generated:1")
    return Document(str(ident), "generated", 1, dict(fields), text_field=source)


def _failed(suite: Suite, fields: Fields) -> set[str]:
    return set(judge_for(suite).failures(to_document(suite, fields)))


def documents_satisfying(suite: Suite | str) -> st.SearchStrategy[Fields]:
    """Documents (field dicts) that pass every row expectation of ``suite``."""
    loaded = _suite(suite)
    return (
        _logical(loaded)
        .map(functools.partial(to_fields, loaded))
        .filter(lambda fields: not _failed(loaded, fields))
    )


@functools.lru_cache(maxsize=64)
def example_lines(target: Expectation, others: tuple[Expectation, ...]) -> tuple[str, ...]:
    """Pack example lines that trip ``target`` (a no_boilerplate) but none of ``others``."""
    ctx = _ctx()
    mine = get_check("no_boilerplate").factory(target.params, ctx)
    theirs = [get_check(o.check).factory(o.params, ctx) for o in others]
    lines = pack_examples(tuple(target.params.packs))
    return tuple(line for line in lines if mine(line) and not any(other(line) for other in theirs))

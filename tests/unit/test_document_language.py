"""``documents.language``: which reading an ambiguous numeric date gets, per document."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.documents import Document
from scrapegate.errors import ConfigError
from scrapegate.suite import DocumentLanguage, Suite
from tests.helpers import run, suite_from_yaml


def _suite(language: str, keys: str = "not_after: '2023-06-01'") -> Suite:
    return suite_from_yaml(
        f"suite: lang\ndocuments:\n  language: {language}\nexpectations:\n"
        f"  - {{name: date, check: date_parses, field: date, {keys}}}\n"
    )


def _failures(suite: Suite, records: list[dict[str, Any]]) -> dict[int, str]:
    result = run(suite, records)
    found = result.expectation("date")
    assert found is not None
    return {int(f.source.rsplit(":", 1)[1]): f.message for f in found.failures}


def _doc(**fields: Any) -> Document:
    return Document(id="d", path="p.jsonl", line=1, fields=fields)


# --- the suite key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "fixed"),
    [("es", "es"), ("es-ES", "es-ES"), ("en_US", "en-US"), ("EN-gb", "en-GB"), ("ja", "ja")],
)
def test_a_fixed_language_is_normalised(written: str, fixed: str) -> None:
    assert _suite(written).documents.language == DocumentLanguage(fixed=fixed)


def test_a_field_language_is_read_per_document() -> None:
    language = _suite("{field: meta.lang}").documents.language
    assert language == DocumentLanguage(field="meta.lang")
    assert language.of(_doc(meta={"lang": "es_MX"})) == "es-MX"
    assert language.of(_doc(meta={"lang": "pt-BR"})) == "pt-BR"
    # Missing, null, not text, not a code, an unknown code: the language is not known.
    for fields in ({}, {"meta": None}, {"meta": {"lang": 3}}, {"meta": {"lang": "Español"}}):
        assert language.of(_doc(**fields)) is None
    assert language.of(_doc(meta={"lang": "xx"})) is None


def test_no_documents_language_means_none() -> None:
    suite = suite_from_yaml(
        "suite: s\nexpectations:\n  - {name: date, check: date_parses, field: date}\n"
    )
    assert suite.documents.language is None


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("spanish", "3:13: 'spanish' is not a language code: use an ISO 639-1 code, optionally "
         "with a region, such as 'es', 'es-ES' or 'en_US'; did you mean 'es'? in "
         "documents.language"),
        ("jp", "3:13: unknown language 'jp': use an ISO 639-1 code that dateparser knows, "
         "such as 'en', 'de', 'fr', 'es', 'pt', 'it', 'nl'; did you mean 'ja'?"),
        ("xq", "3:13: unknown language 'xq'"),
        ("en-USA", "did you mean 'en'?"),
        ("3", "3:13: expected a string or a mapping, got an integer 3 in documents.language"),
        ("{fild: lang}", "unknown key 'fild'; did you mean 'field'? (allowed: field)"),
        ("{}", "3:13: missing required key 'field' in documents.language"),
        ("{field: ''}", "documents.language.field"),
    ],
)  # fmt: skip
def test_a_bad_language_is_a_config_error_at_its_place(written: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _suite(written)
    assert message in str(caught.value)


# --- verdicts and messages -------------------------------------------------------------------


def test_ambiguous_dates_follow_each_documents_language() -> None:
    records = [
        {"date": "02/11/2023", "lang": "es"},  # 2 Nov: after the bound
        {"date": "02/11/2023", "lang": "en-US"},  # 11 Feb: passes
        {"date": "02/11/2023", "lang": "en-GB"},  # 2 Nov
        {"date": "02/11/2023"},  # no language: month-first, as before
        {"date": "02/11/2023", "lang": "nonsense"},
        {"date": "13/01/2023", "lang": "en-US"},  # the values decide: 13 Jan passes
    ]
    # Without 13/01/2023, the pages of unknown language have no evidence of their own order.
    failures = _failures(_suite("{field: lang}"), records[:-1])
    assert sorted(failures) == [1, 3]
    # With it, the corpus writes day first, and so do they (as the next test shows).
    assert sorted(_failures(_suite("{field: lang}"), records)) == [1, 3, 4, 5]
    assert failures[1] == (
        "date '02/11/2023' (2023-11-02) is after 2023-06-01 (2023-06-01); '02/11/2023' is "
        "ambiguous (2 Nov 2023 or 11 Feb 2023); read day-first from document language 'es'"
    )
    assert "read day-first from document language 'en-GB'" in failures[3]


def test_a_fixed_language_applies_to_every_document() -> None:
    failures = _failures(_suite("es"), [{"date": "02/11/2023"}, {"date": "11/02/2023"}])
    assert sorted(failures) == [1]


def test_the_expectations_day_first_wins_over_the_document_language() -> None:
    suite = _suite("es", "not_after: '2023-06-01', day_first: false")
    assert _failures(suite, [{"date": "02/11/2023"}]) == {}
    suite = _suite("en-US", "not_before: '2023-06-01', day_first: false")
    assert "read month-first from day_first: false" in _failures(suite, [{"date": "02/11/2023"}])[1]


def test_the_document_language_wins_over_the_expectations_languages() -> None:
    suite = _suite("es", "not_after: '2023-06-01', languages: [en]")
    assert "from document language 'es'" in _failures(suite, [{"date": "02/11/2023"}])[1]


def test_an_ambiguous_date_without_a_language_says_how_it_was_read() -> None:
    suite = suite_from_yaml(
        "suite: s\nexpectations:\n"
        "  - {name: date, check: date_parses, field: date, not_before: '2023-06-01'}\n"
    )
    message = _failures(suite, [{"date": "02/11/2023"}])[1]
    assert message.endswith(
        "'02/11/2023' is ambiguous (2 Nov 2023 or 11 Feb 2023); read month-first by default "
        "(no document language, languages or day_first)"
    )


def test_unambiguous_dates_carry_no_ambiguity_note() -> None:
    message = _failures(_suite("es"), [{"date": "25/12/2023"}])[1]
    assert "ambiguous" not in message


def test_a_language_field_no_document_has_is_a_warning() -> None:
    result = run(_suite("{field: lang}"), [{"date": "01/01/2023", "lnag": "es"}])
    assert any(
        "documents.language reads field 'lang', which no document has" in w
        and "did you mean 'lnag'?" in w
        for w in result.warnings
    ), result.warnings
    assert not run(_suite("{field: lang}"), [{"date": "01/01/2023", "lang": "es"}]).warnings

"""The public strategies do what they say, checked against the real engine.

Generated articles never trip a pack; generated chrome always does; documents from
``documents_satisfying`` pass their suite and those from ``documents_violating`` fail exactly
the named expectation; the one-call helpers pass good cleaners and pipelines and catch bad
ones with a counterexample.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapegate.cleaners import make_cleaner
from scrapegate.engine import run_suite
from scrapegate.registry import get_check
from scrapegate.strategies import (
    ALL_PACKS,
    HARD_CASES,
    Page,
    UnsupportedSuite,
    article_text,
    assert_cleaner_properties,
    assert_pipeline_satisfies_suite,
    boilerplate_lines,
    deletion_only_problem,
    disguised,
    documents_satisfying,
    documents_violating,
    raw_page,
    to_document,
)
from scrapegate.suite import Suite, load_suite
from tests.helpers import NOW, suite_from_yaml

ROOT = Path(__file__).resolve().parents[2]
SUITES = {p.name: load_suite(str(p)) for p in sorted((ROOT / "expectations").glob("*.yaml"))}
ALL_BOILERPLATE = get_check("no_boilerplate").factory(
    get_check("no_boilerplate").params(packs=ALL_PACKS), None
)
STRIP_HTML = make_cleaner("strip_html")


def _engine_failures(suite: Suite, fields: dict[str, Any]) -> set[str]:
    rows = tuple(e for e in suite.expectations if not get_check(e.check).corpus)
    result = run_suite(replace(suite, expectations=rows), [to_document(suite, fields)], now=NOW)
    return {e.name for e in result.expectations if not e.passed and e.check != "readable"}


# --- prose and chrome -------------------------------------------------------------------


@pytest.mark.parametrize("sentence", HARD_CASES)
def test_hard_case_sentences_trip_no_pack(sentence: str) -> None:
    assert ALL_BOILERPLATE(sentence) == []


@given(article_text())
def test_generated_articles_trip_no_pack(text: str) -> None:
    assert ALL_BOILERPLATE(text) == []


@given(disguised(boilerplate_lines()))
def test_disguised_chrome_always_trips_its_packs_once_markup_is_gone(line: str) -> None:
    assert ALL_BOILERPLATE(STRIP_HTML(line)) != []


@given(raw_page())
def test_raw_pages_fail_the_news_suite_and_their_articles_pass_it(page: Page) -> None:
    news = SUITES["news.yaml"]
    errors = {e.name for e in news.expectations if e.severity == "error"}
    page_fields = {"text": STRIP_HTML(page.raw), "path": "p.txt"}
    assert _engine_failures(news, page_fields) & errors
    assert not _engine_failures(news, {"text": page.article, "path": "p.txt"}) & errors
    assert page.raw.startswith(page.article) and f"--{page.agency}--" in page.article


# --- documents for a suite --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SUITES))
@settings(max_examples=25)
@given(data=st.data())
def test_documents_satisfying_a_suite_pass_it_in_the_engine(name: str, data: Any) -> None:
    suite = SUITES[name]
    fields = data.draw(documents_satisfying(suite))
    assert _engine_failures(suite, fields) == set()


VIOLABLE = [
    pytest.param(name, e.name, id=f"{name}: {e.name}")
    for name, suite in sorted(SUITES.items())
    for e in suite.expectations
    if not get_check(e.check).corpus
]


@pytest.mark.parametrize(("name", "expectation"), VIOLABLE)
@settings(max_examples=10)
@given(data=st.data())
def test_documents_violating_fail_exactly_the_named_expectation(
    name: str, expectation: str, data: Any
) -> None:
    suite = SUITES[name]
    fields = data.draw(documents_violating(suite, expectation))
    assert _engine_failures(suite, fields) == {expectation}


def test_corpus_expectations_cannot_be_violated_by_one_document() -> None:
    suite = SUITES["articles.yaml"]
    corpus = next(e for e in suite.expectations if get_check(e.check).corpus)
    with pytest.raises(UnsupportedSuite, match="corpus check"):
        documents_violating(suite, corpus.name)
    with pytest.raises(UnsupportedSuite, match="no expectation 'nope'"):
        documents_violating(suite, "nope")


# --- the one-call helpers ---------------------------------------------------------------


def drop_comment_lines(text: str) -> str:
    """The worked example in README (Cleaning scraped text): a user's own cleaner."""
    return "\n".join(line for line in text.split("\n") if line.strip().lower() != "comments")


def test_assert_cleaner_properties_passes_a_well_behaved_cleaner() -> None:
    assert_cleaner_properties(drop_comment_lines, max_examples=50)
    assert_cleaner_properties(make_cleaner("normalize_unicode"), deletion_only=False)


def test_assert_cleaner_properties_reports_a_cleaner_that_is_not_idempotent() -> None:
    def drop_footer_line(text: str) -> str:
        return "\n".join(text.split("\n")[:-1])

    with pytest.raises(AssertionError, match="drop_footer_line is not idempotent"):
        assert_cleaner_properties(drop_footer_line, max_examples=200)


def test_assert_cleaner_properties_reports_a_cleaner_that_reorders_lines() -> None:
    def reverse_lines(text: str) -> str:
        return "\n".join(sorted(text.split("\n")))

    with pytest.raises(AssertionError, match="not deletion-only"):
        assert_cleaner_properties(reverse_lines, max_examples=200)


def test_assert_cleaner_properties_reports_a_cleaner_that_raises() -> None:
    def fragile(text: str) -> str:
        return text.encode("ascii").decode()

    with pytest.raises(AssertionError, match="fragile raised UnicodeEncodeError"):
        assert_cleaner_properties(fragile, max_examples=200)


def test_assert_cleaner_properties_reports_a_cleaner_that_squeezes_only_double_spaces() -> None:
    def squeeze_double_spaces(text: str) -> str:
        return text.replace("  ", " ")

    with pytest.raises(AssertionError, match="squeeze_double_spaces is not idempotent"):
        assert_cleaner_properties(squeeze_double_spaces, max_examples=200)


def test_assert_cleaner_properties_reports_a_cleaner_that_deletes_words_inside_a_line() -> None:
    def drop_word_comments(text: str) -> str:
        return re.sub(r"(?i)\bcomments\b[ \t]?", "", text)

    with pytest.raises(AssertionError, match="drop_word_comments is not deletion-only"):
        assert_cleaner_properties(drop_word_comments, max_examples=200)


def test_deletion_only_accepts_whole_lines_deleted_and_rejects_lines_changed() -> None:
    assert deletion_only_problem("a  b c\n\nComments\nd", "a b  c\nd") is None
    assert deletion_only_problem("a  b c\n\nd", "a c\nd") is not None
    assert deletion_only_problem("a\nb", "b\na") is not None
    assert deletion_only_problem("a", "a\nz") is not None


def test_deletion_only_within_lines_accepts_characters_cut_out_of_a_line() -> None:
    assert deletion_only_problem("a  b c\n\nd", "a c\nd", within_lines=True) is None
    assert deletion_only_problem("a b\nc", "a bc", within_lines=True) is not None
    assert deletion_only_problem("a\nb", "b\na", within_lines=True) is not None


def test_assert_pipeline_satisfies_suite_passes_the_shipped_suites() -> None:
    for path in sorted((ROOT / "expectations").glob("*.yaml")):
        assert_pipeline_satisfies_suite(str(path), max_examples=20)


def test_assert_pipeline_satisfies_suite_catches_a_pipeline_that_misses_chrome() -> None:
    suite = suite_from_yaml(
        """\
suite: weak
cleaners:
  - normalize_whitespace
expectations:
  - name: no widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets]
"""
    )
    with pytest.raises(AssertionError, match="boilerplate left after the suite's cleaners"):
        assert_pipeline_satisfies_suite(suite, max_examples=50)


# --- the worked example in README -------------------------------------------------------


@given(article_text())
def test_worked_example_cleaner_leaves_prose_alone(text: str) -> None:
    assert drop_comment_lines(text) == text


@given(raw_page())
def test_worked_example_cleaner_keeps_every_article_line(page: Page) -> None:
    assert drop_comment_lines(page.raw).startswith(page.article)


def test_worked_example_careless_cleaner_is_caught_on_prose() -> None:
    @settings(max_examples=200, database=None)
    @given(article_text())
    def careless(text: str) -> None:
        assert text.replace("Comments", "") == text

    with pytest.raises(AssertionError):
        careless()

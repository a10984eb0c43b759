"""Hypothesis strategies and one-call property checks for scrapers, cleaners and suites.

Import it in your own test suite::

    from . import assert_cleaner_properties, raw_page

    def test_my_cleaner_keeps_the_standard_properties():
        assert_cleaner_properties(my_cleaner)            # str -> str, any function

    @given(raw_page())
    def test_my_cleaner_keeps_every_article_line(page):
        assert my_cleaner(page.raw) == my_cleaner(page.article)

Text: :func:`article_text` (news prose with the hard cases: sentences that mention comments,
cookies, newsletters, captchas, "Loading" or "Close", and prose with ``<``, ``&``, ``->``,
``<<quotes>>``, addresses in angle brackets and URLs with query strings; the lists are
:data:`CHROME_WORD_CASES` and :data:`MARKUP_CASES`), :func:`boilerplate_lines` (examples from
the reviewed packs), :func:`disguised` (case, spacing, no-break and zero-width characters,
HTML wrappers), :func:`raw_page` (a page in the shape of ``fixtures/news/raw``,
with the article it holds), :func:`flattened_page` (the same joined into one line, as many
extractors write it), :func:`date_samples`, :func:`cleaner_inputs`.

Documents: :func:`documents_satisfying` and :func:`documents_violating` read a suite and
generate field dicts that pass it, or fail exactly one named expectation.

Properties: :func:`assert_cleaner_properties` (never raises, valid text, idempotent, and for
removing cleaners no lengthening and only whole input lines kept, in order), :func:`check_cleaner`
(the same for one input, to use inside your own ``@given``), and
:func:`assert_pipeline_satisfies_suite` (after a suite's ``cleaners:`` its ``no_boilerplate``
expectations pass).
"""

from __future__ import annotations

from ._documents import (
    UnsupportedSuite,
    documents_satisfying,
    to_document,
)
from ._pages import (
    ALL_PACKS,
    FIXTURE_CHROME,
    NEWS_PACKS,
    Page,
    boilerplate_lines,
    disguised,
    flattened_page,
    inject,
    raw_page,
)
from ._properties import (
    assert_cleaner_properties,
    assert_pipeline_satisfies_suite,
    check_cleaner,
    cleaner_inputs,
    deletion_only_problem,
    no_boilerplate_failures,
    normalised_lines,
    polluted_documents,
)
from ._prose import (
    CHROME_WORD_CASES,
    HARD_CASES,
    MARKUP_CASES,
    DateSample,
    article_text,
    date_samples,
    format_date,
    paragraphs,
    sentences,
    titles,
)
from ._violations import documents_violating

__all__ = [
    "ALL_PACKS",
    "CHROME_WORD_CASES",
    "FIXTURE_CHROME",
    "HARD_CASES",
    "MARKUP_CASES",
    "NEWS_PACKS",
    "DateSample",
    "Page",
    "UnsupportedSuite",
    "article_text",
    "assert_cleaner_properties",
    "assert_pipeline_satisfies_suite",
    "boilerplate_lines",
    "check_cleaner",
    "cleaner_inputs",
    "date_samples",
    "deletion_only_problem",
    "disguised",
    "documents_satisfying",
    "documents_violating",
    "flattened_page",
    "format_date",
    "inject",
    "no_boilerplate_failures",
    "normalised_lines",
    "paragraphs",
    "polluted_documents",
    "raw_page",
    "sentences",
    "titles",
    "to_document",
]

"""Both engines give identical per-document verdicts: fixtures, generated corpora, edge cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("great_expectations")

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scrapegate.gx.runner import run_gx
from scrapegate.runner import run_paths
from scrapegate.suite import load_suite
from tests.gx.agreement import assert_same_verdicts, both
from tests.helpers import NOW, suite_from_yaml

ROOT = Path(__file__).resolve().parents[2]

SUITE = suite_from_yaml(
    r"""
suite: differential
documents:
  id: url
  fields:
    headline: {from: body, pattern: '(?m)^# (?P<value>.+)$'}
expectations:
  - {name: title present, check: not_empty, field: title}
  - {name: title length, check: length, field: title, min: 3, max: 60}
  - {name: title mostly short, check: length, field: title, max: 12, mostly: 0.5}
  - {name: body words, check: length, field: body, unit: words, min: 3,
     where: {field: kind, equals: news}}
  - {name: body at most 30 words, check: length, field: body, unit: words, max: 30}
  - {name: headline present, check: not_empty, field: headline, severity: warn}
  - {name: date format, check: date_parses, field: date, formats: ['%b %d, %Y']}
  - {name: date any, check: date_parses, field: date}
  - name: no boilerplate
    check: no_boilerplate
    field: body
    packs: [comment_widgets, share_buttons, cookie_banners]
    patterns: ['utm_[a-z]+', {name: advert, pattern: 'advert\w*', match: line}]
  - {name: credited, check: attribution_present, field: body, sources: [Reuters, AFP],
     byline: true, where: {field: kind, in: [news, blog]}}
  - {name: no html, check: no_html, field: body, mostly: 0.8}
  - {name: url unique, check: unique, field: url}
  - {name: url unique among n-kinds, check: unique, field: url, where: {field: kind, matches: '^n'}}
  - {name: https, check: matches, field: url, pattern: '^https://'}
  - {name: no tracking, check: not_matches, field: url, pattern: 'utm_\w+=\S*$'}
  - {name: some documents, check: count, min: 2}
  - {name: a few news, check: count, min: 1, max: 3, where: {field: kind, equals: news}}
  - {name: body quality, check: text_quality, field: body, min_words: 3, min_lines: 2}
  - {name: body links, check: text_quality, field: body, min_words: false, symbols: false,
     link_lines: {max: 0.2}, min_lines: 1, mostly: 0.5}
"""
)

FRAGMENTS = [
    "Markets rallied on Friday.",
    "* [World](https://news.example/world)",
    "Comments",
    "comments powered by Disqus",
    "--Reuters--",
    "LONDON (Reuters) - ",
    "Reporting by Jane Doe",
    "By Jane Doe",
    "by jane",
    "(AFP) —",
    "Share on Facebook",
    "Cookies akzeptieren",
    "Leave a Reply",
    "<br/>",
    "&nbsp;",
    '<div class="ad">',
    "x < y and z > w",
    "Dısqus",
    "DİSQUS",
    "DISQUS",
    "\u00a0Comments\u00a0",
    "Com\u200bments",
    "Ｃｏｍｍｅｎｔｓ",
    "ﬁne",
    "advertisement",
    "utm_source",
    "# Headline",
    "Reporting byé",
    "word",
    "é",
    "   ",
    "\t",
    "",
]
SEPARATORS = ["\n", " ", "\n\n", "\r\n", ""]
TEXT = st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), max_size=6).map(
    lambda parts: "".join(f + s for f, s in parts)
)
OTHER = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.booleans(),
    st.just([]),
    st.just(["x"]),
    st.just({}),
    st.just({"a": 1}),
)
DATES = st.sampled_from(
    [
        "Jul 4, 2025",
        "Date: Jul 4, 2025",
        "jul 04, 2025",
        "n/a",
        "",
        "  Jul 4, 2025  ",
        "Updated: Nov 9, 2023",
        "Tweet of the Week #67",
        "Feb 30, 2024",
        "4 July 2025",
    ]
)
URLS = st.sampled_from(
    [
        "https://a.example/1",
        "https://a.example/2",
        "http://b.example/3",
        "https://a.example/1?utm_source=x",
        "",
    ]
)
KINDS = st.sampled_from(["news", "blog", "nope", None, 1])

MISSING = object()


def _field(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, OTHER, st.just(MISSING))


RECORD = st.fixed_dictionaries(
    {
        "url": _field(URLS),
        "title": _field(
            st.one_of(TEXT, st.sampled_from(["Storm", "  ", "A very long title here"]))
        ),
        "body": _field(TEXT),
        "date": _field(DATES),
        "kind": _field(KINDS),
    }
).map(lambda r: {k: v for k, v in r.items() if v is not MISSING})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(records=[])
@example(
    records=[
        {"url": "https://a.example/1"},
        {"url": "https://a.example/1"},
        {"url": "https://a.example/1", "kind": "news"},
    ]
)
# Python's (?i) folds i with ı and İ, RE2's does not: neither line is the Disqus brand line.
@example(records=[{"body": "DİSQUS"}, {"body": "Dısqus"}, {"body": "disqus"}])
@given(records=st.lists(RECORD, max_size=12))
def test_engines_agree_on_generated_corpora(records: list[dict[str, Any]]) -> None:
    assert_same_verdicts(*both(SUITE, records))


@pytest.mark.parametrize(
    ("suite_file", "paths"),
    [("expectations/articles.yaml", ["fixtures/articles.jsonl"]), ("expectations/news.yaml", None)],
)
def test_engines_agree_on_the_fixtures(
    suite_file: str, paths: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    suite = load_suite(suite_file, now=NOW)
    native = run_paths(suite, paths, now=NOW)
    gx = run_gx(suite, paths, now=NOW)
    assert native.documents > 0
    assert any(e.failed for e in native.expectations[1:])
    assert_same_verdicts(native, gx)


def test_engines_agree_on_text_quality_over_its_labelled_fixtures(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    suite_file = tmp_path / "quality.yaml"
    suite_file.write_text(
        "suite: quality\ndocuments: {id: id}\nexpectations:\n"
        "  - {name: defaults, check: text_quality, field: text}\n"
        "  - {name: tuned, check: text_quality, field: text, min_words: 20, symbols: false,\n"
        "     short_lines: {max: 0.5, chars: 20}, where: {field: label, equals: junk}}\n",
        encoding="utf-8",
    )
    paths = ["fixtures/web/text_quality/docs.jsonl"]
    suite = load_suite(str(suite_file), now=NOW)
    native = run_paths(suite, paths, now=NOW)
    gx = run_gx(suite, paths, now=NOW)
    assert native.expectation("defaults").failed > 10  # type: ignore[union-attr]
    assert_same_verdicts(native, gx)


def _one(check: str, keys: str) -> Any:
    return suite_from_yaml(
        f"suite: edge\ndocuments: {{id: url}}\nexpectations:\n"
        f"  - {{name: case, check: {check}, {keys}}}\n"
    )


EDGE_RECORDS = [
    {"url": "u1", "text": "fine text"},
    {"url": "u2", "text": None},
    {"url": "u3"},
    {"url": "u4", "text": 42},
    {"url": "u5", "text": ["a"]},
    {"url": "u1", "text": "   "},
    {"url": "u1", "text": "fine text"},
]


@pytest.mark.parametrize(
    ("check", "keys"),
    [
        ("not_empty", "field: text"),
        ("length", "field: text, min: 1"),
        ("length", "field: text, max: 5"),
        ("length", "field: text, unit: words, max: 1"),
        ("no_boilerplate", "field: text, packs: [comment_widgets]"),
        ("attribution_present", "field: text, sources: [Reuters]"),
        ("no_html", "field: text"),
        ("matches", "field: text, pattern: 'fine'"),
        ("not_matches", "field: text, pattern: 'fine'"),
        ("date_parses", "field: text, formats: ['%Y']"),
        ("unique", "field: text"),
        ("unique", "field: url"),
        ("count", "max: 3"),
        ("text_quality", "field: text"),
        ("text_quality", "field: text, min_words: false, min_lines: 1"),
    ],
)
def test_null_missing_and_non_text_values_fail_in_both_engines(check: str, keys: str) -> None:
    native, gx = both(_one(check, keys), EDGE_RECORDS)
    assert_same_verdicts(native, gx)
    if "field: text" in keys:
        failing = {f.source for f in gx.expectations[1].failures}
        # u2 (null) and u3 (missing) fail every check that has a field.
        assert {"cases.jsonl:2", "cases.jsonl:3"} <= failing


def test_mostly_counts_nulls_as_failures_in_both_engines() -> None:
    suite = _one("not_empty", "field: text, mostly: 0.5")
    records = [{"url": "a", "text": "x"}, {"url": "b"}, {"url": "c", "text": None}]
    native, gx = both(suite, records)
    assert_same_verdicts(native, gx)
    case = gx.expectations[1]
    # GX alone would ignore both nulls and pass 1 of 1; we evaluate 3 and fail 2.
    assert (case.evaluated, case.failed, case.passed) == (3, 2, False)


def test_where_excludes_documents_without_the_field_in_both_engines() -> None:
    suite = _one("not_empty", "field: text, where: {field: kind, equals: news}")
    records = [{"kind": "news"}, {"kind": "blog"}, {}, {"kind": "news", "text": "ok"}]
    native, gx = both(suite, records)
    assert_same_verdicts(native, gx)
    assert (gx.expectations[1].evaluated, gx.expectations[1].failed) == (2, 1)


def test_an_empty_corpus_gives_the_same_result_in_both_engines() -> None:
    native, gx = both(SUITE, [])
    assert_same_verdicts(native, gx)
    assert gx.documents == 0
    assert "no documents were checked; is the input empty?" in gx.warnings


def test_duplicate_ids_are_reported_per_document_in_both_engines() -> None:
    records = [{"url": "same", "title": ""}, {"url": "same", "title": ""}, {"url": "same"}]
    native, gx = both(_one("not_empty", "field: title"), records)
    assert_same_verdicts(native, gx)
    assert [f.source for f in gx.expectations[1].failures] == [
        "cases.jsonl:1",
        "cases.jsonl:2",
        "cases.jsonl:3",
    ]


def test_only_later_copies_of_a_value_fail_unique_in_both_engines() -> None:
    records = [{"url": "a"}, {"url": "b"}, {"url": "a"}, {"url": "a"}, {"url": "b"}]
    native, gx = both(_one("unique", "field: url"), records)
    assert_same_verdicts(native, gx)
    assert [f.source for f in gx.expectations[1].failures] == [
        "cases.jsonl:3",
        "cases.jsonl:4",
        "cases.jsonl:5",
    ]


def test_unmapped_checks_are_evaluated_natively_and_named_in_the_result() -> None:
    native, gx = both(_one("date_parses", "field: text"), EDGE_RECORDS)
    assert_same_verdicts(native, gx)
    assert "case" in gx.extra["gx"]["evaluated_natively"]
    assert any("no faithful Great Expectations equivalent" in w for w in gx.warnings)


def test_sample_and_clean_give_the_same_result_in_both_engines(tmp_path: Path) -> None:
    from scrapegate.cleaning import pipeline_transform

    suite_file = tmp_path / "suite.yaml"
    suite_file.write_text(
        "suite: cleaned\ndocuments: {paths: [docs.jsonl], id: url}\n"
        "cleaners: [normalize_whitespace]\n"
        "expectations:\n"
        "  - {name: short, check: length, field: body, max: 12}\n"
        "  - {name: no double space, check: not_matches, field: body, pattern: '  '}\n",
        encoding="utf-8",
    )
    bodies = ["a  b", "plain", "x   y   z   w", "  padded  ", "ok", "one two"]
    (tmp_path / "docs.jsonl").write_text(
        "".join(f'{{"url": "u{i}", "body": "{b}"}}\n' for i, b in enumerate(bodies)), "utf-8"
    )
    suite = load_suite(str(suite_file), now=NOW)
    native = run_paths(suite, now=NOW, transform=pipeline_transform(suite), sample=4, seed=3)
    gx = run_gx(suite, now=NOW, clean=True, sample=4, seed=3)
    assert_same_verdicts(native, gx)
    assert gx.extra["sample"] == {"size": 4, "seed": 3}
    assert gx.documents == 4


def test_where_compares_json_types_so_1_never_selects_true_in_both_engines() -> None:
    suite = suite_from_yaml(
        "suite: typed\ndocuments: {id: url}\nexpectations:\n"
        "  - {name: one, check: not_empty, field: text, where: {field: n, equals: 1}}\n"
        "  - {name: is true, check: not_empty, field: text, where: {field: n, equals: true}}\n"
        "  - {name: zero or a, check: not_empty, field: text, where: {field: n, in: [0, a]}}\n"
    )
    records = [
        {"url": "int", "n": 1, "text": "x"},
        {"url": "float", "n": 1.0, "text": "x"},
        {"url": "true", "n": True},
        {"url": "false", "n": False},
        {"url": "text", "n": "1"},
        {"url": "zero", "n": 0, "text": "x"},
    ]
    native, gx = both(suite, records)
    assert_same_verdicts(native, gx)
    for result in (native, gx):
        one, yes, zero = result.expectations[1:]
        assert (one.evaluated, one.failed, one.passed) == (2, 0, True)
        assert (yes.evaluated, yes.failed, yes.passed) == (1, 1, False)
        assert (zero.evaluated, zero.failed, zero.passed) == (1, 0, True)


DATE_SHAPES = [
    "2021年3月5日",
    "2021年03月05日",
    "2020年7月1日 10時00分",
    "2020年7月1日(水) 10:00",
    "２０２１年３月５日",
    "2021年3月5日 星期五",
    "2021년 3월 5일",
    "2021. 3. 5.",
    "2020. 06. 04.",
    "2020. 06. 04. 11:27",
    "2020.06.04.",
    "2021年13月5日",
    "02/11/2023",
    "13/11/2023",
    "Tweet of the Week #67",
]
LANGS = ["es", "en-US", "en_GB", "ja", "hu", "ko", "zh-Hant-TW", "xx", None]

LANGUAGE_SUITE = suite_from_yaml(
    """
suite: languages
documents: {id: url, language: {field: lang}}
expectations:
  - {name: any, check: date_parses, field: date}
  - {name: bounded, check: date_parses, field: date, not_after: '2023-06-01'}
  - {name: day first wins, check: date_parses, field: date, not_after: '2023-06-01',
     day_first: false}
  - {name: kanji format, check: date_parses, field: date, formats: ['%Y年%m月%d日']}
  - {name: dotted format, check: date_parses, field: date, formats: ['%Y. %m. %d.']}
"""
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(records=[{"url": f"u{i}", "date": d, "lang": "es"} for i, d in enumerate(DATE_SHAPES)])
@given(
    records=st.lists(
        st.fixed_dictionaries(
            {"url": st.sampled_from(["u1", "u2", "u3"]), "date": st.sampled_from(DATE_SHAPES)},
            optional={"lang": st.sampled_from(LANGS)},
        ),
        max_size=10,
    )
)
def test_engines_agree_on_cjk_dotted_and_language_dependent_dates(
    records: list[dict[str, Any]],
) -> None:
    assert_same_verdicts(*both(LANGUAGE_SUITE, records))


def test_the_document_language_reaches_both_engines() -> None:
    records = [{"url": "a", "date": "02/11/2023", "lang": "es"}, {"url": "b", "date": "02/11/2023"}]
    native, gx = both(LANGUAGE_SUITE, records)
    assert_same_verdicts(native, gx)
    bounded = gx.expectation("bounded")
    assert bounded is not None
    assert [f.doc for f in bounded.failures] == ["a"]
    assert "read day-first from document language 'es'" in bounded.failures[0].message

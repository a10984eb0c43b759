"""The HTML report without a browser: escaping, highlighting, self-containment, grouping."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scrapegate.reports.html import MAX_ROWS, render_html, write_html
from scrapegate.result import ExpectationResult, Failure, RunResult
from tests.golden.test_reports import BASE, HEAD, SUITE, head_result, run


class Collector(HTMLParser):
    """Every start tag with its attributes, the text of <mark>s, and all text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.marks: list[str] = []
        self.text: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_mark = tag == "mark"
        if tag == "mark":
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def test_scraped_markup_is_shown_as_text_never_as_elements() -> None:
    page = parse(render_html(head_result()))
    names = [tag for tag, _ in page.tags]
    assert names.count("script") == 1  # ours, at the end
    assert "img" not in names
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    text = "".join(page.text)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(2)>" in text


def test_the_page_loads_nothing_from_anywhere() -> None:
    html = render_html(head_result())
    page = parse(html)
    assert not [attrs for _, attrs in page.tags if "src" in attrs or "href" in attrs]
    csp = next(
        attrs["content"] or ""
        for tag, attrs in page.tags
        if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert "@import" not in html and "url(" not in html


def test_the_offending_text_is_highlighted_in_each_snippet() -> None:
    result = head_result()
    page = parse(render_html(result))
    expected = [
        f.snippet and f.start is not None and f.end is not None and f.end > f.start
        for e in result.expectations
        for f in e.failures
    ]
    assert page.marks == ["Comments", "Load more", "Comments", "Too short.", "<script>"]
    assert len(page.marks) == sum(1 for x in expected if x)


def test_summary_cards_show_verdict_documents_and_the_baseline_change() -> None:
    text = " ".join(" ".join(parse(render_html(head_result())).text).split())
    assert "Verdict FAILED" in text
    assert "Documents 5" in text
    assert "Expectations 6 3 pass · 1 fail · 2 warn" in text
    # The run keeps a document index, so the document new to the corpus is not counted as
    # newly failing, and the fixed title is told apart from a document left out of the sample.
    assert "Against the baseline regressed 2 newly failing · 1 fixed" in text
    assert "Sampled run." in text
    plain = " ".join(" ".join(parse(render_html(run(SUITE, BASE))).text).split())
    assert "Against the baseline no baseline" in plain


def test_failures_are_grouped_by_url_host_by_default() -> None:
    page = parse(render_html(head_result()))
    groups = [a["data-filter-group"] for t, a in page.tags if "data-filter-group" in a]
    assert groups == ["b.example", "c.example"]  # most failing documents first


def test_group_by_file_uses_the_input_file() -> None:
    page = parse(render_html(head_result(), group_by="file"))
    groups = [a["data-filter-group"] for t, a in page.tags if "data-filter-group" in a]
    assert groups == ["fixtures/news.jsonl"]


def test_group_by_a_recorded_field_uses_its_values_and_totals() -> None:
    result = head_result()
    values = {"https://b.example/3": "Reuters", "https://b.example/4": "AP"}
    result = replace(
        result,
        extra={
            **result.extra,
            "group_by": {"field": "agency", "values": values, "documents": {"AP": 2}},
        },
    )
    html = render_html(result, group_by="agency")
    page = parse(html)
    groups = [a["data-filter-group"] for t, a in page.tags if "data-filter-group" in a]
    assert groups == ["(none)", "AP", "Reuters"]  # one failing document each, then by name
    assert "Failing documents by field &#39;agency&#39;" in html


def test_group_by_an_unrecorded_field_says_what_it_did_instead() -> None:
    text = " ".join(parse(render_html(head_result(), group_by="source")).text)
    assert "holds no values of the document field 'source'" in text
    assert "grouped by host instead" in text


def test_a_huge_failure_list_is_capped_with_a_note() -> None:
    failures = tuple(Failure(f"d{i}", f"f.jsonl:{i}", "x", "bad") for i in range(MAX_ROWS + 7))
    er = ExpectationResult(
        "big", "not_empty", "x", "error", 1.0, len(failures), len(failures), failures
    )
    result = RunResult("s", "s.yaml", ("f.jsonl",), len(failures), (er,))
    html = render_html(result)
    assert html.count('<tr data-exp="0"') == MAX_ROWS
    assert f"Showing the first {MAX_ROWS} of {MAX_ROWS + 7} failures" in html


def test_write_html_replaces_the_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.html"
    write_html(run(SUITE, HEAD), str(target))
    first = target.read_text(encoding="utf-8")
    write_html(run(SUITE, BASE), str(target))
    assert target.read_text(encoding="utf-8") != first
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


@pytest.mark.parametrize("name", ["report.css", "report.js"])
def test_assets_reference_nothing_external(name: str) -> None:
    asset = Path(__file__).parents[2] / "checks" / "reports" / "templates" / name
    text = asset.read_text(encoding="utf-8")
    assert "http" not in text and "url(" not in text
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in text

"""Markdown escaping: scraped text cannot break a table, inject HTML or ping anyone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from scrapegate.reports import mdtext
from scrapegate.reports.text import printable

# markdown-it-py (a rich dependency) is a CommonMark parser with GFM tables.
MD = MarkdownIt("commonmark").enable("table")
NASTY = st.text(alphabet=st.sampled_from("ab|`\\<>&*_[]()!@#\n \t"), min_size=1, max_size=40)


def cell_html(cell: str) -> str:
    html = str(MD.render(f"| h | x |\n|---|---|\n| {cell} | end |\n"))
    assert html.count("<td>") == 2, html  # the row still has exactly two cells
    return html.split("<td>")[1].split("</td>")[0]


def unescape(html: str) -> str:
    import html as h

    return h.unescape(html)


@given(NASTY)
def test_a_code_span_in_a_table_cell_shows_the_text_and_nothing_else(value: str) -> None:
    inner = cell_html(mdtext.code(value))
    assert inner.startswith("<code>") and inner.endswith("</code>")
    shown = unescape(inner[len("<code>") : -len("</code>")])
    expected = printable(value)
    # CommonMark keeps the padding of an all-space span; any other span shows exactly.
    assert shown == expected or (not expected.strip() and shown.strip() == "")


@given(NASTY)
def test_escaped_text_renders_literally_without_elements(value: str) -> None:
    html = MD.render(f"x {mdtext.text(value)}")
    body = html.removeprefix("<p>").removesuffix("</p>\n")
    assert "<" not in body  # no element of any kind
    assert unescape(body) == ("x " + printable(value)).rstrip()  # a paragraph drops trailing spaces


def test_long_values_are_clipped() -> None:
    assert mdtext.code("a" * 500).count("a") == 200 - 1
    assert mdtext.code("") == "*(empty)*"

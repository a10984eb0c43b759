"""Highlight offsets in snippets, pinned to the engine's snippet function by property."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from scrapegate.reports.highlight import split_snippet
from scrapegate.textnorm import snippet

TEXT = st.text(alphabet=st.sampled_from("ab .\n<>&é"), max_size=400)


@st.composite
def spans(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(TEXT)
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, len(text)))
    return text, start, end


@given(spans())
@example(("x" * 100 + "..." + "y" * 100, 103, 104))  # text that itself contains "..."
@example(("...abc", 3, 6))  # "..." at the very start, no cut
@example(("z" * 500, 10, 400))  # span longer than the snippet limit
def test_the_highlight_is_exactly_the_offending_text(case: tuple[str, int, int]) -> None:
    text, start, end = case
    shown = snippet(text, start, end)
    before, mark, after = split_snippet(shown, start, end)
    assert before + mark + after == shown
    assert mark == text[start : min(end, start + 160)]


def test_unknown_or_inconsistent_spans_highlight_nothing() -> None:
    assert split_snippet("abc", None, None) == ("abc", "", "")
    assert split_snippet("abc", 2, 2) == ("abc", "", "")
    # A cut on the left must show as "..."; otherwise the offsets describe another snippet.
    assert split_snippet("x" * 80, 50, 55) == ("x" * 80, "", "")
    assert split_snippet("", 0, 3) == ("", "", "")

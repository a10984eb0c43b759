"""Page chrome for property tests: pack examples, disguises, and raw pages in fixture shape."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from ..packs import available_packs, load_pack
from ..regex import PatternSet
from ..textnorm import normalize_for_matching
from ._prose import (
    AGENCIES,
    SECTIONS,
    article_text,
    date_samples,
    paragraphs,
    titles,
)

NEWS_PACKS = ("comment_widgets", "contact_forms", "portal_chrome")
ALL_PACKS = tuple(available_packs())

# What our scraper leaves after the wire trailer (fixtures/news/raw/kyiv-drones.txt).
FIXTURE_CHROME = (
    "Comments",
    "comments powered by Disqus",
    "Web Content Viewer (JSR 286)",
    "Actions",
    "Loading...",
    "Complementary Content",
    "CLOSE",
    "Your Name:*",
    "Your Email:*",
    "Your Message:*",
    "Enter Captcha:*",
    "Submit",
)
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
NO_BREAK = ("\u00a0", "\u202f", "\u2007")
HTML_WRAPPERS = (
    "<div>{}</div>",
    '<span class="widget-title">{}</span>',
    "<p>{}</p>",
    '<li><a href="#comments">{}</a></li>',
    "<h3>{}</h3>",
    '<button type="button">{}</button>',
)


@functools.cache
def fixture_chrome_alone() -> tuple[str, ...]:
    """The fixture lines that are chrome alone on a line: an unambiguous rule of the news
    packs matches them ("CLOSE" is an ambiguous word and counts only next to other chrome)."""
    rules = [r for name in NEWS_PACKS for r in load_pack(name).rules if not r.ambiguous]
    found = PatternSet([r.compiled_source for r in rules])
    return tuple(line for line in FIXTURE_CHROME if found.hits(normalize_for_matching(line)))


@functools.cache
def pack_examples(packs: tuple[str, ...]) -> tuple[str, ...]:
    """Every example line of the given packs that is chrome on its own, in pack order.

    Examples of ambiguous rules (``Reset``, ``Twitter``) are left out: alone on a line they
    are prose, and count only next to other chrome.
    """
    return tuple(
        ex
        for name in packs
        for rule in load_pack(name).rules
        if not rule.ambiguous
        for ex in rule.examples
    )


def boilerplate_lines(packs: Sequence[str] = ALL_PACKS) -> st.SearchStrategy[str]:
    """One line of page chrome: an example from the reviewed packs (``packs`` to choose)."""
    return st.sampled_from(pack_examples(tuple(packs)))


@st.composite
def _disguise(draw: st.DrawFn, line: str) -> str:
    case = draw(st.sampled_from(("keep", "upper", "lower", "title")))
    if case != "keep":
        line = getattr(line, case)()
    words = line.split(" ")
    spaced = []
    for word in words:
        gap = draw(st.sampled_from((" ", " ", "  ", "\t", *NO_BREAK)))
        spaced.append(word)
        spaced.append(gap)
    line = "".join(spaced[:-1])
    if draw(st.booleans()):
        chars = list(line)
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(chars)))
            chars.insert(at, draw(st.sampled_from(ZERO_WIDTH)))
        line = "".join(chars)
    pad = draw(st.sampled_from(("", " ", "  ", "\t")))
    line = pad + line + draw(st.sampled_from(("", " ", "\t ")))
    if draw(st.integers(0, 3)) == 0:
        escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        line = draw(st.sampled_from(HTML_WRAPPERS)).format(escaped)
    return line


def disguised(line: str | st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``line`` as scrapers mangle it: changed case, extra or no-break spaces, zero-width
    characters, an HTML wrapper. Takes a line or a strategy of lines."""
    if isinstance(line, st.SearchStrategy):
        return line.flatmap(_disguise)
    return _disguise(line)


@dataclass(frozen=True)
class Page:
    """A raw page and the article it holds: cleaning ``raw`` must give what cleaning
    ``article`` gives."""

    raw: str
    article: str
    agency: str


@st.composite
def inject(draw: st.DrawFn, text: str, lines: st.SearchStrategy[str], max_lines: int = 6) -> str:
    """``text`` with lines drawn from ``lines`` inserted between its lines at random."""
    out = text.split("\n")
    for _ in range(draw(st.integers(1, max_lines))):
        out.insert(draw(st.integers(0, len(out))), draw(lines))
    return "\n".join(out)


@st.composite
def _full_article(draw: st.DrawFn, min_words: int = 80) -> str:
    """Article text of at least ``min_words`` words (a full article, not a brief)."""
    text = draw(article_text(min_paragraphs=3))
    while len(text.split()) < min_words:
        text += "\n\n" + draw(paragraphs(2, 4))
    return text


@st.composite
def raw_page(
    draw: st.DrawFn,
    packs: Sequence[str] = NEWS_PACKS,
    inside: bool = False,
    disguise: bool = True,
) -> Page:
    """A scraped news page in the shape of ``fixtures/news/raw``: section, title, a ``Date:``
    line, paragraphs, a ``--Agency--`` trailer, then page chrome (the fixture's widgets and
    lines from ``packs``, disguised unless ``disguise=False``). With ``inside=True`` chrome is
    also injected between article lines."""
    agency = draw(st.sampled_from(AGENCIES))
    head = [
        draw(st.sampled_from(SECTIONS)),
        draw(titles()),
        f"Date: {draw(date_samples()).text}",
        "",
        draw(_full_article()),
        "",
        f"--{agency}--",
    ]
    article = "\n".join(head) + "\n"
    # "CLOSE" alone is an ambiguous word: only the fixture lines that are chrome on their own.
    lines = st.one_of(st.sampled_from(fixture_chrome_alone()), boilerplate_lines(packs))
    if disguise:
        lines = disguised(lines)
    chrome = draw(st.lists(lines, min_size=1, max_size=12))
    body = draw(inject(article.rstrip("\n"), lines)) + "\n" if inside else article
    return Page(body + "\n".join(chrome) + "\n", article, agency)


# What an extractor puts between the items of a widget block it flattened into one line.
RUN_SEPARATORS = (" ", " ", "  ", " | ", " · ", " • ", " / ")


@st.composite
def _chrome_run(draw: st.DrawFn) -> str:
    """A widget block flattened into a line: four or more fixture chrome items in a row."""
    items = draw(st.lists(st.sampled_from(FIXTURE_CHROME), min_size=4, max_size=10))
    run = ""
    for n, item in enumerate(items):
        cased = draw(st.sampled_from((item, item.upper(), item.title())))
        run += (draw(st.sampled_from(RUN_SEPARATORS)) if n else "") + cased
    return run


@st.composite
def flattened_page(draw: st.DrawFn) -> Page:
    """A page an extractor joined into one line: title, article sentences, the ``--Agency--``
    trailer, and widget blocks (runs of the Kyiv fixture's chrome, see FIXTURE_CHROME) before
    it, between its sentences and after it. ``article`` is the same line without the blocks:
    ``strip_boilerplate`` with the news packs must leave every one of its sentences."""
    agency = draw(st.sampled_from(AGENCIES))
    sentences = " ".join(draw(_full_article()).split()).split(". ")
    sentences = [s if s.endswith(".") else s + "." for s in sentences if s.strip(" .")]
    parts = [draw(titles()), *sentences, f"--{agency}--"]
    article = " ".join(parts)
    # Block positions: before the title, between two sentences, after the trailer.
    slots = draw(st.sets(st.integers(0, len(parts)), min_size=1, max_size=3))
    raw_parts: list[str] = []
    for at in range(len(parts) + 1):
        if at in slots:
            raw_parts.append(draw(_chrome_run()))
        if at < len(parts):
            raw_parts.append(parts[at])
    return Page(" ".join(raw_parts), article, agency)

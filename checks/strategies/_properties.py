"""One-call property checks: the standard cleaner properties, and a pipeline against its suite."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from ..documents import Document
from ..suite import Suite, load_suite
from ._documents import documents_satisfying, to_document
from ._judge import judge_for
from ._pages import ALL_PACKS, boilerplate_lines, disguised, inject, raw_page
from ._prose import article_text, sentences

# Arbitrary text: every code point except lone surrogates (which no UTF-8 file can hold).
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))
TRICKY = (
    " \t\n\r\x0b\x0c\x1c\x85\u2028\u2029\u00a0\u202f\u3000"  # whitespace of every kind
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202e\u2066"  # invisible and bidi
    "\x00\x07\x1b\x7f\x9f"  # controls
    "e\u0301\u0327ﬁＡ\U0001f600\U0001f469\u200d\U0001f4bbبی"  # combining, compat, astral
    "<>&;#/!-pa"  # markup
)
TOKENS = (
    "a",
    "Rain fell.",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n\n",
    "\r\n",
    "\r",
    "\u00a0",
    "\u200b",
    "<p>",
    "</div>",
    "&amp;",
    "&lt;b&gt;",
    "Comments",
    "Loading...",
    "--Reuters--",
    "é",
    "e\u0301",
    "   ",
    "\t\t",
    # Mojibake, entities that spell it, and markup behind characters a later cleaner folds
    # or removes: where a pipeline's second run used to find more to do.
    "Ã",
    "€©",
    "&Atilde;&copy;",
    "\x80",
    "<\u200bb>",
    "\uff1cb\uff1e",
    "<<",
)
# Runs of whitespace: a cleaner that handles two spaces but not three (``replace("  ", " ")``)
# is not idempotent, so runs of every length and mix must be common, not a coincidence.
GAPS = (
    "  ",
    "   ",
    "    ",
    "\t",
    "\t\t",
    " \t ",
    "\u00a0 ",
    "\n\n",
    "\n\n\n",
    " \n ",
    "  \n\n  ",
    "\r\n\r\n",
)
WORDS = ("Rain", "fell.", "Comments", "a", "&amp;", "<p>", "é", "--Reuters--", "Loading...")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _shown(text: str, limit: int = 240) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else f"{shown[:limit]}... ({len(text)} chars)"


@st.composite
def _gapped(draw: st.DrawFn, texts: st.SearchStrategy[str]) -> str:
    """A text with whitespace runs put in at a few random places."""
    text = draw(texts)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(GAPS)) + text[at:]
    return text


def cleaner_inputs() -> st.SearchStrategy[str]:
    """Texts that cleaners meet: arbitrary Unicode, hostile characters, articles, raw pages
    with disguised chrome, very long lines, and the empty string; half of them with runs of
    whitespace, markup or chrome glued to either end, where edge cases hide; and often
    words separated by runs of spaces, tabs and blank lines."""
    long_line = st.tuples(sentences(), st.integers(50, 300)).map(lambda p: " ".join([p[0]] * p[1]))
    # Whole tokens make runs and coincidences likely: "  ", "\n\n\n", "<p>", "Comments".
    tokens = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)
    spaced = st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), min_size=1, max_size=10
    ).map(lambda pairs: "".join(word + gap for word, gap in pairs))
    base = st.one_of(
        st.just(""),
        ANY_TEXT,
        st.text(st.sampled_from(TRICKY)),
        tokens,
        article_text(),
        raw_page(packs=ALL_PACKS, inside=True).map(lambda page: page.raw),
        article_text().flatmap(lambda a: inject(a, disguised(boilerplate_lines()))),
        long_line,
    )
    padded = st.tuples(tokens, base, tokens).map("".join)
    return st.one_of(base, padded, tokens, spaced, _gapped(base))


def normalised_lines(text: str) -> list[str]:
    """Non-blank lines with whitespace collapsed: what deletion-only is judged on."""
    lines = (" ".join(line.split()) for line in _LINE_BREAK.split(text))
    return [line for line in lines if line]


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def deletion_only_problem(before: str, after: str, *, within_lines: bool = False) -> str | None:
    """Why ``after`` is not ``before`` with lines deleted; None when it is.

    Both sides are judged on :func:`normalised_lines` (whitespace collapsed, blank lines
    left out). By default the check is strict: every output line is an input line, in input
    order, so lines go whole and nothing is invented, reordered or cut out of a line. This
    is what ``strip_boilerplate``, ``truncate_after``, ``dedupe_paragraphs`` and
    ``normalize_whitespace`` promise. ``within_lines=True`` is the weaker check for a
    cleaner that also cuts characters out of a line: an output line may be an input line
    with characters deleted (each input line used once, in order). ``strip_boilerplate``
    needs it only for its inline phrases cut out of a long line. ``strip_html`` and
    ``normalize_unicode`` are deletion-only in neither sense (entities become the
    characters they stand for, a block tag splits a line, NFC recomposes); their properties
    are that they never lengthen (``strip_html``) and what their output holds.
    """
    source = normalised_lines(before)
    at = 0
    for line in normalised_lines(after):
        while at < len(source) and not (
            line == source[at] or (within_lines and _is_subsequence(line, source[at]))
        ):
            at += 1
        if at == len(source):
            if within_lines:
                return f"output line {_shown(line)} is not an input line (invented or reordered)"
            return (
                f"output line {_shown(line)} is not an input line (invented, reordered, or "
                "changed inside the line)"
            )
        at += 1
    return None


def check_cleaner(
    fn: Callable[[str], str],
    text: str,
    *,
    deletion_only: bool = True,
    within_lines: bool = False,
) -> None:
    """Assert the standard cleaner properties for one input; AssertionError says which."""
    name = getattr(fn, "__name__", repr(fn))
    try:
        once = fn(text)
    except Exception as exc:
        raise AssertionError(f"{name} raised {exc!r} on {_shown(text)}") from exc
    assert isinstance(once, str), f"{name} returned {type(once).__name__}, not str"
    try:
        once.encode("utf-8")
    except UnicodeEncodeError:
        raise AssertionError(
            f"{name} returned invalid text (a lone surrogate): {_shown(once)}"
        ) from None
    twice = fn(once)
    assert twice == once, (
        f"{name} is not idempotent:\n  input:  {_shown(text)}\n  once:   {_shown(once)}\n"
        f"  twice:  {_shown(twice)}"
    )
    if deletion_only:
        assert len(once) <= len(text), (
            f"{name} lengthened its input from {len(text)} to {len(once)} chars:\n"
            f"  input:  {_shown(text)}\n  output: {_shown(once)}"
        )
        problem = deletion_only_problem(text, once, within_lines=within_lines)
        assert problem is None, (
            f"{name} is not deletion-only: {problem}\n  input:  {_shown(text)}\n"
            f"  output: {_shown(once)}"
        )


def _settings(max_examples: int | None) -> settings:
    if max_examples is None:
        return settings(settings.default)
    return settings(settings.default, max_examples=max_examples)


def assert_cleaner_properties(
    fn: Callable[[str], str],
    texts: st.SearchStrategy[str] | None = None,
    *,
    deletion_only: bool = True,
    within_lines: bool = False,
    max_examples: int | None = None,
) -> None:
    """Property-test any ``str -> str`` cleaner in one call: it never raises, returns valid
    text, is idempotent, and (``deletion_only``) never lengthens its input and keeps only
    whole input lines, in order (``within_lines=True`` also accepts characters cut out of a
    line; see :func:`deletion_only_problem`). Raises AssertionError with hypothesis's
    minimal counterexample."""

    @_settings(max_examples)
    @given(texts if texts is not None else cleaner_inputs())
    def cleaner_properties(text: str) -> None:
        check_cleaner(fn, text, deletion_only=deletion_only, within_lines=within_lines)

    cleaner_properties()


def no_boilerplate_failures(
    suite: Suite, fields: dict[str, object], transform: Callable[[Document], Document]
) -> list[str]:
    """Failures of the suite's no_boilerplate expectations on ``transform(document)``."""
    names = frozenset(e.name for e in suite.expectations if e.check == "no_boilerplate")
    cleaned = transform(to_document(suite, fields))
    failures = judge_for(suite, names).failures(cleaned)
    return [f"{name}: {message}" for name, messages in failures.items() for message in messages]


@st.composite
def polluted_documents(draw: st.DrawFn, suite: Suite) -> dict[str, object]:
    """Documents of ``suite`` whose no_boilerplate fields hold disguised chrome from the
    expectations' own packs (and, sometimes, arbitrary text)."""
    fields = dict(draw(documents_satisfying(suite)))
    for expectation in suite.expectations:
        if expectation.check != "no_boilerplate" or not expectation.params.packs:
            continue
        name = expectation.field or ""
        text = fields.get(name)
        if not isinstance(text, str):
            continue
        if draw(st.integers(0, 4)) == 0:
            text = draw(ANY_TEXT)
        lines = disguised(boilerplate_lines(expectation.params.packs))
        fields[name] = draw(inject(text, lines))
    return fields


def assert_pipeline_satisfies_suite(suite: Suite | str, *, max_examples: int | None = None) -> None:
    """Assert that after the suite's own ``cleaners:`` pipeline its ``no_boilerplate``
    expectations pass, for generated documents full of disguised chrome from their packs."""
    loaded = load_suite(suite) if isinstance(suite, str) else suite
    if not loaded.cleaners:
        raise AssertionError(f"{loaded.path}: the suite has no 'cleaners:' pipeline")

    from ..cleaning import pipeline_transform

    transform = pipeline_transform(loaded)

    @_settings(max_examples)
    @given(polluted_documents(loaded))
    def pipeline_satisfies_suite(fields: dict[str, object]) -> None:
        failures = no_boilerplate_failures(loaded, fields, transform)
        assert not failures, (
            f"{loaded.path}: boilerplate left after the suite's cleaners:\n  "
            + "\n  ".join(failures)
        )

    pipeline_satisfies_suite()

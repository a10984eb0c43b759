"""text_quality: document-level signals of a page that is not an article (menus, link lists).

Catches selectors that return the page's chrome instead of its article: html2text navigation
lists (``* [World](https://...)``), "Most read" boxes, language pickers, tag clouds, search
results, cookie walls. Each signal is a named sub-check with a default threshold taken from
the published web-text quality heuristics; a suite overrides a bound
(``short_lines: {max: 0.8}``) or turns a signal off (``symbols: false``).

Signals, defaults and sources (Gopher: Rae et al. 2021, "Scaling Language Models", appendix
A; C4: Raffel et al. 2020, "Exploring the Limits of Transfer Learning", section 2.2;
FineWeb: Penedo et al. 2024, "The FineWeb Datasets"; as implemented in huggingface/datatrove,
``src/datatrove/pipeline/filters/``: ``gopher_quality_filter.py``,
``gopher_repetition_filter.py``, ``c4_filters.py`` and ``fineweb_quality_filter.py``):

- ``terminal_punctuation`` min 0.12: share of lines that end in terminal punctuation
  (``. ! ? …`` and ``。！？``, before closing quotes or brackets). C4 keeps only such lines;
  FineWeb's ``line_punct_thr`` 0.12 is the document-level form used here.
- ``short_lines`` max 0.67, ``chars`` 30: share of lines of at most 30 characters (FineWeb's
  ``short_line_thr`` and ``short_line_length``); a Chinese or Japanese character counts as
  three, or every line of a CJK article would be short.
- ``link_lines`` max 0.4: share of lines that are links or list items of links (markdown
  ``[..](..)`` and bare URLs hold at least half of the line's words). Our own signal in the
  spirit of Gopher's bullet-line limit (at most 90% of lines start with a bullet); 0.4 is
  stricter because only link bullets count, and the fixtures' articles stay below 0.1.
- ``symbols`` max 0.1: share of non-space characters that are symbols (Unicode symbol
  categories, markup ``# * [ ] { } | \\ _ < > @ ^ ~`` and ellipses). Gopher limits the
  ratio of ``#`` and ellipses to words to 0.1; we count more symbols, per character, so that
  markdown chrome counts while formulas in prose (``x² + y² = z²``) stay well below.
- ``duplicate_lines`` max 0.3: share of lines that repeat an earlier line (Gopher's
  ``dup_line_frac`` 0.3). Lines of fewer than 3 words (``Advertisement``, ``***``, ``Q:``)
  are not counted as duplicates, so short repeated lines in an article never fail it.
- ``mean_word_length`` min 3, max 10: Gopher's bounds on the mean length of words, counted
  in letters and digits without surrounding punctuation.
- ``min_words`` 50: Gopher's minimum number of words.

Left out, because they judge language rather than page shape or need per-language data:
Gopher's stop-word test, its share of words with a letter (0.8) and of lines ending in an
ellipsis (0.3), its duplicate-character fractions, and FineWeb's duplicate-character (0.01)
and newline-per-word (0.3) ratios. Every default was checked against invented fixtures
(``fixtures/web/text_quality``): no clean article in ten languages fails one.

A line is a non-blank line of the text. The line signals (terminal punctuation, short,
link and duplicate lines) are measured only when the text has at least ``min_lines`` (5)
lines: a page the extractor flattened into one line, or a three-paragraph brief, never fails
them. A word is a whitespace-separated token holding a letter or digit; in Chinese and
Japanese, which need no spaces, every Han, Hiragana and Katakana character counts as one
word, and the mean word length is measured only when such characters are less than half of
the words. The failure names the signal, its value and the threshold, and points at the text
that shows it (the longest run of link lines, the first repeated line...).

Passes::

    expectation: {name: article text, check: text_quality, field: text, min_words: 10}
    document: {text: "The council voted on Tuesday to reopen the bridge, closed since March."}

Fails::

    expectation: {name: article text, check: text_quality, field: text, min_lines: 2}
    document: {text: "* [World](https://example.com/world)\\n* [Sport](https://example.com/sport)"}
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..regex import compile_pattern
from ..registry import CheckContext, ParamError, RowCheck, Violation, check, raise_all
from ..wording import plural

# The published defaults (see the module docstring), one mapping of bounds per signal.
DEFAULTS: dict[str, dict[str, float]] = {
    "terminal_punctuation": {"min": 0.12},
    "short_lines": {"max": 0.67, "chars": 30},
    "link_lines": {"max": 0.4},
    "symbols": {"max": 0.1},
    "duplicate_lines": {"max": 0.3},
    "mean_word_length": {"min": 3, "max": 10},
}
DEFAULT_MIN_WORDS = 50
DEFAULT_MIN_LINES = 5
LINE_SIGNALS = ("terminal_punctuation", "short_lines", "link_lines", "duplicate_lines")
# Lines shorter than this many words may repeat in an article (separators, "Advertisement").
DUPLICATE_MIN_WORDS = 3

_RATIO = {"type": "number", "minimum": 0, "maximum": 1}


def _signal_schema(description: str, bounds: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": ["object", "boolean"],
        "additionalProperties": False,
        "properties": dict(bounds),
        "description": description + " false turns it off; true keeps the defaults.",
    }


SCHEMA: dict[str, Any] = {
    "terminal_punctuation": _signal_schema(
        "Share of lines ending in terminal punctuation: {min: 0.12} (C4, FineWeb).",
        {"min": {**_RATIO, "description": "Smallest allowed share."}},
    ),
    "short_lines": _signal_schema(
        "Share of short lines: {max: 0.67, chars: 30} (FineWeb).",
        {
            "max": {**_RATIO, "description": "Largest allowed share."},
            "chars": {
                "type": "integer",
                "minimum": 1,
                "description": "A line of at most this many characters is short.",
            },
        },
    ),
    "link_lines": _signal_schema(
        "Share of lines that are links or list items of links: {max: 0.4}.",
        {"max": {**_RATIO, "description": "Largest allowed share."}},
    ),
    "symbols": _signal_schema(
        "Share of non-space characters that are symbols or markup: {max: 0.1} (Gopher).",
        {"max": {**_RATIO, "description": "Largest allowed share."}},
    ),
    "duplicate_lines": _signal_schema(
        "Share of lines repeating an earlier line of 3 words or more: {max: 0.3} (Gopher).",
        {"max": {**_RATIO, "description": "Largest allowed share."}},
    ),
    "mean_word_length": _signal_schema(
        "Mean word length in characters: {min: 3, max: 10} (Gopher).",
        {
            "min": {"type": "number", "minimum": 0, "description": "Smallest allowed mean."},
            "max": {"type": "number", "minimum": 0, "description": "Largest allowed mean."},
        },
    ),
    "min_words": {
        "type": ["integer", "boolean"],
        "minimum": 0,
        "description": "Fewest words (default 50, Gopher); false turns it off.",
    },
    "min_lines": {
        "type": "integer",
        "minimum": 1,
        "default": DEFAULT_MIN_LINES,
        "description": "Line signals are measured only on texts with at least this many lines.",
    },
}


@dataclass(frozen=True)
class TextQualityParams:
    """One setting per signal: a mapping of bounds, ``true`` (defaults) or ``false`` (off)."""

    terminal_punctuation: Any = True
    short_lines: Any = True
    link_lines: Any = True
    symbols: Any = True
    duplicate_lines: Any = True
    mean_word_length: Any = True
    min_words: Any = True
    min_lines: int = DEFAULT_MIN_LINES


@dataclass(frozen=True)
class Settings:
    """The resolved bounds of the enabled signals (hashable, JSON-able for the GX plan)."""

    bounds: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    min_words: int | None
    min_lines: int

    def get(self, signal: str) -> dict[str, float] | None:
        """The bounds of ``signal``, None when it is off."""
        for name, items in self.bounds:
            if name == signal:
                return dict(items)
        return None

    def to_json(self) -> str:
        """A canonical JSON text of the settings (a GX prepared column carries it)."""
        return json.dumps(
            {
                "signals": {name: dict(items) for name, items in self.bounds},
                "min_words": self.min_words,
                "min_lines": self.min_lines,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Settings:
        """The settings :meth:`to_json` wrote."""
        data = json.loads(text)
        return cls(
            tuple((name, tuple(sorted(items.items()))) for name, items in data["signals"].items()),
            data["min_words"],
            data["min_lines"],
        )


def resolve(params: TextQualityParams) -> Settings:
    """The enabled signals with their bounds (defaults merged); ParamError on impossible ones."""
    bounds = []
    errors: list[ParamError] = []
    for name, defaults in DEFAULTS.items():
        given = getattr(params, name)
        if given is False or given is None:
            continue
        merged = {**defaults, **(given if isinstance(given, Mapping) else {})}
        if "min" in merged and "max" in merged and merged["min"] > merged["max"]:
            errors.append(
                ParamError((name, "min"), f"min {merged['min']} is larger than max {merged['max']}")
            )
        bounds.append((name, tuple(sorted((k, float(v)) for k, v in merged.items()))))
    raise_all(errors)
    words = params.min_words
    min_words = (
        None
        if words is False or words is None
        else (DEFAULT_MIN_WORDS if words is True else int(words))
    )
    return Settings(tuple(bounds), min_words, params.min_lines)


# --- measuring ---------------------------------------------------------------------------------

# Closing quotes and brackets that may follow the terminal punctuation of a sentence.
_CLOSERS = "\"'”’»›)]}」』）】〕"
_TERMINAL = frozenset(".!?…。！？｡．։؟।")
_MARKUP = frozenset("#*[]{}|\\_<>@^~…")
# Markdown links and images, [text](url "title"); bare URLs. RE2: linear on any line.
_MD_LINK = compile_pattern(r'!?\[([^\[\]\n]*)\]\([^()\s]*(?:\s+"[^"\n]*")?\)')
_BARE_URL = compile_pattern(r"(?:https?://|www\.)[^\s()\[\]<>]+")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF66 <= code <= 0xFF9D  # half-width Katakana
        or 0x20000 <= code <= 0x2FFFF  # extensions B and later
    )


def _is_symbol(ch: str) -> bool:
    return ch in _MARKUP or unicodedata.category(ch).startswith("S")


def _word_core_length(piece: str) -> int:
    """Length of ``piece`` without leading and trailing characters that are not alphanumeric."""
    start, end = 0, len(piece)
    while start < end and not piece[start].isalnum():
        start += 1
    while end > start and not piece[end - 1].isalnum():
        end -= 1
    return end - start


def _count_words(text: str) -> tuple[int, int, int]:
    """(spaced words, their total length, CJK characters) of ``text``."""
    spaced = total = cjk = 0
    for token in text.split():
        if max(token) < "\u3040":
            size = _word_core_length(token)
            if size:
                spaced += 1
                total += size
            continue
        piece: list[str] = []
        for ch in token + " ":
            if ch != " " and not _is_cjk(ch):
                piece.append(ch)
                continue
            if ch != " ":
                cjk += 1
            if piece:
                size = _word_core_length("".join(piece))
                if size:
                    spaced += 1
                    total += size
                piece = []
    return spaced, total, cjk


def _line_words(text: str) -> int:
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def _is_link_line(line: str) -> bool:
    """Links hold at least half of the line's words (``* [World](..)``, ``Read more: [..](..)``)."""
    if "](" not in line and "://" not in line and "www." not in line:
        return False
    inside = 0
    for m in _MD_LINK.finditer(line):
        inside += max(1, _line_words(m.group(1)))
    rest = _MD_LINK.sub(" ", line)
    urls = len(_BARE_URL.findall(rest))
    if not inside and not urls:
        return False
    inside += urls
    outside = _line_words(_BARE_URL.sub(" ", rest))
    return inside >= outside


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS + " \t")
    return bool(stripped) and stripped[-1] in _TERMINAL


@dataclass
class _Line:
    start: int
    end: int
    short: bool
    terminal: bool
    link: bool
    duplicate: bool


@dataclass(frozen=True)
class Finding:
    """A signal outside its bounds: what the message says and where the evidence is."""

    signal: str
    message: str
    start: int | None
    end: int | None


def _display_length(line: str) -> int:
    """Characters of ``line``, a CJK character counted as three.

    One ideograph carries about as much as a short word, so a 20-character Japanese sentence
    is not a short line; FineWeb 2 likewise tunes line thresholds per language.
    """
    return len(line) + 2 * sum(1 for ch in line if _is_cjk(ch))


def _lines(text: str, short_chars: int) -> list[_Line]:
    out = []
    seen: set[str] = set()
    position = 0
    for raw in text.split("\n"):
        start, end = position, position + len(raw)
        position = end + 1
        line = raw.strip()
        if not line:
            continue
        lead = len(raw) - len(raw.lstrip())
        key = " ".join(line.split())
        duplicate = False
        if _line_words(line) >= DUPLICATE_MIN_WORDS:
            duplicate = key in seen
            seen.add(key)
        out.append(
            _Line(
                start + lead,
                start + lead + len(line),
                _display_length(line) <= short_chars,
                _ends_sentence(line),
                _is_link_line(line),
                duplicate,
            )
        )
    return out


def _longest_run(lines: list[_Line], flag: str, value: bool = True) -> tuple[int, int]:
    """Span of the longest run of consecutive lines whose ``flag`` is ``value``."""
    best = (0, 0, 0)
    run_start: _Line | None = None
    count = 0
    for line in lines:
        if getattr(line, flag) is value:
            if run_start is None:
                run_start, count = line, 0
            count += 1
            if count > best[0]:
                best = (count, run_start.start, line.end)
        else:
            run_start = None
    return best[1], best[2]


def _fmt(value: float, bound: float) -> tuple[str, str]:
    """Both numbers with enough decimals to tell them apart."""
    for digits in (2, 3, 4):
        a, b = f"{value:.{digits}f}", f"{bound:.{digits}f}"
        if a != b:
            return a, b
    return f"{value:.6f}", f"{bound:.6f}"


def _share(
    signal: str, label: str, count: int, total: int, bounds: Mapping[str, float], detail: str
) -> tuple[str, float] | None:
    value = count / total if total else 0.0
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and value < low:
        a, b = _fmt(value, low)
        return f"{label} {a} < {b} ({signal}): {count} of {plural(total, 'line')} {detail}", value
    if high is not None and value > high:
        a, b = _fmt(value, high)
        return f"{label} {a} > {b} ({signal}): {count} of {plural(total, 'line')} {detail}", value
    return None


def measure(text: str, settings: Settings) -> list[Finding]:
    """Every enabled signal of ``text`` that is outside its bounds, in a fixed order."""
    found: list[Finding] = []
    short = settings.get("short_lines")
    lines = _lines(text, int(short["chars"]) if short else 30)
    if len(lines) >= settings.min_lines:
        total = len(lines)
        checks = (
            ("terminal_punctuation", "lines ending in punctuation", "terminal", False,
             "end in terminal punctuation"),
            ("short_lines", "short lines", "short", True,
             f"have at most {int(short['chars']) if short else 30} characters"),
            ("link_lines", "link lines", "link", True, "are links or link list items"),
            ("duplicate_lines", "duplicate lines", "duplicate", True,
             "repeat an earlier line"),
        )  # fmt: skip
        for signal, label, flag, evidence, detail in checks:
            bounds = settings.get(signal)
            if bounds is None:
                continue
            count = sum(1 for line in lines if getattr(line, flag))
            hit = _share(signal, label, count, total, bounds, detail)
            if hit is None:
                continue
            if flag == "duplicate":
                first = next(line for line in lines if line.duplicate)
                start, end = first.start, first.end
            else:
                start, end = _longest_run(lines, flag, evidence)
            found.append(Finding(signal, hit[0], start, end))
    symbols = settings.get("symbols")
    if symbols is not None:
        counts = Counter(text)
        chars = sum(n for ch, n in counts.items() if not ch.isspace())
        marks = sum(n for ch, n in counts.items() if _is_symbol(ch))
        value = marks / chars if chars else 0.0
        if value > symbols["max"]:
            a, b = _fmt(value, symbols["max"])
            where = max(lines, key=lambda ln: sum(_is_symbol(c) for c in text[ln.start : ln.end]))
            found.append(
                Finding(
                    "symbols",
                    f"symbols {a} > {b} (symbols): {marks} of {plural(chars, 'character')} "
                    "are symbols or markup",
                    where.start,
                    where.end,
                )
            )
    spaced, letters, cjk = _count_words(text)
    mean = settings.get("mean_word_length")
    if mean is not None and spaced and cjk < spaced:
        value = letters / spaced
        for key, wrong, sign in (
            ("min", value < mean["min"], "<"),
            ("max", value > mean["max"], ">"),
        ):
            if wrong:
                a, b = _fmt(value, mean[key])
                found.append(
                    Finding(
                        "mean_word_length",
                        f"mean word length {a} {sign} {b} (mean_word_length) over "
                        f"{plural(spaced, 'word')}",
                        0,
                        len(text),
                    )
                )
    words = spaced + cjk
    if settings.min_words is not None and words < settings.min_words:
        found.append(
            Finding(
                "min_words",
                f"words {words} < {settings.min_words} (min_words)",
                0,
                len(text),
            )
        )
    return found


@check("text_quality", params=TextQualityParams, schema=SCHEMA)
def text_quality(params: TextQualityParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    settings = resolve(params)
    if not settings.bounds and settings.min_words is None:
        raise ParamError("check", "text_quality has every signal turned off")

    def evaluate(value: str) -> list[Violation]:
        return [Violation(f.message, f.start, f.end) for f in measure(value, settings)]

    return evaluate

"""Date parsing shared by the ``date_parses`` check and the ``normalize_date`` cleaner.

Scraped dates arrive in every shape and language, usually with words around them
("Veröffentlicht am: 04.07.2025, 11:39 Uhr"). Parsing runs over millions of values, so the
order is: one precompiled regex for the common shapes (builds ``datetime`` directly), an LRU
cache for repeated strings, and only then the slow lenient parsers (dateparser, then dateutil)
for short values that contain a month name (or a relative phrase, when those are allowed).
Junk such as ``XUM1541`` never reaches them. The regex also reads year-first numeric dates
of East Asian pages (``2021年3月5日``, ``2021년 3월 5일``, full-width digits) and of Hungarian
and Korean ones (``2020. 06. 04.``), Japanese era dates (``令和3年3月5日``, ``令和元年``), and
Polish and Russian month names in the genitive a day takes (``5 marca 2021 r.``, ``5 марта
2021 г.``). Which of two possible readings an ``a/b/yyyy`` date gets
follows ``day_first``, then the page's language, then ``languages``; when both readings are
real dates, the result says so (:attr:`ParsedDate.ambiguity`) for failure messages.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from re import Match

__all__ = [
    "DEFAULT_LANGUAGES",
    "DateError",
    "DateParser",
    "ParsedDate",
    "day_first_for_language",
    "is_after",
    "is_before",
    "language_code_problem",
    "language_problem",
    "language_tag",
    "language_tag_problem",
    "parse_bound",
    "to_iso",
]

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "pt", "it", "nl")

# Values longer than this are documents, not date fields: they still get the linear fast
# path, but are neither cached (memory) nor handed to the lenient parsers (seconds per value).
_MAX_CACHED = 512
_MAX_LENIENT = 256
# Parsed values remembered (LRU). Repeats are mostly near each other (a site's pages of one
# day), so a small cache keeps most hits: on the 100k bench corpus (48k distinct of 100k
# dates) 16k entries keep 40k of the 51k hits of 64k entries, at the same speed, and hold
# about 9 MB instead of 22 MB (30 MB once a million documents fill 64k entries).
_CACHE_SIZE = 1 << 14
_MAX_QUOTED = 120

# Month names and abbreviations per language. Shared spellings ("mar", "set", "dez") mean the
# same month in every language that uses them, which _build_months asserts.
_MONTH_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sept", "sep"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    "de": (
        ("januar", "jänner", "jan", "jän"),
        ("februar", "feb"),
        ("märz", "maerz", "mär", "mrz"),
        ("april", "apr"),
        ("mai",),
        ("juni", "jun"),
        ("juli", "jul"),
        ("august", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "okt"),
        ("november", "nov"),
        ("dezember", "dez"),
    ),
    "fr": (
        ("janvier", "janv", "jan"),
        ("février", "fevrier", "févr", "fevr", "fév", "fev"),
        ("mars", "mar"),
        ("avril", "avr"),
        ("mai",),
        ("juin",),
        ("juillet", "juil"),
        ("août", "aout", "aoû"),
        ("septembre", "sept", "sep"),
        ("octobre", "oct"),
        ("novembre", "nov"),
        ("décembre", "decembre", "déc", "dec"),
    ),
    "es": (
        ("enero", "ene"),
        ("febrero", "feb"),
        ("marzo", "mar"),
        ("abril", "abr"),
        ("mayo", "may"),
        ("junio", "jun"),
        ("julio", "jul"),
        ("agosto", "ago"),
        ("septiembre", "setiembre", "sept", "sep", "set"),
        ("octubre", "oct"),
        ("noviembre", "nov"),
        ("diciembre", "dic"),
    ),
    "pt": (
        ("janeiro", "jan"),
        ("fevereiro", "fev"),
        ("março", "marco", "mar"),
        ("abril", "abr"),
        ("maio", "mai"),
        ("junho", "jun"),
        ("julho", "jul"),
        ("agosto", "ago"),
        ("setembro", "set"),
        ("outubro", "out"),
        ("novembro", "nov"),
        ("dezembro", "dez"),
    ),
    "it": (
        ("gennaio", "gen"),
        ("febbraio", "feb"),
        ("marzo", "mar"),
        ("aprile", "apr"),
        ("maggio", "mag"),
        ("giugno", "giu"),
        ("luglio", "lug"),
        ("agosto", "ago"),
        ("settembre", "set"),
        ("ottobre", "ott"),
        ("novembre", "nov"),
        ("dicembre", "dic"),
    ),
    "nl": (
        ("januari", "jan"),
        ("februari", "feb"),
        ("maart", "mrt", "mar"),
        ("april", "apr"),
        ("mei",),
        ("juni", "jun"),
        ("juli", "jul"),
        ("augustus", "aug"),
        ("september", "sept", "sep"),
        ("oktober", "okt"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    # Polish and Russian write a day with the genitive ("5 marca 2021", "5 марта 2021 г."):
    # both cases are listed, and only abbreviations that are not common words ("sie" is
    # German for "they", "lis" Polish for "fox").
    "pl": (
        ("styczeń", "stycznia", "sty"),
        ("luty", "lutego", "lut"),
        ("marzec", "marca", "mar"),
        ("kwiecień", "kwietnia", "kwi"),
        ("maj", "maja"),
        ("czerwiec", "czerwca", "cze"),
        ("lipiec", "lipca"),
        ("sierpień", "sierpnia"),
        ("wrzesień", "września", "wrz"),
        ("październik", "października", "paź"),
        ("listopad", "listopada"),
        ("grudzień", "grudnia", "gru"),
    ),
    "ru": (
        ("январь", "января", "янв"),
        ("февраль", "февраля", "фев"),
        ("март", "марта", "мар"),
        ("апрель", "апреля", "апр"),
        ("май", "мая"),
        ("июнь", "июня", "июн"),
        ("июль", "июля", "июл"),
        ("август", "августа", "авг"),
        ("сентябрь", "сентября", "сент", "сен"),
        ("октябрь", "октября", "окт"),
        ("ноябрь", "ноября", "ноя"),
        ("декабрь", "декабря", "дек"),
    ),
}

# Only used to widen the matched span over "Mon, " / "Montag, "; never validated against the
# date, because scraped pages get the weekday wrong often enough that it is not evidence.
_WEEKDAY_NAMES: dict[str, str] = {
    "en": "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles miercoles jueves viernes sábado sabado domingo",
    "pt": "segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira "
    "sábado sabado domingo",
    "it": "lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi "
    "sabato domenica",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
}

# Fixed offsets: an abbreviation in a timestamp names the offset in force, not a region.
_TZ_OFFSETS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "WET": 0,
    "BST": 60,
    "WEST": 60,
    "CET": 60,
    "MEZ": 60,
    "CEST": 120,
    "MESZ": 120,
    "EET": 120,
    "EEST": 180,
    "JST": 540,
    "AEST": 600,
    "AEDT": 660,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}

_PLACEHOLDERS = frozenset(
    {"null", "none", "nil", "nan", "n/a", "na", "-", "--", "undefined", "unknown", "tbd", "tba"}
)


def _build_months() -> tuple[dict[str, int], dict[str, frozenset[str]]]:
    number: dict[str, int] = {}
    languages: dict[str, set[str]] = {}
    for lang, months in _MONTH_NAMES.items():
        for index, names in enumerate(months, start=1):
            for name in names:
                if number.setdefault(name, index) != index:
                    raise AssertionError(f"month name {name!r} is ambiguous across languages")
                languages.setdefault(name, set()).add(lang)
    return number, {name: frozenset(langs) for name, langs in languages.items()}


_MONTH_NUMBER, _MONTH_LANGUAGES = _build_months()


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored into a trie (``j(?:an|u(?:l|n))``).

    The regex engine tries alternatives one by one at every position of the value; sharing
    prefixes makes a non-month word fail on its first letter instead of after 130 tries. The
    nested ``?`` only cover finite literal suffixes, so backtracking stays bounded. Optional
    suffixes are greedy, so "juli" is preferred to "jul" and the caller's trailing ``\\b``
    backs off to the shorter name only when the longer one is not a whole word.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(char) + _trie_pattern(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    if "" in node:
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


_MONTHS_RE = _alternation(list(_MONTH_NUMBER))
_WEEKDAYS_RE = _alternation(w for names in _WEEKDAY_NAMES.values() for w in names.split())
_NAMED_TZ_RE = _alternation(list(_TZ_OFFSETS))
# Case-sensitive on purpose: lowercase "cet"/"est" are French and Spanish words.
_TZ_RE = (
    r"(?:(?-i:Z)|[+-][0-9]{2}(?::?[0-9]{2})?"
    rf"|(?-i:UTC|GMT)[+-][0-9]{{1,2}}(?::?[0-9]{{2}})?|(?-i:{_NAMED_TZ_RE}))(?!\w)"
)


def _lazy_pattern(source: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled on first use: the big ones cost ~40 ms to compile, which every
    command paid at import (this module is imported to check a suite's languages) even with
    no date to parse."""
    return functools.cache(lambda: re.compile(source, flags))


# A weekday or a time before the date ("Mon, 07 Jul 2025", "08:44, 3 NOV 2023") is looked for
# only right before a match, in a short window: in the main regex these optional prefixes
# would be tried at every position of every value.
_BEFORE_WINDOW = 32
_WEEKDAY_BEFORE = _lazy_pattern(rf"\b(?:{_WEEKDAYS_RE})\b\.?,?\s{{1,3}}\Z", re.IGNORECASE)
# A leading time counts only when a comma or bar ties it to the date.
_TIME_BEFORE = re.compile(
    r"(?<![0-9])([0-9]{1,2})[:h]([0-9]{2})(?:\s{0,2}([ap])\.?\s?m\b\.?)?\s{0,3}[,|]\s{0,3}\Z",
    re.IGNORECASE,
)


def _tail(tag: str) -> str:
    # A time after the date: "T10:32:00Z", ", 11:39 Uhr", " à 10h15", " 5:30 PM EST".
    return (
        rf"(?P<{tag}_t>"
        r"(?:T|\s{0,3}(?:[,|@:-]\s{0,3})?"
        r"(?:(?:um|at|à|às|as|a\s{1,2}las|a\s{1,2}la|alle|ore|om|kl\.?)\s{1,3})?)"
        rf"(?P<{tag}_h>[0-9]{{1,2}})[:h](?P<{tag}_m>[0-9]{{2}})(?![0-9])"
        rf"(?::(?P<{tag}_s>[0-9]{{2}})(?:[.,](?P<{tag}_f>[0-9]{{1,9}}))?(?![0-9]))?"
        rf"(?:\s{{0,2}}(?P<{tag}_ap>[ap])\.?\s?m\b\.?)?"
        r"(?:\s{0,2}(?:uhr|h)\b)?"
        rf"(?:\s{{0,2}}(?P<{tag}_tz>{_TZ_RE}))?"
        r")?"
    )


# Every quantifier in these patterns is bounded or applies to a single character class with
# nothing ambiguous after it, so matching stays linear in the length of the value.
_NUM_START = r"(?<![0-9])(?<![0-9][./:,-])"
_NUM_END = r"(?![0-9])(?![./-][0-9])"

# After a CJK date: a weekday, "(水)", "星期五", "(금)", "수요일", optionally in brackets.
_CJK_WEEKDAY = (
    r"(?:\s{0,2}[(（]?\s{0,2}(?:(?:星期|礼拜|禮拜|週|周)[一二三四五六日天]"
    r"|[月火水木金土日](?:曜日?)?|[월화수목금토일](?:요일)?)\s{0,2}[)）]?)?"
)
# A time written with 時/时/시 and 分/분 (and 秒/초); 午後/下午/오후 before it (or before
# 3:00) mean the afternoon.
_CJK_TIME = (
    r"(?P<cjk_k>\s{0,2}(?P<cjk_kh>[0-9]{1,2})\s{0,2}[時时시]"
    r"(?:\s{0,2}(?P<cjk_km>[0-9]{1,2})\s{0,2}[分분]"
    r"(?:\s{0,2}(?P<cjk_ks>[0-9]{1,2})\s{0,2}[秒초])?)?)"
)
_CJK_PM = frozenset({"午後", "下午", "오후"})

# Full-width digits and the punctuation around them become ASCII before the scan; one
# character for one, so every span found still indexes the original value. Translating is
# slow enough that only values holding one of these characters pay for it.
_WIDE_CHAR = re.compile("[\uff10-\uff19\uff0e\uff0f\uff1a\uff0d\u3000]")
_WIDE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\uff0e": ".",
        "\uff0f": "/",
        "\uff1a": ":",
        "\uff0d": "-",
        "\u3000": " ",
    }
)

_FAST = _lazy_pattern(
    # Year first: yyyy-mm-dd (also / and .), ISO 8601 and its scraped cousins; 2020. 06. 04.
    # and 2021. 3. 5. (Hungarian, Korean); 2021年3月5日 (Japanese, Chinese) and 2021년 3월 5일
    # (Korean) with a weekday; then a time. The shapes share one alternative and one set of
    # groups (the scan pays per group at every position); _build checks that the separators
    # belong together.
    rf"(?P<ymd>{_NUM_START}(?P<ymd_y>[0-9]{{4}})"
    r"(?P<ymd_s1>[./-]|\.\s{1,2}|\s{0,2}[年년]\s{0,2})(?P<ymd_mo>[0-9]{1,2})"
    r"(?P<ymd_s2>[./-]|\.\s{1,2}|\s{0,2}[月월]\s{0,2})(?P<ymd_d>[0-9]{1,2})"
    rf"(?:(?P<ymd_cjk>\s{{0,2}}[日일号號]{_CJK_WEEKDAY})|\.?{_NUM_END})"
    rf"(?:\s{{0,3}}(?P<ymd_kap>午前|午後|上午|下午|오전|오후))?(?:{_CJK_TIME}|{_tail('ymd')}))"
    # dd.mm.yyyy, m/d/yyyy, dd-mm-yy: order decided later from the values and settings.
    rf"|(?P<num>{_NUM_START}(?P<num_a>[0-9]{{1,2}})(?P<num_s1>[./-])"
    rf"(?P<num_b>[0-9]{{1,2}})(?P<num_s2>[./-])(?P<num_y>[0-9]{{4}}|[0-9]{{2}}){_NUM_END}"
    rf"{_tail('num')})"
    # 3 Nov 2023, 26. Februar 2020, 4 de julio de 2022, 21.dez.2018, RFC 2822.
    rf"|(?P<dmy>{_NUM_START}(?P<dmy_d>[0-9]{{1,2}})"
    r"(?:st|nd|rd|th|er|º|°|\.)?[\s/-]{0,3}(?:(?:de|of)\s{1,3})?"
    rf"\b(?P<dmy_mon>{_MONTHS_RE})\b\.?(?:\s{{1,3}}de\s{{1,3}}|\s{{0,3}},?[\s/-]{{0,3}})"
    # "2021 г." (Russian) and "2021 r." (Polish) mark the year; a time may follow them.
    rf"(?P<dmy_y>[0-9]{{4}})(?![0-9])(?:\s{{0,2}}(?-i:г|r)\.)?{_tail('dmy')})"
    # Jul 4, 2025 / November 3rd 2023.
    rf"|(?P<mdy>\b(?P<mdy_mon>{_MONTHS_RE})\b\.?[\s/-]{{0,3}}"
    r"(?P<mdy_d>[0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])\s{0,3},?[\s/-]{0,3}"
    rf"(?P<mdy_y>[0-9]{{4}})(?![0-9]){_tail('mdy')})",
    re.IGNORECASE,
)

# Japanese era years: 令和3年3月5日 is 2021-03-05 (元年 is the first year of an era). Each era
# with the Gregorian year of its first year and its last year number (None: the current one).
_ERAS: dict[str, tuple[int, int | None]] = {
    "令和": (2019, None),
    "平成": (1989, 31),
    "昭和": (1926, 64),
    "大正": (1912, 15),
    "明治": (1868, 45),
}
_ERA_DATE = _lazy_pattern(
    r"(?P<era>令和|平成|昭和|大正|明治)\s{0,2}(?P<y>[0-9]{1,2}|元)\s{0,2}年\s{0,2}"
    r"(?P<mo>[0-9]{1,2})\s{0,2}月\s{0,2}(?P<d>[0-9]{1,2})(?P<nichi>\s{0,2}日)"
    rf"{_CJK_WEEKDAY}"
    r"(?:\s{0,3}(?P<ap>午前|午後))?"
    r"(?:\s{0,2}(?P<h>[0-9]{1,2})\s{0,2}(?:時|:)\s{0,2}(?P<m>[0-9]{1,2})?\s{0,2}分?)?"
)

_LABEL = re.compile(r"[^\W\d_][^\d:\n]{0,60}:\s*")
_DIGIT = re.compile(r"[0-9]")
_BARE_YEAR = re.compile(r"[0-9]{4}")
_WORD = re.compile(r"[^\W\d_]{3,}")
_MONTH_WORD = _lazy_pattern(rf"\b(?:{_MONTHS_RE})\b", re.IGNORECASE)
_RELATIVE = _lazy_pattern(
    r"\b(?:ago|yesterday|today|tomorrow|just\s{1,3}now|gestern|vorgestern|heute|morgen"
    r"|übermorgen|vor\s{1,3}(?:[0-9]|einer?\b|wenigen)|hier|avant-hier|aujourd['’]hui|demain"
    r"|il\s{1,3}y\s{1,3}a|ayer|anteayer|hoy|mañana|hace|ontem|anteontem|hoje|amanhã"
    r"|há\s{1,3}[0-9]|ieri|oggi|domani|[0-9]{1,4}\s{1,3}\w{1,12}\s{1,3}fa|gisteren"
    r"|eergisteren|vandaag|geleden"
    r"|(?:last|next|this)\s{1,3}(?:week|month|year|night|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedDate:
    """A date found in a value: the datetime and the span of the input it came from."""

    value: datetime
    matched: str
    start: int
    end: int
    # For a numeric date both of whose readings are real dates ("02/11/2023"): which ones,
    # and why this one was taken. Failure messages append it; it never changes a verdict.
    ambiguity: str = ""
    # The other reading of such a date, when only ``languages`` or the default chose this
    # one (no ``day_first``, no document language, not dotted): evidence from the same
    # corpus or host may overturn the choice (``date_parses`` does, at the end of the run).
    alternative: datetime | None = None
    # A slash or dash numeric date whose values decide its order ("13/11/2023" is
    # "day-first", "11/13/2023" "month-first"), read without ``day_first``: evidence for
    # the ambiguous dates of the same site. "" for every other date.
    evidence: str = ""


@dataclass(frozen=True)
class DateError:
    """Why a value holds no usable date; the message quotes the value."""

    message: str

    def __str__(self) -> str:
        return self.message


def language_problem(language: str) -> str | None:
    """Why ``language`` cannot name a date language, or None when it can."""
    lang = language.lower()
    if lang in _MONTH_NAMES:
        return None
    # Only languages beyond the built-in tables pay for the import.
    from dateparser.data.languages_info import language_order

    if lang in language_order:
        return None
    return (
        f"unknown date language {language!r}: use an ISO 639-1 code that dateparser knows, "
        f"such as {', '.join(map(repr, DEFAULT_LANGUAGES))}"
    )


def language_code_problem(value: str) -> str:
    """Why ``value`` is not written as a language code (the schema wants two small letters)."""
    guess = value.strip().lower()
    guess = guess if len(guess) == 2 else guess[:2] if guess[:2] in DEFAULT_LANGUAGES else ""
    hint = f"; did you mean {guess!r}?" if guess.isalpha() and len(guess) == 2 else ""
    return (
        f"{value!r} is not a language code: use a two-letter ISO 639-1 code in lower case, "
        f"such as 'en' or 'de'{hint}"
    )


# Numeric dates put the month first (m/d/yyyy) in English as written in these regions, and in
# English without a region (as ``languages: [en]`` does); every other language and region
# reads them day first. The table is the documented contract (docs/suites.md), not a guess
# from locale data: CLDR gives en-CA year-first, yet its pages write 3/5/2021 as in the US.
_MONTH_FIRST_REGIONS = frozenset(
    {"US", "PH", "CA", "AS", "GU", "MP", "PR", "UM", "VI", "FM", "MH", "PW"}
)
_TAG = re.compile(
    r"\s*(?P<lang>[A-Za-z]{2})(?:[-_][A-Za-z]{4})?(?:[-_](?P<region>[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:[.@][\w.@-]{0,40})?\s*"
)


def language_tag(text: object) -> str | None:
    """``text`` as a language tag (``es``, ``es-ES``, ``en_US.UTF-8`` -> ``es``, ``es-ES``,
    ``en-US``) when it names a date language, else None: a document's ``lang`` field may
    hold anything, and what is not a known language is simply no language.
    """
    if not isinstance(text, str) or len(text) > 64:
        return None
    return _language_tag(text)


@functools.lru_cache(maxsize=1024)
def _language_tag(text: str) -> str | None:
    # Read once per distinct value: a corpus holds a handful of codes in millions of records.
    match = _TAG.fullmatch(text)
    if match is None:
        return None
    lang = match.group("lang").lower()
    if language_problem(lang) is not None:
        return None
    region = match.group("region")
    return f"{lang}-{region.upper()}" if region else lang


# What people write instead of an ISO 639-1 code: names, ISO 639-2 codes, country codes.
_CODE_FOR = {
    "english": "en", "eng": "en", "german": "de", "deutsch": "de", "ger": "de", "deu": "de",
    "french": "fr", "fra": "fr", "fre": "fr", "spanish": "es", "español": "es", "spa": "es",
    "sp": "es", "portuguese": "pt", "por": "pt", "italian": "it", "ita": "it", "dutch": "nl",
    "nld": "nl", "dut": "nl", "japanese": "ja", "jpn": "ja", "jp": "ja", "chinese": "zh",
    "zho": "zh", "chi": "zh", "cn": "zh", "korean": "ko", "kor": "ko", "kr": "ko",
    "hungarian": "hu", "magyar": "hu", "hun": "hu", "dk": "da", "gr": "el", "cz": "cs",
    "ua": "uk",
}  # fmt: skip


def language_tag_problem(text: str) -> str | None:
    """Why ``text`` cannot be a suite's ``documents.language``, or None when it can."""
    if language_tag(text) is not None:
        return None
    word = text.strip().lower()
    match = _TAG.fullmatch(text)
    lang = match.group("lang").lower() if match is not None else word
    guess = _CODE_FOR.get(word) or _CODE_FOR.get(lang)
    if guess is None and word[2:3] in ("-", "_") and language_tag(word[:2]) is not None:
        guess = word[:2]  # 'en-USA', 'de_DE_x': the language part alone is usable
    hint = f"; did you mean {guess!r}?" if guess else ""
    if match is None:
        return (
            f"{text!r} is not a language code: use an ISO 639-1 code, optionally with a "
            f"region, such as 'es', 'es-ES' or 'en_US'{hint}"
        )
    if not hint:
        from dateparser.data.languages_info import language_order

        from .errors import did_you_mean

        hint = did_you_mean(lang, sorted({*_MONTH_NAMES, *(c for c in language_order)}))
    shown = f"{lang!r}" if lang == word else f"{lang!r} in {text!r}"
    return (
        f"unknown language {shown}: use an ISO 639-1 code that dateparser knows, "
        f"such as {', '.join(map(repr, DEFAULT_LANGUAGES))}{hint}"
    )


def day_first_for_language(tag: str) -> bool:
    """Whether a numeric ``a/b/yyyy`` date on a page in language ``tag`` reads day first."""
    lang, _, region = tag.partition("-")
    if lang != "en":
        return True
    return bool(region) and region.upper() not in _MONTH_FIRST_REGIONS


@dataclass(frozen=True)
class DateParser:
    """Settings for parsing dates; instances are hashable and key the result cache.

    ``formats`` are strptime patterns or ``"iso8601"``; when given, only they are tried.
    ``languages`` restrict month names (empty: en, de, fr, es, pt, it, nl). ``day_first=None``
    reads ``a/b/yyyy`` month-first when the first language is English (or none is given) and
    day-first otherwise, unless one part is over 12; ``dd.mm.yyyy`` is always day-first unless
    ``day_first=False``. ``document_language`` (a tag from :func:`language_tag`, the page's
    language) decides ambiguous ``a/b/yyyy`` dates before ``languages`` does, by
    :func:`day_first_for_language`; ``day_first`` still wins. Relative dates ("3 hours ago")
    parse only with ``allow_relative``, against ``reference`` (default: the current time, and
    such values are then not cached).
    """

    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    day_first: bool | None = None
    allow_relative: bool = False
    reference: datetime | None = None
    document_language: str | None = None

    def __post_init__(self) -> None:
        # YAML hands over lists; tuples keep the instance hashable for the cache.
        object.__setattr__(self, "formats", tuple(self.formats))
        object.__setattr__(self, "languages", tuple(lang.lower() for lang in self.languages))
        # Checked here, once, so a typo is a configuration error rather than a rejection
        # of every value.
        bad = [lang for lang in self.languages if language_problem(lang) is not None]
        if bad:
            raise ValueError(
                f"unknown date {'language' if len(bad) == 1 else 'languages'} "
                f"{', '.join(map(repr, bad))}: use ISO 639-1 codes "
                f"that dateparser knows, such as {', '.join(map(repr, DEFAULT_LANGUAGES))}"
            )

    def parse(self, value: str) -> ParsedDate | DateError:
        """Find the date in ``value``; never raises, whatever the string holds."""
        if not isinstance(value, str):
            return DateError(f"expected a string, got {type(value).__name__} {value!r:.120}")
        if len(value) > _MAX_CACHED or (self.allow_relative and self.reference is None):
            return _parse(value, self)
        return _parse_cached(value, self)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse_cached(value: str, parser: DateParser) -> ParsedDate | DateError:
    return _parse(value, parser)


def _parse(value: str, parser: DateParser) -> ParsedDate | DateError:
    stripped = value.strip()
    q = _quote(value)
    if not stripped:
        return DateError(f"no date in {q} ({'empty' if not value else 'blank'} value)")
    if stripped.lower() in _PLACEHOLDERS:
        return DateError(f"no date in {q} (placeholder, not a date)")
    if parser.formats:
        return _parse_formats(value, parser.formats)

    # Every shape the fast regex knows has digits; skipping it for prose saves the scan.
    scan = value if value.isascii() or not _WIDE_CHAR.search(value) else value.translate(_WIDE)
    has_digit = _DIGIT.search(stripped) is not None
    wide_digit = not has_digit and scan is not value and _DIGIT.search(scan) is not None
    found = _fast(value, parser, scan) if has_digit or wide_digit else None
    if isinstance(found, ParsedDate | DateError):
        return found

    relative = _RELATIVE().search(stripped) is not None
    if relative and not parser.allow_relative:
        return DateError(f"no date in {q} (relative date; set allow_relative to accept it)")
    if set(parser.languages) <= _MONTH_NAMES.keys():
        has_month = _MONTH_WORD().search(stripped) is not None
    else:
        # Month names of other languages are dateparser's business: any word may be one.
        has_month = _WORD.search(stripped) is not None
    if not relative:
        # ASCII digits only: full-width ones were for the fast path, which found no date in
        # them, and must not send more values to the slow parsers than before.
        if not has_digit:
            why = "a month name but no day or year" if has_month else "no digits or month name"
            if wide_digit and not has_month:
                why = "only numbers, no month or day-month-year pattern"
            return DateError(f"no date in {q} ({why})")
        if not has_month:
            if _BARE_YEAR.fullmatch(stripped):
                return DateError(f"no date in {q} (a bare year is not a date)")
            return DateError(f"no date in {q} (only numbers, no month or day-month-year pattern)")
    if len(stripped) > _MAX_LENIENT:
        return DateError(f"no date in {q} (no known date shape; too long to search)")

    start = len(value) - len(value.lstrip())
    lenient = _lenient(stripped, start, parser, relative)
    if lenient is not None:
        return lenient
    if found is not None:
        return DateError(
            f"no date in {q} (month name {found!r} is not in languages {parser.languages})"
        )
    problem = _dateparser_problem(parser)
    if problem is not None:
        return DateError(f"no date in {q} (dateparser unusable with these settings: {problem})")
    if relative:
        return DateError(f"no date in {q} (relative date not understood)")
    return DateError(f"no date in {q} (no complete day, month and year)")


def _quote(value: str) -> str:
    # A whole scraped page in every error message would swamp the report.
    if len(value) <= _MAX_QUOTED:
        return repr(value)
    return f"{value[:_MAX_QUOTED]!r}... ({len(value)} chars)"


def _fast(
    value: str, parser: DateParser, scan: str | None = None
) -> ParsedDate | DateError | str | None:
    """Scan with the shape regex: a date, an impossible-date error, a foreign month, or None.

    ``scan`` is ``value`` with full-width digits made ASCII, character for character.
    """
    if scan is None:
        scan = value if _WIDE_CHAR.search(value) is None else value.translate(_WIDE)
    if "年" in scan:
        era = _era_date(scan, value)
        if era is not None:
            return era
    first_error: str | None = None
    foreign: str | None = None
    for match in _FAST().finditer(scan):
        kind = match.lastgroup or ""
        month_name = match.group(f"{kind}_mon") if kind in ("dmy", "mdy") else None
        if month_name is not None:
            # Unicode case-insensitive matching lets "ſept" (long s) through; casefold maps it
            # back, and anything still unknown is not one of our month names.
            allowed = _MONTH_LANGUAGES.get(month_name.casefold())
            if allowed is None:
                continue
            if parser.languages and allowed.isdisjoint(parser.languages):
                foreign = foreign or month_name
                continue
        try:
            built = _build(scan, match, kind, parser, value)
        except ValueError as exc:
            if first_error is None:
                piece = value[match.start(kind) : match.end(kind)]
                where = "" if piece == value.strip() else f" {_quote(piece)} in"
                first_error = f"impossible date{where} {_quote(value)} ({exc})"
            continue
        if built is not None:
            moment, start, end, ambiguity, alternative, evidence = built
            return ParsedDate(
                moment, value[start:end], start, end, ambiguity, alternative, evidence
            )
    if first_error is not None:
        return DateError(first_error)
    return foreign


def _era_date(scan: str, value: str) -> ParsedDate | DateError | None:
    """A Japanese era date (``令和3年3月5日 10時30分``), or None when there is none."""
    match = _ERA_DATE().search(scan)
    if match is None:
        return None
    first_year, last = _ERAS[match.group("era")]
    number = 1 if match.group("y") == "元" else int(match.group("y"))
    piece = value[match.start() : match.end()].rstrip()
    if number < 1 or (last is not None and number > last):
        why = f"{match.group('era')} has years 1 to {last}" if last else "era years start at 1"
        return DateError(f"impossible date {_quote(piece)} in {_quote(value)} ({why})")
    try:
        day = date(first_year + number - 1, int(match.group("mo")), int(match.group("d")))
    except ValueError as exc:
        return DateError(f"impossible date {_quote(piece)} in {_quote(value)} ({exc})")
    clock: time | None = None
    end = match.end("nichi")
    if match.group("h") is not None:
        clock = _clock(match.group("h"), match.group("m") or "0", None, None, None)
        if clock is not None:
            end = match.end()
            if clock.hour < 12 and match.group("ap") == "午後":
                clock = clock.replace(hour=clock.hour + 12)
    start = match.start()
    moment = datetime.combine(day, time() if clock is None else clock)
    return ParsedDate(moment, value[start:end], start, end)


def _build(
    value: str, match: Match[str], kind: str, parser: DateParser, original: str | None = None
) -> tuple[datetime, int, int, str, datetime | None, str] | None:
    """Turn one shape match into (datetime, start, end, ambiguity, alternative, evidence);
    ValueError for impossible dates."""
    group = match.group
    ambiguity = evidence = ""
    other: date | None = None
    if kind == "ymd":
        if not _year_first_separators(group("ymd_s1"), group("ymd_s2"), group("ymd_cjk")):
            return None
        day = date(int(group("ymd_y")), int(group("ymd_mo")), int(group("ymd_d")))
        date_end = match.end("ymd_cjk" if group("ymd_cjk") is not None else "ymd_d")
    elif kind == "num":
        if group("num_s1") != group("num_s2"):
            return None
        a, b = int(group("num_a")), int(group("num_b"))
        year = _year(group("num_y"))
        day_first, why = _day_first(a, b, group("num_s1"), parser)
        day = date(year, b, a) if day_first else date(year, a, b)
        if why:
            # Quoted as written: ``value`` may have had its full-width digits made ASCII.
            text = (original or value)[match.start("num") : match.end("num")]
            ambiguity = _ambiguity(text, a, b, year, day_first, why)
            if why.startswith(_OPEN_REASONS):
                other = date(year, a, b) if day_first else date(year, b, a)
        elif parser.day_first is None and group("num_s1") != "." and a != b:
            evidence = "day-first" if a > 12 else "month-first"
        date_end = match.end("num_y")
    elif kind == "dmy":
        month = _MONTH_NUMBER[group("dmy_mon").casefold()]
        day = date(int(group("dmy_y")), month, int(group("dmy_d")))
        date_end = match.end("dmy_y")
    else:
        month = _MONTH_NUMBER[group("mdy_mon").casefold()]
        day = date(int(group("mdy_y")), month, int(group("mdy_d")))
        date_end = match.end("mdy_y")

    start = match.start(kind)
    clock: time | None = None
    zone: tzinfo | None = None
    end = date_end
    if kind == "ymd" and group("cjk_kh") is not None:
        clock = _clock(group("cjk_kh"), group("cjk_km") or "0", group("cjk_ks"), None, None)
        if clock is not None:
            end = match.end("cjk_k")
    elif group(f"{kind}_h") is not None:
        clock = _clock(
            group(f"{kind}_h"),
            group(f"{kind}_m"),
            group(f"{kind}_s"),
            group(f"{kind}_f"),
            group(f"{kind}_ap"),
        )
        # "Jul 4, 2025 99:99" is a date followed by something that is not a time.
        if clock is not None:
            end = match.end(f"{kind}_t")
            zone = _zone(group(f"{kind}_tz")) if group(f"{kind}_tz") else None
    if kind == "ymd" and clock is not None and clock.hour < 12 and group("ymd_kap") in _CJK_PM:
        clock = clock.replace(hour=clock.hour + 12)
    lead = _TIME_BEFORE.search(value, max(0, start - _BEFORE_WINDOW), start)
    if lead is not None:
        lead_clock = _clock(lead.group(1), lead.group(2), None, None, lead.group(3))
        if lead_clock is not None:
            start = lead.start()
            clock = lead_clock if clock is None else clock
    weekday = _WEEKDAY_BEFORE().search(value, max(0, start - _BEFORE_WINDOW), start)
    if weekday is not None:
        start = weekday.start()
    moment = datetime.combine(day, time() if clock is None else clock, zone)
    alternative = None if other is None else datetime.combine(other, moment.timetz())
    return moment, start, end, ambiguity, alternative, evidence


def _year_first_separators(first: str, second: str, cjk: str | None) -> bool:
    """Whether a year-first match is one shape: 2025-07-04 (one separator twice), 2020. 06. 04.
    (dots, spaces or not), or 2021年3月5日 (年/년, then 月/월, then 日)."""
    if cjk is None:
        if first == second:
            return first in ("-", "/", ".", ". ", ".  ")
        return first.strip() == "." == second.strip()
    return first.strip() in ("年", "년") and second.strip() in ("月", "월")


# The reasons _day_first gives when nothing about the page itself chose the order.
_OPEN_REASONS = ("from the first of languages", "by default")


def _day_first(a: int, b: int, separator: str, parser: DateParser) -> tuple[bool, str]:
    """Whether the numeric date ``a<sep>b<sep>year`` reads day first, and why when both
    readings are possible ("" when the values decide)."""
    if a > 12 >= b or b > 12 >= a or a == b:
        # The values decide (or both readings are the same day), unless day_first says
        # otherwise, which then makes a day over 12 an impossible date.
        return (a > 12 if parser.day_first is None else parser.day_first), ""
    if a > 12 or b > 12:
        return bool(parser.day_first), ""
    if parser.day_first is not None:
        return parser.day_first, f"from day_first: {str(parser.day_first).lower()}"
    if separator == ".":
        return True, "as dotted dates are"
    if parser.document_language is not None:
        return day_first_for_language(parser.document_language), (
            f"from document language {parser.document_language!r}"
        )
    if parser.languages:
        first = parser.languages[0]
        return not first.startswith("en"), f"from the first of languages, {first!r}"
    return False, "by default (no document language, languages or day_first)"


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _ambiguity(text: str, a: int, b: int, year: int, day_first: bool, why: str) -> str:
    """``'02/11/2023' is ambiguous (2 Nov 2023 or 11 Feb 2023); read day-first from ...``."""
    readings = f"{a} {_MONTH_ABBR[b - 1]} {year} or {b} {_MONTH_ABBR[a - 1]} {year}"
    order = "day-first" if day_first else "month-first"
    return f"{text!r} is ambiguous ({readings}); read {order} {why}"


def _year(text: str) -> int:
    # POSIX %y pivot, the same as strptime: 69-99 are 1900s, 00-68 are 2000s.
    if len(text) == 2:
        short = int(text)
        return 1900 + short if short >= 69 else 2000 + short
    return int(text)


def _clock(
    hour: str, minute: str, second: str | None, fraction: str | None, ampm: str | None
) -> time | None:
    h, m = int(hour), int(minute)
    s = int(second) if second else 0
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    if ampm and 1 <= h <= 12:
        # 12 AM is midnight, 12 PM is noon; "17:30 PM" (seen in the wild) keeps its hour.
        h = h % 12 + (12 if ampm.lower() == "p" else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return time(h, m, s, micro)


def _zone(text: str) -> tzinfo:
    upper = text.upper()
    if upper == "Z":
        return UTC
    if upper in _TZ_OFFSETS:
        return timezone(timedelta(minutes=_TZ_OFFSETS[upper]))
    sign_at = 3 if upper[:3] in ("UTC", "GMT") else 0
    sign = -1 if upper[sign_at] == "-" else 1
    digits = upper[sign_at + 1 :].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if minutes > 59:
        raise ValueError(f"timezone offset {text!r} has minutes over 59")
    # timezone() itself rejects offsets of a day or more with a ValueError.
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _parse_formats(value: str, formats: tuple[str, ...]) -> ParsedDate | DateError:
    """Try only the user's formats: on the stripped value, then without a ``Label:`` prefix."""
    stripped = value.strip()
    start = len(value) - len(value.lstrip())
    candidates = [(stripped, start)]
    label = _LABEL.match(stripped)
    if label is not None and label.end() < len(stripped):
        candidates.append((stripped[label.end() :], start + label.end()))
    reason = ""
    for text, at in candidates:
        for fmt in formats:
            try:
                moment = _apply_format(text, fmt)
            except ValueError as exc:
                reason = reason or str(exc)
                continue
            return ParsedDate(moment, text, at, at + len(text))
    shown = ", ".join(repr(f) for f in formats)
    return DateError(f"{_quote(value)} does not match format {shown} ({reason})")


def _apply_format(text: str, fmt: str) -> datetime:
    if fmt.lower() == "iso8601":
        # fromisoformat takes "Z" since 3.11 but not "z"; scrapers emit both.
        if text[-1:] == "z":
            text = text[:-1] + "Z"
        return datetime.fromisoformat(text)
    return datetime.strptime(text, fmt)


def _lenient(stripped: str, start: int, parser: DateParser, relative: bool) -> ParsedDate | None:
    """Slow path: dateparser on the value, then a search inside it, then dateutil."""
    candidates = [(stripped, start)]
    label = _LABEL.match(stripped)
    if label is not None and label.end() < len(stripped):
        candidates.append((stripped[label.end() :], start + label.end()))

    if relative and parser.allow_relative:
        for text, at in candidates:
            moment = _dateparser(text, parser, relative=True)
            if moment is not None:
                return ParsedDate(moment, text, at, at + len(text))
    for text, at in candidates:
        moment = _dateparser(text, parser, relative=False)
        if moment is not None:
            return ParsedDate(moment, text, at, at + len(text))
    searched = _dateparser_search(stripped, parser)
    if searched is not None:
        piece, moment = searched
        offset = stripped.find(piece)
        if offset >= 0:
            return ParsedDate(moment, piece, start + offset, start + offset + len(piece))
    for text, at in candidates:
        moment = _dateutil(text, parser)
        if moment is not None:
            return ParsedDate(moment, text, at, at + len(text))
    return None


def _dateparser_settings(parser: DateParser, *, relative: bool) -> dict[str, object]:
    settings: dict[str, object] = {
        # Without this dateparser reads "1541" as a Unix timestamp and "May 2025" as a day.
        "PARSERS": ["relative-time"] if relative else ["absolute-time"],
        "REQUIRE_PARTS": [] if relative else ["day", "month", "year"],
    }
    if parser.day_first is not None:
        settings["DATE_ORDER"] = "DMY" if parser.day_first else "MDY"
        settings["PREFER_LOCALE_DATE_ORDER"] = False
    if relative and parser.reference is not None:
        # dateparser does arithmetic on a naive base; the zone is put back on the result.
        settings["RELATIVE_BASE"] = parser.reference.replace(tzinfo=None)
    return settings


class _DateDataParser(Protocol):
    def get_date_data(self, date_string: str) -> object: ...


@functools.lru_cache(maxsize=64)
def _date_data_parser(parser: DateParser, relative: bool) -> _DateDataParser:
    from dateparser.date import DateDataParser  # lazy: importing dateparser costs ~0.5 s

    ddp: _DateDataParser = DateDataParser(
        languages=list(parser.languages or DEFAULT_LANGUAGES),
        settings=_dateparser_settings(parser, relative=relative),
    )
    return ddp


def _dateparser_problem(parser: DateParser) -> str | None:
    """Why dateparser cannot run with these settings (unknown language, not installed)."""
    try:
        _date_data_parser(parser, False).get_date_data("1 January 2000")
    except Exception as exc:  # reported to the user instead of silently failing every value
        return f"{type(exc).__name__}: {exc}"
    return None


def _dateparser(text: str, parser: DateParser, *, relative: bool) -> datetime | None:
    try:
        moment = getattr(_date_data_parser(parser, relative).get_date_data(text), "date_obj", None)
    except Exception:  # a third-party parser on arbitrary text; parse() must not raise
        return None
    if not isinstance(moment, datetime):
        return None
    reference = parser.reference
    if relative and reference is not None and reference.tzinfo and moment.tzinfo is None:
        moment = moment.replace(tzinfo=reference.tzinfo)
    return moment


def _dateparser_search(text: str, parser: DateParser) -> tuple[str, datetime] | None:
    try:
        from dateparser.search import search_dates  # lazy, see _date_data_parser

        found = search_dates(
            text,
            languages=list(parser.languages or DEFAULT_LANGUAGES),
            settings=_dateparser_settings(parser, relative=False),
        )
    except Exception:  # a third-party parser on arbitrary text; parse() must not raise
        return None
    if not found:
        return None
    piece, moment = found[0]
    if not isinstance(piece, str) or not isinstance(moment, datetime):
        return None
    return piece, moment


_DATEUTIL_ZONES: dict[str, int] = {name: minutes * 60 for name, minutes in _TZ_OFFSETS.items()}


def _dateutil(text: str, parser: DateParser) -> datetime | None:
    from dateutil import parser as dateutil_parser

    zones = _DATEUTIL_ZONES
    day_first = bool(parser.day_first) if parser.day_first is not None else False
    try:
        # Two different defaults: a part dateutil filled in differs, so the value lacked it.
        one = dateutil_parser.parse(
            text, dayfirst=day_first, default=datetime(2000, 1, 1), tzinfos=zones
        )
        two = dateutil_parser.parse(
            text, dayfirst=day_first, default=datetime(2001, 2, 2), tzinfos=zones
        )
    except Exception:  # a third-party parser on arbitrary text; parse() must not raise
        return None
    return one if one == two else None


def parse_bound(text: str | date, now: datetime) -> datetime:
    """Read a ``not_before``/``not_after`` bound: 'today', 'now', a date or an ISO datetime.

    A day bound ('today', '2025-07-04', or a YAML date) comes back as a naive midnight and is
    compared by calendar day: ``not_after: today`` passes any time today. 'today' is the UTC
    date of ``now`` (naive ``now`` counts as UTC). 'now' and ISO datetimes come back
    timezone-aware (naive taken as UTC) and are compared as instants.
    """
    if isinstance(text, datetime):
        return _as_utc(text)
    if isinstance(text, date):
        return datetime.combine(text, time())
    if not isinstance(text, str):
        raise ValueError(f"bad date bound {text!r}: expected a string")
    word = text.strip().lower()
    if word == "today":
        return datetime.combine(_as_utc(now).date(), time())
    if word == "now":
        return _as_utc(now)
    try:
        if len(word) == 10:
            return datetime.combine(date.fromisoformat(word), time())
        if len(word) > 10:
            return _as_utc(datetime.fromisoformat(word.upper()))
    except ValueError:
        pass
    raise ValueError(
        f"bad date bound {text!r}: use 'today', 'now', a date like '2025-07-04' "
        "or an ISO datetime like '2025-07-04T10:00:00Z'"
    )


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _is_day_bound(bound: datetime) -> bool:
    return bound.tzinfo is None and bound.time() == time()


def is_after(d: datetime, bound: datetime) -> bool:
    """True when ``d`` is later than ``bound`` (by UTC day for a day bound); naive means UTC."""
    if _is_day_bound(bound):
        return _as_utc(d).date() > bound.date()
    return _as_utc(d) > _as_utc(bound)


def is_before(d: datetime, bound: datetime) -> bool:
    """True when ``d`` is earlier than ``bound`` (by UTC day for a day bound); naive means UTC."""
    if _is_day_bound(bound):
        return _as_utc(d).date() < bound.date()
    return _as_utc(d) < _as_utc(bound)


def to_iso(d: datetime) -> str:
    """ISO 8601: just the date for a naive midnight, otherwise the full isoformat."""
    if d.tzinfo is None and d.time() == time():
        return d.date().isoformat()
    return d.isoformat()

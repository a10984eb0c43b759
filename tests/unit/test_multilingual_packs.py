"""The packs in eleven languages: prose that uses chrome words innocently matches nothing,
and labelled chrome lines are all flagged and removed.

Precision first: ``fixtures/prose/multilingual/<lang>.txt`` holds invented article paragraphs
(cookie law, a spokesman who declined to comment, readers' comments, the sharing economy, a
newsletter business, Twitter as a company, a section heading used inside a sentence) that no
rule of any pack may match, through the ``no_boilerplate`` check or the ``strip_boilerplate``
cleaner. A line that is exactly ``Commenti`` is chrome by design; a sentence that contains it,
or starts with ``Commenti:`` and goes on, is prose. Likewise a line that opens with a banner
sentence (``Utilizziamo i cookie ...``) is chrome, as in English; quoted speech that opens a
paragraph starts with a quotation mark and so stays prose (Chinese reported speech often has no
quotation marks, so the Chinese banner sentence must also go on the way banners do).

Recall: ``fixtures/web/multilingual/pages.jsonl`` holds line-shaped pages, one record per
page (``id``, ``lang``, ``text``, ``junk``: the exact chrome lines of the page). Every junk
line must be flagged and removed, and every other line must survive cleaning unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cleaners import make_cleaner
from scrapegate.packs import PackRule, available_packs, load_pack
from scrapegate.regex import compile_pattern
from scrapegate.registry import Violation, get_check
from scrapegate.textnorm import normalize_for_matching

ROOT = Path(__file__).resolve().parents[2]
PROSE_DIR = ROOT / "fixtures" / "prose" / "multilingual"
PAGES = ROOT / "fixtures" / "web" / "multilingual" / "pages.jsonl"
LANGS = ("de", "en", "es", "fr", "it", "ja", "nl", "pl", "pt", "ru", "zh")
ALL_PACKS = tuple(available_packs())
RULES: list[PackRule] = [rule for name in ALL_PACKS for rule in load_pack(name).rules]

# Words each prose file must use innocently (lower-cased substring test).
INNOCENT_WORDS = {
    "en": ("comment", "cookies", "newsletter", "share", "twitter", "subscribe", "accept all"),
    "de": ("kommentar", "cookies", "newsletter", "teilen", "twitter", "alle akzeptieren"),
    "fr": ("commentaires", "cookies", "newsletter", "partager", "twitter", "tout accepter"),
    "es": ("comentarios", "cookies", "newsletter", "compartir", "twitter", "aceptar todas"),
    "it": ("commenti", "cookie", "newsletter", "condividere", "twitter", "accetta tutti i cookie"),
    "pt": ("comentários", "cookies", "newsletter", "partilha", "twitter", "aceitar todos"),
    "nl": ("reacties", "cookies", "nieuwsbrie", "delen", "twitter", "alle cookies accepteren"),
    "pl": ("komentarz", "cookies", "newsletter", "udostępni", "twitter", "akceptuję wszystkie"),
    "ru": ("комментари", "cookie", "рассылк", "поделиться", "twitter", "принять все"),
    "ja": ("コメント", "cookie", "ニュースレター", "共有", "ツイッター", "すべて受け入れる"),
    "zh": ("评论", "cookie", "新闻通讯", "分享", "推特", "全部接受"),
}

Check = Callable[[str], list[Violation]]


def _no_boilerplate() -> Check:
    check_type = get_check("no_boilerplate")
    evaluator: Check = check_type.factory(check_type.params(packs=ALL_PACKS), None)
    return evaluator


NO_BOILERPLATE = _no_boilerplate()
STRIP = make_cleaner("strip_boilerplate", packs=list(ALL_PACKS))


def _prose(lang: str) -> str:
    return (PROSE_DIR / f"{lang}.txt").read_text(encoding="utf-8")


def _records() -> list[dict[str, Any]]:
    lines = PAGES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


RECORDS = _records()


def rule_hits(text: str) -> list[str]:
    """``pack/rule matched line N: '...'`` for every rule that matches a line of ``text``."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        view = normalize_for_matching(line)
        for rule in RULES:
            match = compile_pattern(rule.compiled_source).search(view)
            if match is not None:
                found.append(
                    f"{rule.qualified_name} matched line {number}: {match.group(0)!r} in {line!r}"
                )
    return found


# --- the prose fixture ------------------------------------------------------------------------


def test_every_language_has_a_prose_file() -> None:
    assert sorted(p.stem for p in PROSE_DIR.glob("*.txt")) == sorted(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_prose_file_is_substantial_and_uses_the_chrome_words(lang: str) -> None:
    text = _prose(lang)
    lines = [line for line in text.splitlines() if line.strip()]
    assert 15 <= len(lines) <= 30, f"{lang}.txt has {len(lines)} lines"
    assert all(len(line.split()) >= 5 or not line.isascii() for line in lines)
    lowered = text.lower()
    missing = [w for w in INNOCENT_WORDS[lang] if w not in lowered]
    assert not missing, f"{lang}.txt lacks an innocent use of {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_rule_of_any_pack_matches_a_prose_line(lang: str) -> None:
    hits = rule_hits(_prose(lang))
    assert not hits, "\n".join(hits)


@pytest.mark.parametrize("lang", LANGS)
def test_no_boilerplate_passes_the_prose(lang: str) -> None:
    text = _prose(lang)
    violations = NO_BOILERPLATE(text)
    assert not violations, (
        "\n".join(v.message for v in violations) + "\n" + "\n".join(rule_hits(text))
    )


@pytest.mark.parametrize("lang", LANGS)
def test_strip_boilerplate_leaves_the_prose_unchanged(lang: str) -> None:
    text = _prose(lang)
    cleaned = STRIP(text)
    removed = [line for line in text.split("\n") if line not in cleaned.split("\n")]
    assert cleaned == text, f"removed {removed}\n" + "\n".join(rule_hits(text))


# --- the labelled junk pages ------------------------------------------------------------------


def test_junk_fixture_covers_every_language() -> None:
    assert sorted({r["lang"] for r in RECORDS}) == sorted(LANGS)
    ids = [r["id"] for r in RECORDS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: str(r["id"]))
def test_junk_record_is_well_formed(record: dict[str, Any]) -> None:
    assert set(record) == {"id", "lang", "text", "junk"}
    lines = record["text"].split("\n")
    assert record["junk"], "a page needs labelled junk"
    missing = [j for j in record["junk"] if j not in lines]
    assert not missing, f"junk not a line of the page: {missing}"
    assert len(lines) > len(record["junk"]), "a page needs article lines"


def _flagged_lines(text: str) -> set[int]:
    """Numbers of the lines the check flags, each judged with its neighbours as context.

    The check reports the first match of each rule, so each line is judged alone and in a
    window of three lines: a lone "Partager" counts only next to other chrome.
    """
    lines = text.split("\n")
    flagged = set()
    for n in range(len(lines)):
        if NO_BOILERPLATE(lines[n]):
            flagged.add(n)
            continue
        low = max(0, n - 1)
        window = "\n".join(lines[low : n + 2])
        first = len("\n".join(lines[low:n])) + (1 if n > low else 0)
        last = first + len(lines[n])
        if any(
            v.start is not None and first <= v.start <= last and v.end is not None
            for v in NO_BOILERPLATE(window)
        ):
            flagged.add(n)
    return flagged


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: str(r["id"]))
def test_every_junk_line_is_flagged(record: dict[str, Any]) -> None:
    text = record["text"]
    flagged = _flagged_lines(text)
    lines = text.split("\n")
    junk_lines = {n for n, line in enumerate(lines) if line in record["junk"]}
    assert not junk_lines - flagged, [lines[n] for n in sorted(junk_lines - flagged)]
    assert flagged <= junk_lines, [lines[n] for n in sorted(flagged - junk_lines)]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: str(r["id"]))
def test_strip_boilerplate_removes_the_junk_and_keeps_the_article(record: dict[str, Any]) -> None:
    article = [line for line in record["text"].split("\n") if line not in record["junk"]]
    assert STRIP(record["text"]).split("\n") == article


# --- per-language scores ----------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Junk lines flagged out of labelled junk, and clean lines flagged out of clean lines."""

    lang: str
    junk_flagged: int
    junk_total: int
    clean_flagged: int
    clean_total: int


def language_scores() -> list[Score]:
    """Per-language recall on the junk pages and false positives on prose and article lines."""
    scores = []
    for lang in LANGS:
        pages = [r for r in RECORDS if r["lang"] == lang]
        junk_flagged = 0
        for r in pages:
            flagged = _flagged_lines(r["text"])
            junk_flagged += sum(
                1
                for n, line in enumerate(r["text"].split("\n"))
                if line in r["junk"] and n in flagged
            )
        junk = [j for r in pages for j in r["junk"]]
        clean = [line for line in _prose(lang).split("\n") if line.strip()]
        clean += [
            line
            for r in RECORDS
            if r["lang"] == lang
            for line in r["text"].split("\n")
            if line not in r["junk"]
        ]
        scores.append(
            Score(
                lang,
                junk_flagged,
                len(junk),
                sum(1 for line in clean if NO_BOILERPLATE(line)),
                len(clean),
            )
        )
    return scores


def test_every_language_has_full_recall_and_no_false_positive() -> None:
    scores = language_scores()
    table = "\n".join(
        f"{s.lang}: junk {s.junk_flagged}/{s.junk_total}, "
        f"clean lines flagged {s.clean_flagged}/{s.clean_total}"
        for s in scores
    )
    assert all(s.junk_flagged == s.junk_total for s in scores), table
    assert all(s.clean_flagged == 0 for s in scores), table

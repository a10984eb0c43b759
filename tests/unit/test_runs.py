"""Runs of chrome and ambiguous words: what no_boilerplate flags and strip_boilerplate cuts."""

from __future__ import annotations

import pytest

from scrapegate.cleaners import make_cleaner
from scrapegate.registry import Violation, get_check

PACKS = ("comment_widgets", "contact_forms", "portal_chrome", "share_buttons")
_CHECK = get_check("no_boilerplate")
CHECK = _CHECK.factory(_CHECK.params(packs=PACKS), None)
STRIP = make_cleaner("strip_boilerplate", packs=list(PACKS))


def _messages(text: str) -> list[str]:
    return [v.message for v in CHECK(text)]


@pytest.mark.parametrize(
    "text",
    [
        "The menu at the new restaurant includes fish.\nMenu\nIts chef trained in Lyon.",
        "Print\nPrint newspapers lost readers again this year.",
        "Close\nThe vote was close, and a recount is due on Monday.",
        "The company changed its name.\n\nTwitter\n\nTwitter was founded in 2006.",
        "Let the unknown be\nx\nand solve 3x + 2 = 11.",
        "The Search Engine Print Advertising Close Reading Group met on Monday.",
        "Platforms such as Facebook, Twitter and LinkedIn said they would comply.",
    ],
)
def test_ordinary_prose_with_chrome_words_is_not_flagged(text: str) -> None:
    assert _messages(text) == []
    assert STRIP(text) == text


def test_crlf_line_endings_do_not_hide_chrome_lines() -> None:
    text = "Body text of the article here.\r\nComments\r\nLoading...\r\nClose\r\n"
    assert len(CHECK(text)) == 3
    assert STRIP(text) == "Body text of the article here.\r\n"


def test_a_markdown_link_run_is_quoted_and_cut_whole_leaving_the_sentences_around_it() -> None:
    text = (
        "Lead sentence of the story. * [Comments](#comments) * [Share](#share) "
        "* [Print](#print) Tail sentence after the list."
    )
    (violation,) = CHECK(text)
    assert "'* [Comments](#comments) * [Share](#share) * [Print](#print)'" in violation.message
    assert STRIP(text) == "Lead sentence of the story.  Tail sentence after the list."


def test_an_ambiguous_word_in_a_markdown_link_list_counts_between_chrome() -> None:
    text = "Intro.\n* [Comments](#comments)\n* [Share](#share)\n* [Print](#print)\nEnd."
    assert len(CHECK(text)) == 3
    assert STRIP(text) == "Intro.\nEnd."


def test_a_short_flattened_line_keeps_its_words_when_a_run_is_cut_out() -> None:
    assert STRIP("Story text. Facebook Twitter LinkedIn WhatsApp Email") == "Story text. "


def test_a_page_that_is_one_long_run_gives_a_bounded_message() -> None:
    text = "Share Facebook Twitter " * 2000
    (violation,) = CHECK(text)
    assert isinstance(violation, Violation)
    assert len(violation.message) < 600
    assert "characters)" in violation.message
    assert STRIP(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "Menu Cerca... Il comune rinnova la biblioteca. I lavori durano un anno.",
        "Меню Поиск... Город ремонтирует библиотеку. Работы продлятся год.",
        "メニュー 検索... 市が図書館を改修する。工事は一年続く。",
    ],
)
def test_a_menu_and_a_search_box_that_open_a_flattened_page_are_flagged_and_cut(
    text: str,
) -> None:
    (message,) = _messages(text)
    assert "portal_chrome" in message
    cleaned = STRIP(text)
    assert cleaned.split()[0] not in text.split()[:2], cleaned
    assert text.split()[2] in cleaned


@pytest.mark.parametrize(
    "text",
    [
        # The same pair later in the text, and a pair without a placeholder, stay prose.
        "Il comune rinnova la biblioteca. Menu Cerca... è il nome della mostra.",
        "Menu Search the archive for older issues of the paper.",
        "Suche: Kommentare der Leser zeigen, dass der Plan umstritten ist.",
        "Cerca... the word on the poster, said the curator, is Italian for searching.",
    ],
)
def test_a_pair_with_a_placeholder_anywhere_else_is_prose(text: str) -> None:
    assert _messages(text) == []
    assert STRIP(text) == text


def test_a_line_of_three_bare_chrome_words_is_a_share_bar() -> None:
    text = "The council met on Monday.\nPrint Email Share\nIt will meet again in May.\n"
    (message,) = _messages(text)
    assert "run of 3 chrome items 'Print Email Share'" in message
    assert STRIP(text) == "The council met on Monday.\nIt will meet again in May.\n"
    # The same words inside a line of prose need a fourth, as before.
    assert _messages("Print Email Share this story with your friends, the editor said.") == []


def test_a_run_that_ends_where_a_sentence_opens_with_a_chrome_word_keeps_its_own_items() -> None:
    # "CLOSE Comments" is one item (a close-comments button); "Comments" opens the sentence.
    text = "The publisher said. Comments Actions Loading... CLOSE Comments from the public."
    assert " ".join(STRIP(text).split()) == "The publisher said. Comments from the public."

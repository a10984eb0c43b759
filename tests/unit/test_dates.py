"""Behaviour of the shared date parser (scrapegate.dates) on real scraped date strings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapegate import dates
from scrapegate.dates import (
    DateError,
    DateParser,
    ParsedDate,
    is_after,
    is_before,
    parse_bound,
    to_iso,
)

EST = timezone(timedelta(hours=-5))
REFERENCE = datetime(2025, 7, 4, 12, 0, tzinfo=UTC)


def parsed(value: str, parser: DateParser | None = None) -> ParsedDate:
    result = (parser or DateParser()).parse(value)
    assert isinstance(result, ParsedDate), result
    return result


def rejected(value: str, parser: DateParser | None = None) -> str:
    result = (parser or DateParser()).parse(value)
    assert isinstance(result, DateError), result
    return result.message


ACCEPT = [
    ("Jul 4, 2025", datetime(2025, 7, 4)),
    ("July 4, 2025", datetime(2025, 7, 4)),
    ("04.07.2025", datetime(2025, 7, 4)),
    ("26. Februar 2020", datetime(2020, 2, 26)),
    ("4 de julio de 2022", datetime(2022, 7, 4)),
    ("21.dez.2018 às 2h00", datetime(2018, 12, 21, 2, 0)),
    ("2025-07-04T10:32:00Z", datetime(2025, 7, 4, 10, 32, tzinfo=UTC)),
    ("2025-07-04", datetime(2025, 7, 4)),
    ("Veröffentlicht am: 04.07.2025, 11:39 Uhr", datetime(2025, 7, 4, 11, 39)),
    ("Updated: Nov. 9, 2023 5:30 PM EST", datetime(2023, 11, 9, 17, 30, tzinfo=EST)),
    ("By Jane Doe | 08:44, 3 NOV 2023", datetime(2023, 11, 3, 8, 44)),
    ("Published 3 November 2023", datetime(2023, 11, 3)),
    ("le 12 mars 2024 à 10h15", datetime(2024, 3, 12, 10, 15)),
    ("Mon, 07 Jul 2025 09:00:00 GMT", datetime(2025, 7, 7, 9, 0, tzinfo=UTC)),
    ("7/4/2025", datetime(2025, 7, 4)),
    ("Posted on the 4th of July, 2025 by admin", datetime(2025, 7, 4)),
    ("Friday, July 4th, 2025 at 3:15 pm", datetime(2025, 7, 4, 15, 15)),
    ("4 luglio 2025 alle 10:15", datetime(2025, 7, 4, 10, 15)),
    ("4 juli 2025 om 10:15", datetime(2025, 7, 4, 10, 15)),
    ("4 de julho de 2025 às 10h15", datetime(2025, 7, 4, 10, 15)),
    ("1er mars 2024", datetime(2024, 3, 1)),
    ("04.07.25", datetime(2025, 7, 4)),
    ("  2025/07/04  ", datetime(2025, 7, 4)),
    ("04/Jul/2025:10:00:00 +0000", datetime(2025, 7, 4, 10, 0, tzinfo=UTC)),
    (
        "2025-07-04 10:32:00.123456+02:00",
        datetime(2025, 7, 4, 10, 32, 0, 123456, tzinfo=timezone(timedelta(hours=2))),
    ),
    ("12:05 AM, Jul 4, 2025", datetime(2025, 7, 4, 0, 5)),
    ("Jul 4, 2025 12:00 AM", datetime(2025, 7, 4, 0, 0)),
    ("Jul 4, 2025 99:99", datetime(2025, 7, 4)),
    ("Stand: 3. MÄRZ 2024", datetime(2024, 3, 3)),
    ("Montag, 4. Juli 2025, 10:15 Uhr", datetime(2025, 7, 4, 10, 15)),
    ("2025-07-04 10:32:00 +0200", datetime(2025, 7, 4, 8, 32, tzinfo=UTC)),
]


@pytest.mark.parametrize(("value", "expected"), ACCEPT)
def test_scraped_date_parses_to_expected_datetime(value: str, expected: datetime) -> None:
    result = parsed(value)
    assert result.value == expected
    assert (result.value.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize(("value", "expected"), ACCEPT)
def test_span_points_at_the_matched_text_inside_the_value(value: str, expected: datetime) -> None:
    result = parsed(value)
    assert value[result.start : result.end] == result.matched
    assert result.matched.strip() == result.matched
    assert result.matched


@pytest.mark.parametrize(
    ("value", "matched"),
    [
        ("Veröffentlicht am: 04.07.2025, 11:39 Uhr", "04.07.2025, 11:39 Uhr"),
        ("Published 3 November 2023", "3 November 2023"),
        ("Updated: Nov. 9, 2023 5:30 PM EST", "Nov. 9, 2023 5:30 PM EST"),
        ("By Jane Doe | 08:44, 3 NOV 2023", "08:44, 3 NOV 2023"),
        ("Mon, 07 Jul 2025 09:00:00 GMT", "Mon, 07 Jul 2025 09:00:00 GMT"),
        ("Jul 4, 2025 99:99", "Jul 4, 2025"),
        ("am Montag, 4. Juli 2025, 10:15 Uhr.", "Montag, 4. Juli 2025, 10:15 Uhr"),
    ],
)
def test_matched_span_covers_date_and_time_but_not_labels(value: str, matched: str) -> None:
    assert parsed(value).matched == matched


def test_timezone_aware_input_stays_aware() -> None:
    assert parsed("2025-07-04T10:32:00+02:00").value.utcoffset() == timedelta(hours=2)


def test_lowercase_french_word_is_not_read_as_a_timezone() -> None:
    assert parsed("12 mars 2024 à 10h15 cet après-midi").value.tzinfo is None


def test_month_name_with_words_around_it_goes_to_the_lenient_parser() -> None:
    result = parsed("Erschienen im Mai 2025 am 3.")
    assert result.value == datetime(2025, 5, 3)
    assert result.matched in "Erschienen im Mai 2025 am 3."


REJECT = [
    ("XUM1541", "only numbers, no month or day-month-year pattern"),
    ("Tweet of the Week #67", "only numbers"),
    ("539 drones and 11 missiles", "only numbers"),
    ("Page 3 of 12", "only numbers"),
    ("192.168.1.10", "only numbers"),
    ("Version 1.2.3", "only numbers"),
    ("12025-07-04", "only numbers"),
    ("2025", "a bare year is not a date"),
    ("", "empty value"),
    ("   \t", "blank value"),
    ("null", "placeholder"),
    ("N/A", "placeholder"),
    ("hello", "no digits or month name"),
    ("July", "a month name but no day or year"),
    ("July 2025", "no complete day, month and year"),
    ("10:04 July 2025", "no complete day, month and year"),
    ("31.02.2025", "impossible date '31.02.2025' (day is out of range for month)"),
    ("2025-13-01", "month must be in 1..12"),
    ("Stand: 31.02.2025", "impossible date '31.02.2025' in 'Stand: 31.02.2025'"),
    ("3 hours ago", "relative date; set allow_relative"),
    ("gestern", "relative date"),
    ("yesterday", "relative date"),
    ("il y a 2 jours", "relative date"),
]


@pytest.mark.parametrize(("value", "fragment"), REJECT)
def test_non_date_is_rejected_with_reason(value: str, fragment: str) -> None:
    message = rejected(value)
    assert fragment in message
    assert repr(value) in message


def test_error_message_for_huge_value_is_truncated() -> None:
    message = rejected("x" * 5000 + " 42")
    assert "5003 chars" in message
    assert len(message) < 400


def test_non_string_input_is_an_error_not_an_exception() -> None:
    result = DateParser().parse(5)  # type: ignore[arg-type]
    assert isinstance(result, DateError)
    assert "expected a string, got int" in result.message


# --- user-given formats --------------------------------------------------------------------


def test_formats_parse_whole_value() -> None:
    parser = DateParser(formats=("%d.%m.%Y",))
    assert parsed("04.07.2025", parser).value == datetime(2025, 7, 4)


def test_formats_skip_a_leading_label() -> None:
    result = parsed("Veröffentlicht am: 04.07.2025", DateParser(formats=("%d.%m.%Y",)))
    assert result.value == datetime(2025, 7, 4)
    assert (result.start, result.end, result.matched) == (19, 29, "04.07.2025")


def test_formats_are_tried_in_order_and_only_they_are_tried() -> None:
    parser = DateParser(formats=("%Y-%m-%d", "%d/%m/%Y"))
    assert parsed("04/07/2025", parser).value == datetime(2025, 7, 4)
    assert "does not match format '%Y-%m-%d', '%d/%m/%Y'" in rejected("Jul 4, 2025", parser)


def test_iso8601_format_accepts_z_suffix() -> None:
    parser = DateParser(formats=("iso8601",))
    assert parsed("2025-07-04T10:32:00Z", parser).value == datetime(2025, 7, 4, 10, 32, tzinfo=UTC)
    assert parsed("2025-07-04T10:32:00z", parser).value.tzinfo is not None
    assert parsed("2025-07-04", parser).value == datetime(2025, 7, 4)


def test_formats_report_why_the_value_does_not_match() -> None:
    message = rejected("31.02.2025", DateParser(formats=("%d.%m.%Y",)))
    assert "'31.02.2025' does not match format '%d.%m.%Y'" in message
    assert "day is out of range" in message


def test_formats_given_as_list_are_accepted() -> None:
    parser = DateParser(formats=["%d.%m.%Y"])  # type: ignore[arg-type]
    assert parser.formats == ("%d.%m.%Y",)
    assert parsed("04.07.2025", parser).value == datetime(2025, 7, 4)


def test_bad_strptime_directive_is_an_error_not_an_exception() -> None:
    assert isinstance(DateParser(formats=("%Q-%",)).parse("2025"), DateError)


# --- day order and languages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parser", "value", "expected"),
    [
        (DateParser(), "7/4/2025", date(2025, 7, 4)),
        (DateParser(languages=("en",)), "7/4/2025", date(2025, 7, 4)),
        (DateParser(languages=("en", "de")), "7/4/2025", date(2025, 7, 4)),
        (DateParser(languages=("de",)), "7/4/2025", date(2025, 4, 7)),
        (DateParser(languages=("de", "en")), "7/4/2025", date(2025, 4, 7)),
        (DateParser(day_first=True), "7/4/2025", date(2025, 4, 7)),
        (DateParser(languages=("de",), day_first=False), "7/4/2025", date(2025, 7, 4)),
        (DateParser(), "13/4/2025", date(2025, 4, 13)),
        (DateParser(languages=("de",)), "4/13/2025", date(2025, 4, 13)),
        (DateParser(), "04.07.2025", date(2025, 7, 4)),
        (DateParser(languages=("en",)), "04.07.2025", date(2025, 7, 4)),
        (DateParser(day_first=False), "04.07.2025", date(2025, 4, 7)),
    ],
)
def test_numeric_day_order_follows_value_then_setting_then_language(
    parser: DateParser, value: str, expected: date
) -> None:
    assert parsed(value, parser).value.date() == expected


def test_explicit_day_first_is_strict() -> None:
    assert "month must be in 1..12" in rejected("13/4/2025", DateParser(day_first=False))


def test_month_name_outside_the_given_languages_is_rejected() -> None:
    message = rejected("4 de julio de 2022", DateParser(languages=("en",)))
    assert "month name 'julio' is not in languages ('en',)" in message


def test_month_name_in_the_given_languages_is_accepted() -> None:
    assert parsed("4 de julio de 2022", DateParser(languages=("es",))).value == datetime(2022, 7, 4)


@pytest.mark.parametrize(("name", "month"), sorted(dates._MONTH_NUMBER.items()))
def test_every_known_month_name_is_read_on_the_fast_path(name: str, month: int) -> None:
    for value in (f"3 {name} 2024", f"3. {name.upper()}. 2024", f"{name.title()} 3, 2024"):
        result = dates._fast(value, DateParser())
        assert isinstance(result, ParsedDate), value
        assert result.value == datetime(2024, month, 3)


def test_unknown_language_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match=r"unknown date language.*'xx'"):
        DateParser(languages=("en", "xx"))


def test_language_outside_the_builtin_tables_is_left_to_dateparser() -> None:
    result = parsed("4 Temmuz 2025", DateParser(languages=("tr",)))
    assert result.value == datetime(2025, 7, 4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5 marca 2021", datetime(2021, 3, 5)),
        ("Opublikowano: 12 października 2020, 10:15", datetime(2020, 10, 12, 10, 15)),
        ("1 maja 2019", datetime(2019, 5, 1)),
        ("5 марта 2021 г.", datetime(2021, 3, 5)),
        ("Опубликовано 4 июля 2025 г., 18:40", datetime(2025, 7, 4, 18, 40)),
        ("1 Мая 2019", datetime(2019, 5, 1)),
        ("令和3年3月5日", datetime(2021, 3, 5)),
        ("令和３年３月５日", datetime(2021, 3, 5)),
        ("公開日：令和元年5月1日(水) 午後3時30分", datetime(2019, 5, 1, 15, 30)),
        ("平成31年4月30日", datetime(2019, 4, 30)),
        ("昭和64年1月7日 10:05", datetime(1989, 1, 7, 10, 5)),
    ],
)
def test_polish_and_russian_genitive_months_and_japanese_eras_parse_fast(
    value: str, expected: datetime
) -> None:
    result = dates._fast(value, DateParser())
    assert isinstance(result, ParsedDate), value
    assert result.value == expected
    assert value[result.start : result.end] == result.matched


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("平成32年1月1日", "(平成 has years 1 to 31)"),
        ("令和3年2月30日", "(day is out of range for month)"),
        ("令和0年1月1日", "(era years start at 1)"),
    ],
)
def test_impossible_era_dates_say_why(value: str, fragment: str) -> None:
    result = DateParser().parse(value)
    assert isinstance(result, DateError)
    assert result.message == f"impossible date {value!r} in {value!r} {fragment}"


def test_polish_month_names_follow_languages_like_the_others() -> None:
    assert parsed("5 marca 2021", DateParser(languages=("pl",))).value == datetime(2021, 3, 5)
    assert "not in languages ('de',)" in str(DateParser(languages=("de",)).parse("5 marca 2021"))


def test_month_names_mean_the_same_month_in_every_language() -> None:
    numbers, _ = dates._build_months()
    assert numbers["mar"] == 3
    assert numbers["dez"] == 12
    assert numbers["set"] == 9


# --- relative dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3 hours ago", datetime(2025, 7, 4, 9, 0, tzinfo=UTC)),
        ("yesterday", datetime(2025, 7, 3, 12, 0, tzinfo=UTC)),
        ("gestern", datetime(2025, 7, 3, 12, 0, tzinfo=UTC)),
        ("vor 3 Stunden", datetime(2025, 7, 4, 9, 0, tzinfo=UTC)),
        ("il y a 2 jours", datetime(2025, 7, 2, 12, 0, tzinfo=UTC)),
    ],
)
def test_relative_date_parses_against_reference_when_allowed(
    value: str, expected: datetime
) -> None:
    parser = DateParser(allow_relative=True, reference=REFERENCE)
    assert parsed(value, parser).value == expected


def test_relative_date_with_naive_reference_stays_naive() -> None:
    parser = DateParser(allow_relative=True, reference=datetime(2025, 7, 4, 12, 0))
    assert parsed("3 hours ago", parser).value == datetime(2025, 7, 4, 9, 0)


def test_relative_date_without_reference_is_relative_to_now() -> None:
    before = datetime.now()
    value = parsed("yesterday", DateParser(allow_relative=True)).value
    assert before - timedelta(days=1, minutes=5) < value < datetime.now()


def test_absolute_date_wins_over_a_relative_word() -> None:
    assert parsed("Updated 2 days ago, Jul 4, 2025").value == datetime(2025, 7, 4)


# --- bounds --------------------------------------------------------------------------------

NOW = datetime(2025, 7, 4, 15, 30, tzinfo=UTC)


def test_bound_today_is_a_day_bound_for_the_utc_date_of_now() -> None:
    assert parse_bound("today", NOW) == datetime(2025, 7, 4)
    late_evening_new_york = datetime(2025, 7, 4, 22, 0, tzinfo=EST)
    assert parse_bound(" Today ", late_evening_new_york) == datetime(2025, 7, 5)


def test_bound_now_is_an_aware_instant() -> None:
    assert parse_bound("now", NOW) == NOW
    assert parse_bound("now", datetime(2025, 7, 4, 15, 30)).tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-04", datetime(2025, 7, 4)),
        ("2025-07-04T10:00:00Z", datetime(2025, 7, 4, 10, tzinfo=UTC)),
        ("2025-07-04T10:00:00", datetime(2025, 7, 4, 10, tzinfo=UTC)),
        ("2025-07-04T12:00:00+02:00", datetime(2025, 7, 4, 10, tzinfo=UTC)),
        (date(2025, 7, 4), datetime(2025, 7, 4)),
    ],
)
def test_bound_accepts_dates_and_iso_datetimes(text: str | date, expected: datetime) -> None:
    assert parse_bound(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "04.07.2025", "", "2025-02-30", "soon"])
def test_bad_bound_raises_value_error_naming_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match=r"bad date bound .*'today', 'now', a date like"):
        parse_bound(text, NOW)


def test_not_after_today_ignores_time_of_day() -> None:
    today = parse_bound("today", NOW)
    assert not is_after(datetime(2025, 7, 4, 23, 59), today)
    assert is_after(datetime(2025, 7, 5, 0, 1), today)


def test_day_bound_compares_aware_values_by_their_utc_date() -> None:
    today = parse_bound("today", NOW)
    # 21:00 in New York on 4 July is 02:00 UTC on 5 July.
    assert is_after(datetime(2025, 7, 4, 21, 0, tzinfo=EST), today)
    assert not is_before(datetime(2025, 7, 4, 0, 0, tzinfo=UTC), today)
    assert is_before(datetime(2025, 7, 3, 23, 59), today)


def test_instant_bound_compares_naive_and_aware_without_crashing() -> None:
    now = parse_bound("now", NOW)
    assert is_after(datetime(2025, 7, 4, 15, 31), now)
    assert is_after(datetime(2025, 7, 4, 11, 0, tzinfo=EST), now)  # 16:00 UTC
    assert not is_after(datetime(2025, 7, 4, 10, 29, tzinfo=EST), now)
    assert is_before(datetime(2025, 7, 4, 10, 0, tzinfo=EST), now)
    assert not is_before(NOW, now)
    assert not is_after(NOW, now)


# --- to_iso --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 7, 4), "2025-07-04"),
        (datetime(2025, 7, 4, 10, 32), "2025-07-04T10:32:00"),
        (datetime(2025, 7, 4, tzinfo=UTC), "2025-07-04T00:00:00+00:00"),
        (datetime(2025, 7, 4, 17, 30, tzinfo=EST), "2025-07-04T17:30:00-05:00"),
    ],
)
def test_to_iso_is_date_only_for_naive_midnight(value: datetime, expected: str) -> None:
    assert to_iso(value) == expected


# --- caching and robustness ----------------------------------------------------------------


@pytest.mark.parametrize("value", [v for v, _ in ACCEPT] + [v for v, _ in REJECT])
def test_cached_result_equals_uncached_result(value: str) -> None:
    parser = DateParser()
    first = parser.parse(value)
    again = parser.parse(value)
    assert first == again == dates._parse(value, parser)


def test_cache_is_keyed_by_settings() -> None:
    assert parsed("7/4/2025", DateParser(day_first=True)).value == datetime(2025, 4, 7)
    assert parsed("7/4/2025", DateParser(day_first=False)).value == datetime(2025, 7, 4)


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_parse_never_raises_on_any_text(value: str) -> None:
    result = DateParser().parse(value)
    assert isinstance(result, ParsedDate | DateError)
    if isinstance(result, ParsedDate):
        assert value[result.start : result.end] == result.matched


_PIECES = ["Jul", "4", ", ", "2025", "März", "ago", " de ", " ", "12:30", ".", "/", "-", "PM"]


@settings(deadline=None, max_examples=150)
@given(
    st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=8).map("".join),
    st.sampled_from(
        [
            DateParser(),
            DateParser(languages=("de",)),
            DateParser(allow_relative=True, reference=REFERENCE),
            DateParser(formats=("%d.%m.%Y", "iso8601")),
        ]
    ),
)
def test_parse_never_raises_on_date_like_text(value: str, parser: DateParser) -> None:
    result = parser.parse(value)
    assert isinstance(result, ParsedDate | DateError)
    if isinstance(result, ParsedDate):
        assert value[result.start : result.end] == result.matched


# --- CJK, Hungarian and Korean dates -------------------------------------------------------

CJK_AND_DOTTED = [
    ("2021年3月5日", datetime(2021, 3, 5), "2021年3月5日"),
    ("2021年03月05日", datetime(2021, 3, 5), "2021年03月05日"),
    ("2020年7月1日 10時00分", datetime(2020, 7, 1, 10, 0), "2020年7月1日 10時00分"),
    ("2020年7月1日(水) 10:00", datetime(2020, 7, 1, 10, 0), "2020年7月1日(水) 10:00"),
    ("公開日：2020年7月1日（水）", datetime(2020, 7, 1), "2020年7月1日（水）"),
    ("２０２１年３月５日", datetime(2021, 3, 5), "２０２１年３月５日"),
    (
        "２０２１年３月５日 １０：３０",
        datetime(2021, 3, 5, 10, 30),
        "２０２１年３月５日 １０：３０",
    ),
    ("2021年3月5日 星期五", datetime(2021, 3, 5), "2021年3月5日 星期五"),
    ("发布时间：2021年3月5日 下午2:05", datetime(2021, 3, 5, 14, 5), "2021年3月5日 下午2:05"),
    ("2020年7月1日 午後3時30分", datetime(2020, 7, 1, 15, 30), "2020年7月1日 午後3時30分"),
    ("2021년 3월 5일", datetime(2021, 3, 5), "2021년 3월 5일"),
    ("2021년 3월 5일 (금) 오후 3:00", datetime(2021, 3, 5, 15, 0), "2021년 3월 5일 (금) 오후 3:00"),
    ("2021. 3. 5.", datetime(2021, 3, 5), "2021. 3. 5"),
    ("2020. 06. 04.", datetime(2020, 6, 4), "2020. 06. 04"),
    ("2020. 06. 04. 11:27", datetime(2020, 6, 4, 11, 27), "2020. 06. 04. 11:27"),
    ("2020.06.04.", datetime(2020, 6, 4), "2020.06.04"),
    ("Frissítve: 2020. 06. 04. 11:27", datetime(2020, 6, 4, 11, 27), "2020. 06. 04. 11:27"),
]


@pytest.mark.parametrize(("value", "expected", "matched"), CJK_AND_DOTTED)
def test_cjk_and_year_first_dotted_dates_parse_on_the_fast_path(
    value: str, expected: datetime, matched: str
) -> None:
    found = dates._fast(value, DateParser(languages=("ja",)))
    assert isinstance(found, ParsedDate), found
    assert (found.value, found.matched) == (expected, matched)
    assert value[found.start : found.end] == matched
    assert parsed(value).value == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2021年13月5日", "impossible date '2021年13月5日' (month must be in 1..12)"),
        ("２０２１年２月３０日", "impossible date '２０２１年２月３０日' (day is out of range"),
        ("2021년 2월 30일", "impossible date"),
        ("2020. 13. 04.", "impossible date"),
        ("2021年3月", "no date"),
        ("第2021号", "no date"),
    ],
)
def test_impossible_or_incomplete_cjk_dates_fail_with_the_value_quoted(
    value: str, fragment: str
) -> None:
    assert fragment in rejected(value)


def test_hungarian_month_names_parse_with_the_hungarian_language() -> None:
    assert parsed("2020. június 4.", DateParser(languages=("hu",))).value == datetime(2020, 6, 4)


def test_full_width_digits_without_a_date_shape_never_reach_the_lenient_parsers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("lenient parser called")

    monkeypatch.setattr(dates, "_lenient", boom)
    assert "only numbers" in rejected("ＸＵＭ１５４１")
    # A month name beside full-width digits was "no day or year" before: it still is.
    assert "a month name but no day or year" in rejected("２ März")
    assert "a month name but no day or year" in rejected("Jul(水)２")
    # Full-width dates of the known shapes are read on the fast path.
    assert parsed("Jul ４, ２０２５").value == datetime(2025, 7, 4)


# --- day order from the document's language ------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("es", "es"),
        ("es-ES", "es-ES"),
        ("en_us", "en-US"),
        ("EN-gb", "en-GB"),
        ("en_US.UTF-8", "en-US"),
        ("zh-Hant-TW", "zh-TW"),
        ("es-419", "es-419"),
        ("ja", "ja"),
        ("hu", "hu"),
        ("ko", "ko"),
        ("xx", None),
        ("spanish", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_language_tags_are_normalised_or_refused(tag: object, expected: str | None) -> None:
    assert dates.language_tag(tag) == expected


@pytest.mark.parametrize(
    ("tag", "day_first"),
    [
        ("en", False),
        ("en-US", False),
        ("en-PH", False),
        ("en-CA", False),
        ("en-GB", True),
        ("en-AU", True),
        ("en-IN", True),
        ("es", True),
        ("es-US", True),
        ("de", True),
        ("ja", True),
        ("hu", True),
    ],
)
def test_day_order_table_by_language(tag: str, day_first: bool) -> None:
    assert dates.day_first_for_language(tag) is day_first


@pytest.mark.parametrize(
    ("parser", "expected", "why"),
    [
        (DateParser(document_language="es"), date(2023, 11, 2), "day-first from document "),
        (DateParser(document_language="en-US"), date(2023, 2, 11), "month-first from document"),
        (DateParser(document_language="en-GB"), date(2023, 11, 2), "day-first from document"),
        (DateParser(languages=("en",), document_language="es"), date(2023, 11, 2), "'es'"),
        (DateParser(document_language="es", day_first=False), date(2023, 2, 11), "day_first"),
        (DateParser(languages=("de",)), date(2023, 11, 2), "first of languages, 'de'"),
        (DateParser(), date(2023, 2, 11), "month-first by default"),
    ],
)
def test_ambiguous_numeric_date_follows_day_first_then_document_then_languages(
    parser: DateParser, expected: date, why: str
) -> None:
    found = parsed("02/11/2023", parser)
    assert found.value.date() == expected
    assert found.ambiguity.startswith("'02/11/2023' is ambiguous (2 Nov 2023 or 11 Feb 2023)")
    assert why in found.ambiguity


@pytest.mark.parametrize("value", ["13/11/2023", "11/13/2023", "05/05/2023", "2023-02-11"])
def test_dates_with_one_possible_reading_are_not_ambiguous(value: str) -> None:
    assert parsed(value, DateParser(document_language="es")).ambiguity == ""


def test_a_day_over_12_decides_whatever_the_document_language() -> None:
    assert parsed("11/13/2023", DateParser(document_language="es")).value == datetime(2023, 11, 13)
    assert parsed("13/11/2023", DateParser(document_language="en-US")).value == datetime(
        2023, 11, 13
    )


@pytest.mark.parametrize(
    "piece", ["2021年3月", "2020. 06. ", "2021년 3월 5일 (금) 오후 ", "年  月  ", "１２."]
)
def test_new_shapes_scan_near_misses_without_hanging(piece: str) -> None:
    from tests.helpers import finishes

    finishes(f"from scrapegate.dates import DateParser; DateParser().parse({piece!r} * 20_000)")


def test_an_ambiguous_full_width_date_is_quoted_as_written() -> None:
    found = parsed("０２/１１/２０２３", DateParser(document_language="es"))
    assert found.value == datetime(2023, 11, 2)
    assert found.ambiguity.startswith(
        "'０２/１１/２０２３' is ambiguous (2 Nov 2023 or 11 Feb 2023)"
    )

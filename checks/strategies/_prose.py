"""Real-looking news prose, titles and dates for property tests.

Sentences are built from parts (who, did what, to what, when) plus a list of hard cases:
sentences that use the words page chrome uses (comments, cookies, newsletter, captcha,
loading, close, share, subscribe, actions, print) innocently, in English, German, French
and Spanish, and prose that uses the characters of markup (``<``, ``>``, ``&``, ``->``,
``<<quotes>>``, ``<address@example>``, URLs with query strings). A cleaner or check that
removes, changes or flags them has a precision bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

SUBJECTS = (
    "The regional council",
    "Dock workers in Port Harlan",
    "The health ministry",
    "A coalition of charities",
    "Union leaders",
    "The central bank",
    "Residents of Aubach",
    "The state rail operator",
    "Farmers in the north",
    "The environment agency",
    "Shareholders of the utility",
    "The city's mayor",
)
VERBS = (
    "approved",
    "postponed",
    "criticised",
    "welcomed",
    "rejected",
    "announced",
    "defended",
    "questioned",
    "delayed",
    "backed",
)
OBJECTS = (
    "a plan to rebuild the harbour wall",
    "new rules on short-term rentals",
    "a budget for road repairs",
    "higher fees for water extraction",
    "an inquiry into rising food prices",
    "a programme to plant 40,000 trees",
    "the merger of two hospitals",
    "a subsidy for rooftop solar panels",
    "night trains to the coast",
    "a freeze on local taxes",
)
WHEN = (
    "on Monday",
    "late on Wednesday",
    "after a long debate",
    "earlier this month",
    "at the weekend",
    "in a vote on Thursday",
)
CHROME_WORD_CASES = (
    "The minister declined to comment on the comments, saying only that a response would follow.",
    "Readers left more than 3,000 comments under the mayor's video within a day.",
    "The bakery's oatmeal cookies won first prize at the county fair.",
    "An article about cookies by the consumer agency argued that few people read consent banners.",
    "Paid subscribers to the newsletter fell by a fifth last year, the filings show.",
    "Police said the suspects had rented servers for a captcha-solving botnet.",
    "Loading of the ships took three days, the port authority said.",
    "Close to 40,000 people marched through the capital on Saturday.",
    "The close of trading on Friday brought little relief for investors.",
    "Union leaders urged members to share their experiences with the labour inspectorate.",
    "The company said it would subscribe to the voluntary code on data protection.",
    "Actions taken by the two officers were lawful, the prosecutor said.",
    "The print edition will close at the end of the year, the publisher said.",
    "Comments from the public will be accepted until the end of May.",
    "Search teams worked through the night, and the governor said the search would go on.",
    "Submit your tax return by Friday, the revenue office reminded self-employed workers.",
    "Die Kommentare der Leser waren überwiegend positiv, sagte die Redaktion.",
    "Le ministre a refusé de commenter les commentaires publiés sur le site de la mairie.",
    "Los comentarios del ministro sobre las cookies provocaron críticas en el Parlamento.",
    "Nach dem Laden der Schiffe wurde der Hafen am Abend wieder geschlossen.",
)
# Prose with the characters markup is made of: "<", ">", "&", "->", quoted speech in doubled
# angle brackets, an address in angle brackets, a URL with a query string.
MARKUP_CASES = (
    "<<Nous sommes prêts>>, a dit le maire devant le conseil municipal.",
    "Readers can reach the investigations desk at <tips@paper.example> with documents.",
    "The statute says x<y must hold for every tariff band, the court ruled.",
    "Turnout stayed <40% in the northern districts, officials said.",
    "Critics summed up the plan as fees rise -> prices rise.",
    "Shares of AT&T and Procter & Gamble rose in early trading.",
    "The figures are published at https://city.example/budget?id=4&section=budget&region=north"
    " every quarter.",
    'A court ruled that the slogan "this&nothing" could not be registered as a trademark.',
)
HARD_CASES = CHROME_WORD_CASES + MARKUP_CASES
SECTIONS = ("World", "Politics", "Business", "Health", "Science", "Sport", "Politik", "Monde")
AGENCIES = ("Reuters", "AP", "AFP")


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """One sentence of news prose; often a hard case that uses chrome words or the
    characters of markup."""
    # Each kind of hard case is drawn on its own, so that adding markup cases does not make
    # the chrome-word ones rarer.
    kind = draw(st.integers(0, 7))
    if kind < 2:
        return draw(st.sampled_from(CHROME_WORD_CASES))
    if kind == 2:
        return draw(st.sampled_from(MARKUP_CASES))
    parts = (
        draw(st.sampled_from(SUBJECTS)),
        draw(st.sampled_from(VERBS)),
        draw(st.sampled_from(OBJECTS)),
        draw(st.sampled_from(WHEN)),
    )
    return " ".join(parts) + "."


def paragraphs(min_sentences: int = 1, max_sentences: int = 4) -> st.SearchStrategy[str]:
    """A paragraph: sentences joined on one line."""
    return st.lists(sentences(), min_size=min_sentences, max_size=max_sentences).map(" ".join)


@st.composite
def article_text(draw: st.DrawFn, min_paragraphs: int = 2, max_paragraphs: int = 6) -> str:
    """Article body text: one paragraph per line, paragraphs separated by a blank line; now
    and then an article made of hard cases."""
    if draw(st.integers(0, 9)) < 9:
        chosen = draw(st.lists(paragraphs(), min_size=min_paragraphs, max_size=max_paragraphs))
        return "\n\n".join(chosen)
    # One hard case is one draw among dozens, and a run of fifty examples can miss it. Here
    # each is in with even odds, so every run meets them all, and a failure shrinks to the
    # few it needs.
    cases = [case for case in HARD_CASES if draw(st.booleans())]
    # Drawn whether needed or not, so that leaving cases out while shrinking never asks for
    # draws the failing example did not make.
    padding = [draw(paragraphs()) for _ in range(min_paragraphs)]
    size = max(4, -(-len(cases) // max(max_paragraphs, 1)))
    chunks = [" ".join(cases[i : i + size]) for i in range(0, len(cases), size)]
    return "\n\n".join(chunks + padding[: max(0, min_paragraphs - len(chunks))])


@st.composite
def titles(draw: st.DrawFn) -> str:
    """A headline: a sentence without its full stop, capitalised."""
    subject = draw(st.sampled_from(SUBJECTS))
    words = f"{subject} {draw(st.sampled_from(VERBS))} {draw(st.sampled_from(OBJECTS))}"
    return words[0].upper() + words[1:]


MONTHS = {
    "en": ("January February March April May June July August September October November December"),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
EN_ABBREVIATED = "Jan. Feb. Mar. Apr. May Jun. Jul. Aug. Sept. Oct. Nov. Dec."

# (template, carries a time, UTC offset in minutes or None). {b}: English short month,
# {b_dot}: AP-style abbreviation, {B_xx}: full month names.
DATE_TEMPLATES: tuple[tuple[str, bool, int | None], ...] = (
    ("{b} {d}, {Y}", False, None),
    ("{B_en} {d}, {Y}", False, None),
    ("{dd}.{mm}.{Y}", False, None),
    ("{Y}-{mm}-{dd}", False, None),
    ("{d}. {B_de} {Y}", False, None),
    ("{d} {B_fr} {Y}", False, None),
    ("{d} de {B_es} de {Y}", False, None),
    ("{Y}-{mm}-{dd}T{HH}:{MM}:00Z", True, 0),
    ("Veröffentlicht am: {dd}.{mm}.{Y}, {HH}:{MM} Uhr", True, None),
    ("Updated: {b_dot} {d}, {Y} {h12}:{MM} {ampm} EST", True, -300),
    ("By Jane Doe | {HH}:{MM}, {d} {B_upper} {Y}", True, None),
)


@dataclass(frozen=True)
class DateSample:
    """A date as a scraper might print it, and the moment it stands for."""

    text: str
    value: datetime
    has_time: bool


def format_date(template: str, moment: datetime) -> str:
    """Render ``moment`` with one of :data:`DATE_TEMPLATES`."""
    month = moment.month - 1
    names = {f"B_{lang}": MONTHS[lang].split()[month] for lang in MONTHS}
    hour12 = moment.hour % 12 or 12
    return template.format(
        b=MONTHS["en"].split()[month][:3],
        b_dot=EN_ABBREVIATED.split()[month],
        d=moment.day,
        dd=f"{moment.day:02d}",
        mm=f"{moment.month:02d}",
        Y=moment.year,
        HH=f"{moment.hour:02d}",
        MM=f"{moment.minute:02d}",
        h12=hour12,
        ampm="AM" if moment.hour < 12 else "PM",
        B_upper=MONTHS["en"].split()[month][:3].upper(),
        **names,
    )


@st.composite
def date_samples(
    draw: st.DrawFn,
    earliest: datetime = datetime(2001, 1, 1),
    latest: datetime = datetime(2024, 12, 31),
) -> DateSample:
    """A past date in one of the shapes scraped pages use (see DESIGN.md section 4)."""
    template, has_time, offset = draw(st.sampled_from(DATE_TEMPLATES))
    day = draw(st.datetimes(min_value=earliest, max_value=latest))
    moment = day.replace(second=0, microsecond=0)
    if not has_time:
        moment = moment.replace(hour=0, minute=0)
    text = format_date(template, moment)
    if offset is not None:
        moment = moment.replace(tzinfo=timezone(timedelta(minutes=offset)))
    return DateSample(text, moment, has_time)


def date_range(earliest: datetime | None, latest: datetime | None) -> tuple[datetime, datetime]:
    """The default window of generated dates (2001-2024), narrowed to bounds (naive)."""
    low, high = datetime(2001, 1, 1), datetime(2024, 12, 31)
    if earliest is not None:
        low = max(low, earliest + timedelta(days=1))
    if latest is not None:
        high = min(high, latest - timedelta(days=1))
    return low, max(low, high)

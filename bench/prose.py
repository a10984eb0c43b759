"""English-like news prose for the benchmark corpus: word lists and the builders that use them.

Sentences mix actions (who did what, when), details, quotes and running prose that mentions
widget words innocently ("declined to comment on the comments"): none of it may be flagged.
Every builder draws from the ``random.Random`` it is given, in a fixed order, so the corpus of
``bench/generate.py`` stays the same bytes for the same seed: reordering a list or a call here
changes the corpus (bump ``generate.VERSION``).
"""

from __future__ import annotations

import random

HOSTS = (
    "www.harborline-news.example",
    "valmont-tribune.example",
    "dailymeridian.example",
    "northgate-post.example",
)
SECTIONS = ("world", "business", "politics", "science", "culture", "sport", "health", "tech")
AGENCIES = ("Reuters", "AP", "AFP")
PLACES = (
    "Brenley", "Calder", "Eastwick", "Port Harlan", "Dunmore", "Valmont", "Pellin Point",
    "Carrow", "Selwyn", "Marrowby", "Tessford", "Kelvane", "Orrin Bay", "Lisket", "Aubach",
    "Harlow Green", "Valmera", "Kestrel Ford", "Amberly", "Norwick",
)  # fmt: skip
FIRST = (
    "Ana", "Tom", "Lena", "Paul", "Maria", "Kofi", "Ingrid", "Ravi", "Sofia", "Jonas", "Amara",
    "Dmitri", "Helen", "Yusuf", "Clara", "Mateo", "Priya", "Owen", "Nadia", "Felix",
)  # fmt: skip
LAST = (
    "Lindqvist", "Reyes", "Marsh", "Okafor", "Brandt", "Moreau", "Takeda", "Novak", "Silva",
    "Hargreaves", "Mensah", "Kowalski", "Duarte", "Ferrand", "Castellano", "Whitlock",
)  # fmt: skip
SUBJECTS = (
    "The regional council", "The port authority", "The health ministry", "A group of farmers",
    "The national rail operator", "Local residents", "The central bank", "Hospital managers",
    "The environment agency", "Teachers' unions", "The city's largest employer",
    "A coalition of charities", "The transport department", "Fishing cooperatives",
    "The finance minister", "Opposition lawmakers", "The energy regulator",
    "A consortium of lenders", "The university's governing board", "Airport operators",
)  # fmt: skip
VERBS = (
    "approved", "rejected", "announced", "postponed", "criticised", "defended", "unveiled",
    "called for", "welcomed", "questioned", "endorsed", "scaled back", "revived", "abandoned",
)  # fmt: skip
OBJECTS = (
    "a plan to rebuild the harbour wall", "new rules on short-term rentals",
    "a budget for road repairs", "a review of ambulance response times",
    "a subsidy for rooftop solar panels", "changes to the school bus network",
    "a proposal to merge two hospitals", "higher fees for water extraction",
    "a pilot scheme for night trains", "an inquiry into rising food prices",
    "a programme to plant 40,000 trees", "a freeze on council tax",
    "a tender for six new ferries", "limits on heavy lorries in the old town",
    "a loan guarantee for the steelworks", "a cap on rents in student housing",
)  # fmt: skip
TIMES = (
    "on Monday", "on Tuesday", "late on Wednesday", "on Thursday", "on Friday",
    "at the weekend", "earlier this month", "after a long debate", "last week",
    "in a surprise move", "after months of talks",
)  # fmt: skip
DETAILS = (
    "Officials said the cost would be spread over three years.",
    "Critics said the decision had been rushed and that residents had not been consulted.",
    "The measure is expected to affect about {n},000 households.",
    "Opposition members said they would try to amend the plan when it returns to the chamber.",
    "A spokesperson said further details would be published in the coming weeks.",
    "Business groups gave the announcement a cautious welcome.",
    "Similar schemes in neighbouring regions have had mixed results.",
    "The figures were published in a report to the finance committee.",
    "Trade unions said they would study the proposal before taking a position.",
    "The work is due to start in the spring and to finish within two years.",
    "Environmental groups said the plan did not go far enough.",
    "Local businesses said they had been waiting for a decision for more than a year.",
    "The mayor said the town could not afford to wait any longer.",
    "Independent economists estimated the total cost at {n} million euros.",
    "Turnout at the public hearings was higher than at any time in the past decade.",
    "The proposal still needs the approval of the regional assembly, which meets in {month}.",
    "Shares in the company rose {n} percent in early trading before giving up most of the gains.",
    "Inflation in the region slowed to {n}.{d} percent in {month}, according to official data.",
    "Engineers warned that the repairs could take longer if the winter was wet.",
    "The agency said it had received more than {n},000 submissions during the consultation.",
)
QUOTES = (
    '"We have listened to people and we have acted," {name} told reporters in {place}.',
    '"This is a first step, not the end of the story," said {name}, who chairs the committee.',
    '"Nobody should be surprised by this outcome," {name} said in a statement.',
    '"The numbers simply do not add up," said {name}, an analyst based in {place}.',
    '"We will keep pushing until the work is done," {name} said - and the room applauded.',
    "\"It's a question of trust,\" {name} said, adding that the town's patience had run out.",
)
# Running prose that mentions widget words innocently: none of it may be flagged.
INNOCENT = (
    "The minister declined to comment on the comments, saying only that the ministry would "
    "publish a full response once the consultation closed.",
    "An article about cookies published by the consumer agency last spring argued that most "
    "visitors never read the consent banners they click through.",
    "Paid subscribers to the newsletter fell by a fifth last year, according to figures filed "
    "with the company registry.",
    "Readers left more than 3,000 comments under the mayor's video within a day.",
    "The bakery's oatmeal cookies won first prize at the county fair in {place}.",
    "Union leaders urged members to share their experiences of unpaid overtime with the "
    "labour inspectorate.",
    "Close to 40,000 people marched through the capital on Saturday, according to organisers.",
    "Loading of the ships took three days, and dock workers said the delays had cost the "
    "cooperative more than two million euros.",
    "The company said it would subscribe to the voluntary code on data protection.",
    "Analysts said the search for a new governor could take months.",
    "The museum will print a catalogue of the collection and share it with schools.",
    "{name} told Reuters that the talks had been difficult but constructive.",
    "An AP tally of official figures showed the number of claims rising for a third month.",
    "The menu at the new canteen was drawn up with help from the hospital's dietitians.",
    "She said she would accept the result and urged her supporters to do the same.",
    "Fans were asked to share photographs of the parade on the club's website.",
)
TITLE_TOPICS = (
    "Council", "Port authority", "Health ministry", "Farmers", "Rail operator", "Residents",
    "Central bank", "Hospital managers", "Regulator", "Unions", "Charities", "Fishing towns",
)  # fmt: skip
TITLE_ENDS = (
    "back plan to rebuild harbour wall", "reject new rental rules", "agree road repair budget",
    "order review of ambulance times", "delay solar subsidy", "redraw school bus routes",
    "question hospital merger", "raise water extraction fees", "test night trains",
    "open inquiry into food prices", "plant 40,000 trees", "freeze local taxes",
)  # fmt: skip
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
TYPOGRAPHIC = str.maketrans({"'": "\u2019"})
POOL_PARAGRAPHS = 20_000


def person(rng: random.Random) -> str:
    """A reporter's or an official's name."""
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def sentence(rng: random.Random) -> str:
    """One sentence: a quote, an innocent mention of widget words, a detail or an action."""
    roll = rng.random()
    if roll < 0.18:
        return rng.choice(QUOTES).format(name=person(rng), place=rng.choice(PLACES))
    if roll < 0.26:
        return rng.choice(INNOCENT).format(name=person(rng), place=rng.choice(PLACES))
    if roll < 0.6:
        return rng.choice(DETAILS).format(
            n=rng.randint(2, 90), d=rng.randint(0, 9), month=rng.choice(MONTHS)
        )
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TIMES)}."


def paragraph_pool(rng: random.Random) -> list[str]:
    """The paragraphs bodies are drawn from (2 to 5 sentences each)."""
    return [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(POOL_PARAGRAPHS)
    ]


def good_date(rng: random.Random) -> str:
    """A valid date (2019-2025) in one of eight styles news sites print."""
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    name = MONTHS[month - 1]
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    style = rng.randrange(8)
    if style == 0:
        return f"{year:04d}-{month:02d}-{day:02d}"
    if style == 1:
        return f"{name[:3]} {day}, {year}"
    if style == 2:
        return f"{day} {name} {year}"
    if style == 3:
        return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z"
    if style == 4:
        return f"{name} {day}, {year}"
    if style == 5:
        return f"{day:02d}.{month:02d}.{year}"
    if style == 6:
        return f"Published {day} {name} {year}, {hour:02d}:{minute:02d}"
    short = name if len(name) <= 4 else f"{name[:3]}."
    return f"Updated: {short} {day}, {year} {1 + hour % 12}:{minute:02d} PM EST"


def attribute(rng: random.Random, paras: list[str], place: str) -> list[str]:
    """Add one attribution: dateline, ``--Agency--`` trailer, credit line or byline."""
    style = rng.randrange(4)
    agency = rng.choice(AGENCIES)
    if style == 0:
        dash = "\u2014" if agency == "AP" else "-"
        paras[0] = f"{place.upper()} ({agency}) {dash} {paras[0]}"
    elif style == 1:
        paras.append(f"--{agency}--")
    elif style == 2:
        paras.append(f"Reporting by {person(rng)}; Editing by {person(rng)}")
    else:
        paras.insert(0, f"By {person(rng)}")
    return paras


def curly_quotes(text: str) -> str:
    """Pair straight double quotes as “ and ” (they always come in pairs in the prose)."""
    parts = text.split('"')
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append("\u201c" if i % 2 == 0 else "\u201d")
        out.append(part)
    return "".join(out)

"""Deterministic synthetic news corpus for the benchmark, with the truth about every defect.

    python bench/generate.py --docs 100k            # bench/data/corpus-100k.jsonl + .truth.json
    python bench/generate.py --docs 1m --malformed 0.10   # soak corpus: corpus-1m-m10.jsonl

Every record is a JSON object ``{url, title, date, body, source}`` whose body is English-like
news prose of 3-6 KB. Defects are injected independently per document at fixed rates:

* ~5% carry a block of page chrome (widget) lines taken from the *examples* of the real
  boilerplate packs (``scrapegate.packs.load_pack``), so they are genuinely detectable;
* ~5% lack any attribution (no dateline, trailer, credit line or byline);
* ~2% have a bad date (junk, impossible or future dates, or no date at all);
* ~0.5% reuse the url of an earlier document.

Clean prose deliberately mentions comments, cookies, newsletters, sharing, closing, loading,
printing and agencies in running sentences; none of that may be flagged. A share of the
documents uses typographic punctuation (curly quotes, dashes), as English news sites do.

With ``--malformed P`` a share P of the *records* is unreadable instead: a truncated JSON
line, a JSON value that is not an object, or a line with invalid UTF-8 bytes.

The truth file lists, per expectation of ``bench/reference.yaml``, the line numbers and urls
of the documents that must fail it, plus the unreadable lines. Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
VERSION = 1  # bump when the output for the same arguments changes

# Expectation names of bench/reference.yaml; the truth file is keyed by them.
NO_BOILERPLATE = "no boilerplate"
ATTRIBUTION = "attribution present"
DATE_PARSES = "date parses"
TITLE_PRESENT = "title present"
BODY_LENGTH = "body length"
URL_UNIQUE = "url unique"
EXPECTATIONS = (NO_BOILERPLATE, ATTRIBUTION, DATE_PARSES, TITLE_PRESENT, BODY_LENGTH, URL_UNIQUE)

PACKS = (
    "comment_widgets",
    "contact_forms",
    "cookie_banners",
    "newsletter_promos",
    "portal_chrome",
    "share_buttons",
)


@dataclass(frozen=True)
class Rates:
    """Defect rates per document (independent) and the malformed share of records."""

    widget: float = 0.05
    no_attribution: float = 0.05
    bad_date: float = 0.02
    duplicate_url: float = 0.005
    typographic: float = 0.25
    malformed: float = 0.0


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
BAD_DATES = (
    "XUM1541",
    "Tweet of the Week #67",
    "539 drones and 11 missiles",
    "n/a",
    "Updated",
    "Share this article",
    "Page 3 of 12",
    "31.02.2024",
    "2024-13-45",
    "Feb 30, 2024",
    "Jan 3, 2035",
    "2035-05-17",
)
NON_OBJECTS = (
    b"[1, 2, 3]",
    b'"just a string"',
    b"42",
    b"null",
    b"true",
    b'[{"url": "https://example.invalid/x"}]',
)
TYPOGRAPHIC = str.maketrans({"'": "\u2019"})
POOL_PARAGRAPHS = 20_000


def parse_count(text: str) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = text[:-1] if scale != 1 else text
    return int(float(number) * scale)


def label(count: int) -> str:
    """1000000 -> ``1m``, 100000 -> ``100k``, 2500 -> ``2500``."""
    if count % 1_000_000 == 0:
        return f"{count // 1_000_000}m"
    if count % 1_000 == 0:
        return f"{count // 1_000}k"
    return str(count)


def corpus_name(count: int, malformed: float = 0.0) -> str:
    """File stem of a corpus: ``corpus-100k`` or ``corpus-1m-m10`` (10% malformed)."""
    suffix = f"-m{round(malformed * 100)}" if malformed else ""
    return f"corpus-{label(count)}{suffix}"


def widget_examples() -> list[list[str]]:
    """Per pack, every example of every rule (each is detected by its rule)."""
    from scrapegate.packs import load_pack

    return [[ex for rule in load_pack(name).rules for ex in rule.examples] for name in PACKS]


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def sentence(rng: random.Random) -> str:
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
    return [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(POOL_PARAGRAPHS)
    ]


def good_date(rng: random.Random) -> str:
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


@dataclass
class Truth:
    """What the generator injected, by line number (1-based) and url."""

    lines: dict[str, list[int]] = field(default_factory=lambda: {e: [] for e in EXPECTATIONS})
    urls: dict[str, list[str]] = field(default_factory=lambda: {e: [] for e in EXPECTATIONS})
    unreadable: list[int] = field(default_factory=list)
    records: int = 0
    documents: int = 0
    body_bytes: int = 0

    def fail(self, expectation: str, line: int, url: str) -> None:
        self.lines[expectation].append(line)
        self.urls[expectation].append(url)


def generate(count: int, out: Path, rates: Rates, seed: int = 6) -> dict[str, Any]:
    """Write ``count`` records to ``out`` (JSONL) and return the truth mapping."""
    rng = random.Random(f"scrapegate-bench-{seed}")
    pool = paragraph_pool(rng)
    widgets = widget_examples()
    truth = Truth()
    urls: list[str] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    buffer: list[bytes] = []
    with tmp.open("wb") as fh:
        for index in range(count):
            line = index + 1
            malformed = rates.malformed and rng.random() < rates.malformed
            kind = rng.randrange(3) if malformed else -1
            if kind == 1:
                truth.unreadable.append(line)
                buffer.append(rng.choice(NON_OBJECTS) + b"\n")
                continue
            place = rng.choice(PLACES)
            title = (
                f"{rng.choice(PLACES)} {rng.choice(TITLE_TOPICS).lower()} {rng.choice(TITLE_ENDS)}"
            )
            slug = "-".join(title.lower().replace(",", "").split()[:6])
            url = (
                f"https://{rng.choice(HOSTS)}/{rng.choice(SECTIONS)}/"
                f"{2019 + index % 7}/{slug}-{100000 + index}"
            )
            target = rng.randint(3000, 5600)
            paras: list[str] = []
            size = 0
            while size < target:
                para = rng.choice(pool)
                paras.append(para)
                size += len(para) + 2
            defects = []
            if rng.random() >= rates.no_attribution:
                paras = attribute(rng, paras, place)
            else:
                defects.append(ATTRIBUTION)
            if rng.random() < rates.widget:
                examples = widgets[rng.randrange(len(widgets))]
                block = "\n".join(rng.sample(examples, rng.randint(1, min(3, len(examples)))))
                paras.insert(rng.randint(1, len(paras)), block)
                defects.append(NO_BOILERPLATE)
            date: str | None = good_date(rng)
            if rng.random() < rates.bad_date:
                date = None if rng.random() < 0.1 else rng.choice(BAD_DATES)
                defects.append(DATE_PARSES)
            if urls and rng.random() < rates.duplicate_url:
                url = urls[rng.randrange(len(urls))]
                defects.append(URL_UNIQUE)
            body = "\n\n".join(paras)
            if rng.random() < rates.typographic:
                body = body.translate(TYPOGRAPHIC).replace(" - ", " \u2013 ")
                body = _curly_quotes(body)
            record = {
                "url": url,
                "title": title,
                "date": date,
                "body": body,
                "source": rng.choice((*AGENCIES, "Staff")),
            }
            raw = orjson.dumps(record)
            if kind == 0:  # truncated: an object that never closes is never valid JSON
                truth.unreadable.append(line)
                buffer.append(raw[: rng.randint(1, len(raw) - 2)] + b"\n")
                continue
            if kind == 2:  # invalid UTF-8 inside the body string
                truth.unreadable.append(line)
                at = raw.index(b'"body":"') + 8 + rng.randint(0, 200)
                bad = rng.choice((b"\xff", b"\xc3\x28", b"\xe2\x82"))
                buffer.append(raw[:at] + bad + raw[at:] + b"\n")
                continue
            truth.documents += 1
            truth.body_bytes += len(body.encode("utf-8"))
            for expectation in defects:
                truth.fail(expectation, line, url)
            if URL_UNIQUE not in defects:
                urls.append(url)
            buffer.append(raw + b"\n")
            if len(buffer) >= 4096:
                fh.write(b"".join(buffer))
                buffer.clear()
        fh.write(b"".join(buffer))
    tmp.replace(out)
    truth.records = count
    return {
        "generator": {
            "version": VERSION,
            "seed": seed,
            "records": count,
            "rates": rates.__dict__,
        },
        "corpus": out.name,
        "records": truth.records,
        "documents": truth.documents,
        "body_bytes": truth.body_bytes,
        "file_bytes": out.stat().st_size,
        "unreadable": truth.unreadable,
        "expectations": {
            name: {"lines": truth.lines[name], "urls": truth.urls[name]} for name in EXPECTATIONS
        },
    }


def _curly_quotes(text: str) -> str:
    """Pair straight double quotes as “ and ” (they always come in pairs in the prose)."""
    parts = text.split('"')
    out = [parts[0]]
    for i, part in enumerate(parts[1:]):
        out.append("\u201c" if i % 2 == 0 else "\u201d")
        out.append(part)
    return "".join(out)


def ensure(
    count: int,
    rates: Rates | None = None,
    seed: int = 6,
    data: Path = DATA,
    force: bool = False,
    quiet: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """Return the corpus path and truth, generating them unless an identical one exists."""
    rates = rates or Rates()
    stem = corpus_name(count, rates.malformed)
    path, truth_path = data / f"{stem}.jsonl", data / f"{stem}.truth.json"
    if not force and path.is_file() and truth_path.is_file():
        truth: dict[str, Any] = orjson.loads(truth_path.read_bytes())
        same = truth.get("generator") == {
            "version": VERSION,
            "seed": seed,
            "records": count,
            "rates": rates.__dict__,
        }
        if same and truth.get("file_bytes") == path.stat().st_size:
            return path, truth
    started = time.perf_counter()
    if not quiet:
        print(f"generating {path} ({count:,} records) ...", file=sys.stderr, flush=True)
    truth = generate(count, path, rates, seed)
    truth_path.write_bytes(orjson.dumps(truth))
    if not quiet:
        print(
            f"  {truth['file_bytes'] / 1e6:,.0f} MB in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return path, truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", default="10k", help="records to write: 10k, 100k, 1m, 2500")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--malformed", type=float, default=0.0, help="share of bad records")
    parser.add_argument("--data", type=Path, default=DATA, help="output folder")
    parser.add_argument("--force", action="store_true", help="regenerate even if present")
    args = parser.parse_args(argv)
    path, truth = ensure(
        parse_count(args.docs),
        Rates(malformed=args.malformed),
        seed=args.seed,
        data=args.data,
        force=args.force,
    )
    counts = {name: len(v["lines"]) for name, v in truth["expectations"].items()}
    print(
        f"{path}: {truth['records']:,} records, {truth['documents']:,} documents, "
        f"{truth['body_bytes'] / 1e6:,.1f} MB of body text, "
        f"{len(truth['unreadable']):,} unreadable; must fail: {counts}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

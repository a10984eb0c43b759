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
``ensure`` reuses a corpus in ``bench/data/`` while the generator's version and arguments
match. The prose itself (word lists, sentences, dates, attributions) is in ``bench/prose.py``.
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
if not __package__:  # `python bench/generate.py`: make the harness importable as `bench`
    sys.path.insert(0, str(HERE.parent))

from bench.prose import (  # noqa: E402
    AGENCIES,
    HOSTS,
    PLACES,
    SECTIONS,
    TITLE_ENDS,
    TITLE_TOPICS,
    TYPOGRAPHIC,
    attribute,
    curly_quotes,
    good_date,
    paragraph_pool,
)

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
    """Per pack, every example of every rule that is chrome alone on a line (each is detected
    by its rule; an ambiguous word such as ``Reset`` counts only next to other chrome)."""
    from scrapegate.packs import load_pack

    return [
        [ex for rule in load_pack(name).rules if not rule.ambiguous for ex in rule.examples]
        for name in PACKS
    ]


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
                body = curly_quotes(body)
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

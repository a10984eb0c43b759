"""``scrapegate suggest``: read a corpus and write a commented suite to start from.

The corpus is read twice, never held in memory:

1. **Evidence.** One pass keeps, per top-level field, counters (documents with the field,
   non-blank values, value types), exact length extremes and a fixed-size reservoir of
   lengths for quantiles (exact up to :data:`RESERVOIR` values), the strptime formats that
   read its values and how many values the default date parser reads, the attribution forms
   each source takes, and a digest set of its values capped at :data:`DISTINCT_CAP` for
   choosing the id field.
2. **Measurement.** The suggested expectations, as parsed from the suite text about to be
   written, are run by the engine over the same documents; each ``mostly`` is the observed
   pass rate rounded down to two decimals, so the suite passes on the corpus it came from
   with every threshold applied. The same pass runs a default ``repeated_lines`` whose
   findings are listed as candidate templates (comments, not expectations).

Standard input cannot be read twice: it is spooled to a temporary file first (disk, not
memory). ``documents.paths`` is not written: the user names the paths on the command line
(``scrapegate check PATH --suite FILE``), and a path relative to the output file would
break when the file moves.
"""

from __future__ import annotations

import functools
import math
import os
import random
import shlex
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import yaml

from .dates import DateError, DateParser
from .documents import Document
from .escaping import printable
from .library.attribution_present import BYLINE, CREDIT_LINE
from .library.unique import digest
from .loaders import Input, iter_documents, resolve_inputs
from .loaders._common import STDIN, STDIN_NAME
from .regex import compile_pattern
from .wording import plural

__all__ = ["DISTINCT_CAP", "RESERVOIR", "Suggestion", "suggest_suite"]

RESERVOIR = 4096
DISTINCT_CAP = 200_000
MAX_FIELDS = 100
MAX_SOURCES = 50
# Below this pass rate an expectation describes the exception, not the rule: left out.
MIN_PASS_RATE = 0.5
# Strings whose median is at least this many words are prose (lengths in words, boilerplate,
# attribution); shorter ones are labels, dates, urls (lengths in characters).
PROSE_WORDS = 20
DATE_MAX_CHARS = 64
ID_NAMES = ("id", "url", "guid", "uuid", "uri", "link", "permalink", "path", "key")

# strptime formats tried on each date value, in order; the first that reads it is "the
# format seen". iso8601 last: it reads what the explicit ISO shapes above it missed.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%a, %d %b %Y %H:%M:%S %z",
    "%a, %d %b %Y %H:%M:%S GMT",
    "iso8601",
)

# A wire trailer on a line of its own (--Reuters--) and a dateline ((AP) -); the names
# captured are candidates for attribution_present's sources.
_TRAILER = (
    r"(?m)^[ \t]*-{2,}[ \t]*([A-Z][A-Za-z.&]*(?:[ \t][A-Z][A-Za-z.&]*){0,3})[ \t]*-{2,}[ \t]*$"
)
_DATELINE = r"\(([A-Z][A-Za-z.&]*(?:[ \t][A-Z][A-Za-z.&]*){0,2})\)[ \t]*[-‐‑–—]"


def comment_text(text: str, limit: int = 80) -> str:
    """Data shown in a comment: one printable line (no newline can end the comment), cut."""
    shown = printable(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def yaml_value(value: Any) -> str:
    """One value in YAML flow style, quoted as YAML needs (a key, a name, a list)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=2**31 - 1, allow_unicode=True)
    text = text.rstrip("\n")
    return text.removesuffix("\n...").rstrip("\n")


def floor2(rate: float) -> float:
    """A pass rate rounded down to two decimals (never above the rate)."""
    value = math.floor(rate * 100 + 1e-9) / 100
    return value if value <= rate else round(value - 0.01, 2)


@dataclass
class Lengths:
    """Exact extremes and a reservoir of lengths (exact quantiles up to RESERVOIR values)."""

    seen: int = 0
    low: int | None = None
    high: int | None = None
    sample: list[int] = field(default_factory=list)

    def add(self, size: int, rng: random.Random) -> None:
        self.seen += 1
        self.low = size if self.low is None else min(self.low, size)
        self.high = size if self.high is None else max(self.high, size)
        if len(self.sample) < RESERVOIR:
            self.sample.append(size)
        else:
            slot = rng.randrange(self.seen)
            if slot < RESERVOIR:
                self.sample[slot] = size

    def quantile(self, q: float) -> int:
        ordered = sorted(self.sample)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    @property
    def exact(self) -> bool:
        return self.seen <= RESERVOIR


@dataclass
class FieldStats:
    """What one pass learns about one top-level field."""

    name: str
    present: int = 0
    non_blank: int = 0
    types: Counter[str] = field(default_factory=Counter)
    chars: Lengths = field(default_factory=Lengths)
    words: Lengths = field(default_factory=Lengths)
    date_parsed: int = 0
    date_tried: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    digests: set[int] | None = field(default_factory=set)
    duplicates: int = 0
    sources: dict[str, Counter[str]] = field(default_factory=dict)
    bylines: int = 0
    credits: int = 0
    attributed: int = 0

    @property
    def strings(self) -> int:
        return self.types["string"]

    @property
    def prose(self) -> bool:
        return self.words.seen > 0 and self.words.quantile(0.5) >= PROSE_WORDS


@dataclass
class Evidence:
    """The first pass over the corpus."""

    documents: int = 0
    unreadable: int = 0
    fields: dict[str, FieldStats] = field(default_factory=dict)
    skipped_fields: set[str] = field(default_factory=set)


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class _Scanner:
    """Feeds documents into an :class:`Evidence`."""

    def __init__(self) -> None:
        self.evidence = Evidence()
        self.rng = random.Random(0)  # a fixed seed: the same corpus gives the same suite
        self.parser = DateParser()
        self.trailer = compile_pattern(_TRAILER)
        self.dateline = compile_pattern(_DATELINE)
        self.byline = compile_pattern(BYLINE)
        self.credit = compile_pattern(CREDIT_LINE)

    def add(self, doc: Document) -> None:
        ev = self.evidence
        ev.documents += 1
        for name, value in doc.fields.items():
            stats = ev.fields.get(name)
            if stats is None:
                # A dotted key would be read as a path into nested objects by the checks.
                if not name or "." in name or len(ev.fields) >= MAX_FIELDS:
                    ev.skipped_fields.add(name)
                    continue
                stats = ev.fields[name] = FieldStats(name)
            if value is None:
                continue
            stats.present += 1
            stats.types[_type_name(value)] += 1
            self._distinct(stats, value)
            if isinstance(value, str):
                self._string(stats, value)
            elif value not in ([], {}):
                stats.non_blank += 1

    def _distinct(self, stats: FieldStats, value: Any) -> None:
        if stats.digests is None:
            return
        key = digest(value)
        if key in stats.digests:
            stats.duplicates += 1
        elif len(stats.digests) >= DISTINCT_CAP:
            stats.digests = None  # too many to tell: uniqueness is measured in the second pass
        else:
            stats.digests.add(key)

    def _string(self, stats: FieldStats, value: str) -> None:
        if value.strip():
            stats.non_blank += 1
        stats.chars.add(len(value), self.rng)
        # Prose is told apart from labels by its median word count, so every string counts.
        stats.words.add(len(value.split()), self.rng)
        if len(value) <= DATE_MAX_CHARS and value.strip():
            stats.date_tried += 1
            # Formats are looked for only in what the parser reads: strptime on every title
            # and url would cost more than the rest of the pass.
            if not isinstance(self.parser.parse(value), DateError):
                stats.date_parsed += 1
                seen = _format_of(value.strip())
                if seen is not None:
                    stats.formats[seen] += 1
        elif len(value) > DATE_MAX_CHARS:
            self._attribution(stats, value)

    def _attribution(self, stats: FieldStats, value: str) -> None:
        credited = False
        for form, pattern in (("trailer", self.trailer), ("dateline", self.dateline)):
            for found in set(m.group(1) for m in pattern.finditer(value)):
                forms = stats.sources.get(found)
                if forms is None:
                    if len(stats.sources) >= MAX_SOURCES:
                        continue
                    forms = stats.sources[found] = Counter()
                forms[form] += 1
                credited = True
        if self.byline.search(value) is not None:
            stats.bylines += 1
            credited = True
        if self.credit.search(value) is not None:
            stats.credits += 1
            credited = True
        stats.attributed += credited


@functools.lru_cache(maxsize=1 << 14)  # values are at most DATE_MAX_CHARS long
def _format_of(text: str) -> str | None:
    """The first of DATE_FORMATS that reads ``text`` whole, as date_parses would."""
    for fmt in DATE_FORMATS:
        try:
            if fmt == "iso8601":
                datetime.fromisoformat(text[:-1] + "Z" if text[-1:] == "z" else text)
            else:
                datetime.strptime(text, fmt)
        except ValueError:
            continue
        return fmt
    return None


@dataclass
class Proposed:
    """One suggested expectation: its YAML keys, and the evidence said in its comment."""

    name: str
    check: str
    field: str
    params: dict[str, Any]
    evidence: list[str]
    pass_rate: float = 1.0
    evaluated: int = 0
    failed: int = 0


@dataclass
class Suggestion:
    """What ``suggest`` found: the suite text and figures for the command's message."""

    text: str
    documents: int
    expectations: int
    left_out: int
    unreadable: int
    templates: int


@contextmanager
def _readable_twice(inputs: list[Input]) -> Iterator[list[Input]]:
    """The inputs, standard input spooled to a temporary file so that it can be read twice."""
    if not any(inp.path == STDIN for inp in inputs):
        yield inputs
        return
    folder = tempfile.mkdtemp(prefix="scrapegate-suggest-")
    try:
        spooled = os.path.join(folder, "stdin.jsonl")
        with open(spooled, "wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        yield [replace(inp, path=spooled) if inp.path == STDIN else inp for inp in inputs]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def suggest_suite(
    paths: Sequence[str], fmt: str | None, suite_name: str, suite_path: str
) -> Suggestion:
    """Read ``paths`` twice and return the suggested suite's text (see the module doc)."""
    from .errors import UsageError

    inputs = resolve_inputs(list(paths), fmt)
    shown_paths = [STDIN_NAME if p == STDIN else p for p in paths]
    with _readable_twice(inputs) as readable:
        scanner = _Scanner()
        for item in iter_documents(readable):
            if isinstance(item, Document):
                scanner.add(item)
            else:
                scanner.evidence.unreadable += 1
        ev = scanner.evidence
        if ev.documents == 0:
            where = ", ".join(shown_paths)
            unread = f" ({plural(ev.unreadable, 'record')} unreadable)" if ev.unreadable else ""
            raise UsageError(
                f"no documents were read from {where}{unread}; nothing to suggest (is it "
                "empty, or in another format? see --format)"
            )
        id_field, id_why = choose_id(ev)
        group_by = _group_by(ev)
        proposed = propose(ev, id_field)
        draft = render(
            suite_name, paths, suite_path, ev, id_field, id_why, group_by, proposed, [], []
        )
        templates = _measure(draft, suite_path, readable, id_field, proposed) if proposed else []
    kept = [p for p in proposed if p.pass_rate >= MIN_PASS_RATE]
    left = [p for p in proposed if p.pass_rate < MIN_PASS_RATE]
    if not kept:
        # A suite needs one expectation: the count of documents always holds.
        kept = [
            Proposed(
                "documents read",
                "count",
                "",
                {"min": 1},
                [f"{plural(ev.documents, 'document')} read; at least one is expected"],
            )
        ]
    text = render(
        suite_name, paths, suite_path, ev, id_field, id_why, group_by, kept, left, templates
    )
    _parsed(text, suite_path)  # what is written must load: checked, not assumed
    return Suggestion(text, ev.documents, len(kept), len(left), ev.unreadable, len(templates))


def choose_id(ev: Evidence) -> tuple[str | None, str]:
    """The field every document has, with no value repeated; names like url/id preferred."""
    full = [
        s
        for s in ev.fields.values()
        if s.present == ev.documents
        and s.duplicates == 0
        and s.types.keys() <= {"string", "number"}
    ]
    if not full:
        partial = sorted(
            (s for s in ev.fields.values() if s.types.keys() <= {"string", "number"}),
            key=lambda s: (-(s.present - s.duplicates), s.name),
        )
        if not partial:
            return None, "no id field: no field holds plain text or numbers"
        best = partial[0]
        return None, (
            f"no id field: no field is in every document with every value distinct "
            f"(closest: {comment_text(best.name, 40)!r}, in {best.present} of "
            f"{ev.documents} documents, {plural(best.duplicates, 'repeated value')})"
        )

    def rank(s: FieldStats) -> tuple[int, int, str]:
        lowered = s.name.lower()
        named = ID_NAMES.index(lowered) if lowered in ID_NAMES else len(ID_NAMES)
        return (named, s.chars.high or 0, s.name)

    best = min(full, key=rank)
    capped = best.digests is None
    why = f"id field {comment_text(best.name, 40)!r}: in all {ev.documents} documents, " + (
        f"no repeat among the first {DISTINCT_CAP} distinct values (more were not "
        "remembered; the unique expectation below measured them all)"
        if capped
        else f"all {ev.documents} values distinct"
    )
    others = [s.name for s in full if s is not best]
    if others:
        shown = ", ".join(repr(comment_text(n, 30)) for n in others[:5])
        why += f"; also qualified: {shown} (preferred: a name like url, id, guid)"
    return best.name, why


def _group_by(ev: Evidence) -> str | None:
    """A URL field to group documents by host for repeated lines, when there is one."""
    for name in ("url", "link", "uri", "permalink"):
        stats = ev.fields.get(name)
        if stats is not None and stats.strings >= ev.documents * 0.9:
            return name
    return None


def propose(ev: Evidence, id_field: str | None) -> list[Proposed]:
    """Expectations the evidence supports, before their pass rates are measured."""
    n = ev.documents
    out: list[Proposed] = []
    for stats in ev.fields.values():
        f = stats.name
        if stats.present * 2 < n:
            continue  # a field most documents lack is not a rule of the corpus
        out.append(
            Proposed(
                f"{f} not empty",
                "not_empty",
                f,
                {},
                [f"present in {stats.present} of {n} documents, non-blank in {stats.non_blank}"],
            )
        )
        if f == id_field:
            out.append(Proposed(f"{f} unique", "unique", f, {}, ["the id field (see above)"]))
        if stats.strings * 2 < stats.present or not stats.chars.seen:
            continue
        out.extend(_dates(stats))
        if f != id_field:  # an id's length says nothing of the document's quality
            out.append(_length(stats))
        if stats.prose:
            out.append(_boilerplate(stats))
            attribution = _attribution(stats)
            if attribution is not None:
                out.append(attribution)
    return out


def _dates(stats: FieldStats) -> list[Proposed]:
    if stats.prose or stats.date_tried * 2 < stats.strings or stats.date_parsed * 2 < stats.strings:
        return []
    matched = sum(stats.formats.values())
    seen = ", ".join(f"{fmt} ({count})" for fmt, count in stats.formats.most_common(8))
    evidence = [
        f"parsed {stats.date_parsed} of {stats.strings} values (default parser); "
        + (f"formats seen: {seen}" if seen else "no single strptime format read them"),
    ]
    params: dict[str, Any] = {}
    if matched and matched >= stats.date_parsed:
        params["formats"] = [fmt for fmt, _ in stats.formats.most_common(8)]
        evidence.append(f"those formats read {matched} values, as many as the default parser")
    elif matched:
        evidence.append(
            f"those formats read only {matched}: the default parser (no formats) is suggested"
        )
    return [Proposed(f"{stats.name} parses as a date", "date_parses", stats.name, params, evidence)]


def _length(stats: FieldStats) -> Proposed:
    words = stats.prose
    lengths = stats.words if words else stats.chars
    unit = "words" if words else "chars"
    p01, p50, p99 = lengths.quantile(0.01), lengths.quantile(0.5), lengths.quantile(0.99)
    low, high = p01 // 2, max(1, p99 * 2)
    params: dict[str, Any] = {"unit": unit, "max": high}
    if low > 0:
        params = {"unit": unit, "min": low, "max": high}
    how = "exact" if lengths.exact else f"from a sample of {RESERVOIR} of {lengths.seen} values"
    return Proposed(
        f"{stats.name} length",
        "length",
        stats.name,
        params,
        [
            f"{unit}: min {lengths.low}, 1% {p01}, median {p50}, 99% {p99}, max {lengths.high} "
            f"({how})",
            "bounds: half the 1st percentile, twice the 99th",
        ],
    )


def _boilerplate(stats: FieldStats) -> Proposed:
    from .packs import available_packs

    packs = list(available_packs())
    return Proposed(
        f"{stats.name} no boilerplate",
        "no_boilerplate",
        stats.name,
        {"packs": packs},
        [f"prose field (median {stats.words.quantile(0.5)} words); every shipped pack"],
    )


def _attribution(stats: FieldStats) -> Proposed | None:
    sources = sorted(
        ((name, forms) for name, forms in stats.sources.items() if sum(forms.values()) >= 2),
        key=lambda kv: (-sum(kv[1].values()), kv[0]),
    )[:10]
    if not sources and not stats.bylines:
        return None
    evidence = [
        f"{comment_text(name, 30)}: "
        + ", ".join(f"{form} in {count}" for form, count in sorted(forms.items()))
        for name, forms in sources
    ]
    if stats.credits:
        evidence.append(f"'Reporting by' credits in {stats.credits}")
    params: dict[str, Any] = {}
    if sources:
        params["sources"] = [name for name, _ in sources]
    if stats.bylines:
        evidence.append(f"'By First Last' bylines in {stats.bylines}")
        params["byline"] = True
    evidence.append(f"some credit in {stats.attributed} of {stats.strings} values")
    return Proposed(
        f"{stats.name} attribution", "attribution_present", stats.name, params, evidence
    )


def _measure(
    draft: str,
    suite_path: str,
    inputs: list[Input],
    id_field: str | None,
    proposed: list[Proposed],
) -> list[Any]:
    """Run the draft suite over the corpus: pass rates into ``proposed``, repeated lines out."""
    from .engine import Engine
    from .library.repeated_lines import RepeatedLinesParams
    from .suite import Expectation

    suite = _parsed(draft, suite_path)
    text_field = next((p.field for p in proposed if p.check == "no_boilerplate"), None)
    extra: tuple[Expectation, ...] = ()
    if text_field is not None:
        extra = (
            Expectation(
                name="(repeated lines)",
                check="repeated_lines",
                field=text_field,
                params=RepeatedLinesParams(),
            ),
        )
    suite = replace(suite, expectations=suite.expectations + extra)
    engine = Engine(suite)
    partial = engine.scan(iter_documents(inputs, id_field))
    found: dict[tuple[str | None, str], Any] = {}
    for tally in partial.tallies[len(proposed) :]:
        for (group, _), hit in tally.state.repeated().items():
            found.setdefault((group, hit.text.casefold()), hit)
    # The engine's own verdict, as `check` will reach it (results[0] is 'records are readable').
    by_name = {p.name: p for p in proposed}
    for result in engine.finish(partial).expectations[1:]:
        target = by_name.get(result.name)
        if target is not None:
            target.evaluated, target.failed = result.evaluated, result.failed
            target.pass_rate = result.pass_rate
    return sorted(found.values(), key=lambda h: (h.group or "", -h.documents, h.text))


def _parsed(text: str, suite_path: str) -> Any:
    """The suite the text declares; a problem in it is a bug here, not the user's (exit 3)."""
    from .errors import ConfigError
    from .suite import parse_suite
    from .yamlsource import load_marked

    try:
        return parse_suite(load_marked(text, suite_path))
    except ConfigError as exc:
        problems = "; ".join(str(p) for p in exc.problems)
        raise RuntimeError(f"the suggested suite does not validate: {problems}") from exc


def render(
    suite_name: str,
    paths: Sequence[str],
    suite_path: str,
    ev: Evidence,
    id_field: str | None,
    id_why: str,
    group_by: str | None,
    kept: list[Proposed],
    left_out: list[Proposed],
    templates: list[Any],
) -> str:
    """The suite as YAML text, every expectation with a comment naming its evidence."""
    out: list[str] = []
    c = out.append
    # Paths as typed in a shell (quoted where needed), shown safely on one comment line.
    shown = comment_text(" ".join(shlex.quote(p) for p in paths), 120)
    named = ", ".join(STDIN_NAME if p == STDIN else p for p in paths)
    suite_arg = comment_text(shlex.quote(suite_path), 60)
    c(
        "# Suggested by `scrapegate suggest` from "
        + f"{plural(ev.documents, 'document')} in {comment_text(named, 120)}."
    )
    c("# A start, not a verdict: each mostly is the pass rate measured on that corpus, rounded")
    c("# down, so this suite passes on it; raise what should hold, delete what should not.")
    c(f"# Run it: scrapegate check {shown} --suite {suite_arg}")
    c(f"#   or as pytest items: pytest {suite_arg} --docs {shown}")
    c("# (documents.paths is left out: name the paths on the command line.)")
    if ev.unreadable:
        c(
            f"# {plural(ev.unreadable, 'record')} could not be read: 'records are readable' "
            "fails on them whatever this suite says."
        )
    c("#")
    c("# Fields (present in / non-blank in documents; value types):")
    for stats in ev.fields.values():
        types = ", ".join(f"{t} {k}" for t, k in stats.types.most_common())
        c(
            f"#   {comment_text(stats.name, 40)}: {stats.present}/{stats.non_blank} of "
            f"{ev.documents} ({_percent(stats.present, ev.documents)} filled)"
            + (f"; {types}" if types else "")
        )
    if ev.skipped_fields:
        c(
            f"#   ({plural(len(ev.skipped_fields), 'field')} not studied: dotted, empty or past "
            f"the first {MAX_FIELDS} names)"
        )
    c(f"# {id_why}")
    c(f"suite: {yaml_value(suite_name)}")
    if id_field is not None or group_by is not None:
        c("documents:")
    if id_field is not None:
        c(f"  id: {yaml_value(id_field)}")
    if group_by is not None:
        c(f"  # repeated_lines (and `scrapegate templates`) compare pages of one host: {group_by}")
        c(f"  group_by: {{host: {yaml_value(group_by)}}}")
    c("expectations:")
    for p in kept:
        c("")
        for line in p.evidence:
            c(f"  # {comment_text(line, 200)}")
        if p.evaluated:
            c(f"  # passes on {p.evaluated - p.failed} of {p.evaluated} documents")
        c(f"  - name: {yaml_value(p.name)}")
        c(f"    check: {p.check}")
        if p.field:
            c(f"    field: {yaml_value(p.field)}")
        for key, value in p.params.items():
            c(f"    {key}: {yaml_value(value)}")
        if p.evaluated and p.pass_rate < 1:
            c(f"    mostly: {floor2(p.pass_rate)}")
    if left_out:
        c("")
        c(f"# Left out: passed by fewer than {MIN_PASS_RATE:.0%} of documents:")
        for p in left_out:
            c(
                f"#   {comment_text(p.name, 60)} ({p.check}): passes on {p.evaluated - p.failed} "
                f"of {p.evaluated}"
            )
    if templates:
        c("")
        c("# Candidate templates: lines repeated across most documents of a site (top 20).")
        c(
            f"# Review them as a pack: scrapegate templates {shown} --suite "
            f"{suite_arg} -o site-templates.yaml"
        )
        for hit in templates[:20]:
            where = "" if hit.group is None else f" of {comment_text(hit.group, 40)}"
            c(
                f"#   {hit.documents} of {hit.group_documents} documents{where}: "
                f"{comment_text(hit.text, 70)!r}"
            )
    return "\n".join(out) + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 // whole}%" if whole else "0%"

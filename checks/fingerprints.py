"""Per-document fingerprints: what each document looked like, so two runs can say which
documents changed (a body that shrank to a teaser, a date that moved, a credit that vanished).

A fingerprint is a fixed-size record a document: its 64-bit id digest (as in
:mod:`scrapegate.docindex`), its group (``documents.group_by``: the site) as an index into a
table of group names, and one unsigned 32-bit value per column. The columns come from the
suite: for every field a text check reads, its length in characters; for a ``date_parses``
field, the parsed day (days since 1970-01-01); for an ``attribution_present`` field, whether a
credit matched. Records are sorted by id digest (so a diff is a merge join) and stored
column-major (all digests, then all groups, then each column, big-endian), zlib-compressed and
base64'd under ``document_fingerprints`` in the result JSON.

Size: column-major lets zlib squeeze the sorted digests' leading bytes, the few group indexes
and the dates; lengths and the digests' random tails stay. Measured with 1,000,000 documents,
20 sites and the columns ``length(text)``, ``length(title)``, ``date(date)``,
``attribution(text)``: 18.4 MB of base64 in the result JSON (13.8 MB compressed, 28 MB
raw), next to the 11 MB of the document index. Building holds 12 bytes a document plus 4 a
column in ``array`` s, and sorting works in 256 buckets, like the document index.

Ids are digests, so a comparison of two stored results names a document by its id only when
one of the results knows it: the id of a document that fails some expectation in either run,
or, for ``check --baseline``, every document the run found changed against the baseline (the
engine compares while it still sees the documents and keeps those ids, at most
:data:`MAX_IDS`). Any other document is shown as ``#`` and its digest in hex.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .dates import DateParser, ParsedDate
from .docindex import HASH_NAME, id_digest
from .documents import Document
from .grouping import GroupBy
from .registry import CheckContext, get_check
from .suite import Suite

KEY = "document_fingerprints"
FORMAT = 1
# Column values that are not a length, a day or a flag.
MISSING = 0xFFFFFFFF  # the field is missing, null or not text
UNPARSED = 0xFFFFFFFE  # a date field whose value holds no date
# Days are stored shifted so dates before 1970 stay unsigned.
DAY_OFFSET = 1 << 30
# Group names kept per run; a corpus of more sites puts the rest in one group.
MAX_GROUPS = 10_000
OTHER_GROUPS = "(other sites)"
# Ids of changed documents a run keeps for readable reports.
MAX_IDS = 10_000
_EPOCH = date(1970, 1, 1)

KINDS = ("length", "date", "attribution")
CHANGE_KINDS = ("shrank", "grew", "date_changed", "attribution_vanished")


@dataclass(frozen=True)
class Column:
    """One value recorded for every document: ``kind`` of ``field``."""

    field: str
    kind: str  # one of KINDS

    def to_json(self) -> dict[str, str]:
        """As stored in the result JSON."""
        return {"field": self.field, "kind": self.kind}


@dataclass(frozen=True)
class ChangeThresholds:
    """When a length change is worth reporting.

    A body *shrank* when its new length is below ``ratio`` times the old one, and *grew* when
    it is above the old one divided by ``ratio``; either way it must move by at least
    ``min_chars`` characters, so that short fields (a title of 10 characters) do not flap.
    """

    ratio: float = 0.5
    min_chars: int = 100

    def to_json(self) -> dict[str, Any]:
        """As stored under ``baseline.changes.thresholds``."""
        return {"ratio": self.ratio, "min_chars": self.min_chars}


def suite_thresholds(suite: Suite) -> ChangeThresholds:
    """The thresholds a suite sets in ``documents.changes`` (or the defaults)."""
    spec = suite.documents.changes
    return ChangeThresholds(spec.ratio, spec.min_chars)


def overridden(
    thresholds: ChangeThresholds, ratio: float | None, min_chars: int | None
) -> ChangeThresholds:
    """``thresholds`` with the values given on the command line instead."""
    return ChangeThresholds(
        thresholds.ratio if ratio is None else ratio,
        thresholds.min_chars if min_chars is None else min_chars,
    )


def stored_thresholds(data: Any) -> ChangeThresholds:
    """The thresholds stored with a result's fingerprints (``data``), else the defaults."""
    limits = data.get("thresholds") if isinstance(data, dict) else None
    if not isinstance(limits, dict):
        return ChangeThresholds()
    try:
        found = ChangeThresholds(float(limits["ratio"]), int(limits["min_chars"]))
    except (KeyError, TypeError, ValueError):
        return ChangeThresholds()
    return found if 0 < found.ratio < 1 and found.min_chars >= 0 else ChangeThresholds()


def columns_for(suite: Suite, now: datetime | None = None) -> list[tuple[Column, Any]]:
    """The columns a suite's fingerprints record, each with what computes it (a date parser,
    or for an attribution column the index of the expectation whose verdict fills it).

    A field read by a text check gets a length column (or each of
    ``documents.changes.fields``); a ``date_parses`` field a date column (parsed with the
    first such expectation's formats and languages) instead; an
    ``attribution_present`` field an attribution column as well as its length.

    ``now`` is the run's clock: when the expectation refuses relative dates, its parser and
    the column's are then equal (the reference only matters to relative dates), so the
    column's parse of a value is the expectation's, found in the parse cache.
    """
    columns: dict[Column, Any] = {}
    dated = {e.field for e in suite.expectations if e.check == "date_parses" and e.field}
    chosen = suite.documents.changes.fields
    for chosen_name in chosen or ():
        columns.setdefault(Column(chosen_name, "length"), None)
    for index, spec in enumerate(suite.expectations):
        name = spec.field
        if name is None:
            continue
        check = get_check(spec.check)
        if spec.check == "date_parses":
            column = Column(name, "date")
            if column not in columns:
                params = spec.params
                columns[column] = DateParser(
                    formats=params.formats,
                    languages=params.languages,
                    day_first=params.day_first,
                    allow_relative=False,
                    reference=None if params.allow_relative else now,
                )
            continue
        if chosen is None and check.text_only and not check.corpus and name not in dated:
            columns.setdefault(Column(name, "length"), None)
        if spec.check == "attribution_present":
            # The engine fills it with this expectation's verdict: no second scan of the text.
            columns.setdefault(Column(name, "attribution"), index)
    return list(columns.items())


def _day(parsed: ParsedDate) -> int:
    moment = parsed.value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return (moment.date() - _EPOCH).days + DAY_OFFSET


class Fingerprinter:
    """Computes one document's column values (lives in the engine; not pickled)."""

    def __init__(self, suite: Suite, now: datetime | None = None) -> None:
        computed = columns_for(suite, now)
        self.columns = [c for c, _ in computed]
        self._how = [how for _, how in computed]
        # expectation index -> column its verdict fills (see Engine._evaluate).
        self.verdict_columns = {
            how: i for i, (c, how) in enumerate(computed) if c.kind == "attribution"
        }
        self.group_by: GroupBy | None = suite.documents.group_by
        self.language = suite.documents.language
        self.thresholds = suite_thresholds(suite)
        self.fail_on = suite.documents.changes.fail_on
        # Attribution columns are left to the engine; the rest are computed here.
        self._plan = [
            (i, c.field, c.kind, how)
            for i, (c, how) in enumerate(computed)
            if c.kind != "attribution"
        ]
        self._days: dict[tuple[str, str | None, int], int] = {}

    def values(self, doc: Document) -> list[int]:
        """The column values of ``doc``; attribution columns stay MISSING until the engine
        fills them with their expectation's verdict (a ``where`` that skips it leaves them)."""
        out = [MISSING] * len(self.columns)
        language: str | None = None
        language_read = self.language is None
        fields = doc.fields
        for index, name, kind, how in self._plan:
            value = fields[name] if name in fields else doc.get(name)
            if not isinstance(value, str):
                continue
            if kind == "length":
                out[index] = min(len(value), MISSING - 1)
            elif kind == "date":
                if not language_read:
                    language = self.language.of(doc) if self.language is not None else None
                    language_read = True
                out[index] = self._day_of(how, value, language)
        return out

    def _day_of(self, parser: DateParser, value: str, language: str | None) -> int:
        # Scraped dates repeat (a day's articles share one): remember the last few thousand.
        key = (value, language, id(parser))
        day = self._days.get(key)
        if day is None:
            if language is not None:
                parser = _with_language(parser, language)
            parsed = parser.parse(value)
            day = _day(parsed) if isinstance(parsed, ParsedDate) else UNPARSED
            if len(self._days) >= 4096:
                self._days.clear()
            self._days[key] = day
        return day

    def group(self, doc: Document) -> str | None:
        """The document's group name, None without ``documents.group_by`` or a value."""
        group_by = self.group_by
        if group_by is None:
            return None
        if group_by.host:
            value = doc.get(group_by.field)
            if isinstance(value, str):
                host = fast_host(value)
                if host is not None:
                    return host
        return group_by.of(doc)


_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")


def fast_host(url: str) -> str | None:
    """:func:`~scrapegate.grouping.host_of` for a plain ``http(s)://host/...`` URL, without
    ``urlsplit`` (a third of a run's time went there); None when the URL is anything else,
    and the caller asks ``host_of``."""
    if url.startswith("https://"):
        rest = url[8:]
    elif url.startswith("http://"):
        rest = url[7:]
    else:
        return None
    end = len(rest)
    for stop in "/?#":
        found = rest.find(stop, 0, end)
        if found >= 0:
            end = found
    host = rest[:end]
    if not host or not _HOST_CHARS.issuperset(host):
        return None
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") and len(host) > 4 else host or None


def fingerprint_documents(suite: Suite, docs: Iterable[Document]) -> dict[str, Any]:
    """The stored fingerprints of ``docs`` outside the engine (``--engine gx``), which
    evaluates each attribution expectation itself for its column."""
    fingerprinter = Fingerprinter(suite)
    parts = FingerprintParts(width=len(fingerprinter.columns))
    ctx = CheckContext(datetime.now(UTC), group_by=suite.documents.group_by)
    verdicts = [
        (column, get_check(suite.expectations[index].check).factory(
            suite.expectations[index].params, ctx
        ), suite.expectations[index].field or "")
        for index, column in fingerprinter.verdict_columns.items()
    ]  # fmt: skip
    for doc in docs:
        values = fingerprinter.values(doc)
        for column, evaluator, name in verdicts:
            value = doc.get(name)
            values[column] = 1 if isinstance(value, str) and not evaluator(value) else 0
        parts.add(id_digest(doc.id), fingerprinter.group(doc), values)
    return parts.to_json(fingerprinter)


def _with_language(parser: DateParser, language: str) -> DateParser:
    return DateParser(
        formats=parser.formats,
        languages=parser.languages,
        day_first=parser.day_first,
        allow_relative=parser.allow_relative,
        reference=parser.reference,
        document_language=language,
    )


@dataclass
class FingerprintParts:
    """The fingerprints of a slice of the input, in input order (picklable, for workers)."""

    width: int = 0
    digests: array[int] = field(default_factory=lambda: array("Q"))
    groups: array[int] = field(default_factory=lambda: array("I"))
    # Column-major: values[c][i] is column c of document i.
    values: list[array[int]] = field(default_factory=list)
    group_names: dict[str | None, int] = field(default_factory=dict)
    # digest -> id of documents found changed against a watched baseline (bounded).
    ids: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.values:
            self.values = [array("I") for _ in range(self.width)]

    def _group_index(self, name: str | None) -> int:
        index = self.group_names.get(name)
        if index is None:
            if len(self.group_names) >= MAX_GROUPS:
                name = OTHER_GROUPS
                index = self.group_names.get(name)
            if index is None:
                index = self.group_names[name] = len(self.group_names)
        return index

    def add(self, digest: int, group: str | None, values: Sequence[int]) -> None:
        """Append one document."""
        self.digests.append(digest)
        self.groups.append(self._group_index(group))
        for column, value in zip(self.values, values, strict=True):
            column.append(value)

    def merge(self, other: FingerprintParts) -> None:
        """Append a later slice's fingerprints (its group indexes renumbered into ours)."""
        names = {index: name for name, index in other.group_names.items()}
        remap = [self._group_index(names[i]) for i in range(len(names))]
        self.digests.extend(other.digests)
        self.groups.extend(map(remap.__getitem__, other.groups))
        for mine, theirs in zip(self.values, other.values, strict=True):
            mine.extend(theirs)
        for digest, doc_id in other.ids.items():
            if len(self.ids) >= MAX_IDS:
                break
            self.ids.setdefault(digest, doc_id)

    def to_json(self, fingerprinter: Fingerprinter) -> dict[str, Any]:
        """The stored form: sorted by digest, the first of repeated ids kept."""
        columns, group_by = fingerprinter.columns, fingerprinter.group_by
        order = _sorted_unique(self.digests)
        # Group names sorted, so the bytes do not depend on which slice saw a site first.
        named = sorted(self.group_names.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
        renumber = array("I", bytes(4 * len(named)))
        for new, (_, old) in enumerate(named):
            renumber[old] = new
        # map() over the order, not generator expressions: a C-level loop per column.
        parts = [array("Q", map(self.digests.__getitem__, order))]
        parts.append(array("I", map(renumber.__getitem__, map(self.groups.__getitem__, order))))
        parts.extend(array("I", map(column.__getitem__, order)) for column in self.values)
        raw = b"".join(_big_endian(p) for p in parts)
        return {
            "format": FORMAT,
            "hash": HASH_NAME,
            "count": len(order),
            "group_by": None if group_by is None else group_by.label,
            "groups": [name for name, _ in named],
            "columns": [c.to_json() for c in columns],
            "records": base64.b64encode(zlib.compress(raw, 6)).decode(),
            "ids": {f"{d:016x}": i for d, i in sorted(self.ids.items())},
            # The suite's documents.changes, so a later `diff` of stored results applies it.
            "thresholds": fingerprinter.thresholds.to_json(),
            "fail_on": list(fingerprinter.fail_on),
        }


# Below this many documents a thread costs more than the compression it overlaps.
BACKGROUND_MIN_DOCUMENTS = 20_000


def json_soon(
    parts: FingerprintParts, fingerprinter: Fingerprinter
) -> Callable[[], dict[str, Any]]:
    """Start ``parts.to_json(fingerprinter)``; the returned function waits for its value.

    For a large corpus it runs in a thread while the caller closes its corpus checks and
    sorts failures: compressing the columns (zlib releases the GIL) was a quarter of a
    second at 100k documents, after the workers were done and with every core idle.
    """
    if len(parts.digests) < BACKGROUND_MIN_DOCUMENTS:
        value = parts.to_json(fingerprinter)
        return lambda: value
    import threading  # only for a large corpus

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = parts.to_json(fingerprinter)
        except BaseException as exc:  # re-raised by the caller, in its own thread
            box["error"] = exc

    thread = threading.Thread(target=work, name="scrapegate-fingerprints", daemon=True)
    thread.start()

    def wait() -> dict[str, Any]:
        thread.join()
        if "error" in box:
            raise box["error"]
        value: dict[str, Any] = box["value"]
        return value

    return wait


def _big_endian(values: array[int]) -> bytes:
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()


def _sorted_unique(digests: array[int]) -> array[int]:
    """Positions of the first occurrence of each digest, in digest order.

    Bucketed by the top byte (as :func:`scrapegate.docindex.document_index_json`): sorting a
    million positions at once would hold a million int objects.
    """
    buckets = [array("L") for _ in range(256)]
    for position, digest in enumerate(digests):
        buckets[digest >> 56].append(position)
    order = array("L")
    for index, bucket in enumerate(buckets):
        previous = None
        # sorted() is stable: of repeated ids, the first in input order comes first.
        for position in sorted(bucket, key=digests.__getitem__):
            digest = digests[position]
            if digest != previous:
                order.append(position)
                previous = digest
        buckets[index] = array("L")
    return order


@dataclass(frozen=True)
class Fingerprints:
    """The stored fingerprints of one run, read back."""

    digests: array[int]
    groups: tuple[str | None, ...]
    group_index: array[int]
    columns: tuple[Column, ...]
    values: tuple[array[int], ...]
    group_by: str | None = None
    ids: dict[int, str] = field(default_factory=dict)
    thresholds: ChangeThresholds = field(default_factory=lambda: ChangeThresholds())
    fail_on: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.digests)

    def find(self, digest: int) -> int | None:
        """The position of ``digest``, or None."""
        position = bisect.bisect_left(self.digests, digest)
        if position < len(self.digests) and self.digests[position] == digest:
            return position
        return None

    def group_of(self, position: int) -> str | None:
        """The group name of the document at ``position``."""
        return self.groups[self.group_index[position]]

    @classmethod
    def from_json(cls, data: Any) -> Fingerprints | None:
        """Parse stored fingerprints; None when absent or not in a form this version reads."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if data.get("hash") != HASH_NAME:
            return None
        try:
            columns = tuple(Column(str(c["field"]), str(c["kind"])) for c in data["columns"])
            groups = tuple(None if g is None else str(g) for g in data["groups"])
            count = int(data["count"])
            raw = zlib.decompress(base64.b64decode(str(data["records"]), validate=True))
            ids = {int(k, 16): str(v) for k, v in (data.get("ids") or {}).items()}
            thresholds = stored_thresholds(data)
            fail_on = tuple(str(k) for k in data.get("fail_on") or () if k in CHANGE_KINDS)
        except (KeyError, TypeError, ValueError, binascii.Error, zlib.error):
            return None
        if count < 0 or len(raw) != count * (12 + 4 * len(columns)):
            return None
        if any(c.kind not in KINDS for c in columns):
            return None
        digests = _native(array("Q"), raw[: 8 * count])
        offset = 8 * count
        group_index = _native(array("I"), raw[offset : offset + 4 * count])
        values = []
        for _ in columns:
            offset += 4 * count
            values.append(_native(array("I"), raw[offset : offset + 4 * count]))
        if any(g >= len(groups) for g in group_index):
            return None
        group_by = data.get("group_by")
        return cls(
            digests,
            groups,
            group_index,
            columns,
            tuple(values),
            group_by if isinstance(group_by, str) else None,
            ids,
            thresholds,
            fail_on,
        )


def _native(values: array[int], raw: bytes) -> array[int]:
    values.frombytes(raw)
    if sys.byteorder == "little":
        values.byteswap()
    return values


@dataclass(frozen=True)
class Change:
    """One way one document changed: ``kind`` is shrank, grew, date_changed or
    attribution_vanished; ``base``/``head`` are lengths, ISO days or None."""

    kind: str
    field: str
    base: Any
    head: Any


def shown_day(value: int) -> str | None:
    """A stored date value as an ISO day, ``unparsed``, or None when missing."""
    if value == MISSING:
        return None
    if value == UNPARSED:
        return "unparsed"
    return date.fromordinal(_EPOCH.toordinal() + value - DAY_OFFSET).isoformat()


def column_pairs(base: Sequence[Column], head: Sequence[Column]) -> list[tuple[int, int, Column]]:
    """(base position, head position, column) of the columns both runs recorded."""
    where = {c: i for i, c in enumerate(base)}
    return [(where[c], j, c) for j, c in enumerate(head) if c in where]


def changes_of(
    pairs: Sequence[tuple[int, int, Column]],
    base: Sequence[int],
    head: Sequence[int],
    thresholds: ChangeThresholds,
) -> Iterator[Change]:
    """How a document with column values ``base`` became one with ``head``."""
    for b_pos, h_pos, column in pairs:
        old, new = base[b_pos], head[h_pos]
        if old == new:
            continue
        if column.kind == "length":
            # A field that went missing is a body of no characters.
            before = 0 if old == MISSING else old
            after = 0 if new == MISSING else new
            if abs(after - before) < thresholds.min_chars:
                continue
            if after < before * thresholds.ratio:
                yield Change("shrank", column.field, before, after)
            elif thresholds.ratio > 0 and after > before / thresholds.ratio:
                yield Change("grew", column.field, before, after)
        elif column.kind == "date":
            if old != MISSING and new != MISSING:
                yield Change("date_changed", column.field, shown_day(old), shown_day(new))
        elif old == 1 and new != 1:
            yield Change("attribution_vanished", column.field, True, False)


class Watch:
    """The baseline's fingerprints, given to a run before it starts (``check --baseline``):
    the run keeps the ids of the documents that changed, which its digests alone cannot show."""

    def __init__(
        self, base: Fingerprints, columns: Sequence[Column], thresholds: ChangeThresholds
    ) -> None:
        self.base = base
        self.pairs = column_pairs(base.columns, columns)
        self.thresholds = thresholds

    def changed(self, digest: int, values: Sequence[int]) -> bool:
        """Whether the document with ``digest`` and ``values`` changed against the base."""
        position = self.base.find(digest)
        if position is None:
            return False
        old = [column[position] for column in self.base.values]
        return next(changes_of(self.pairs, old, values, self.thresholds), None) is not None


def watch_for(
    suite: Suite,
    baseline: Any,
    overrides: tuple[float | None, int | None] = (None, None),
) -> Watch | None:
    """The :class:`Watch` for a run of ``suite`` against ``baseline`` (a ``RunResult``), or
    None when the baseline has no fingerprints: the run then compares documents while they
    are at hand, so the reports can name the ids of those that changed."""
    base_fingerprints = Fingerprints.from_json(baseline.extra.get(KEY))
    if base_fingerprints is None:
        return None
    thresholds = overridden(suite_thresholds(suite), *overrides)
    return Watch(base_fingerprints, Fingerprinter(suite).columns, thresholds)


def merge_join(base: Fingerprints, head: Fingerprints) -> Iterable[tuple[int, int, int]]:
    """(digest, base position, head position) of every document in both runs."""
    i = j = 0
    b, h = base.digests, head.digests
    while i < len(b) and j < len(h):
        if b[i] == h[j]:
            yield b[i], i, j
            i += 1
            j += 1
        elif b[i] < h[j]:
            i += 1
        else:
            j += 1

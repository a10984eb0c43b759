"""repeated_lines: no line repeats across most documents of a site (a template found from the data).

Twenty pages of one site that all end with the same unlisted lines ("Follow us on Mastodon",
"All rights reserved ...") pass every pattern list; the corpus itself shows what repeats. A
*unit* is a line of the field, at least ``min_length`` characters once normalised (NFKC,
case-folded, whitespace collapsed); in a document that is one flattened line, its sentences
(split after ``.``, ``!``, ``?``, ``。``, ``！``, ``？``) are units too. Sentences rather than word
shingles: a sentence reads as what a reviewer expects, and becomes a pack rule that
``no_boilerplate`` and ``strip_boilerplate`` can use as is; a shingle is a fragment of one.

Documents are grouped by the check's ``group_by``, else the suite's ``documents.group_by``,
else the whole corpus is one group. In a group of at least ``min_documents`` documents, a unit
found in more than ``share`` of them is template text: every document holding it fails, once
per such unit, with the span of the unit in the field.

Memory: one pass, as the engine is (a second pass over the inputs could not read stdin), with
*lossy counting* (Manku and Motwani, "Approximate frequency counts over data streams", VLDB
2002) per group, counting in documents. Every ``BUCKET`` = ceil(1 / epsilon) documents of a
group, with epsilon = ``share`` / 10, a unit whose count (plus the error it may have had when
it entered) is at most the number of buckets seen is dropped: it is in fewer than epsilon of
the group's documents so far, so it is article text, not a template. Each document keeps the
digests and spans of its own units (16 bytes a unit, in flat arrays, no text) only while
their unit is still counted: the arrays are compacted whenever they have doubled since the
last compaction. What stays is the table of units that are frequent (at most about
``(1/epsilon) * log(epsilon * N)`` per unit of a document, so thousands, not millions) and the
entries of documents that hold them, about 16 bytes per template line per document: the
memory of the failures themselves. A hard cap of ``MAX_DISTINCT`` (1,000,000) distinct units
per group stays as a guard (a warning says when it was reached).

Error bounds, for a group of N documents: a unit is reported only when its counted documents
exceed ``share`` * N, and a count is low by at most epsilon * N (the documents that held it
before it was last dropped), so nothing below the threshold is ever reported (no false
templates from the approximation), a unit in more than (``share`` + epsilon) * N documents
is always reported, and at most epsilon * N of the documents holding a reported unit may
go unnamed. A unit that is in most documents from the start (a real template) is never
dropped, and its count and documents are exact; groups under ``BUCKET`` documents are
exact too. Parallel workers' states merge by adding counts and errors and concatenating
documents, then pruning as one pass would; verdicts agree with one pass whenever no
unit's count is within epsilon * N of the threshold.

Measured with ``python bench/repeated_lines_memory.py`` (20 sites, 10 lines a page of which 2
are the site's footer, so every page fails): 1,000,000 documents (10,000,000 units) peak at
511 MB above the process's start, 40 units counted at the end, the 40 footer lines found in
all 50,000 pages of each site; about half of it is the references of the million failing
documents. The exact counting this replaced held 114 MB at 100,000 documents (50 MB now),
growing with every distinct line.

Passes::

    expectation: {name: no site template, check: repeated_lines, field: text, min_documents: 2}
    documents: [{text: "An article about the harbour.\\nFollow us on Mastodon today"},
                {text: "An article about the weather.\\nSubscribe to the daily letter"}]

Fails::

    expectation: {name: no site template, check: repeated_lines, field: text, min_documents: 2}
    documents: [{text: "An article about the harbour.\\nFollow us on Mastodon today"},
                {text: "An article about the weather.\\nFollow us on Mastodon today"}]
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..documents import Document
from ..grouping import GROUP_BY_SCHEMA, NO_GROUP, GroupBy, parse_group_by
from ..registry import CheckContext, CorpusViolation, DocRef, ParamError, Violation, check

MAX_DISTINCT = 1_000_000
# epsilon of lossy counting, as a fraction of share (see the module docstring).
EPSILON_OF_SHARE = 0.1
# The per-document arrays are compacted once they hold this many units and have doubled.
_COMPACT_FROM = 1 << 16

SCHEMA: dict[str, Any] = {
    "share": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": 1,
        "description": "A unit in more than this share of a group's documents is template "
        "text (default 0.5).",
    },
    "min_documents": {
        "type": "integer",
        "minimum": 2,
        "description": "Groups with fewer documents are not judged (default 5).",
    },
    "min_length": {
        "type": "integer",
        "minimum": 1,
        "description": "Shortest unit counted, in characters after normalisation (default 20).",
    },
    "group_by": {
        **GROUP_BY_SCHEMA,
        "description": "Overrides the suite's documents.group_by for this check: "
        "{field: name} or {host: url_field}.",
    },
}

_SPACE = re.compile(r"\s+")
# A sentence ends after . ! ? (or their CJK forms) followed by space, or after a CJK stop.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")


@dataclass(frozen=True)
class RepeatedLinesParams:
    """Thresholds and grouping."""

    share: float = 0.5
    min_documents: int = 5
    min_length: int = 20
    group_by: Any = None


@dataclass(frozen=True)
class Unit:
    """A line or sentence of a value: its span, normalised text and kind."""

    start: int
    end: int
    key: str
    kind: str


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed and stripped: how units are compared."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def units(value: str, min_length: int) -> Iterator[Unit]:
    """The units of a value: its lines, and the sentences of a one-line value."""
    flattened = "\n" not in value.strip()
    offset = 0
    for line in value.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = offset + len(line) - len(line.lstrip())
            key = normalise(stripped)
            if len(key) >= min_length:
                yield Unit(lead, lead + len(stripped), key, "line")
            if flattened:
                yield from _sentences(stripped, lead, min_length, key)
        offset += len(line) + 1


def _sentences(line: str, base: int, min_length: int, whole: str) -> Iterator[Unit]:
    position = 0
    for m in [*_SENTENCE_END.finditer(line), None]:
        end = m.start() if m is not None else len(line)
        piece = line[position:end].strip()
        if piece:
            start = base + position + len(line[position:end]) - len(line[position:end].lstrip())
            key = normalise(piece)
            if len(key) >= min_length and key != whole:
                yield Unit(start, start + len(piece), key, "sentence")
        if m is not None:
            position = m.end()


def digest(key: str) -> int:
    """A 64-bit digest of a normalised unit."""
    raw = key.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little")


@dataclass(frozen=True)
class Repeated:
    """A template unit found by the check: its group, text, kind and document counts."""

    group: str | None
    text: str
    kind: str
    documents: int
    group_documents: int

    @property
    def percent(self) -> int:
        """Its share of the group, rounded down to a whole percent."""
        return self.documents * 100 // self.group_documents


class _Group:
    def __init__(self, bucket: int) -> None:
        self.documents = 0
        self.bucket = bucket
        self.counts: dict[int, int] = {}
        # Lossy counting's error of a unit that entered after the first bucket (absent: 0).
        self.errors: dict[int, int] = {}
        # Text and kind of units that a second document holds (the only ones that can repeat).
        self.texts: dict[int, tuple[str, str]] = {}
        self.full = False

    def prune(self) -> None:
        """Drop every unit rarer than epsilon of the documents seen (lossy counting)."""
        buckets = self.documents // self.bucket
        counts, errors, texts = self.counts, self.errors, self.texts
        for key in [k for k, n in counts.items() if n + errors.get(k, 0) <= buckets]:
            del counts[key]
            errors.pop(key, None)
            texts.pop(key, None)


class RepeatedLinesState:
    """Per-group unit counts (lossy counting), plus each document's counted unit digests."""

    def __init__(self, params: RepeatedLinesParams, group_by: GroupBy | None) -> None:
        self.params = params
        self.group_by = group_by
        self.bucket = max(1, math.ceil(1 / (params.share * EPSILON_OF_SHARE)))
        self.groups: dict[str | None, _Group] = {}
        # One entry per observed document: its ref and group, and where its units are.
        self.docs: list[tuple[DocRef, str | None]] = []
        self.first_unit = array("Q")
        self.unit_digests = array("Q")
        self.unit_spans = array("Q")
        self.compacted_at = _COMPACT_FROM

    def observe(self, value: Any, doc: DocRef, document: Document | None = None) -> list[Violation]:
        """Count the units of one document in its group; remember its own digests."""
        group = self.group_by.of(document) if self.group_by and document is not None else None
        state = self.groups.get(group)
        if state is None:
            state = self.groups[group] = _Group(self.bucket)
        state.documents += 1
        self.docs.append((doc, group))
        self.first_unit.append(len(self.unit_digests))
        if isinstance(value, str):
            self._count(value, state)
        if state.documents % state.bucket == 0:
            state.prune()
            if len(self.unit_digests) >= 2 * self.compacted_at:
                self.compact()
        return []

    def _count(self, value: str, state: _Group) -> None:
        seen: set[int] = set()
        counts, texts = state.counts, state.texts
        # A unit entering now may have been in every document of the buckets before.
        entry_error = (state.documents - 1) // state.bucket
        for unit in units(value, self.params.min_length):
            key = digest(unit.key)
            if key in seen:
                continue
            seen.add(key)
            n = counts.get(key)
            if n is None:
                if len(counts) >= MAX_DISTINCT:
                    state.full = True
                    continue
                counts[key] = 1
                if entry_error:
                    state.errors[key] = entry_error
            else:
                counts[key] = n + 1
                if key not in texts:
                    texts[key] = (value[unit.start : unit.end], unit.kind)
            self.unit_digests.append(key)
            self.unit_spans.append(unit.start << 32 | min(unit.end, 0xFFFFFFFF))

    def compact(self) -> None:
        """Forget the entries of units no longer counted in their group, and the documents
        left without any (they cannot fail)."""
        docs: list[tuple[DocRef, str | None]] = []
        digests, spans, firsts = array("Q"), array("Q"), array("Q")
        total = len(self.unit_digests)
        for index, (ref, group) in enumerate(self.docs):
            counts = self.groups[group].counts
            low = self.first_unit[index]
            high = self.first_unit[index + 1] if index + 1 < len(self.docs) else total
            start = len(digests)
            for i in range(low, high):
                key = self.unit_digests[i]
                if key in counts:
                    digests.append(key)
                    spans.append(self.unit_spans[i])
            if len(digests) > start:
                docs.append((ref, group))
                firsts.append(start)
        self.docs, self.first_unit = docs, firsts
        self.unit_digests, self.unit_spans = digests, spans
        self.compacted_at = max(_COMPACT_FROM, len(digests))

    def merge(self, later: RepeatedLinesState) -> Iterable[CorpusViolation]:
        """Add the next slice's counts, errors and documents, then prune as one pass would."""
        for group, theirs in later.groups.items():
            mine = self.groups.get(group)
            if mine is None:
                self.groups[group] = theirs
                continue
            # A unit one slice dropped may have been in each of that slice's buckets.
            mine_dropped = mine.documents // mine.bucket
            theirs_dropped = theirs.documents // theirs.bucket
            mine.documents += theirs.documents
            mine.full = mine.full or theirs.full
            for key, n in theirs.counts.items():
                had = mine.counts.get(key)
                if had is None:
                    if len(mine.counts) >= MAX_DISTINCT:
                        mine.full = True
                        continue
                    mine.counts[key] = n
                    error = theirs.errors.get(key, 0) + mine_dropped
                    if error:
                        mine.errors[key] = error
                else:
                    mine.counts[key] = had + n
                    error = mine.errors.get(key, 0) + theirs.errors.get(key, 0)
                    if error:
                        mine.errors[key] = error
            if theirs_dropped:
                for key in mine.counts.keys() - theirs.counts.keys():
                    mine.errors[key] = mine.errors.get(key, 0) + theirs_dropped
            for key, shown in theirs.texts.items():
                if key in mine.counts:
                    mine.texts.setdefault(key, shown)
            mine.prune()
        base = len(self.unit_digests)
        self.docs.extend(later.docs)
        self.first_unit.extend(base + i for i in later.first_unit)
        self.unit_digests.extend(later.unit_digests)
        self.unit_spans.extend(later.unit_spans)
        if len(self.unit_digests) >= 2 * self.compacted_at:
            self.compact()
        return ()

    def repeated(self) -> dict[tuple[str | None, int], Repeated]:
        """Every template unit, by (group, digest)."""
        p = self.params
        found: dict[tuple[str | None, int], Repeated] = {}
        for group, state in self.groups.items():
            if state.documents < p.min_documents:
                continue
            for key, n in state.counts.items():
                if n > p.share * state.documents and n >= 2:
                    text, kind = state.texts.get(key, ("?", "line"))
                    found[(group, key)] = Repeated(group, text, kind, n, state.documents)
        return found

    def finish(self) -> Iterable[CorpusViolation]:
        """A violation on every document for every template unit it holds."""
        found = self.repeated()
        if not found:
            return
        total = len(self.unit_digests)
        for index, (doc, group) in enumerate(self.docs):
            low = self.first_unit[index]
            high = self.first_unit[index + 1] if index + 1 < len(self.docs) else total
            for i in range(low, high):
                hit = found.get((group, self.unit_digests[i]))
                if hit is None:
                    continue
                span = self.unit_spans[i]
                yield CorpusViolation(
                    doc, Violation(self.message(hit), span >> 32, span & 0xFFFFFFFF)
                )

    def message(self, hit: Repeated) -> str:
        """``line '...' repeats in 18 of 20 documents (90%) of group 'x' (share > 50%)``."""
        text = hit.text if len(hit.text) <= 120 else hit.text[:117] + "..."
        where = self._where(hit.group)
        return (
            f"{hit.kind} {text!r} repeats in {hit.documents} of {hit.group_documents} documents "
            f"({hit.percent}%) of {where} (share > {self.params.share * 100:g}%)"
        )

    def warnings(self) -> list[str]:
        """One warning per group whose table of distinct units reached the cap, and one when
        no document had a usable ``group_by`` value (most often a misspelt field name)."""
        out = [
            f"repeated_lines counted at most {MAX_DISTINCT:,} distinct lines in "
            f"{self._where(group)}; lines first seen after that were not counted"
            for group, state in self.groups.items()
            if state.full
        ]
        if self.group_by is not None and list(self.groups) == [None]:
            out.append(
                f"no document has a usable value for group_by '{self.group_by.label}', so all "
                f"{self.groups[None].documents:,} are in one group {NO_GROUP!r}; check the "
                "field name"
            )
        return out

    def _where(self, group: str | None) -> str:
        return "the corpus" if self.group_by is None else f"group {_group_name(group)!r}"


def _group_name(group: str | None) -> str:
    return NO_GROUP if group is None else group


def resolve_group_by(params: RepeatedLinesParams, ctx: CheckContext) -> GroupBy | None:
    """The check's own group_by, else the suite's."""
    if params.group_by is not None:
        own = parse_group_by(params.group_by)
        if own is None:
            raise ParamError("group_by", "group_by is {field: name} or {host: url_field}")
        return own
    return ctx.group_by


@check(
    "repeated_lines",
    params=RepeatedLinesParams,
    schema=SCHEMA,
    corpus=True,
    text_only=False,
    sees_document=True,
)
def repeated_lines(params: RepeatedLinesParams, ctx: CheckContext) -> RepeatedLinesState:
    """Build a fresh state for one run."""
    if not 0 < params.share <= 1:
        raise ParamError("share", f"share {params.share} is not between 0 (excluded) and 1")
    return RepeatedLinesState(params, resolve_group_by(params, ctx))

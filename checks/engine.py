"""The engine: one streaming pass over the documents for every expectation of a suite.

It knows nothing of pytest, of file formats or of terminals: it takes a suite and an iterable
of loaded records and returns a :class:`~scrapegate.result.RunResult`. Row checks see one value at
a time; corpus checks fold their compact state as the documents stream past.
"""

from __future__ import annotations

import os
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from . import timings
from .docindex import KEY, document_index_json, id_digest
from .documents import Document, Loaded, UnreadableRecord
from .errors import UsageError
from .failurespool import FailureSpool
from .fieldnames import FieldNames, missing_note
from .fingerprints import KEY as FINGERPRINTS_KEY
from .fingerprints import MAX_IDS, Fingerprinter, FingerprintParts, Watch, json_soon
from .library.rules import RuleScanner, SharedScan
from .loaders.ids import IdAudit
from .regex import compile_pattern
from .registry import (
    CheckContext,
    CheckType,
    CorpusViolation,
    DocRef,
    Violation,
    get_check,
)
from .result import (
    READABLE_CHECK,
    READABLE_NAME,
    ExpectationResult,
    Failure,
    RunResult,
)
from .routing import RoutedRecord, Spool, ordinal
from .sitegroups import KEY as GROUPS_KEY
from .sitegroups import LATE, ROW, SKIP, Expected, GroupTally, GroupViews, summarize
from .suite import DerivedField, DocumentLanguage, Expectation, Suite, Where, json_equal
from .textnorm import forget_batch, snippet
from .wording import plural, verb

Transform = Callable[[Document], Document]


def take_transform_problems(transform: Transform | None) -> list[str]:
    """What a transform could not do since it was last asked (cleaners: values left as they
    were), one ``path:line: ...`` line each; a transform without ``take_problems`` has none.
    """
    take = getattr(transform, "take_problems", None)
    return list(take()) if callable(take) else []


Progress = Callable[[int], None]


def type_name(value: Any) -> str:
    """A JSON-ish name for a value's type, for messages."""
    return {bool: "boolean", int: "number", float: "number", list: "list", dict: "object"}.get(
        type(value), type(value).__name__
    )


def a_type_name(value: Any) -> str:
    """The type name with its article, for messages: ``a number``, ``an object``."""
    name = type_name(value)
    return f"an {name}" if name[:1] in ("a", "e", "i", "o", "u") else f"a {name}"


class _WhereFilter:
    def __init__(self, where: Where) -> None:
        self.where = where
        self.pattern = compile_pattern(where.matches) if where.matches is not None else None
        self.field_seen = False

    def applies(self, doc: Document) -> bool:
        value = doc.get(self.where.field)
        if value is None:
            return False
        self.field_seen = True
        if self.pattern is not None:
            return isinstance(value, str) and self.pattern.search(value) is not None
        if self.where.in_ is not None:
            return any(json_equal(value, wanted) for wanted in self.where.in_)
        return json_equal(value, self.where.equals)


@dataclass
class _Running:
    """Mutable bookkeeping for one expectation during a run."""

    spec: Expectation
    check: CheckType
    evaluator: Any
    where: _WhereFilter | None
    evaluated: int = 0
    failed: int = 0
    failures: FailureSpool = field(default_factory=FailureSpool)
    # Evaluated documents whose field was missing or null.
    missing: int = 0
    # The fingerprint column this expectation's verdict fills (attribution_present), if any.
    fingerprint_column: int | None = None
    # The evaluator's ``batch`` (a column of values at once; see scrapegate.registry), if
    # it has one: the engine calls it per batch instead of the evaluator per value.
    batch: Any = None


class _Derivation:
    def __init__(self, fields: Iterable[DerivedField]) -> None:
        compiled = [(d, compile_pattern(d.pattern)) for d in fields]
        # RE2 match objects take group numbers, not names.
        self.fields = [(d.name, d.source, p, p.groupindex["value"]) for d, p in compiled]

    def apply(self, doc: Document, origins: dict[str, tuple[str, int]]) -> None:
        for name, source, pattern, group in self.fields:
            text = doc.fields.get(source)
            if not isinstance(text, str):
                doc.fields[name] = None
                continue
            m = pattern.search(text)
            value = m.group(group) if m is not None else None
            if m is None or value is None:
                doc.fields[name] = None
                continue
            stripped = value.strip()
            doc.fields[name] = stripped
            origins[name] = (source, m.start(group) + (len(value) - len(value.lstrip())))


def _failure(
    doc: Document,
    field_name: str | None,
    value: Any,
    v: Violation,
    origins: dict[str, tuple[str, int]],
) -> Failure:
    text = value if isinstance(value, str) else None
    shown = ""
    source = doc.source
    if text is not None and v.start is not None:
        end = v.end if v.end is not None else v.start
        shown = snippet(text, v.start, end)
    if field_name is not None and v.start is not None:
        if field_name in origins:
            origin_field, offset = origins[field_name]
            source = doc.source_at(origin_field, offset + v.start)
        else:
            source = doc.source_at(field_name, v.start)
    elif field_name in origins:
        origin_field, offset = origins[field_name]
        source = doc.source_at(origin_field, offset)
    return Failure(doc.id, source, field_name, v.message, v.start, v.end, shown)


@dataclass
class Tally:
    """One expectation's counts over a slice of the input (picklable, for workers)."""

    evaluated: int = 0
    failed: int = 0
    # On disk past a few thousand (see scrapegate.failurespool): a worker returns file names.
    failures: FailureSpool = field(default_factory=FailureSpool)
    # The corpus check's state (unique digests, counts), merged across slices.
    state: Any = None
    where_seen: bool = True
    missing: int = 0


@dataclass
class Partial:
    """What one pass over a slice of the input found, before corpus checks are closed."""

    records: int = 0
    documents: int = 0
    unreadable: FailureSpool = field(default_factory=FailureSpool)
    tallies: list[Tally] = field(default_factory=list)
    # Documents without a usable id, and repeated ids (only when documents.id is set).
    ids: IdAudit | None = None
    # 8 bytes a document: lets a baseline diff tell added/removed documents from fixed ones.
    doc_digests: array[int] = field(default_factory=lambda: array("Q"))
    group_values: dict[str, str | None] = field(default_factory=dict)
    group_counts: dict[str | None, int] = field(default_factory=dict)
    # Values the transform (check --clean) left unchanged, as path:line lines.
    transform_problems: list[str] = field(default_factory=list)
    # The field names documents have (bounded), to suggest one for a misspelt field.
    field_names: FieldNames = field(default_factory=FieldNames)
    # Per-group counts for the per-site views (documents.group_by or --group-by).
    groups: GroupTally | None = None
    # check --quarantine/--passing: what each failing record failed, by ordinal (None when
    # not routing), and the spool parts holding the records, in input order.
    routed: dict[int, RoutedRecord] | None = None
    spool_parts: list[str] = field(default_factory=list)
    # Per waiver with a 'where': digests of the ids of the documents it chooses (8 bytes each).
    waiver_docs: dict[int, set[int]] = field(default_factory=dict)
    # Per-document fingerprints (lengths, dates, credits), for changes between runs.
    fingerprints: FingerprintParts = field(default_factory=FingerprintParts)
    # When each slice was scanned (time.monotonic), for the benchmark's serial share.
    scan_intervals: list[tuple[float, float]] = field(default_factory=list)


def _corpus_failure(cv: CorpusViolation, field_name: str | None, corpus_source: str) -> Failure:
    if cv.doc is None:
        return Failure(None, corpus_source, None, cv.violation.message)
    v = cv.violation
    return Failure(cv.doc.id, cv.doc.source, field_name, v.message, v.start, v.end)


class _SourceOrder:
    """Sort key that puts failures in input order: file as given, then line, then offset."""

    def __init__(self, inputs: Sequence[str]) -> None:
        self.rank: dict[str, int] = {}
        self.inputs = tuple(inputs)

    def key(self, failure: Failure) -> tuple[int, str, int, int]:
        path, _, line = failure.source.rpartition(":")
        if not line.isdigit():
            path, line = failure.source, "0"
        rank = self.rank.get(path)
        if rank is None:
            rank = self._rank(path)
            self.rank[path] = rank
        return (rank, path, int(line), failure.start or 0)

    def _rank(self, path: str) -> int:
        for index, given in enumerate(self.inputs):
            if path == given or path.startswith(given.rstrip("/") + "/"):
                return index
        return len(self.inputs)


def language_field_warning(
    language: DocumentLanguage | None, seen: FieldNames, documents: int, where: str
) -> str | None:
    """A warning when ``documents.language`` names a field no document has (a typo, most
    likely): every ambiguous date was then read without a document language."""
    if language is None or language.field is None or not documents or seen.full:
        return None
    top = language.field.split(".", 1)[0]
    if top in seen:
        return None
    return (
        f"{where}: documents.language reads field {language.field!r}, which no document has; "
        f"numeric dates were read without a document language{seen.hint_and_shown(top)}"
    )


def _missing(field_name: str, derived: dict[str, str]) -> Violation:
    if field_name in derived:
        return Violation(
            f"field {field_name!r} not found: the pattern of documents.fields.{field_name} "
            f"did not match {derived[field_name]!r}"
        )
    return Violation(f"field {field_name!r} is missing or null")


class Engine:
    """Runs one suite over a stream of records."""

    def __init__(
        self,
        suite: Suite,
        now: datetime | None = None,
        group_by: str | None = None,
        views: GroupViews | None = None,
        watch: Watch | None = None,
    ) -> None:
        self.suite = suite
        self.batch_documents = batch_documents()
        # Per-group counts: the suite's documents.group_by unless overridden (--group-by).
        if views is None and suite.documents.group_by is not None:
            views = GroupViews(suite.documents.group_by)
        self.views = views
        now = now or datetime.now(UTC)
        self.fingerprinter = Fingerprinter(suite, now)
        # check --baseline: the baseline's fingerprints, to keep the ids of changed documents.
        self.watch = watch
        # Reports break failures down by this field's value (opt-in: it costs a string a
        # document until the end of the run).
        self.group_by = group_by
        self.ctx = CheckContext(
            now,
            group_by=suite.documents.group_by,
            base_dir=suite.base_dir,
        )
        self.derivation = _Derivation(suite.documents.fields)
        self.derived = {d.name: d.source for d in suite.documents.fields}
        self.language = suite.documents.language
        # Waivers that choose documents by a field: which documents they choose is only
        # known while the document is at hand (see scrapegate.waivers).
        self.waiver_filters = [
            (index, _WhereFilter(w.where)) for index, w in enumerate(suite.waivers) if w.where
        ]

    def _prepare(self, follows_earlier_slice: bool) -> list[_Running]:
        ctx = replace(self.ctx, follows_earlier_slice=follows_earlier_slice)
        running: list[_Running] = []
        shared: dict[str, SharedScan] = {}
        for spec in self.suite.expectations:
            check = get_check(spec.check)
            running.append(
                _Running(
                    spec=spec,
                    check=check,
                    evaluator=check.factory(spec.params, ctx),
                    where=_WhereFilter(spec.where) if spec.where else None,
                    fingerprint_column=self.fingerprinter.verdict_columns.get(len(running)),
                )
            )
            if not check.corpus:
                batch = getattr(running[-1].evaluator, "batch", None)
                running[-1].batch = batch if callable(batch) else None
            # Pattern checks on one field share one RE2 set: one scan per value, not per check.
            scanner = getattr(running[-1].evaluator, "scanner", None)
            if isinstance(scanner, RuleScanner) and spec.field is not None:
                scanner.share(shared.setdefault(spec.field, SharedScan()))
        return running

    def warm_up(self) -> None:
        """Compile every pattern set now (before forking workers, so they inherit them)."""
        for r in self._prepare(follows_earlier_slice=False):
            scanner = getattr(r.evaluator, "scanner", None)
            if isinstance(scanner, RuleScanner):
                scanner.matches("")

    def scan(
        self,
        records: Iterable[Loaded],
        transform: Transform | None = None,
        progress: Progress | None = None,
        follows_earlier_slice: bool = False,
        spool: Spool | None = None,
    ) -> Partial:
        """Evaluate every expectation over ``records`` in one pass; corpus checks stay open.

        ``follows_earlier_slice`` says this partial will be merged after an earlier one's.
        ``spool`` (check --quarantine/--passing) receives every record as loaded, and the
        partial then remembers what each failing record failed.
        """
        scan_started = time.monotonic()
        running = self._prepare(follows_earlier_slice)
        partial = Partial(fingerprints=FingerprintParts(width=len(self.fingerprinter.columns)))
        fingerprinter = self.fingerprinter
        fingerprints = partial.fingerprints
        routed = partial.routed = {} if spool is not None else None
        base = ordinal(spool.slice_index, 0) if spool is not None else -1
        unreadable = partial.unreadable
        audit = partial.ids = IdAudit(self.suite.documents.id) if self.suite.documents.id else None
        digests = partial.doc_digests
        group_by = self.group_by
        group_values = partial.group_values
        group_counts = partial.group_counts
        field_names = partial.field_names
        groups = partial.groups = self._group_tally()
        same_grouping = groups is not None and groups.by == fingerprinter.group_by
        batch = _Batch()
        for item in records:
            partial.records += 1
            if progress is not None and partial.records % 1000 == 0:
                progress(partial.records)
            if isinstance(item, UnreadableRecord):
                unreadable.append(Failure(None, item.source, None, item.message))
                if spool is not None:
                    spool.unreadable(item)
                continue
            if spool is not None:
                # As loaded: the cleaners and derived fields change the document below.
                spool.document(item)
            if audit is not None:
                audit.observe(item)
            doc = transform(item) if transform is not None else item
            partial.documents += 1
            digest = id_digest(doc.id)
            digests.append(digest)
            if group_by is not None:
                value = doc.get(group_by)
                shown = None if value is None else str(value)
                group_values[doc.id] = shown
                group_counts[shown] = group_counts.get(shown, 0) + 1
            origins: dict[str, tuple[str, int]] = {}
            if self.derivation.fields:
                self.derivation.apply(doc, origins)
            field_names.observe(doc.fields)
            for index, chooser in self.waiver_filters:
                if chooser.applies(doc):
                    partial.waiver_docs.setdefault(index, set()).add(digest)
            batch.docs.append(doc)
            batch.origins.append(origins)
            batch.digests.append(digest)
            batch.prints.append(fingerprinter.values(doc))
            batch.sites.append(fingerprinter.group(doc))
            batch.numbers.append(base + partial.records - 1)
            if len(batch.docs) >= self.batch_documents:
                self._close_batch(batch, running, routed, groups, same_grouping, fingerprints)
                batch = _Batch()
        if batch.docs:
            self._close_batch(batch, running, routed, groups, same_grouping, fingerprints)
        if progress is not None:
            progress(partial.records)
        if spool is not None:
            spool.close()
            partial.spool_parts.append(spool.path)
        partial.transform_problems = take_transform_problems(transform)
        partial.tallies = [
            Tally(
                evaluated=r.evaluated,
                failed=r.failed,
                failures=r.failures,
                state=r.evaluator if r.check.corpus or r.check.finishes else None,
                where_seen=r.where is None or r.where.field_seen,
                missing=r.missing,
            )
            for r in running
        ]
        if timings.wanted():
            partial.scan_intervals.append((scan_started, time.monotonic()))
        return partial

    def _group_tally(self) -> GroupTally | None:
        if self.views is None:
            return None
        modes = []
        for spec in self.suite.expectations:
            check = get_check(spec.check)
            modes.append(ROW if not check.corpus else LATE if check.needs_field else SKIP)
        return GroupTally(self.views.by, tuple(modes))

    def merge(self, partials: Sequence[Partial]) -> Partial:
        """Fold the partial results of consecutive slices of the input, in input order."""
        if not partials:
            return self.scan(())
        total = partials[0]
        for part in partials[1:]:
            total.records += part.records
            total.documents += part.documents
            total.unreadable.extend(part.unreadable)
            total.transform_problems.extend(part.transform_problems)
            total.field_names.merge(part.field_names)
            if total.ids is not None and part.ids is not None:
                total.ids.merge(part.ids)
            total.doc_digests.extend(part.doc_digests)
            total.fingerprints.merge(part.fingerprints)
            total.group_values.update(part.group_values)
            if total.groups is not None and part.groups is not None:
                total.groups.merge(part.groups)
            if total.routed is not None and part.routed is not None:
                total.routed.update(part.routed)
            total.spool_parts.extend(part.spool_parts)
            total.scan_intervals.extend(part.scan_intervals)
            for index, chosen in part.waiver_docs.items():
                total.waiver_docs.setdefault(index, set()).update(chosen)
            for value, n in part.group_counts.items():
                total.group_counts[value] = total.group_counts.get(value, 0) + n
            for index, (spec, mine, theirs) in enumerate(
                zip(self.suite.expectations, total.tallies, part.tallies, strict=True)
            ):
                mine.evaluated += theirs.evaluated
                mine.failed += theirs.failed
                mine.missing += theirs.missing
                mine.failures.extend(theirs.failures)
                mine.where_seen = mine.where_seen or theirs.where_seen
                if mine.state is not None:
                    for cv in mine.state.merge(theirs.state):
                        _route_corpus(total.routed, cv, index)
                        mine.failed += 1
                        mine.failures.append(_corpus_failure(cv, spec.field, ""))
        return total

    def finish(
        self, partial: Partial, inputs: Sequence[str] = (), started: float = 0.0
    ) -> RunResult:
        """Close the corpus checks and build the result, failures in input order."""
        timings.record(partial.scan_intervals)
        # Compressed while the corpus checks close and the failures are sorted.
        fingerprints = json_soon(partial.fingerprints, self.fingerprinter)
        order = _SourceOrder(inputs)
        results = [
            ExpectationResult(
                name=READABLE_NAME,
                check=READABLE_CHECK,
                field=None,
                severity="error",
                mostly=1.0,
                evaluated=partial.records,
                failed=len(partial.unreadable),
                failures=partial.unreadable.sorted(order.key),
                description="Every record and file could be read and parsed.",
            )
        ]
        warnings = list(partial.transform_problems)
        corpus_source = ", ".join(inputs) or "corpus"
        for index, (spec, tally) in enumerate(
            zip(self.suite.expectations, partial.tallies, strict=True)
        ):
            check = get_check(spec.check)
            if tally.state is not None:
                # A document failing for several reasons (repeated_lines: several template
                # lines) is one failed document, as for row checks.
                failed_docs: set[DocRef] = set()
                for cv in tally.state.finish():
                    _route_corpus(partial.routed, cv, index)
                    if cv.doc is None or cv.doc not in failed_docs:
                        tally.failed += 1
                        if cv.doc is not None:
                            failed_docs.add(cv.doc)
                    tally.failures.append(_corpus_failure(cv, spec.field, corpus_source))
                take = getattr(tally.state, "warnings", None)
                if callable(take):
                    warnings.extend(f"{spec.location}: {w}" for w in take())
                if not check.needs_field:
                    tally.evaluated = 1
            if spec.where is not None and not tally.where_seen and partial.documents:
                warnings.append(
                    f"{spec.location}: 'where' in {spec.name!r} uses field "
                    f"{spec.where.field!r}, which no document has; the expectation checked "
                    f"nothing{partial.field_names.hint(spec.where.field)}"
                )
            if check.missing_fails:
                note = missing_note(
                    spec, tally.missing, tally.evaluated, partial.field_names, self.derived
                )
                if note is not None:
                    warnings.append(note)
            results.append(
                ExpectationResult(
                    name=spec.name,
                    check=spec.check,
                    field=spec.field,
                    severity=spec.severity,
                    mostly=spec.mostly,
                    evaluated=tally.evaluated,
                    failed=tally.failed,
                    failures=tally.failures.sorted(order.key),
                    description=spec.description,
                    source=str(spec.location),
                )
            )
        note = language_field_warning(
            self.suite.documents.language,
            partial.field_names,
            partial.documents,
            self.suite.path or "suite",
        )
        if note is not None:
            warnings.append(note)
        if partial.ids is not None:
            warnings.extend(partial.ids.warnings())
        if partial.documents == 0:
            warnings.append(self._nothing_checked(partial, inputs))
        extra: dict[str, Any] = {
            KEY: document_index_json(partial.doc_digests),
            FINGERPRINTS_KEY: fingerprints(),
        }
        if self.group_by is not None:
            failing = {f.doc for er in results for f in er.failures if f.doc is not None}
            extra["group_by"] = {
                "field": self.group_by,
                "values": {d: v for d, v in partial.group_values.items() if d in failing},
                "documents": {
                    ("(none)" if v is None else v): n
                    for v, n in sorted(partial.group_counts.items(), key=lambda kv: str(kv[0]))
                },
            }
        if partial.groups is not None and self.views is not None:
            expected = [Expected(e.name, e.severity, e.failures) for e in results[1:]]
            extra[GROUPS_KEY] = summarize(
                partial.groups, self.views, expected, self.suite.documents.id
            )
        return RunResult(
            suite=self.suite.name,
            suite_path=self.suite.path,
            inputs=tuple(inputs),
            documents=partial.documents,
            expectations=tuple(results),
            duration_s=time.perf_counter() - started if started else 0.0,
            warnings=tuple(warnings),
            extra=extra,
            waiver_docs={i: frozenset(chosen) for i, chosen in partial.waiver_docs.items()},
        )

    def _nothing_checked(self, partial: Partial, inputs: Sequence[str]) -> str:
        where = ", ".join(inputs) or "the input"
        if partial.records:
            return (
                f"no documents were checked in {where}: "
                f"{'the' if partial.records == 1 else 'all'} {plural(partial.records, 'record')} "
                f"{verb(partial.records, 'was', 'were')} unreadable (see 'records are readable')"
            )
        has_count = any(e.check == "count" for e in self.suite.expectations)
        hint = (
            ""
            if has_count
            else ("; add a 'count' expectation with min: 1 to fail the run on empty input")
        )
        return f"no documents were checked in {where}; is it empty?{hint}"

    def run(
        self,
        records: Iterable[Loaded],
        inputs: Sequence[str] = (),
        transform: Transform | None = None,
        progress: Progress | None = None,
    ) -> RunResult:
        """Evaluate every expectation over ``records`` in one pass and build the result."""
        started = time.perf_counter()
        return self.finish(self.scan(records, transform, progress), inputs, started)

    def _close_batch(
        self,
        batch: _Batch,
        running: list[_Running],
        routed: dict[int, RoutedRecord] | None,
        groups: GroupTally | None,
        same_grouping: bool,
        fingerprints: FingerprintParts,
    ) -> None:
        """Evaluate a batch, then count its documents in their groups and fingerprints."""
        flags = self._evaluate_batch(batch, running, routed, groups is not None)
        forget_batch()
        if groups is not None and flags is not None:
            sites = batch.sites if same_grouping else [groups.by.of(d) for d in batch.docs]
            groups.observe_batch(sites, flags)
        watch = self.watch
        for digest, site, values, doc in zip(
            batch.digests, batch.sites, batch.prints, batch.docs, strict=True
        ):
            fingerprints.add(digest, site, values)
            if (
                watch is not None
                and len(fingerprints.ids) < MAX_IDS
                and watch.changed(digest, values)
            ):
                fingerprints.ids.setdefault(digest, doc.id)

    def _evaluate_batch(
        self,
        batch: _Batch,
        running: list[_Running],
        routed: dict[int, RoutedRecord] | None,
        track: bool,
    ) -> list[tuple[Sequence[int], list[int]]] | None:
        """Run every expectation over a batch, one column of values at a time.

        Per expectation, failures come in document order, as a pass document by document
        would give them; verdicts a fingerprint records go in it. With ``track``, returns per
        expectation the positions evaluated and the positions that failed (group counts).
        """
        docs = batch.docs
        count = len(docs)
        languages: list[str | None] | None = None
        flags: list[tuple[Sequence[int], list[int]]] | None = [] if track else None
        for index, r in enumerate(running):
            where = r.where
            positions: Sequence[int] = (
                range(count)
                if where is None
                else [j for j in range(count) if where.applies(docs[j])]
            )
            field_name = r.spec.field
            check = r.check
            r.evaluated += len(positions)
            if field_name is None:
                values: list[Any] = [None] * len(positions)
            elif where is None:
                # Document.get for a top-level name, without a method call per document.
                values = [
                    fields[field_name]
                    if field_name in (fields := doc.fields)
                    else doc.get(field_name)
                    for doc in docs
                ]
            else:
                values = [docs[j].get(field_name) for j in positions]
            if check.corpus:
                found = self._observe_column(r, positions, values, batch)
            else:
                if check.document_language and languages is None:
                    language = self.language
                    languages = (
                        [None] * count if language is None else [language.of(d) for d in docs]
                    )
                found = self._row_column(r, positions, values, docs, languages)
            column = r.fingerprint_column
            if column is not None:
                for j in positions:
                    batch.prints[j][column] = 1
            failed_at: list[int] = []
            for k, violations in found:
                j = positions[k]
                failed_at.append(j)
                doc = docs[j]
                if column is not None:
                    batch.prints[j][column] = 0
                r.failed += 1
                value = values[k]
                origins = batch.origins[j]
                r.failures.extend(_failure(doc, field_name, value, v, origins) for v in violations)
                if routed is not None:
                    number = batch.numbers[j]
                    entry = routed.get(number)
                    if entry is None:
                        entry = routed[number] = RoutedRecord(doc.id, doc.source)
                    entry.failed.extend((index, v.message) for v in violations)
            if flags is not None:
                flags.append((positions, failed_at))
        return flags

    def _observe_column(
        self, r: _Running, positions: Sequence[int], values: list[Any], batch: _Batch
    ) -> list[tuple[int, list[Violation]]]:
        """A corpus check sees each value in document order; what it fails now, by position."""
        check = r.check
        observe = r.evaluator.observe
        missing_fails = check.missing_fails and check.needs_field
        field_name = r.spec.field or ""
        found: list[tuple[int, list[Violation]]] = []
        docs = batch.docs
        for k, value in enumerate(values):
            j = positions[k]
            if value is None and missing_fails:
                r.missing += 1
                found.append((k, [_missing(field_name, self.derived)]))
                continue
            doc = docs[j]
            ref = DocRef(doc.id, doc.source, batch.numbers[j])
            violations = observe(value, ref, doc) if check.sees_document else observe(value, ref)
            if violations:
                found.append((k, violations))
        return found

    def _row_column(
        self,
        r: _Running,
        positions: Sequence[int],
        values: list[Any],
        docs: list[Document],
        languages: list[str | None] | None,
    ) -> list[tuple[int, list[Violation]]]:
        """A row check over a column: missing and non-text values fail here, the rest go to
        the evaluator's ``batch`` when it has one, else value by value."""
        check = r.check
        field_name = r.spec.field or ""
        missing_fails, text_only = check.missing_fails, check.text_only
        found: list[tuple[int, list[Violation]]] = []
        todo: list[int] = []
        todo_values: list[Any] = []
        for k, value in enumerate(values):
            if value is None and missing_fails:
                r.missing += 1
                found.append((k, [_missing(field_name, self.derived)]))
            elif text_only and not isinstance(value, str):
                found.append(
                    (k, [Violation(f"field {field_name!r} is {a_type_name(value)}, expected text")])
                )
            else:
                todo.append(k)
                todo_values.append(value)
        if not todo:
            return found
        early = bool(found)
        args: tuple[Any, ...] = (todo_values,)
        if check.document_language:
            assert languages is not None
            args = (todo_values, [languages[positions[k]] for k in todo])
            if check.sees_document:
                args = (*args, [docs[positions[k]] for k in todo])
        if r.batch is not None:
            for i, violations in r.batch(*args):
                found.append((todo[i], violations))
        else:
            evaluator = r.evaluator
            for i, violations in enumerate(map(evaluator, *args)):
                if violations:
                    found.append((todo[i], violations))
        if early and len(found) > 1:
            found.sort(key=lambda pair: pair[0])
        return found


BATCH_ENV = "SCRAPEGATE_BATCH_DOCUMENTS"
DEFAULT_BATCH_DOCUMENTS = 256


def batch_documents() -> int:
    """Documents evaluated together: enough to scan a field's values in one call, few enough
    that a batch of long pages stays a few megabytes. ``SCRAPEGATE_BATCH_DOCUMENTS`` overrides
    it (1 evaluates one document at a time, as the engine did before batches: bench/ compares
    the two in one run); verdicts do not depend on it."""
    raw = os.environ.get(BATCH_ENV, "").strip()
    if not raw:
        return DEFAULT_BATCH_DOCUMENTS
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(
            f"{BATCH_ENV}={raw!r} is not a number of documents: set a whole number from 1 "
            f"(one document at a time) up, or unset it for the default, "
            f"{DEFAULT_BATCH_DOCUMENTS}"
        )
    return int(raw)


@dataclass
class _Batch:
    """Documents read but not yet evaluated, with what the engine computed for each."""

    docs: list[Document] = field(default_factory=list)
    origins: list[dict[str, tuple[str, int]]] = field(default_factory=list)
    digests: list[int] = field(default_factory=list)
    prints: list[list[int]] = field(default_factory=list)
    sites: list[str | None] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


def _route_corpus(routed: dict[int, RoutedRecord] | None, cv: CorpusViolation, index: int) -> None:
    """Remember that a corpus check failed a record (after the record itself was seen)."""
    if routed is None or cv.doc is None or cv.doc.ordinal < 0:
        return
    entry = routed.get(cv.doc.ordinal)
    if entry is None:
        entry = routed[cv.doc.ordinal] = RoutedRecord(cv.doc.id, cv.doc.source)
    entry.failed.append((index, cv.violation.message))


def run_suite(
    suite: Suite,
    records: Iterable[Loaded],
    inputs: Iterable[str] = (),
    now: datetime | None = None,
    transform: Transform | None = None,
    progress: Progress | None = None,
    group_by: str | None = None,
    views: GroupViews | None = None,
    watch: Watch | None = None,
) -> RunResult:
    """Convenience: build an engine for ``suite`` and run it over ``records``."""
    engine = Engine(suite, now, group_by, views, watch)
    return engine.run(records, tuple(inputs), transform, progress)

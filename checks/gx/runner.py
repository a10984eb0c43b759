"""``scrapegate check --engine gx``: the suite run through Great Expectations on a pandas batch.

The verdict of every mapped expectation is GX's: the failing documents are the rows in GX's
``unexpected_index_list`` (result_format COMPLETE), the counts are GX's. Only the evidence of a
row GX flagged (message, offsets, snippet) is located by our own checks, so that the result
JSON, terminal output and reports read exactly as the native engine's. Expectations with no
faithful GX equivalent are evaluated by the native engine, and the result says so.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from ..docindex import KEY as INDEX_KEY
from ..docindex import build_index, id_digest
from ..documents import Document, Loaded, UnreadableRecord
from ..engine import (
    Transform,
    _corpus_failure,
    _Derivation,
    _failure,
    _missing,
    _SourceOrder,
    _WhereFilter,
    a_type_name,
    language_field_warning,
    run_suite,
    take_transform_problems,
)
from ..fieldnames import FieldNames, missing_note
from ..fingerprints import KEY as FINGERPRINTS_KEY
from ..fingerprints import fingerprint_documents
from ..library.count import CountState
from ..library.unique import UniqueState
from ..registry import CheckContext, DocRef, Violation, get_check
from ..result import READABLE_CHECK, READABLE_NAME, ExpectationResult, Failure, RunResult
from ..suite import DerivedField, DocumentLanguage, Suite
from .compile import compile_suite
from .plan import ROW_COLUMN, Mapped, Plan
from .session import import_gx, validate

TABLE_ROW_COUNT = "expect_table_row_count_to_be_between"


@dataclass(frozen=True)
class _Corpus:
    docs: list[Document]
    origins: list[dict[str, tuple[str, int]]]
    unreadable: list[Failure]
    records: int
    fields: tuple[DerivedField, ...]
    inputs: tuple[str, ...]
    language: DocumentLanguage | None = None


def _load(
    suite: Suite, records: Iterable[Loaded], transform: Transform | None, inputs: Sequence[str]
) -> _Corpus:
    derivation = _Derivation(suite.documents.fields)
    docs: list[Document] = []
    origins: list[dict[str, tuple[str, int]]] = []
    unreadable: list[Failure] = []
    count = 0
    for item in records:
        count += 1
        if isinstance(item, UnreadableRecord):
            unreadable.append(Failure(None, item.source, None, item.message))
            continue
        doc = transform(item) if transform is not None else item
        found: dict[str, tuple[str, int]] = {}
        if derivation.fields:
            derivation.apply(doc, found)
        docs.append(doc)
        origins.append(found)
    unreadable.sort(key=_SourceOrder(inputs).key)
    return _Corpus(
        docs,
        origins,
        unreadable,
        count,
        suite.documents.fields,
        tuple(inputs),
        suite.documents.language,
    )


def _unique_evidence(
    mapped: Mapped, corpus: _Corpus, applies: Sequence[bool]
) -> dict[int, Failure]:
    """The native failure for each later copy, to quote where GX flagged a row."""
    state = UniqueState()
    field = mapped.spec.field or ""
    rows: dict[DocRef, int] = {}
    for row, (doc, applied) in enumerate(zip(corpus.docs, applies, strict=True)):
        value = doc.get(field)
        if applied and value is not None:
            ref = DocRef(doc.id, doc.source)
            rows[ref] = row
            state.observe(value, ref)
    return {
        rows[cv.doc]: _corpus_failure(cv, mapped.spec.field, "")
        for cv in state.finish()
        if cv.doc is not None
    }


def _row_violations(
    mapped: Mapped, evaluator: Any, value: Any, derived: dict[str, str], language: str | None
) -> list[Violation]:
    spec = mapped.spec
    check = get_check(spec.check)
    field = spec.field or ""
    if value is None and check.missing_fails:
        return [_missing(field, derived)]
    if check.text_only and not isinstance(value, str):
        return [Violation(f"field {field!r} is {a_type_name(value)}, expected text")]
    # As the native engine calls it: with the document's language when the check takes it.
    found: list[Violation] = (
        evaluator(value, language) if check.document_language else evaluator(value)
    )
    return found


def _column_result(
    mapped: Mapped, gx_result: Any, corpus: _Corpus, frame: Any, ctx: CheckContext
) -> tuple[int, int, list[Failure]]:
    spec = mapped.spec
    result = gx_result.result
    rows = sorted({int(item[ROW_COLUMN]) for item in result.get("unexpected_index_list") or []})
    check = get_check(spec.check)
    evaluator = None if check.corpus else check.factory(spec.params, ctx)
    applies = list(frame[mapped.where]) if mapped.where else [True] * len(corpus.docs)
    unique = _unique_evidence(mapped, corpus, applies) if check.corpus else {}
    derived = {d.name: d.source for d in corpus.fields}
    failures: list[Failure] = []
    for row in rows:
        doc = corpus.docs[row]
        value = doc.get(spec.field) if spec.field is not None else None
        if row in unique and value is not None:
            failures.append(unique[row])
            continue
        violations = (
            []
            if check.corpus and value is not None
            else _row_violations(
                mapped,
                evaluator,
                value,
                derived,
                corpus.language.of(doc) if corpus.language is not None else None,
            )
        )
        violations = violations or [
            # GX decides; our check is only asked for evidence, and has none to give.
            Violation(f"Great Expectations' {mapped.gx_type} failed this value")
        ]
        failures.extend(
            _failure(doc, spec.field, value, v, corpus.origins[row]) for v in violations
        )
    # The native engine lists failures in input order: file as given, line, offset.
    failures.sort(key=_SourceOrder(corpus.inputs).key)
    return int(result.get("element_count", 0)), len(rows), failures


def _count_result(
    mapped: Mapped, gx_result: Any, inputs: Sequence[str]
) -> tuple[int, int, list[Failure]]:
    if gx_result.success:
        return 1, 0, []
    state = CountState(mapped.spec.params)
    state.seen = int(gx_result.result["observed_value"])
    source = ", ".join(inputs) or "corpus"
    failures = [Failure(None, source, None, cv.violation.message) for cv in state.finish()]
    if not failures:
        failures = [Failure(None, source, None, f"Great Expectations' {mapped.gx_type} failed")]
    return 1, 1, failures


def _warnings(suite: Suite, plan: Plan, corpus: _Corpus) -> list[str]:
    out = []
    seen = FieldNames()
    for doc in corpus.docs:
        seen.observe(doc.fields)
    derived = {d.name: d.source for d in corpus.fields}
    for spec in suite.expectations:
        if not corpus.docs:
            continue
        filt = _WhereFilter(spec.where) if spec.where is not None else None
        applying = [doc for doc in corpus.docs if filt is None or filt.applies(doc)]
        if spec.where is not None and filt is not None and not filt.field_seen:
            out.append(
                f"{spec.location}: 'where' in {spec.name!r} uses field {spec.where.field!r}, "
                f"which no document has; the expectation checked nothing"
                f"{seen.hint(spec.where.field)}"
            )
        # As the native engine: the same counts, so the same note.
        if spec.field is not None and get_check(spec.check).missing_fails:
            missing = sum(1 for doc in applying if doc.get(spec.field) is None)
            note = missing_note(spec, missing, len(applying), seen, derived)
            if note is not None:
                out.append(note)
    note = language_field_warning(corpus.language, seen, len(corpus.docs), suite.path or "suite")
    if note is not None:
        out.append(note)
    if not corpus.docs:
        out.append("no documents were checked; is the input empty?")
    # The reasons are in the result's "gx" key and in `scrapegate export-gx`; keep this short.
    out.extend(
        f"{u.spec.location}: {u.spec.name!r} has no faithful Great Expectations equivalent; "
        "scrapegate's engine evaluated it"
        for u in plan.unmapped
    )
    return out


def _waiver_docs(suite: Suite, docs: Sequence[Document]) -> dict[int, frozenset[int]]:
    """As the native engine records them: the documents each 'where' waiver chooses."""
    chosen: dict[int, frozenset[int]] = {}
    for index, waiver in enumerate(suite.waivers):
        if waiver.where is not None:
            chooser = _WhereFilter(waiver.where)
            chosen[index] = frozenset(id_digest(d.id) for d in docs if chooser.applies(d))
    return chosen


def run_plan(
    plan: Plan,
    records: Iterable[Loaded],
    inputs: Sequence[str] = (),
    now: datetime | None = None,
    transform: Transform | None = None,
    docs_dir: str | None = None,
) -> RunResult:
    """Run a compiled suite over ``records`` through GX; unmapped checks run natively."""
    from .frame import build_batch

    started = time.perf_counter()
    suite = plan.suite
    moment = now or datetime.now(UTC)
    ctx = CheckContext(moment)
    corpus = _load(suite, records, transform, inputs)
    batch = build_batch(plan, corpus.docs)
    if docs_dir is not None:
        from .docs import finish_docs, prepare_docs

        prepare_docs(docs_dir)
    validation = validate(plan, batch.frame, docs_dir)
    if docs_dir is not None:
        finish_docs(docs_dir)
    by_index: dict[int, ExpectationResult] = {}
    for mapped, gx_result in zip(plan.mapped, validation.results, strict=True):
        spec = mapped.spec
        if mapped.gx_type == TABLE_ROW_COUNT:
            evaluated, failed, failures = _count_result(mapped, gx_result, inputs)
        else:
            evaluated, failed, failures = _column_result(
                mapped, gx_result, corpus, batch.frame, ctx
            )
        by_index[mapped.index] = ExpectationResult(
            name=spec.name, check=spec.check, field=spec.field, severity=spec.severity,
            mostly=spec.mostly, evaluated=evaluated, failed=failed, failures=tuple(failures),
            description=spec.description, source=str(spec.location),
        )  # fmt: skip
    if plan.unmapped:
        native_suite = replace(suite, expectations=tuple(u.spec for u in plan.unmapped))
        native = run_suite(native_suite, corpus.docs, inputs, now=moment)
        for u in plan.unmapped:
            found = native.expectation(u.spec.name)
            assert found is not None
            by_index[u.index] = found
    readable = ExpectationResult(
        name=READABLE_NAME, check=READABLE_CHECK, field=None, severity="error", mostly=1.0,
        evaluated=corpus.records, failed=len(corpus.unreadable), failures=tuple(corpus.unreadable),
        description="Every record and file could be read and parsed.",
    )  # fmt: skip
    return RunResult(
        suite=suite.name,
        suite_path=suite.path,
        inputs=tuple(inputs),
        documents=len(corpus.docs),
        expectations=(readable, *(by_index[i] for i in range(len(suite.expectations)))),
        duration_s=time.perf_counter() - started,
        warnings=(*take_transform_problems(transform), *_warnings(suite, plan, corpus)),
        engine="gx",
        waiver_docs=_waiver_docs(suite, corpus.docs),
        extra={
            INDEX_KEY: build_index(d.id for d in corpus.docs),
            FINGERPRINTS_KEY: fingerprint_documents(suite, corpus.docs),
            "gx": {
                "version": validation.version,
                "success": validation.success,
                "evaluated_natively": {u.spec.name: u.reason for u in plan.unmapped},
                **({"data_docs": docs_dir} if docs_dir is not None else {}),
            },
        },
    )


def run_gx(
    suite: Suite,
    paths: Sequence[str] | None = None,
    fmt: str | None = None,
    *,
    docs_dir: str | None = None,
    clean: bool = False,
    sample: int | None = None,
    seed: int = 0,
    now: datetime | None = None,
) -> RunResult:
    """Load the documents at ``paths`` (or the suite's defaults) and run the suite through GX."""
    from ..loaders import iter_documents, resolve_inputs
    from ..runner import input_paths, sample_counting, sampled_result

    import_gx()  # fail with the install hint before reading any data
    plan = compile_suite(suite)
    chosen = input_paths(suite, paths)
    # As in the native runner: the suite's format describes its own default paths only.
    walked: list[str] = []  # a FIFO skipped, a folder link loop: said, as the native run says
    inputs = resolve_inputs(
        chosen, fmt if paths else (fmt or suite.documents.format), warnings=walked
    )
    records: Iterable[Loaded] = iter_documents(inputs, suite.documents.id)
    transform = None
    if clean:
        from ..cleaning import pipeline_transform

        transform = pipeline_transform(suite, count_lines=False)
    counted = None
    if sample is not None:
        # As in the native runner: 'count' is evaluated on every record read, not the sample.
        records, counted = sample_counting(suite, records, sample, seed, now, transform)
    result = run_plan(plan, records, chosen, now=now, transform=transform, docs_dir=docs_dir)
    if sample is not None:
        result = sampled_result(result, counted, sample, seed)
    if walked:
        result = replace(result, warnings=(*result.warnings, *walked))
    return result

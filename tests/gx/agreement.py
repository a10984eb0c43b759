"""Run one suite through both engines over the same documents and compare the results."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from scrapegate.documents import Document
from scrapegate.engine import run_suite
from scrapegate.gx.compile import compile_suite
from scrapegate.gx.runner import run_plan
from scrapegate.result import RunResult
from scrapegate.suite import Suite
from tests.helpers import NOW


def documents(
    records: Sequence[Mapping[str, Any]], path: str = "cases.jsonl", id_field: str | None = "url"
) -> list[Document]:
    """Documents as the JSONL loader makes them; the id comes from ``id_field`` when it is text."""
    out = []
    for line, record in enumerate(records, start=1):
        value = record.get(id_field) if id_field else None
        doc_id = value if isinstance(value, str) and value else f"{path}:{line}"
        out.append(Document(id=doc_id, path=path, line=line, fields=copy.deepcopy(dict(record))))
    return out


def both(suite: Suite, records: Sequence[Mapping[str, Any]]) -> tuple[RunResult, RunResult]:
    """The native and the GX result for ``records`` (each engine gets its own copies)."""
    native = run_suite(suite, documents(records), ["cases.jsonl"], now=NOW)
    gx = run_plan(compile_suite(suite), documents(records), ["cases.jsonl"], now=NOW)
    return native, gx


def assert_same_verdicts(native: RunResult, gx: RunResult) -> None:
    """Identical per-expectation results: counts, verdicts and every failure with its evidence."""
    assert gx.engine == "gx"
    assert gx.documents == native.documents
    assert [e.name for e in gx.expectations] == [e.name for e in native.expectations]
    for mine, theirs in zip(native.expectations, gx.expectations, strict=True):
        failing_native = sorted((f.doc or "", f.source) for f in mine.failures)
        failing_gx = sorted((f.doc or "", f.source) for f in theirs.failures)
        assert failing_gx == failing_native, mine.name
        assert (theirs.evaluated, theirs.failed) == (mine.evaluated, mine.failed), mine.name
        assert theirs.to_json() == mine.to_json(), mine.name
    assert gx.passed == native.passed

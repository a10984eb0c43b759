"""A suite's row expectations, built once and applied to one document at a time.

Generating documents runs a suite on every draw; building the checks (RE2 sets) is the
expensive part, so this keeps them, unlike a fresh engine per document. It follows the
engine's rules for derived fields, ``where`` filters, missing values and non-text values;
``tests/properties/test_strategies.py`` proves the two agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..documents import Document
from ..regex import compile_pattern
from ..registry import CheckContext, get_check
from ..suite import Expectation, Suite


class Judge:
    """Which row expectations of a suite a document fails."""

    def __init__(self, suite: Suite, names: frozenset[str] | None = None) -> None:
        ctx = CheckContext(datetime.now(UTC))
        self.language = suite.documents.language
        self.derived = [
            (d.name, d.source, compile_pattern(d.pattern)) for d in suite.documents.fields
        ]
        self.rows: list[tuple[Expectation, Any, Any]] = []
        for spec in suite.expectations:
            check = get_check(spec.check)
            if check.corpus or (names is not None and spec.name not in names):
                continue
            where = None
            if spec.where is not None and spec.where.matches is not None:
                where = compile_pattern(spec.where.matches)
            self.rows.append((spec, check.factory(spec.params, ctx), where))

    def fields_of(self, doc: Document) -> dict[str, Any]:
        """The document's fields plus its derived fields."""
        fields = dict(doc.fields)
        for name, source, pattern in self.derived:
            text = fields.get(source)
            found = pattern.search(text) if isinstance(text, str) else None
            value = found.group("value") if found is not None else None
            fields[name] = value.strip() if value is not None else None
        return fields

    def failures(self, doc: Document) -> dict[str, list[str]]:
        """Expectation name -> messages, for every row expectation the document fails."""
        view = Document(doc.id, doc.path, doc.line, self.fields_of(doc), doc.text_field)
        failed: dict[str, list[str]] = {}
        for spec, evaluate, where_pattern in self.rows:
            if spec.where is not None and not _applies(view, spec, where_pattern):
                continue
            check = get_check(spec.check)
            value = view.get(spec.field) if spec.field is not None else None
            if value is None and check.missing_fails:
                failed[spec.name] = [f"field {spec.field!r} is missing or null"]
            elif check.text_only and not isinstance(value, str):
                failed[spec.name] = [f"field {spec.field!r} is not text"]
            else:
                if check.document_language:
                    language = self.language.of(view) if self.language is not None else None
                    violations = evaluate(value, language)
                else:
                    violations = evaluate(value)
                if violations:
                    failed[spec.name] = [v.message for v in violations]
        return failed


def _applies(doc: Document, spec: Expectation, pattern: Any) -> bool:
    where = spec.where
    assert where is not None
    value = doc.get(where.field)
    if value is None:
        return False
    if pattern is not None:
        return isinstance(value, str) and pattern.search(value) is not None
    if where.in_ is not None:
        return value in where.in_
    return bool(value == where.equals)


_JUDGES: dict[tuple[int, frozenset[str] | None], tuple[Suite, Judge]] = {}


def judge_for(suite: Suite, names: frozenset[str] | None = None) -> Judge:
    """The cached judge of a suite (suites hold dicts, so identity keys the cache; the suite
    is kept alive beside its judge so that its id is not reused)."""
    key = (id(suite), names)
    if key not in _JUDGES:
        _JUDGES[key] = (suite, Judge(suite, names))
    return _JUDGES[key][1]

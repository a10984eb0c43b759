"""Suites: YAML files of expectations, loaded safely and validated with every problem at once.

Validation has two layers. The JSON Schema (generated from the registered checks) catches
unknown keys, wrong types and unknown check names; each check's factory then catches what a
schema cannot (patterns RE2 rejects, unknown packs, impossible bounds). Every problem is
reported as ``file:line:col: message in key.path``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

# A suite holds CleanerSpecs; they are defined with the cleaners and still importable from here.
from .cleaners import CleanerSpec as CleanerSpec
from .cleaners import validate_pipeline
from .dates import language_tag, language_tag_problem
from .documents import Document
from .errors import ConfigError, Location, Problem, did_you_mean
from .finite import finite_validator, nonfinite_error
from .grouping import GroupBy, parse_group_by
from .packs import is_pack_path
from .regex import PatternError, compile_pattern
from .registry import CheckContext, CheckType, ParamError, registry
from .schema import suite_schema
from .validcache import remember_validated, validated_before, validation_key
from .yamlsource import KeyPath, MarkedDocument, format_path, problems_sorted, read_marked

if TYPE_CHECKING:  # imported when a suite is validated (see _schema_problems)
    import jsonschema

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}


def _describe(value: Any) -> str:
    kind = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)
    shown = repr(value)
    return f"{kind} {shown[:40]}{'...' if len(shown) > 40 else ''}" if value is not None else kind


@dataclass(frozen=True)
class DerivedField:
    """A field captured by a regex group ``value`` from another field."""

    name: str
    source: str
    pattern: str


@dataclass(frozen=True)
class Where:
    """A filter: the expectation applies only to documents whose field matches."""

    field: str
    equals: Any = None
    in_: tuple[Any, ...] | None = None
    matches: str | None = None
    has_equals: bool = False

    def key(self) -> tuple[str, str, str, str | None]:
        """An identity that tells JSON types apart: ``equals: 1`` and ``equals: true`` differ.

        The dataclass's own equality uses Python's, where ``1 == True`` and ``hash(1) ==
        hash(True)``: two such filters would share one prepared column.
        """
        return (self.field, _typed(self.equals, self.has_equals), _typed(self.in_), self.matches)


def _typed(value: Any, present: bool = True) -> str:
    return repr(value) if present else ""


def json_equal(a: Any, b: Any) -> bool:
    """Equality with JSON's types: a bool equals only a bool, a number only a number.

    Python's ``1 == True`` and ``0 == False`` would let ``where: {equals: 1}`` select a
    document whose field is ``true``.
    """
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    numbers = (int, float)
    if isinstance(a, numbers) or isinstance(b, numbers):
        return isinstance(a, numbers) and isinstance(b, numbers) and a == b
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return (
            isinstance(a, list | tuple)
            and isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(json_equal(a[k], b[k]) for k in a)
        )
    return bool(a == b)


@dataclass(frozen=True)
class DocumentLanguage:
    """``documents.language``: one language for every document, or a field that holds it.

    ``fixed`` is a normalised tag (``es``, ``en-US``). A ``field`` value is read per document
    with :func:`~scrapegate.dates.language_tag`: a missing field, or one that holds no known
    language code, means the language is unknown for that document.
    """

    fixed: str | None = None
    field: str | None = None

    def of(self, doc: Document) -> str | None:
        """The language tag of ``doc``, or None when it is not known."""
        if self.fixed is not None:
            return self.fixed
        if self.field is None:
            return None
        return language_tag(doc.get(self.field))


@dataclass(frozen=True)
class ChangesSpec:
    """``documents.changes``: what a baseline comparison records and reports per document."""

    fields: tuple[str, ...] | None = None
    ratio: float = 0.5
    min_chars: int = 100
    fail_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentsSpec:
    """Default inputs and how to read them."""

    paths: tuple[str, ...] = ()
    id: str | None = None
    format: str | None = None
    fields: tuple[DerivedField, ...] = ()
    language: DocumentLanguage | None = None
    # documents.group_by: how checks that compare documents with their peers group them.
    group_by: GroupBy | None = None
    # documents.changes: fingerprint fields, change thresholds, kinds that fail the gate.
    changes: ChangesSpec = dataclass_field(default_factory=ChangesSpec)


@dataclass(frozen=True)
class Expectation:
    """One validated expectation, ready for the engine."""

    name: str
    check: str
    field: str | None
    params: Any
    mostly: float = 1.0
    severity: str = "error"
    where: Where | None = None
    description: str = ""
    location: Location = dataclass_field(default_factory=lambda: Location(""))


@dataclass(frozen=True)
class Waiver:
    """Failures of one expectation on chosen documents, accepted until ``expires``.

    Exactly one of ``doc`` (an id), ``matches`` (an RE2 pattern searched in ids) or ``where``
    (a filter on fields) chooses the documents.
    """

    expectation: str
    reason: str
    expires: date
    owner: str | None = None
    doc: str | None = None
    matches: str | None = None
    where: Where | None = None
    location: Location = dataclass_field(default_factory=lambda: Location(""))
    expires_location: Location = dataclass_field(default_factory=lambda: Location(""))

    def chooses(self) -> str:
        """How the waiver picks documents, for messages: ``doc 'x'``, ``matches '^a'``."""
        if self.doc is not None:
            return f"doc {self.doc!r}"
        if self.matches is not None:
            return f"matches {self.matches!r}"
        where = self.where
        assert where is not None
        if where.matches is not None:
            return f"where {where.field!r} matches {where.matches!r}"
        if where.in_ is not None:
            return f"where {where.field!r} in {list(where.in_)!r}"
        return f"where {where.field!r} equals {where.equals!r}"


@dataclass(frozen=True)
class Suite:
    """A validated suite."""

    name: str
    path: str
    description: str
    documents: DocumentsSpec
    cleaners: tuple[CleanerSpec, ...]
    expectations: tuple[Expectation, ...]
    waivers: tuple[Waiver, ...] = ()
    # The chain of base suites (paths), nearest first, when the suite uses ``extends``.
    bases: tuple[str, ...] = ()

    @property
    def base_dir(self) -> str:
        """The folder that suite-relative paths start from."""
        return os.path.dirname(self.path) or "."

    def default_paths(self) -> list[str]:
        """``documents.paths`` resolved against the suite's folder, for display and loading."""
        return [os.path.normpath(os.path.join(self.base_dir, p)) for p in self.documents.paths]


def _schema_problems(doc: MarkedDocument, schema: dict[str, Any]) -> list[Problem]:
    # A file that passed this schema before, byte for byte, passes again: skip the pass (and
    # importing jsonschema). Only a clean pass is remembered, so problems are always found.
    key = validation_key(doc.source_digest, schema) if doc.source_digest else None
    if key is not None and validated_before(key):
        return []
    validator = finite_validator(schema)
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        for problem in _translate(doc, error):
            # The common keys are checked by the base schema and by the check's branch.
            if problem not in problems:
                problems.append(problem)
    if key is not None and not problems:
        remember_validated(key)
    return problems


def _translate(doc: MarkedDocument, error: jsonschema.ValidationError) -> Iterator[Problem]:
    path: KeyPath = tuple(error.absolute_path)
    shown = format_path(path) or "top level"
    kind = error.validator
    # jsonschema types these as possibly Unset; for the validators handled here they are set.
    rule: Any = error.validator_value
    schema: Any = error.schema
    nonfinite = nonfinite_error(error)
    if nonfinite is not None:
        if nonfinite:
            yield Problem(doc.locate(path), nonfinite, _context(doc, path))
        return
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(schema.get("properties", {}))
        free = tuple(p.strip("^") for p in schema.get("patternProperties", {}))
        for key in sorted(set(error.instance) - set(allowed)):
            if free and key.startswith(free):
                continue
            yield Problem(
                doc.locate((*path, key), key=True),
                f"unknown key {key!r}{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)}"
                + (f", or any key starting with {free[0]!r})" if free else ")"),
                _context(doc, path) or shown,
            )
        return
    if kind == "minItems" and isinstance(error.instance, list) and not error.instance:
        what = "expectation" if path == ("expectations",) else "item"
        yield Problem(doc.locate(path), f"{shown} is empty; add at least one {what}", "")
        return
    if kind == "minLength" and error.instance == "":
        key = path[-1] if path else "value"
        yield Problem(doc.locate(path), f"{key!r} is empty; give it a value", _context(doc, path))
        return
    if kind == "maxProperties" and isinstance(error.instance, dict):
        keys = ", ".join(map(repr, error.instance))
        most = error.validator_value
        yield Problem(
            doc.locate(path),
            f"{shown} has {len(error.instance)} keys ({keys}); it takes at most {most}: keep "
            "the one you mean",
            _context(doc, path),
        )
        return
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        yield Problem(doc.locate(path), f"missing required key {missing!r}", _context(doc, path))
        return
    if kind == "enum" and path and path[-1] == "check":
        names = list(rule)
        yield Problem(
            doc.locate(path),
            f"unknown check {error.instance!r}{did_you_mean(str(error.instance), names)}"
            f" (available: {', '.join(names)})",
            _context(doc, path[:-1]),
        )
        return
    if kind == "enum":
        options = ", ".join(repr(v) for v in rule)
        yield Problem(
            doc.locate(path),
            f"{error.instance!r} is not allowed; use one of {options}",
            _context(doc, path),
        )
        return
    if kind == "pattern" and len(path) >= 2 and path[-2] == "languages":
        from .dates import language_code_problem

        yield Problem(
            doc.locate(path), language_code_problem(str(error.instance)), _context(doc, path)
        )
        return
    if kind == "type":
        names = [rule] if isinstance(rule, str) else list(rule)
        expected = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        yield Problem(
            doc.locate(path),
            f"expected {expected}, got {_describe(error.instance)}",
            _context(doc, path),
        )
        return
    if kind == "oneOf" and len(path) == 2 and path[0] == "waivers":
        yield Problem(
            doc.locate(path),
            "a waiver needs exactly one of 'doc', 'matches' or 'where' to choose documents",
            _context(doc, path),
        )
        return
    if kind == "pattern" and path and path[-1] == "expires":
        yield Problem(
            doc.locate(path),
            f"expires {error.instance!r} is not a date; write it as YYYY-MM-DD",
            _context(doc, path),
        )
        return
    if kind == "oneOf" and path and path[-1] != "where" and "where" not in path:
        yield Problem(
            doc.locate(path),
            "expected a pattern string or {name, pattern, match}, got " + _describe(error.instance),
            _context(doc, path),
        )
        return
    if kind == "oneOf":
        yield Problem(
            doc.locate(path),
            "'where' needs exactly one of 'equals', 'in' or 'matches' beside 'field'",
            _context(doc, path),
        )
        return
    yield Problem(doc.locate(path), str(error.message), _context(doc, path))


def _context(doc: MarkedDocument, path: KeyPath) -> str:
    """Key path plus the expectation's name when inside one: ``expectations[2] ('x')``."""
    shown = format_path(path)
    if len(path) >= 2 and path[0] in ("expectations", "waivers") and isinstance(path[1], int):
        items = doc.data.get(path[0]) if isinstance(doc.data, dict) else None
        if isinstance(items, list) and path[1] < len(items) and isinstance(items[path[1]], dict):
            name = items[path[1]].get("name" if path[0] == "expectations" else "expectation")
            if isinstance(name, str):
                return f"{shown} ({name!r})"
    return shown


def _within(key_path: str, prefix: str) -> bool:
    """Whether a problem's key path (``expectations[2].where ('x')``) lies under ``prefix``."""
    if not key_path.startswith(prefix):
        return False
    rest = key_path[len(prefix) :]
    return not rest or rest[0] in ".[ "


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def resolve_pack_paths(raw: dict[str, Any], base_dir: str) -> dict[str, Any]:
    """``packs`` entries that are paths, made relative to the suite's folder (as
    ``documents.paths`` are); pack names and everything else are left as they are."""
    packs = raw.get("packs")
    if not isinstance(packs, list) or not any(
        isinstance(p, str) and is_pack_path(p) for p in packs
    ):
        return raw
    resolved = [
        os.path.normpath(os.path.join(base_dir, p)) if isinstance(p, str) and is_pack_path(p) else p
        for p in packs
    ]
    return {**raw, "packs": resolved}


def _build_params(check: CheckType, raw: dict[str, Any], base_dir: str = ".") -> Any:
    names = {f.name for f in fields(check.params)}
    raw = resolve_pack_paths(raw, base_dir) if "packs" in names else raw
    kwargs = {k: _tuples(v) for k, v in raw.items() if k in names}
    return check.params(**kwargs)


def _derived_fields(
    doc: MarkedDocument, spec: dict[str, Any]
) -> tuple[list[DerivedField], list[Problem]]:
    out, problems = [], []
    for name, item in (spec.get("fields") or {}).items():
        pattern = item["pattern"]
        where = ("documents", "fields", name, "pattern")
        try:
            compiled = compile_pattern(pattern)
        except PatternError as exc:
            problems.append(Problem(doc.locate(where), str(exc), format_path(where)))
            continue
        if "value" not in compiled.groupindex:
            problems.append(
                Problem(
                    doc.locate(where),
                    f"pattern {pattern!r} has no named group 'value'; "
                    "wrap the part to capture in (?P<value>...)",
                    format_path(where),
                )
            )
            continue
        out.append(DerivedField(name, item["from"], pattern))
    return out, problems


def _document_language(
    doc: MarkedDocument, documents: dict[str, Any]
) -> tuple[DocumentLanguage | None, list[Problem]]:
    """``documents.language``: a code is checked here; its shape was checked by the schema."""
    raw = documents.get("language")
    if isinstance(raw, str):
        problem = language_tag_problem(raw)
        if problem is not None:
            where = ("documents", "language")
            return None, [Problem(doc.locate(where), problem, format_path(where))]
        return DocumentLanguage(fixed=language_tag(raw)), []
    if isinstance(raw, dict) and isinstance(raw.get("field"), str) and raw["field"]:
        return DocumentLanguage(field=raw["field"]), []
    return None, []  # absent, or a wrong shape the schema has reported


def _changes(documents: Any) -> ChangesSpec:
    """``documents.changes``, whose shape the schema has checked."""
    raw = documents.get("changes") if isinstance(documents, dict) else None
    if not isinstance(raw, dict):
        return ChangesSpec()
    fields = raw.get("fields")
    return ChangesSpec(
        fields=tuple(fields) if isinstance(fields, list) else None,
        ratio=float(raw.get("ratio", 0.5)),
        min_chars=int(raw.get("min_chars", 100)),
        fail_on=tuple(raw.get("fail_on", ())),
    )


def _where(
    doc: MarkedDocument, raw: dict[str, Any] | None, path: KeyPath
) -> tuple[Where | None, list[Problem]]:
    """Build the ``where`` filter found at ``path``; its pattern must compile."""
    if raw is None:
        return None, []
    if "matches" in raw:
        try:
            compile_pattern(raw["matches"])
        except PatternError as exc:
            where = (*path, "matches")
            return None, [Problem(doc.locate(where), str(exc), _context(doc, where))]
    return (
        Where(
            field=raw["field"],
            equals=raw.get("equals"),
            in_=tuple(raw["in"]) if "in" in raw else None,
            matches=raw.get("matches"),
            has_equals="equals" in raw,
        ),
        [],
    )


def _cleaners(doc: MarkedDocument, raw: list[Any]) -> tuple[list[CleanerSpec], list[Problem]]:
    specs: list[CleanerSpec] = []
    for index, item in enumerate(raw):
        path = ("cleaners", index)
        params: Any
        if isinstance(item, str):
            name, params = item, {}
        elif isinstance(item, dict) and len(item) == 1:
            name, params = next(iter(item.items()))
            params = params if params is not None else {}
        else:
            return specs, [
                Problem(
                    doc.locate(path),
                    "a cleaner is a name or a mapping with one key, {name: {params}}, got "
                    + _describe(item),
                    format_path(path),
                )
            ]
        if not isinstance(params, dict):
            return specs, [
                Problem(
                    doc.locate((*path, name)),
                    f"parameters of cleaner {name!r} must be a mapping",
                    format_path(path),
                )
            ]
        base_dir = os.path.dirname(doc.path) or "."
        specs.append(CleanerSpec(str(name), resolve_pack_paths(params, base_dir), doc.locate(path)))
    return specs, list(validate_pipeline(doc, specs))


def _dates_as_text(data: dict[str, Any]) -> None:
    """``expires: 2026-03-01`` unquoted is a YAML date: keep it as the text it was written as.
    A timestamp (``2026-03-01T10:00:00``) becomes its text too, so the message about it
    quotes what was written and says to write a day."""
    items = data.get("waivers")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("expires"), date | datetime):
            item["expires"] = item["expires"].isoformat()


def _waivers(
    doc: MarkedDocument, raw: Any, names: list[str], problems: list[Problem]
) -> list[Waiver]:
    """The ``waivers:`` list, each naming a known expectation, with a pattern RE2 accepts."""
    out: list[Waiver] = []
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        path: KeyPath = ("waivers", index)
        if not isinstance(item, dict):
            continue  # the schema has said what is wrong with it
        said = [p for p in problems if _within(p.key_path, format_path(path))]
        found: list[Problem] = []
        name = item.get("expectation")
        if isinstance(name, str) and name not in names:
            where = (*path, "expectation")
            found.append(
                Problem(
                    doc.locate(where),
                    f"waiver names unknown expectation {name!r}{did_you_mean(name, names)}"
                    f" (expectations: {', '.join(repr(n) for n in names)})",
                    _context(doc, path),
                )
            )
        expires = None
        expires_at = doc.locate((*path, "expires"))
        if isinstance(item.get("expires"), str) and not any(p.location == expires_at for p in said):
            try:
                expires = date.fromisoformat(item["expires"])
            except ValueError:
                found.append(
                    Problem(
                        expires_at,
                        f"expires {item['expires']!r} is not a real date; write it as YYYY-MM-DD",
                        _context(doc, path),
                    )
                )
        if isinstance(item.get("matches"), str):
            try:
                compile_pattern(item["matches"])
            except PatternError as exc:
                where = (*path, "matches")
                found.append(Problem(doc.locate(where), str(exc), _context(doc, where)))
        where_spec, more = _where(
            doc,
            item.get("where") if isinstance(item.get("where"), dict) else None,
            (*path, "where"),
        )
        found.extend(more)
        problems.extend(found)
        if found or said or expires is None or not isinstance(name, str):
            continue
        out.append(
            Waiver(
                expectation=name,
                reason=str(item["reason"]),
                expires=expires,
                owner=item.get("owner"),
                doc=item.get("doc"),
                matches=item.get("matches"),
                where=where_spec,
                location=doc.locate(path),
                expires_location=doc.locate((*path, "expires")),
            )
        )
    return out


def _removed(doc: MarkedDocument, data: dict[str, Any], base: Suite | None) -> list[Problem]:
    """``remove:`` names base expectations, and only in a suite that extends one."""
    raw = data.get("remove")
    if not isinstance(raw, list):
        return []
    if base is None:
        return [
            Problem(
                doc.locate(("remove",), key=True),
                "'remove' drops expectations of a base suite; add 'extends: BASE.yaml', or "
                "delete the expectations here instead",
                "remove",
            )
        ]
    names = [e.name for e in base.expectations]
    return [
        Problem(
            doc.locate(("remove", index)),
            f"{name!r} is not an expectation of the base suite {base.path}"
            f"{did_you_mean(name, names)}",
            f"remove[{index}]",
        )
        for index, name in enumerate(raw)
        if isinstance(name, str) and name not in names
    ]


def _rebased(paths: tuple[str, ...], base: Suite, child_dir: str) -> tuple[str, ...]:
    """The base suite's ``documents.paths``, made relative to the extending suite's folder."""
    return tuple(
        os.path.relpath(os.path.normpath(os.path.join(base.base_dir, p)), child_dir) for p in paths
    )


def _merged_documents(
    own: DocumentsSpec, raw: dict[str, Any], base: Suite | None, child_dir: str
) -> DocumentsSpec:
    """``documents``: each key the extending suite sets wins; the others come from the base."""
    if base is None:
        return own
    inherited = base.documents
    fields_by_name = {d.name: d for d in inherited.fields}
    fields_by_name.update({d.name: d for d in own.fields})
    return DocumentsSpec(
        paths=own.paths if "paths" in raw else _rebased(inherited.paths, base, child_dir),
        id=own.id if "id" in raw else inherited.id,
        format=own.format if "format" in raw else inherited.format,
        fields=tuple(fields_by_name.values()),
        language=own.language if "language" in raw else inherited.language,
        group_by=own.group_by if "group_by" in raw else inherited.group_by,
        changes=own.changes if "changes" in raw else inherited.changes,
    )


def _merged_expectations(
    own: list[Expectation], removed: list[str], base: Suite | None
) -> list[Expectation]:
    """Base expectations in their order, each replaced by one of the same name here, minus
    ``remove``; then this suite's new ones."""
    if base is None:
        return own
    mine = {e.name: e for e in own}
    merged = [mine.pop(e.name, e) for e in base.expectations if e.name not in removed]
    return [*merged, *(e for e in own if e.name in mine)]


def parse_suite(
    doc: MarkedDocument, now: datetime | None = None, base: Suite | None = None
) -> Suite:
    """Validate a loaded suite document; raise ConfigError listing every problem.

    ``base`` is the suite named by ``extends`` (already loaded): see :func:`load_suite`.
    """
    checks = registry()
    if not isinstance(doc.data, dict):
        shape = Problem(
            doc.locate(()),
            f"a suite must be a mapping with 'suite' and 'expectations', got {_describe(doc.data)}",
        )
        raise ConfigError(problems_sorted([*doc.problems, shape]))
    _dates_as_text(doc.data)
    problems = _schema_problems(doc, suite_schema(checks))
    data: dict[str, Any] = doc.data
    documents = data.get("documents") if isinstance(data.get("documents"), dict) else {}
    # The schema has checked its shape; a wrong one is reported there and ignored here.
    group_by = parse_group_by(documents.get("group_by")) if isinstance(documents, dict) else None
    if base is not None and not (isinstance(documents, dict) and "group_by" in documents):
        group_by = base.documents.group_by
    ctx = CheckContext(
        now or datetime.now(UTC),
        group_by=group_by,
        base_dir=os.path.dirname(doc.path) or ".",
    )
    derived: list[DerivedField] = []
    if isinstance(documents, dict) and isinstance(documents.get("fields"), dict):
        try:
            derived, more = _derived_fields(doc, documents)
            problems.extend(more)
        except (KeyError, TypeError, AttributeError):
            pass  # already reported by the schema
    language: DocumentLanguage | None = None
    if isinstance(documents, dict):
        language, more = _document_language(doc, documents)
        problems.extend(more)
    expectations: list[Expectation] = []
    seen_names: dict[str, int] = {}
    raw_items = data.get("expectations")
    for index, raw in enumerate(raw_items if isinstance(raw_items, list) else []):
        path: KeyPath = ("expectations", index)
        if not isinstance(raw, dict) or not isinstance(raw.get("check"), str):
            continue
        name = raw.get("name")
        if isinstance(name, str):
            if name in seen_names:
                problems.append(
                    Problem(
                        doc.locate((*path, "name")),
                        f"duplicate expectation name {name!r} (first used at line "
                        f"{doc.locate(('expectations', seen_names[name], 'name')).line}); "
                        "names must be unique",
                        format_path(path),
                    )
                )
            seen_names.setdefault(name, index)
        check = checks.get(raw["check"])
        if check is None:
            continue
        try:
            params = _build_params(check, raw, ctx.base_dir)
            check.factory(params, ctx)
        except ParamError as exc:
            reported = {p.location for p in problems}
            for each in exc.each():
                where = (*path, *each.key)
                if doc.locate(where) not in reported:  # the schema said it first
                    problems.append(Problem(doc.locate(where), each.message, _context(doc, where)))
            continue
        except (TypeError, ValueError) as exc:
            # Wrong types: the schema has said so. Otherwise the check rejects a value the
            # schema let through, and dropping the expectation in silence would pass the gate.
            if not any(_within(p.key_path, format_path(path)) for p in problems):
                problems.append(
                    Problem(
                        doc.locate(path),
                        f"check {check.name!r} rejects these parameters: {exc}",
                        _context(doc, path),
                    )
                )
            continue
        except Exception:
            # A factory may trip over values the schema has already reported (a None among
            # strings); anything else is a bug in the check and must surface as one.
            if any(_within(p.key_path, format_path(path)) for p in problems):
                continue
            raise
        if any(_within(p.key_path, format_path(path)) for p in problems):
            continue  # the schema found wrong values here; building it would trip on them
        where_spec, more = _where(
            doc,
            raw.get("where") if isinstance(raw.get("where"), dict) else None,
            (*path, "where"),
        )
        problems.extend(more)
        expectations.append(
            Expectation(
                name=str(name),
                check=check.name,
                field=raw.get("field"),
                params=params,
                mostly=float(raw.get("mostly", 1.0)),
                severity=str(raw.get("severity", "error")),
                where=where_spec,
                description=str(raw.get("description", "")),
                location=doc.locate(path),
            )
        )
    cleaners: list[CleanerSpec] = []
    if isinstance(data.get("cleaners"), list) and not any(
        p.key_path.startswith("cleaners") for p in problems
    ):
        cleaners, more = _cleaners(doc, data["cleaners"])
        problems.extend(more)
    elif base is not None and "cleaners" not in data:
        cleaners = list(base.cleaners)
    problems.extend(_removed(doc, data, base))
    removed = [n for n in data.get("remove") or [] if isinstance(n, str)]
    expectations = _merged_expectations(expectations, removed, base)
    names = [e.name for e in expectations]
    # Failed expectations are still names a waiver may use: only unknown ones are reported.
    names += [n for n in seen_names if n not in names]
    waivers = [
        w for w in (base.waivers if base is not None else ()) if w.expectation in names
    ] + _waivers(doc, data.get("waivers"), names, problems)
    # The YAML layer's problems (duplicate keys, values their tag rejects) leave the data
    # usable, so validation went on and every problem is reported at once. A rejected value
    # is None in the data: what validation says about that None repeats the problem in
    # worse words, at the same place.
    rejected = {p.location for p in doc.problems}
    problems = [*doc.problems, *(p for p in problems if p.location not in rejected)]
    errors = [p for p in problems if not p.warning]
    if errors:
        raise ConfigError(sorted(problems, key=lambda p: (p.location.line, p.location.col)))
    own_documents = DocumentsSpec(
        paths=tuple(documents.get("paths", ())) if isinstance(documents, dict) else (),
        id=documents.get("id") if isinstance(documents, dict) else None,
        format=documents.get("format") if isinstance(documents, dict) else None,
        fields=tuple(derived),
        language=language,
        group_by=group_by,
        changes=_changes(documents),
    )
    description = data.get("description", base.description if base is not None else "")
    return Suite(
        name=str(data["suite"]),
        path=doc.path,
        description=str(description),
        documents=_merged_documents(
            own_documents,
            documents if isinstance(documents, dict) else {},
            base,
            os.path.dirname(doc.path) or ".",
        ),
        cleaners=tuple(cleaners),
        expectations=tuple(expectations),
        waivers=tuple(waivers),
        bases=(base.path, *base.bases) if base is not None else (),
    )


def load_suite(path: str, now: datetime | None = None) -> Suite:
    """Read, parse and validate a suite file (and the base suites it extends)."""
    return load_suite_document(path, now)[0]


def load_suite_document(
    path: str, now: datetime | None = None, chain: tuple[str, ...] = ()
) -> tuple[Suite, MarkedDocument]:
    """The suite at ``path`` and its marked YAML; ``extends`` is followed, cycles refused.

    A problem in a base suite is reported at the base file's own ``file:line:col``.
    """
    doc = read_marked(path, keep_going=True)
    base = None
    raw = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if isinstance(raw, str) and raw:
        where = doc.locate(("extends",))
        target = os.path.normpath(os.path.join(os.path.dirname(path) or ".", raw))
        here = (*chain, os.path.realpath(path))
        if os.path.realpath(target) in here:
            shown = [*(os.path.relpath(p) for p in here), os.path.relpath(target)]
            raise ConfigError.single(
                where,
                f"extends makes a cycle: {' -> '.join(shown)}; a base suite cannot extend "
                "a suite that extends it",
                "extends",
            )
        if not os.path.isfile(target):
            raise ConfigError.single(
                where,
                f"base suite {raw!r} not found (looked for {target}); the path is relative "
                "to this suite's folder",
                "extends",
            )
        base = load_suite_document(target, now, here)[0]
    return parse_suite(doc, now, base), doc


def suite_file_name(name: str) -> str:
    """A suite's name as it goes into ``{suite}`` of an output path: one file name, never a
    folder (``a/b``) or a way out of the folder given (``..``)."""
    safe = "".join("_" if c in "/\\\0" else c for c in name)
    return "_" * len(safe) if set(safe) <= {"."} else safe

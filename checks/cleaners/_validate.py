"""Validation of a suite's ``cleaners:`` list, every problem at ``file:line:col`` at once.

Like expectations, a step is checked in two layers: its keys against the cleaner's JSON
Schema (unknown keys with a did-you-mean, wrong types), then its factory for what a schema
cannot see (unknown packs, patterns RE2 rejects).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import Problem, did_you_mean
from ..finite import finite_validator, nonfinite_error
from ..registry import ParamError
from ..yamlsource import KeyPath, MarkedDocument, format_path
from ._registry import CleanerType, build_params, registry
from ._spec import CleanerSpec

if TYPE_CHECKING:
    import jsonschema


def _shown(path: KeyPath, name: str) -> str:
    return f"{format_path(path)} ({name!r})"


_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
}


_JSON_TYPES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
}


def _message(error: jsonschema.ValidationError) -> str:
    wanted: Any = error.validator_value
    nonfinite = nonfinite_error(error)
    if nonfinite:
        return nonfinite
    if error.validator == "type":
        names = [wanted] if isinstance(wanted, str) else list(wanted)
        expected = " or ".join(_TYPES.get(n, n) for n in names)
        kind = _TYPES.get(_JSON_TYPES.get(type(error.instance), ""), "null")
        return f"expected {expected}, got {kind} {error.instance!r:.60}"
    path = tuple(error.absolute_path)
    if error.validator == "pattern" and len(path) >= 2 and path[-2] == "languages":
        from ..dates import language_code_problem

        return language_code_problem(str(error.instance))
    if error.validator == "enum":
        options = ", ".join(repr(v) for v in wanted)
        return f"{error.instance!r} is not allowed; use one of {options}"
    return str(error.message)


def _is_bare(doc: MarkedDocument, index: int) -> bool:
    items = doc.data.get("cleaners") if isinstance(doc.data, dict) else None
    return isinstance(items, list) and index < len(items) and isinstance(items[index], str)


def _id_field(doc: MarkedDocument) -> str | None:
    documents = doc.data.get("documents") if isinstance(doc.data, dict) else None
    value = documents.get("id") if isinstance(documents, dict) else None
    return value if isinstance(value, str) else None


def validate_pipeline(doc: MarkedDocument, specs: list[CleanerSpec]) -> Iterator[Problem]:
    """Yield every problem in the suite's cleaner steps (none when the pipeline is valid)."""
    cleaners = registry()
    names = sorted(cleaners)
    for index, spec in enumerate(specs):
        path: KeyPath = ("cleaners", index)
        bare = _is_bare(doc, index)
        cleaner_type = cleaners.get(spec.name)
        if cleaner_type is None:
            where = doc.locate(path) if bare else doc.locate((*path, spec.name), key=True)
            yield Problem(
                where,
                f"unknown cleaner {spec.name!r}{did_you_mean(spec.name, names)}"
                f" (available: {', '.join(names)})",
                format_path(path),
            )
            continue
        yield from _step_problems(doc, path, spec, cleaner_type, bare, _id_field(doc))


def _step_problems(
    doc: MarkedDocument,
    path: KeyPath,
    spec: CleanerSpec,
    cleaner_type: CleanerType,
    bare: bool,
    id_field: str | None,
) -> Iterator[Problem]:
    params_path: KeyPath = (*path, spec.name)
    shown = _shown(path, spec.name)
    allowed = cleaner_type.keys()
    bad = False
    for key in spec.params:
        if key not in allowed:
            # A misspelt known key leaves the factory without that parameter: its
            # complaint ("needs 'packs'") would only repeat this one.
            bad = bad or bool(did_you_mean(str(key), allowed))
            yield Problem(
                doc.locate((*params_path, key), key=True),
                f"unknown parameter {key!r} for cleaner {spec.name!r}"
                f"{did_you_mean(str(key), allowed)} (allowed: {', '.join(sorted(allowed))})",
                shown,
            )
    missing = [key for key in cleaner_type.required if key not in spec.params]
    if missing:
        bad = True
        wanted = ", ".join(repr(k) for k in missing)
        hint = f"; write it as '- {spec.name}: {{{missing[0]}: ...}}'" if bare else ""
        yield Problem(
            doc.locate(path if bare else params_path),
            f"cleaner {spec.name!r} needs {wanted}{hint}",
            shown,
        )
    known = {k: v for k, v in spec.params.items() if k in allowed}
    schema = {"type": "object", "properties": allowed}
    for error in finite_validator(schema).iter_errors(known):
        if nonfinite_error(error) == "":
            continue  # a NaN's range error: its type error says it, with the range
        bad = True
        where: KeyPath = (*params_path, *error.absolute_path)
        yield Problem(doc.locate(where), _message(error), shown)
    if bad:
        return
    fields = spec.params.get("fields")
    if id_field is not None and isinstance(fields, list) and id_field in fields:
        yield Problem(
            doc.locate((*params_path, "fields", fields.index(id_field))),
            f"cleaner {spec.name!r} would change the id field {id_field!r}, which names "
            "documents in messages and baselines; remove it from 'fields'",
            shown,
        )
    yield from _factory_problems(doc, params_path, spec, cleaner_type)


def _factory_problems(
    doc: MarkedDocument, params_path: KeyPath, spec: CleanerSpec, cleaner_type: CleanerType
) -> Iterator[Problem]:
    params: Any = None
    try:
        params = build_params(cleaner_type, spec.params)
        cleaner_type.factory(params)
    except ParamError as exc:
        for each in exc.each():
            where = (*params_path, *each.key)
            yield Problem(doc.locate(where), each.message, _shown(params_path[:2], spec.name))
    except (TypeError, ValueError) as exc:
        yield Problem(
            doc.locate(params_path),
            f"cleaner {spec.name!r} rejects these parameters: {exc}",
            _shown(params_path[:2], spec.name),
        )

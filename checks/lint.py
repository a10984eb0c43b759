"""``scrapegate lint``: every problem of a suite file, found without reading any data.

Suite validation (:mod:`scrapegate.suite`) finds the errors; this module adds the warnings
that only make sense without data: a field used once that looks like a typo of a name the
suite relies on elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import ConfigError, Problem, did_you_mean
from .suite import Suite, parse_suite
from .yamlsource import KeyPath, MarkedDocument, format_path, read_marked


def lint_suites(paths: Sequence[str]) -> list[Problem]:
    """Every problem in every given suite file (only warnings, or none, when all are valid)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            doc = read_marked(path, keep_going=True)
            suite = parse_suite(doc)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        # Only a valid suite's field names are worth comparing: no data is read.
        problems.extend(field_name_warnings(suite, doc))
    return problems


def _suite_names(suite: Suite) -> dict[str, list[str]]:
    """Field names the suite itself uses, each with what uses it (for a lint message)."""
    names: dict[str, list[str]] = {}
    for derived in suite.documents.fields:
        names.setdefault(derived.name, []).append(f"documents.fields.{derived.name}")
    if suite.documents.id:
        names.setdefault(suite.documents.id, []).append("documents.id")
    language = suite.documents.language
    if language is not None and language.field is not None:
        names.setdefault(language.field, []).append("documents.language")
    for spec in suite.expectations:
        if spec.field is not None:
            names.setdefault(spec.field, []).append(repr(spec.name))
        if spec.where is not None:
            names.setdefault(spec.where.field, []).append(f"the 'where' of {spec.name!r}")
    return names


def field_name_warnings(suite: Suite, doc: MarkedDocument) -> list[Problem]:
    """Fields of a valid suite that look like typos of a name the suite uses elsewhere.

    Without data only the suite's own names are known: derived fields, the id field and
    the fields other expectations read. A name used once, close to another one and not
    derived, is flagged when close to a name used twice or more, derived or the id (a warning:
    documents may really have both).
    """
    names = _suite_names(suite)
    derived = {d.name for d in suite.documents.fields}
    language = suite.documents.language.field if suite.documents.language is not None else None
    out: list[Problem] = []
    for index, spec in enumerate(suite.expectations):
        places: list[tuple[KeyPath, str | None]] = [(("expectations", index, "field"), spec.field)]
        if spec.where is not None:
            places.append((("expectations", index, "where", "field"), spec.where.field))
        for path, name in places:
            if name is None or name in derived or len(names.get(name, ())) > 1:
                continue
            # Compared only with names the suite relies on, so two one-off names (one of
            # them a typo of the other) do not point at each other.
            established = [n for n, users in names.items() if n != name and len(users) > 1]
            established += [n for n in (*derived, suite.documents.id, language) if n and n != name]
            hint = did_you_mean(name, established)
            if not hint:
                continue
            close = hint.split("'")[1]
            users = ", ".join(names[close][:3])
            out.append(
                Problem(
                    doc.locate(path),
                    f"field {name!r} appears only here, and {close!r} is named in {users}{hint}",
                    f"{format_path(path)} ({spec.name!r})",
                    warning=True,
                )
            )
    return out

"""``scrapegate lint``: every problem of a suite file, found without reading any data.

Suite validation (:mod:`scrapegate.suite`) finds the errors; this module adds the warnings
that only make sense without data: a field used once that looks like a typo of a name the
suite relies on elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .errors import ConfigError, Location, Problem, did_you_mean
from .suite import Suite, load_suite_document
from .waivers import expired_message, expires_soon_message, today
from .yamlsource import KeyPath, MarkedDocument, format_path


def lint_suites(paths: Sequence[str], now: datetime | None = None) -> list[Problem]:
    """Every problem in every given suite file (only warnings, or none, when all are valid)."""
    problems: list[Problem] = []
    for path in paths:
        try:
            suite, doc = load_suite_document(path, now)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        # Only a valid suite's field names are worth comparing: no data is read.
        problems.extend(field_name_warnings(suite, doc))
        problems.extend(waiver_problems(suite, now))
    return problems


def waiver_problems(suite: Suite, now: datetime | None = None) -> list[Problem]:
    """Expired waivers (errors: the run would fail on them) and ones expiring soon (warnings).

    Whether a waiver matches any failure is known only from a run, not here.
    """
    on = today(now)
    out: list[Problem] = []
    for waiver in suite.waivers:
        where: Location = waiver.expires_location
        if waiver.expires < on:
            message = expired_message(waiver).removeprefix(f"{where}: ")
            out.append(Problem(where, message))
            continue
        soon = expires_soon_message(waiver, on)
        if soon is not None:
            out.append(Problem(where, soon.removeprefix(f"{where}: "), warning=True))
    return out


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
    # Expectations written in this file, by name: a suite that extends another also holds
    # the base's (checked when the base is linted), in the merged order.
    raw = doc.data.get("expectations") if isinstance(doc.data, dict) else None
    own = {
        item.get("name"): index
        for index, item in enumerate(raw if isinstance(raw, list) else [])
        if isinstance(item, dict)
    }
    for spec in suite.expectations:
        index = own.get(spec.name)
        if index is None or spec.location.path != doc.path:
            continue
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

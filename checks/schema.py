"""The JSON Schema of the suite format, generated from the registered check types.

The schema shipped in ``checks/schema/suite.schema.json`` covers the built-in checks and is
what editors use for completion and inline errors; at run time the same generator also
includes check types from installed plugins. A test keeps the shipped file up to date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .grouping import GROUP_BY_SCHEMA
from .registry import CheckType

if TYPE_CHECKING:
    from .cleaners import CleanerType

SCHEMA_ID = "https://scrapegate.dev/schema/suite.schema.json"
FORMATS = ("jsonl", "json", "csv", "parquet", "text")

WHERE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Apply the expectation only to documents whose field matches.",
    "additionalProperties": False,
    "required": ["field"],
    "properties": {
        "field": {"type": "string", "description": "Field to test."},
        "equals": {"description": "The field equals this value."},
        "in": {"type": "array", "description": "The field equals one of these values."},
        "matches": {"type": "string", "description": "The field matches this RE2 pattern."},
    },
    "oneOf": [{"required": ["equals"]}, {"required": ["in"]}, {"required": ["matches"]}],
}

COMMON_PROPERTIES: dict[str, Any] = {
    "name": {
        "type": "string",
        "minLength": 1,
        "description": "Unique name within the suite; shown in every message and test id.",
    },
    "check": {"type": "string", "description": "Registered check type."},
    "field": {"type": "string", "minLength": 1, "description": "Document field to check."},
    "description": {"type": "string", "description": "Why this expectation exists."},
    "mostly": {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "default": 1.0,
        "description": "Share of evaluated documents that must pass (default 1.0).",
    },
    "severity": {
        "enum": ["error", "warn"],
        "default": "error",
        "description": "error fails the run; warn only reports.",
    },
    "where": WHERE_SCHEMA,
}

CHANGE_KIND_NAMES = ["shrank", "grew", "date_changed", "attribution_vanished"]

CHANGES_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "How a baseline comparison (check --baseline, diff) reports documents that changed: "
        "a body that shrank or grew past ratio, a date that changed, an attribution that "
        "vanished. A warning section unless fail_on names the kind."
    ),
    "examples": [{"fields": ["body"], "ratio": 0.5, "min_chars": 100, "fail_on": ["shrank"]}],
    "additionalProperties": False,
    "properties": {
        "fields": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "description": (
                "Fields whose length is recorded per document (default: every field a text "
                "check reads); date_parses and attribution_present fields are always recorded."
            ),
        },
        "ratio": {
            "type": "number",
            "exclusiveMinimum": 0,
            "exclusiveMaximum": 1,
            "default": 0.5,
            "description": (
                "A body shrank below ratio times its baseline length, or grew past its baseline "
                "length divided by ratio (--change-threshold overrides it)."
            ),
        },
        "min_chars": {
            "type": "integer",
            "minimum": 0,
            "default": 100,
            "description": (
                "A length must move by at least this many characters to count "
                "(--change-min-chars overrides it)."
            ),
        },
        "fail_on": {
            "type": "array",
            "items": {"enum": CHANGE_KIND_NAMES},
            "uniqueItems": True,
            "description": (
                "Kinds of change that fail the gate (exit 1) in a baseline comparison instead "
                "of warning: shrank, grew, date_changed, attribution_vanished."
            ),
        },
    },
}

DOCUMENTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Where the documents are and how to read them.",
    "additionalProperties": False,
    "properties": {
        "paths": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "Default inputs (files or folders), relative to the suite file.",
        },
        "id": {"type": "string", "description": "Field that names a document in messages."},
        "format": {"enum": list(FORMATS), "description": "Input format; default by extension."},
        "language": {
            "type": ["string", "object"],
            "description": (
                "The documents' language, which decides whether an ambiguous numeric date "
                "(02/11/2023) reads day-first or month-first: one code for every document "
                "('es', 'en-US', 'en_GB'), or {field: name} for a field that holds each "
                "document's code. An expectation's day_first still wins."
            ),
            "examples": ["es", "en-US", {"field": "lang"}],
            "additionalProperties": False,
            "required": ["field"],
            "properties": {
                "field": {
                    "type": "string",
                    "minLength": 1,
                    "description": (
                        "Field holding a document's language code ('es', 'es-ES', 'en_US'); "
                        "missing or not a known code: the language is unknown."
                    ),
                },
            },
        },
        "group_by": {
            **GROUP_BY_SCHEMA,
            "description": (
                "How documents are grouped (by site): {host: url} by the host of a URL field "
                "(lower-cased, without 'www.'), {field: site} by a field's value. Gives "
                "per-group counts and pass rates in the terminal, the result JSON, the "
                "reports and the baseline diff, and the groups of checks that compare a "
                "document with its peers (repeated_lines). check --group-by overrides it for "
                "the views only."
            ),
        },
        "changes": CHANGES_SCHEMA,
        "fields": {
            "type": "object",
            "description": "Derived fields: a regex group 'value' captured from another field.",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["from", "pattern"],
                "properties": {
                    "from": {"type": "string", "description": "Field to read."},
                    "pattern": {
                        "type": "string",
                        "description": "RE2 pattern with a named group 'value'.",
                    },
                },
            },
        },
    },
}

CLEANERS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "Cleaner pipeline for `scrapegate clean` and `check --clean`.",
    "items": {
        "description": "A cleaner name, or {name: {params}}.",
        "type": ["string", "object"],
    },
}


def cleaners_schema(cleaners: Mapping[str, CleanerType]) -> dict[str, Any]:
    """The published ``cleaners:`` schema: every cleaner's name and parameters, for editors.

    Suites are validated against the plain CLEANERS_SCHEMA plus
    ``scrapegate.cleaners.validate_pipeline``, which reports every problem of every step at once
    with a did-you-mean (a JSON Schema error would hide the others, and an ``enum`` error
    cannot carry a did-you-mean); so bare names are only listed as examples here.
    """
    names = sorted(cleaners)
    items = dict(CLEANERS_SCHEMA["items"])
    items["examples"] = names
    items["if"] = {"type": "object"}
    items["then"] = {
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
        "properties": {name: cleaners[name].param_schema() for name in names},
    }
    return {**CLEANERS_SCHEMA, "items": items}


WAIVER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "A failure accepted for now: the named expectation's failures on the chosen documents "
        "are reported as waived and do not fail the run, until 'expires'."
    ),
    "additionalProperties": False,
    "required": ["expectation", "reason", "expires"],
    "properties": {
        "expectation": {
            "type": "string",
            "minLength": 1,
            "description": "Name of the expectation whose failures are waived.",
        },
        "doc": {"type": "string", "minLength": 1, "description": "One document, by its id."},
        "matches": {
            "type": "string",
            "minLength": 1,
            "description": "Documents whose id matches this RE2 pattern (a search, anchor it).",
        },
        "where": {**WHERE_SCHEMA, "description": "Documents whose field matches."},
        "reason": {"type": "string", "minLength": 1, "description": "Why the failure is accepted."},
        "expires": {
            "type": "string",
            "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": (
                "Last day the waiver holds (YYYY-MM-DD); from the next day on it fails lint and "
                "the run."
            ),
        },
        "owner": {"type": "string", "description": "Who answers for the waiver."},
    },
    "oneOf": [{"required": ["doc"]}, {"required": ["matches"]}, {"required": ["where"]}],
}


def expectation_branch(check: CheckType) -> dict[str, Any]:
    """The if/then branch that validates one check type's keys."""
    properties = dict(COMMON_PROPERTIES)
    if not check.needs_field:
        del properties["field"]
    properties.update(check.schema)
    required = ["name", "check", *check.required]
    if check.needs_field:
        required.append("field")
    return {
        "if": {"properties": {"check": {"const": check.name}}, "required": ["check"]},
        "then": {
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
    }


def suite_schema(
    checks: Mapping[str, CheckType], cleaners: Mapping[str, CleanerType] | None = None
) -> dict[str, Any]:
    """The whole suite schema; with ``cleaners``, their names and parameters are listed."""
    names = sorted(checks)
    expectation = {
        "type": "object",
        "description": "One expectation: a named check of one field.",
        "required": ["name", "check"],
        "properties": {**COMMON_PROPERTIES, "check": {"enum": names, "description": "Check."}},
        "allOf": [expectation_branch(checks[n]) for n in names],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "scrapegate suite",
        "description": "Expectations for scraped documents, checked by scrapegate.",
        "type": "object",
        "additionalProperties": False,
        # x- keys are free (and ignored) so that a suite can define YAML anchors there.
        "patternProperties": {"^x-": {"description": "Ignored: a place for YAML anchors."}},
        "required": ["suite"],
        # A suite that extends a base may only add waivers or override documents.
        "if": {"not": {"required": ["extends"]}},
        "then": {"required": ["expectations"]},
        "properties": {
            "suite": {"type": "string", "minLength": 1, "description": "Suite name."},
            "description": {"type": "string", "description": "What the suite is for."},
            "extends": {
                "type": "string",
                "minLength": 1,
                "description": (
                    "A base suite, by path relative to this file: its expectations, documents, "
                    "cleaners and waivers are inherited; an expectation of the same name here "
                    "replaces the base one."
                ),
            },
            "remove": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "Names of base expectations this suite drops (with extends).",
            },
            "waivers": {
                "type": "array",
                "description": "Failures accepted until a date, reported as waived.",
                "items": WAIVER_SCHEMA,
            },
            "documents": DOCUMENTS_SCHEMA,
            "cleaners": CLEANERS_SCHEMA if cleaners is None else cleaners_schema(cleaners),
            "expectations": {
                "type": "array",
                "minItems": 1,
                "description": "The expectations to hold every run to.",
                "items": expectation,
            },
        },
    }


def builtin_schema() -> dict[str, Any]:
    """The schema for the built-in checks only: what ships as suite.schema.json."""
    from .cleaners import builtin_cleaners, get_cleaner
    from .registry import builtin_names, get_check

    return suite_schema(
        {name: get_check(name) for name in builtin_names()},
        {name: get_cleaner(name) for name in builtin_cleaners()},
    )


if __name__ == "__main__":
    import json

    print(json.dumps(builtin_schema(), indent=2, ensure_ascii=False))

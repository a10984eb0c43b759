"""Reading stored result JSON (baselines, ``scrapegate report`` input) against the published
schema, with one clear message per kind of bad file.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

import orjson

from .errors import ScrapegateError
from .result import SCHEMA_VERSION, RunResult

LEGACY_NOTE = "the stored result has no schema_version (written before version 1)"
REGENERATE = "write a fresh one with 'scrapegate check ... --json FILE'"
_SHOWN_PROBLEMS = 3


class BaselineError(ScrapegateError):
    """A stored result (baseline or report input) is missing, corrupt or of an unknown version."""


@cache
def result_schema() -> dict[str, Any]:
    """The published JSON Schema of the result (schema_version 1)."""
    text = resources.files("scrapegate").joinpath("schema/result.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_problems(data: Any, limit: int = _SHOWN_PROBLEMS) -> list[str]:
    """Up to ``limit`` schema violations of ``data``, as ``key.path: message`` lines."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(result_schema())
    problems = []
    for error in validator.iter_errors(data):
        where = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        problems.append(f"{where}: {error.message}")
        if len(problems) >= limit:
            break
    return problems


_OPTIONAL_TEXT = ("doc", "field")
_OPTIONAL_INT = ("start", "end")


def _failure_problem(item: Any) -> str | None:
    """What is wrong with one failure, checked as the schema would but ~50x faster."""
    if not isinstance(item, dict):
        return "is not an object"
    for key in ("source", "message"):
        if not isinstance(item.get(key), str):
            return f"{key!r} must be a string"
    for key in _OPTIONAL_TEXT:
        if key not in item:
            return f"{key!r} is a required property"
        if item[key] is not None and not isinstance(item[key], str):
            return f"{key!r} must be a string or null"
    for key in _OPTIONAL_INT:
        value = item.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            return f"{key!r} must be a non-negative integer or null"
    if not isinstance(item.get("snippet", ""), str):
        return "'snippet' must be a string"
    return None


def result_problems(data: dict[str, Any]) -> list[str]:
    """Schema violations of a whole result.

    jsonschema takes seconds per hundred thousand failures, and a baseline of a large corpus
    may hold millions; the failures are checked by :func:`_failure_problem` instead and the
    rest (with a few failures each, to keep their schema in play) by the schema itself.
    """
    skeleton = dict(data)
    problems: list[str] = []
    expectations = data.get("expectations")
    if isinstance(expectations, list):
        trimmed = []
        for i, e in enumerate(expectations):
            failures = e.get("failures") if isinstance(e, dict) else None
            if isinstance(failures, list):
                for j, item in enumerate(failures):
                    problem = _failure_problem(item)
                    if problem is not None and len(problems) < _SHOWN_PROBLEMS:
                        problems.append(f"expectations.{i}.failures.{j}: {problem}")
                e = {**e, "failures": failures[:5]}
            trimmed.append(e)
        skeleton["expectations"] = trimmed
    return (problems + schema_problems(skeleton))[:_SHOWN_PROBLEMS]


# Result files hold every failure, so they can be large, and a stored result is parsed whole
# (baseline, report, diff): about seven times its size in memory (a 50 MB result with 300k
# failures peaks near 350 MB). Past this, refuse it by name instead of running out of memory;
# 256 MiB (near 2 GB to parse) covers about 1.5 million failures. Streaming the failures to
# and from disk is the engine's plan (issue 16); until then SCRAPEGATE_MAX_RESULT_BYTES
# overrides the limit, and ``check --json`` says when it wrote a file past it.
MAX_RESULT_BYTES = 256 * 1024 * 1024


def max_result_bytes() -> int:
    """The result file size limit: SCRAPEGATE_MAX_RESULT_BYTES, else 256 MiB."""
    value = os.environ.get("SCRAPEGATE_MAX_RESULT_BYTES", "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_RESULT_BYTES


def too_big_to_read(size: int) -> str | None:
    """A note for ``check --json`` when the result it wrote is past the read limit."""
    limit = max_result_bytes()
    if size <= limit:
        return None
    return (
        f"the result is {size} bytes, more than the {limit} bytes 'report', 'diff' and "
        "'--baseline' read by default (parsing takes about seven times its size in memory); "
        f"to read it, set SCRAPEGATE_MAX_RESULT_BYTES={size} or more where you read it"
    )


def read_result(path: str) -> RunResult:
    """Read the result JSON at ``path``; BaselineError names the file, the problem and the fix."""
    limit = max_result_bytes()
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such file; {REGENERATE}") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise BaselineError(
            f"{path}: file is bigger than {limit} bytes, the limit for a result file (it is "
            "parsed whole, taking about seven times its size in memory); is this the file "
            "written by 'scrapegate check --json FILE'? To read a bigger one, set "
            "SCRAPEGATE_MAX_RESULT_BYTES=<bytes> (the file's size or more)"
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        nonfinite = _nonfinite_problem(raw, exc)
        if nonfinite is not None:
            raise BaselineError(f"{path}:{nonfinite}; {REGENERATE}") from None
        raise BaselineError(
            f"{path}: not valid JSON ({exc}); the file is corrupt or truncated; {REGENERATE}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise BaselineError(
            f"{path}: not a scrapegate result (no 'expectations' list); pass the file written "
            "by 'scrapegate check --json FILE'"
        )
    version = data.get("schema_version")
    # Results written before versioning are the version-1 shape without the key; read them,
    # but say so wherever the comparison is shown.
    legacy = version is None or version == 0
    if not legacy:
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise BaselineError(
                f"{path}: schema_version {version!r} is not a version number; {REGENERATE}"
            )
        if version > SCHEMA_VERSION:
            raise BaselineError(
                f"{path}: written by a newer scrapegate (schema_version {version}; this one "
                f"reads up to {SCHEMA_VERSION}); upgrade scrapegate, or {REGENERATE}"
            )
    problems = result_problems(_upgrade(data) if legacy else data)
    if problems:
        raise BaselineError(
            f"{path}: not a valid scrapegate result: {'; '.join(problems)}; {REGENERATE}"
        )
    duplicate = _duplicate_name(data["expectations"])
    if duplicate is not None:
        raise BaselineError(f"{path}: {duplicate}; {REGENERATE}")
    result = RunResult.from_json(_upgrade(data) if legacy else data)
    if legacy:
        result = replace(result, warnings=(LEGACY_NOTE, *result.warnings))
    return result


def _duplicate_name(expectations: list[Any]) -> str | None:
    """The first expectation name used twice, said with both places, or None.

    Results are compared by expectation name: with two of one name, one would silently
    stand for both, and a regression in the other would go unseen.
    """
    first: dict[str, int] = {}
    for index, item in enumerate(expectations):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str):
            continue
        if name in first:
            return (
                f"duplicate expectation name {name!r} (expectations.{first[name]} and "
                f"expectations.{index}); a result holds each expectation once, so this file "
                "was edited or merged by hand"
            )
        first[name] = index
    return None


_NONFINITE_WORDS = (b"nan", b"infinity", b"inf")
_NUMBER = re.compile(rb"[-+]?[0-9.eE+-]+")


def _nonfinite_problem(raw: bytes, exc: orjson.JSONDecodeError) -> str | None:
    """``line:col: message`` when the JSON fails on NaN, Infinity or a number that overflows.

    Python's json writes and reads ``NaN`` and ``Infinity``; JSON has neither, and a result
    holding one (or ``1e999``) compares with nothing, so it is named, not called corrupt.
    """
    line, col, at = exc.lineno, exc.colno, raw[exc.pos :]
    if "infinity" in exc.msg:
        number = _NUMBER.match(at)
        shown = f"{number.group().decode()} is too large (infinite)" if number else "infinity"
    else:
        word = next((w for w in _NONFINITE_WORDS if at[: len(w)].lower() == w), None)
        if word is None:
            return None
        shown = at[: len(word)].decode()
        if raw[exc.pos - 1 : exc.pos] in (b"-", b"+"):
            shown, col = raw[exc.pos - 1 : exc.pos].decode() + shown, col - 1
        shown += " is not a number JSON allows"
    return (
        f"{line}:{col}: {shown}; a stored result holds only finite numbers, so this one was "
        "edited or not written by scrapegate"
    )


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """A pre-version-1 result filled up to version 1: only the counts per expectation count."""
    expectations = []
    for item in data["expectations"]:
        if not isinstance(item, dict):
            expectations.append(item)
            continue
        e = dict(item)
        evaluated, failed = e.get("evaluated"), e.get("failed")
        e.setdefault("check", "")
        e.setdefault("field", None)
        e.setdefault("severity", "error")
        e.setdefault("mostly", 1.0)
        e.setdefault("failures", [])
        if isinstance(evaluated, int) and isinstance(failed, int):
            rate = 1.0 if evaluated == 0 else (evaluated - failed) / evaluated
            e.setdefault("pass_rate", round(max(0.0, min(rate, 1.0)), 4))
            mostly = e["mostly"]
            e.setdefault("passed", not isinstance(mostly, int | float) or rate >= mostly)
        expectations.append(e)
    documents = data.get("documents")
    if documents is None:
        counts = [e.get("evaluated") for e in expectations if isinstance(e, dict)]
        documents = max([c for c in counts if isinstance(c, int)], default=0)
    defaults: dict[str, Any] = {
        "suite": "", "suite_path": "", "inputs": [], "documents": documents,
        "records": documents, "passed": True, "duration_s": 0.0, "engine": "native",
        "warnings": [],
    }  # fmt: skip
    return {**defaults, **data, "schema_version": SCHEMA_VERSION, "expectations": expectations}

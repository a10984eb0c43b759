"""The JSON result (schema_version 1), written atomically."""

from __future__ import annotations

import orjson

from checks.atomic import write_bytes_atomic
from checks.result import RunResult


def dumps(result: RunResult) -> bytes:
    """The result as indented JSON bytes."""
    return orjson.dumps(result.to_json(), option=orjson.OPT_INDENT_2) + b"\n"


def write_json(result: RunResult, path: str) -> None:
    """Write the result JSON to ``path``."""
    write_bytes_atomic(path, dumps(result))

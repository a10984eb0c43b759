"""The JSON result (schema_version 1), written atomically and streamed.

A run at scale can hold hundreds of thousands of failures; serialising the whole result as
one dict tree and one byte string would double the run's memory at its very end. The
skeleton (everything but the failure lists) is serialised once, and each expectation's
failures are spliced in at their place a chunk at a time. The bytes are exactly what
``orjson.dumps(result.to_json(), option=OPT_INDENT_2)`` gives.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from ..atomic import write_chunks_atomic
from ..escaping import utf8_safe
from ..result import Failure, RunResult

_OPTIONS = orjson.OPT_INDENT_2
# What an expectation's empty failure list looks like in the skeleton. A JSON string escapes
# its quotes, so this byte sequence can only be the key itself.
_EMPTY_FAILURES = b'"failures": []'
# result -> "expectations" list -> expectation -> "failures" list: four levels of two spaces.
_FAILURE_INDENT = b" " * 8
_CHUNK = 1000


def dumps(result: RunResult) -> bytes:
    """The result as indented JSON bytes."""
    return b"".join(_chunks(result))


def write_json(result: RunResult, path: str) -> None:
    """Write the result JSON to ``path``."""
    write_chunks_atomic(path, _chunks(result))


def _chunks(result: RunResult) -> Iterator[bytes | memoryview]:
    data: dict[str, Any] = result.to_json(failures=False)
    skeleton = _dumps(data)
    places = []
    at = skeleton.find(_EMPTY_FAILURES)
    while at >= 0:
        places.append(at)
        at = skeleton.find(_EMPTY_FAILURES, at + len(_EMPTY_FAILURES))
    if len(places) != len(result.expectations):
        # A key elsewhere spelt like ours (an extra section): no splicing, one piece.
        yield _dumps(result.to_json()) + b"\n"
        return
    # Views, not split() copies: at a million documents the document index and fingerprints
    # after the last expectation are tens of megabytes.
    view = memoryview(skeleton)
    done = 0
    for expectation, at in zip(result.expectations, places, strict=True):
        yield view[done:at]
        # Waived failures follow the others, each marked "waived": true (as to_json has them).
        every = itertools.chain(expectation.failures, expectation.waived_failures)
        yield from _failure_list(every)
        done = at + len(_EMPTY_FAILURES)
    yield view[done:]
    yield b"\n"


def _failure_list(failures: Iterable[Failure]) -> Iterator[bytes]:
    # Read once, front to back: the engine's failures may be on disk (a FailureSpool).
    every = iter(failures)
    first = True
    while chunk := list(itertools.islice(every, _CHUNK)):
        parts = [b'"failures": ['] if first else []
        for failure in chunk:
            body = _dumps(failure.to_json()).replace(b"\n", b"\n" + _FAILURE_INDENT)
            parts.append((b"\n" if first else b",\n") + _FAILURE_INDENT + body)
            first = False
        yield b"".join(parts)
    yield _EMPTY_FAILURES if first else b"\n      ]"


def _dumps(data: Any) -> bytes:
    try:
        return orjson.dumps(data, option=_OPTIONS)
    except TypeError:
        # orjson refuses lone surrogates (file names that are not UTF-8): escape them and
        # retry, so the fast path stays one call.
        return orjson.dumps(_utf8_safe(data), option=_OPTIONS)


def _utf8_safe(data: Any) -> Any:
    if isinstance(data, str):
        return utf8_safe(data)
    if isinstance(data, dict):
        return {_utf8_safe(k): _utf8_safe(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_utf8_safe(v) for v in data]
    return data

"""Suites that passed schema validation before, so that a run need not validate them again.

Validating a suite against its JSON Schema needs jsonschema (~0.1 s to import) and a pass
over the document: a large share of a short run. What the schema says about a suite file is a
pure function of the file's bytes, the schema (the built-in checks and the installed plugins'
checks) and the validating code (the scrapegate version, and the size and modification time
of the validating modules and of jsonschema), so a suite file that validated without a
problem is remembered by a digest of all of them: a marker file named by that digest,
holding a fixed line. Nothing loaded from the cache is executed or unpickled; a marker either
holds the exact line or is ignored.

Only the schema pass is skipped. Everything else a suite's parsing does (its checks'
parameters, packs and pattern files, base suites, cleaners, waivers) runs on every load, so
a changed pack file or base suite is checked as before; a base suite has a marker of its own.
A suite with problems is never remembered: its problems are found, and worded, by the same
validation every time.

Where the markers go: ``$SCRAPEGATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/scrapegate``, else
``~/.cache/scrapegate``. ``SCRAPEGATE_CACHE_DIR=`` (set and empty) turns the cache off. A
cache that cannot be read or written (read-only, full, corrupt, someone else's) is ignored
in silence: it makes a run slower, never changes a verdict or a message.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import stat
from collections.abc import Mapping
from typing import Any

import orjson

from . import __version__

ENV_VAR = "SCRAPEGATE_CACHE_DIR"
# A change to what a marker means (or to how a suite is validated) changes this folder name.
_FOLDER = "schema-valid-v1"
_MARKER = b"scrapegate: this suite file passed schema validation\n"


def cache_dir() -> str | None:
    """The cache folder, or None when ``SCRAPEGATE_CACHE_DIR`` is set and empty (off)."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return chosen or None
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says a relative path is invalid and must be ignored.
    base = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "scrapegate")


@functools.cache
def _validator_stamp() -> bytes:
    """What else decides a validation: the code that validates (scrapegate's own modules and
    the installed jsonschema), by path, size and modification time. A development checkout
    keeps its version number across edits, and an upgrade of jsonschema keeps ours."""
    here = os.path.dirname(os.path.abspath(__file__))
    paths = [os.path.join(here, name) for name in ("finite.py", "suite.py", "validcache.py")]
    spec = importlib.util.find_spec("jsonschema")  # found, not imported
    if spec is not None and spec.origin:
        paths.append(spec.origin)
    stamps = []
    for path in paths:
        try:
            info = os.stat(path)
        except (OSError, TypeError):
            stamps.append(f"{path}:?")
            continue
        stamps.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(stamps).encode()


def validation_key(source_digest: str, schema: Mapping[str, Any]) -> str | None:
    """The digest naming a suite file's marker: its bytes, the schema, the validating code."""
    try:
        schema_bytes = orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None  # a plugin's schema that is not JSON: validate every time
    digest = hashlib.sha256()
    parts = (__version__.encode(), _validator_stamp(), schema_bytes, source_digest.encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _marker_path(key: str) -> str | None:
    folder = cache_dir()
    return os.path.join(folder, _FOLDER, key) if folder else None


def validated_before(key: str) -> bool:
    """Whether the marker for ``key`` is there, ours, and holds exactly the marker line."""
    path = _marker_path(key)
    if path is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        # Only a regular file this user owns counts: a marker planted by someone else would
        # let a suite skip its validation.
        owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not stat.S_ISREG(info.st_mode) or not owner_ok or info.st_size != len(_MARKER):
            return False
        return os.read(fd, len(_MARKER) + 1) == _MARKER
    except OSError:
        return False
    finally:
        os.close(fd)


def remember_validated(key: str) -> None:
    """Write the marker for ``key`` atomically; any failure is ignored (the cache is optional)."""
    path = _marker_path(key)
    if path is None:
        return
    from .atomic import write_bytes_atomic
    from .errors import OutputError

    try:
        write_bytes_atomic(path, _MARKER)
    except (OutputError, OSError, ValueError):
        return

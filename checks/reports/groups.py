"""Grouping failures for the report's breakdown: by URL host, input file or folder, or by a
document field when the result carries its values (``extra["group_by"]``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..result import Failure, RunResult

PSEUDO = ("host", "file", "folder")
NONE = "(none)"


def source_file(source: str) -> str:
    """``path`` of a ``path:line`` source."""
    path, sep, line = source.rpartition(":")
    return path if sep and line.isdigit() else source


def host(failure: Failure) -> str:
    """Host of the document id when it is an http(s) URL."""
    doc = failure.doc or ""
    if not doc.startswith(("http://", "https://")):
        return NONE
    try:
        return urlsplit(doc).hostname or NONE
    except ValueError:
        return NONE


def folder(failure: Failure) -> str:
    """Folder of the failure's input file."""
    return posixpath.dirname(source_file(failure.source).replace("\\", "/")) or "."


_KEYS: dict[str, Callable[[Failure], str]] = {
    "host": host,
    "file": lambda f: source_file(f.source),
    "folder": folder,
}


@dataclass(frozen=True)
class Grouping:
    """How failures are grouped, and the group of each failure."""

    label: str
    key: Callable[[Failure], str]
    totals: dict[str, int]  # documents per group, when the run counted them
    note: str = ""


def _field_grouping(result: RunResult, name: str) -> Grouping | None:
    data = result.extra.get("group_by")
    if not isinstance(data, dict) or data.get("field") != name:
        return None
    values = data.get("values") or {}
    totals = {str(k): int(v) for k, v in (data.get("documents") or {}).items()}

    def key(failure: Failure) -> str:
        value = values.get(failure.doc) if failure.doc is not None else None
        return NONE if value is None else str(value)

    return Grouping(f"field {name!r}", key, totals)


def _auto(result: RunResult) -> str:
    # One pass over every failure (they may be on disk): counts and distinct names only.
    count = urls = 0
    files: set[str] = set()
    folders: set[str] = set()
    for e in result.expectations:
        for f in e.failures:
            count += 1
            urls += host(f) != NONE
            files.add(source_file(f.source))
            folders.add(folder(f))
    if count and urls * 2 >= count:
        return "host"
    return "file" if len(folders) <= 1 and len(files) > 1 else "folder"


def grouping(result: RunResult, group_by: str | None) -> Grouping:
    """The grouping asked for, or the most telling automatic one (URL host, else folder)."""
    if group_by:
        found = _field_grouping(result, group_by)
        if found is not None:
            return found
        if group_by in PSEUDO:
            return Grouping(group_by, _KEYS[group_by], {})
    mode = _auto(result)
    note = ""
    if group_by:
        note = (
            f"this result holds no values of the document field {group_by!r}, so failures are "
            f"grouped by {mode} instead (grouping by a field needs the run to record it)"
        )
    return Grouping(mode, _KEYS[mode], {}, note)

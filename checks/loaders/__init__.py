"""Streaming loaders: turn files, folders and stdin into documents, one record at a time.

:func:`resolve_inputs` turns the paths a user gave into a list of :class:`Input` (one file and
its format each); :func:`iter_documents` reads them in order and yields a :class:`Document` per
record, or an :class:`UnreadableRecord` for a record or file that cannot be read. Readers never
hold more than one record (one row group for Parquet, one file for text dumps) in memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from checks.documents import Loaded
from checks.errors import UsageError, did_you_mean
from checks.loaders import csv_, json_, jsonl, parquet, text
from checks.loaders._common import STDIN, clean_path

FORMATS = ("jsonl", "json", "csv", "parquet", "text")
EXTENSIONS: dict[str, str] = {
    ".jsonl": "jsonl",
    ".jl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".jl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".parquet": "parquet",
    ".txt": "text",
    ".md": "text",
    ".html": "text",
    ".htm": "text",
}
# Longest first, so ".jsonl.gz" wins over any shorter suffix it ends with.
_SUFFIXES = sorted(EXTENSIONS, key=len, reverse=True)
_READERS: dict[str, Callable[[str, str | None], Iterator[Loaded]]] = {
    "jsonl": jsonl.read,
    "json": json_.read,
    "csv": csv_.read,
    "parquet": parquet.read,
    "text": text.read,
}

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "Input",
    "format_of",
    "iter_documents",
    "read_input",
    "resolve_inputs",
]


@dataclass(frozen=True)
class Input:
    """One file to read and its format (``path`` ``-`` is stdin, always JSON Lines)."""

    path: str
    format: str


def format_of(path: str) -> str | None:
    """Return the format a file name's extension implies, or None when it is unknown."""
    name = os.path.basename(path).lower()
    return next((EXTENSIONS[s] for s in _SUFFIXES if name.endswith(s) and name != s), None)


def resolve_inputs(paths: Sequence[str], fmt: str | None = None) -> list[Input]:
    """Expand files, folders (recursively, sorted) and ``-`` into the inputs to read."""
    if fmt is not None and fmt not in FORMATS:
        choices = ", ".join(FORMATS)
        raise UsageError(
            f"unknown format {fmt!r}; choose one of: {choices}{did_you_mean(fmt, FORMATS)}"
        )
    inputs: list[Input] = []
    seen: set[str] = set()
    for given in paths:
        for inp in _expand(given, fmt):
            # The same file named twice (or inside a folder also named) is read once.
            key = inp.path if inp.path == STDIN else os.path.realpath(inp.path)
            if key not in seen:
                seen.add(key)
                inputs.append(inp)
    if any(inp.format == "parquet" for inp in inputs):
        parquet.require_pyarrow()
    return inputs


def _expand(given: str, fmt: str | None) -> list[Input]:
    if given == STDIN:
        if fmt not in (None, "jsonl"):
            raise UsageError(
                f"-: standard input is read as JSON Lines; --format {fmt} needs a file"
            )
        return [Input(STDIN, "jsonl")]
    path = clean_path(given)
    if os.path.isdir(path):
        found = ((file, fmt or format_of(file)) for file in _walk(path))
        return [Input(file, kind) for file, kind in found if kind]
    if not os.path.exists(path):
        raise UsageError(
            f"{given}: no such file or directory; "
            "check the path (paths in a suite are relative to the suite file)"
        )
    kind = fmt or format_of(path)
    if kind is None:
        raise UsageError(
            f"{given}: cannot tell the format from the file name; "
            f"pass --format with one of: {', '.join(FORMATS)}"
        )
    return [Input(path, kind)]


def _walk(top: str) -> list[str]:
    """Return the files under a folder, sorted by path components; hidden entries are skipped."""

    def fail(exc: OSError) -> None:
        # A folder we cannot list would silently drop its documents; say so instead.
        raise UsageError(f"{clean_path(exc.filename or top)}: cannot list folder: {exc.strerror}")

    files: list[str] = []
    # followlinks=False: a symlink pointing back up the tree must not loop forever.
    for folder, subfolders, names in os.walk(top, onerror=fail, followlinks=False):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        files.extend(clean_path(os.path.join(folder, n)) for n in names if not n.startswith("."))
    return sorted(files, key=lambda p: p.split("/"))


def read_input(inp: Input, id_field: str | None = None) -> Iterator[Loaded]:
    """Yield the documents (and unreadable records) of one input."""
    reader = _READERS.get(inp.format)
    if reader is None:
        raise UsageError(f"unknown format {inp.format!r}; choose one of: {', '.join(FORMATS)}")
    return reader(inp.path, id_field)


def iter_documents(inputs: Sequence[Input], id_field: str | None = None) -> Iterator[Loaded]:
    """Yield the documents of every input in order."""
    for inp in inputs:
        yield from read_input(inp, id_field)

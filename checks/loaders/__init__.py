"""Streaming loaders: turn files, folders and stdin into documents, one record at a time.

:func:`resolve_inputs` turns the paths a user gave into a list of :class:`Input` (one file and
its format each); :func:`iter_documents` reads them in order and yields a :class:`Document` per
record, or an :class:`UnreadableRecord` for a record or file that cannot be read. Readers never
hold more than one record (one row group for Parquet, one file for text dumps) in memory.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..documents import Loaded, UnreadableRecord
from ..errors import UsageError, did_you_mean
from ..wording import plural, verb
from . import csv_, json_, jsonl, parquet, text
from ._common import STDIN, clean_path, shown

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
    "canonical_path",
    "format_of",
    "iter_documents",
    "read_input",
    "refuse_overwriting_inputs",
    "require_paths",
    "resolve_inputs",
    "skipped_warning",
]


@dataclass(frozen=True)
class Input:
    """One file to read and its format (``path`` ``-`` is stdin, always JSON Lines).

    :func:`resolve_inputs` gives ``path`` in its :func:`canonical_path` spelling: readers
    name documents by it, so it must not depend on how the user typed it. ``problem`` is set
    for a folder that could not be listed: reading it yields one unreadable record saying so,
    in its place among the files.
    """

    path: str
    format: str
    problem: str | None = None


def format_of(path: str) -> str | None:
    """Return the format a file name's extension implies, or None when it is unknown."""
    name = os.path.basename(path).lower()
    return next((EXTENSIONS[s] for s in _SUFFIXES if name.endswith(s) and name != s), None)


def canonical_path(path: str) -> str:
    """Spell a path one way: relative to the working directory when inside it, else absolute.

    Documents without an id (text dumps, records without ``documents.id``) are named by their
    path, and baselines match documents by name: ``data``, ``./data`` and ``$PWD/data`` must
    give the same names or a baseline diff sees every such document removed and re-added.
    ``..`` is folded lexically (symlinks are not resolved, so names stay what the user sees)
    unless folding would name another file, behind a symlinked folder; then the real path is
    the only honest name. ``-`` (stdin) is kept, and so is an empty path: it names nothing,
    and must not become ``.`` (the whole working directory).
    """
    if path == STDIN or not path:
        return path
    try:
        absolute = os.path.abspath(path)
        bases = _working_dirs()
    except OSError:  # the working directory was deleted: nothing to be relative to
        return clean_path(path)
    if ".." in path.replace(os.sep, "/").split("/") and _folds_elsewhere(path, absolute):
        absolute = os.path.realpath(path)
    for base in bases:
        if absolute == base:
            return "."
        prefix = base.rstrip(os.sep) + os.sep
        if absolute.startswith(prefix):
            return clean_path(absolute[len(prefix) :])
    return clean_path(absolute)


def _working_dirs() -> list[str]:
    """The working directory, and also ``$PWD`` when it is the same folder by another name."""
    cwd = os.getcwd()
    # getcwd() resolves symlinks; a shell's $PWD keeps them, and that is what "$PWD/x" uses.
    logical = os.environ.get("PWD", "")
    if logical and logical != cwd and os.path.isabs(logical):
        try:
            if os.path.samefile(logical, cwd):
                return [os.path.normpath(logical), cwd]
        except OSError:
            pass
    return [cwd]


def _folds_elsewhere(path: str, folded: str) -> bool:
    """Whether folding ``..`` lexically names another file than the system would open."""
    try:
        return os.path.realpath(path) != os.path.realpath(folded)
    except (OSError, ValueError):
        return False


def resolve_inputs(
    paths: Sequence[str],
    fmt: str | None = None,
    skipped: list[str] | None = None,
    warnings: list[str] | None = None,
) -> list[Input]:
    """Expand files, folders (recursively, sorted) and ``-`` into the inputs to read.

    Files inside a folder whose format the name does not tell are left out; when ``skipped``
    is given they are appended to it, so the run can say so (:func:`skipped_warning`).
    Symlinked folders are followed; a FIFO, socket or device inside a folder, and a symlink
    that loops back to a folder being walked, are left out with a warning appended to
    ``warnings``; a folder that cannot be listed becomes an :class:`Input` with a ``problem``.
    """
    if fmt is not None and fmt not in FORMATS:
        choices = ", ".join(FORMATS)
        raise UsageError(
            f"unknown format {fmt!r}; choose one of: {choices}{did_you_mean(fmt, FORMATS)}"
        )
    inputs: list[Input] = []
    seen: set[str] = set()
    for given in paths:
        for inp in _expand(given, fmt, skipped, warnings):
            # The same file named twice (or inside a folder also named) is read once.
            key = inp.path if inp.path == STDIN else os.path.realpath(inp.path)
            if key not in seen:
                seen.add(key)
                inputs.append(inp)
    if any(inp.format == "parquet" for inp in inputs):
        parquet.require_pyarrow()
    return inputs


def _expand(
    given: str,
    fmt: str | None,
    skipped: list[str] | None = None,
    warnings: list[str] | None = None,
) -> list[Input]:
    if given == STDIN:
        if fmt not in (None, "jsonl"):
            raise UsageError(
                f"-: standard input is read as JSON Lines; --format {fmt} needs a file"
            )
        return [Input(STDIN, "jsonl")]
    # Walked files are joined onto this spelling, so they come out canonical too.
    path = canonical_path(given)
    if os.path.isdir(path):
        walk = _walk(path)
        if warnings is not None:
            warnings.extend(walk.warnings)
        found = [(file, fmt or format_of(file), problem) for file, problem in walk.entries]
        if skipped is not None:
            skipped.extend(file for file, kind, problem in found if not kind and not problem)
        return [
            Input(file, kind or "", problem) for file, kind, problem in found if kind or problem
        ]
    if not os.path.exists(path):
        raise UsageError(f"{given}: {_missing(path)}")
    kind = fmt or format_of(path)
    if kind is None:
        raise UsageError(
            f"{given}: cannot tell the format from the file name; "
            f"pass --format with one of: {', '.join(FORMATS)}"
        )
    return [Input(path, kind)]


_SUITE_HINT = "check the path (paths in a suite are relative to the suite file)"


def require_paths(paths: Sequence[str]) -> None:
    """Raise UsageError naming every path given on the command line that does not exist.

    Such paths are relative to the working directory (a suite's ``documents.paths`` are
    relative to the suite file), so the message names them from there and says so.
    """
    problems = []
    for given in paths:
        if given == STDIN or os.path.exists(given):
            continue
        hint = "check the path"
        if not os.path.isabs(given):
            with contextlib.suppress(OSError):  # a deleted working directory has no name
                hint += f" (relative to the current directory, {os.getcwd()})"
        problems.append(f"{canonical_path(given) or repr(given)}: {_missing(given, hint)}")
    if problems:
        raise UsageError("\n".join(problems))


def _missing(path: str, hint: str = _SUITE_HINT) -> str:
    """Why a path that does not exist cannot be read, and what to do."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link points back to itself); fix or remove the link"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return "permission denied on a folder in the path; check its permissions"
    except ValueError:
        return "not a valid path (it holds a NUL character)"
    if os.path.islink(path):
        return f"broken symbolic link to {os.readlink(path)!r}; fix the link or name the real file"
    return f"no such file or directory; {hint}"


def skipped_warning(skipped: Sequence[str]) -> list[str]:
    """The warning for files left out of folders because their format is unknown."""
    if not skipped:
        return []
    return [
        f"{plural(len(skipped), 'file')} in the input folders {verb(len(skipped), 'was', 'were')} "
        "not read: their names do not tell "
        f"a format (first: {skipped[0]}); rename them or pass --format to read every file"
    ]


def refuse_overwriting_inputs(
    outputs: Mapping[str, str | None],
    inputs: Sequence[str],
    fmt: str | None = None,
    also: Sequence[str] = (),
) -> None:
    """Raise UsageError when an output file (``{"--json": path}``) is one of the inputs.

    ``inputs`` are the paths as given (files or folders); a file counts as an input when it is
    one of them or lies in one of the folders with a readable name. ``also`` lists further
    files never to write over (the suite). Only existing files can be inputs, so this costs a
    stat per output, never a walk of the folders.
    """
    for option, out in outputs.items():
        if not out or out == STDIN or not os.path.isfile(out):
            continue
        real = os.path.realpath(out)
        for given in (*inputs, *also):
            if given == STDIN:
                continue
            base = os.path.realpath(clean_path(given))
            if os.path.isdir(base):
                # Walks follow symlinked folders: a file is inside by its real path or by
                # the path through the links (docs/linked/a.jsonl, linked -> ../elsewhere).
                logical = os.path.relpath(os.path.abspath(out), os.path.abspath(given))
                hit = (fmt or format_of(real)) is not None and any(
                    not inside.startswith("..")
                    and not any(p.startswith(".") for p in inside.split(os.sep))
                    for inside in (os.path.relpath(real, base), logical)
                )
            else:
                hit = os.path.exists(base) and os.path.samefile(base, real)
            if hit:
                raise UsageError(
                    f"{option} {out}: that file is an input ({given}); scrapegate never "
                    "writes over its inputs, choose another output path"
                )


def refuse_colliding_outputs(outputs: Mapping[str, str | None]) -> None:
    """Raise UsageError when two output options (``{"--json": path}``) name one file.

    The same file is found however it is spelt (``./x/../r.json``, a symbolic link): by the
    resolved path, and by device and inode when it exists.
    """
    seen: dict[str, str] = {}
    for option, out in outputs.items():
        if not out or out == STDIN:
            continue
        key = _identity(out)
        if key is None:
            continue
        if key in seen:
            first = seen[key]
            raise UsageError(
                f"{option} {out}: {first} {outputs[first]} names the same file; the second "
                "write would replace the first, choose two different paths"
            )
        seen[key] = option


def _identity(path: str) -> str | None:
    """What makes two spellings the same file: device and inode, else the resolved path.

    None for a device or FIFO: those are written into, not replaced, so two outputs into
    ``/dev/null`` are fine.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return os.path.realpath(path)
    if not stat.S_ISREG(st.st_mode):
        return None
    return f"{st.st_dev}:{st.st_ino}"


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


@dataclass
class _Walk:
    """What a folder walk found: files and unlistable folders (path, problem), and warnings."""

    entries: list[tuple[str, str | None]]
    warnings: list[str]


def _special(mode: int) -> str | None:
    """What a file that is not a regular file or folder is (None for those two)."""
    return next((kind for test, kind in _SPECIAL if test(mode)), None)


def _walk(top: str) -> _Walk:
    """The files under a folder, sorted by path components; hidden entries are skipped.

    Symlinked folders are followed like real ones; a folder is never entered twice (by
    device and inode), and a link back to a folder being walked is a loop, named in a
    warning. A FIFO, socket or device is named in a warning and never opened: opening a
    FIFO with no writer blocks forever. A folder that cannot be listed is an entry with a
    problem (an unreadable record), and the rest of the tree is still walked.
    """
    walk = _Walk([], [])
    try:
        root = os.stat(top)
    except OSError as exc:
        walk.entries.append((clean_path(top), _unlistable(exc)))
        return walk
    visited = {(root.st_dev, root.st_ino)}
    # An explicit stack, not recursion: a deep tree must not exhaust Python's call stack.
    stack = [(clean_path(top), [(root.st_dev, root.st_ino)])]
    while stack:
        folder, chain = stack.pop()
        found = _walk_folder(folder, chain, visited, walk)
        stack.extend(reversed(found))
    walk.entries.sort(key=lambda entry: entry[0].split("/"))
    return walk


def _walk_folder(
    folder: str, chain: list[tuple[int, int]], visited: set[tuple[int, int]], walk: _Walk
) -> list[tuple[str, list[tuple[int, int]]]]:
    """Note a folder's files and problems in ``walk``; return its subfolders to walk."""
    subfolders: list[tuple[str, list[tuple[int, int]]]] = []
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=_name)
    except OSError as exc:
        walk.entries.append((folder, _unlistable(exc)))
        return subfolders
    for entry in entries:
        path = clean_path(os.path.join(folder, entry.name))
        # is_file() and is_dir() follow symlinks and mostly need no system call (the
        # listing's d_type): only folders, links and odd entries cost a stat.
        try:
            if entry.is_file():
                walk.entries.append((path, None))
                continue
            info = entry.stat()
        except OSError:
            walk.entries.append((path, None))  # a broken link or loop: the reader says which
            continue
        if stat.S_ISDIR(info.st_mode):
            # os.stat, not the DirEntry's: on Windows that one leaves device and inode zero.
            try:
                real = os.stat(entry.path)
            except OSError as exc:
                walk.entries.append((path, _unlistable(exc)))
                continue
            key = (real.st_dev, real.st_ino)
            if key in chain:
                walk.warnings.append(
                    f"{path}: symbolic link to a folder that contains it "
                    f"({_ancestor(folder, chain, key)}), a loop: not followed; "
                    "remove the link or point it elsewhere"
                )
            elif key not in visited:  # reached twice through links: its files are read once
                visited.add(key)
                subfolders.append((path, [*chain, key]))
            continue
        kind = _special(info.st_mode)
        if kind is not None:
            walk.warnings.append(
                f"{path}: {kind}, not a regular file: skipped without opening it (reading it "
                "could block the run); name it on the command line to read it"
            )
            continue
        walk.entries.append((path, None))
    return subfolders


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _ancestor(folder: str, chain: list[tuple[int, int]], key: tuple[int, int]) -> str:
    """The path of the folder on ``chain`` that ``key`` names, as walked."""
    for _ in range(len(chain) - 1 - chain.index(key)):
        folder = os.path.dirname(folder) or "."
    return folder


def _unlistable(exc: OSError) -> str:
    """The unreadable record's message for a folder that cannot be listed."""
    hint = ""
    if exc.errno in (errno.EACCES, errno.EPERM):
        hint = "; check the folder's permissions (or run as a user who can read it)"
    return f"cannot read folder: {exc.strerror or exc}{hint}; the files in it were not checked"


def read_input(inp: Input, id_field: str | None = None, keep_raw: bool = False) -> Iterator[Loaded]:
    """Yield the documents (and unreadable records) of one input.

    ``keep_raw``: JSON Lines documents carry their line's bytes (check --passing copies them).
    """
    if inp.problem is not None:
        return iter([UnreadableRecord(shown(inp.path), 0, inp.problem)])
    if keep_raw and inp.format == "jsonl":
        return jsonl.read(inp.path, id_field, keep_raw=True)
    reader = _READERS.get(inp.format)
    if reader is None:
        raise UsageError(f"unknown format {inp.format!r}; choose one of: {', '.join(FORMATS)}")
    return reader(inp.path, id_field)


def iter_documents(
    inputs: Sequence[Input], id_field: str | None = None, keep_raw: bool = False
) -> Iterator[Loaded]:
    """Yield the documents of every input in order."""
    for inp in inputs:
        yield from read_input(inp, id_field, keep_raw)

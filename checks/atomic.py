"""Atomic file writes: a temp file beside the target, then a rename.

An interrupted run (Ctrl-C, a full disk, a crash) never leaves a half-written report, baseline
or cleaned file behind: the target holds either its old content or the complete new one, and
the temp file (``.scrapegate-*.tmp``) is removed on every way out.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from .errors import OutputError

TEMP_PREFIX = ".scrapegate-"
TEMP_SUFFIX = ".tmp"


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically or raise OutputError naming the path."""
    write_chunks_atomic(path, (data,))


def write_chunks_atomic(path: str, chunks: Iterable[bytes]) -> None:
    """Write the concatenated ``chunks`` to ``path`` atomically, never all of them at once."""
    with atomic_stream(path) as fh:
        for chunk in chunks:
            fh.write(chunk)


@contextlib.contextmanager
def atomic_stream(path: str) -> Iterator[IO[bytes]]:
    """A binary stream that becomes ``path`` only once written completely; else nothing does.

    Raises OutputError naming the path when it cannot be written.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
    except OSError as exc:
        raise OutputError(_cannot_write(path, exc)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
            # mkstemp makes the file private (0600); reports, baselines and cleaned copies are
            # shared: keep the replaced file's mode, or give 0666 less the umask.
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), _mode_for(path))
            else:
                os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(_cannot_write(path, exc)) from None
        raise
    _sync_directory(directory)


def write_text_atomic(path: str, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def check_writable(path: str) -> None:
    """Raise OutputError now when ``path`` clearly cannot be written, before a long run.

    Only what can be known up front is checked (a folder in the way, a file where a folder
    must be, a folder without write permission); the write itself may still fail later.
    """
    target = os.path.abspath(path)
    if os.path.isdir(target):
        raise OutputError(_cannot_write(path, IsADirectoryError(errno.EISDIR, "Is a directory")))
    parent = os.path.dirname(target)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise OutputError(_cannot_write(path, NotADirectoryError(errno.ENOTDIR, "")))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(_cannot_write(path, PermissionError(errno.EACCES, "Permission denied")))


def _cannot_write(path: str, exc: OSError) -> str:
    """One line naming the file, what went wrong and what to do."""
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        todo = "free some space or choose another location; nothing was written"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        todo = "choose a writable location or fix the folder's permissions"
    elif exc.errno in (errno.EEXIST, errno.ENOTDIR):
        # makedirs met a file where the path needs a folder.
        what = "a file stands where the path needs a folder"
        todo = "choose another path or move that file"
    elif exc.errno == errno.EISDIR:
        todo = "it is a folder; name a file inside it"
    else:
        todo = "choose another location"
    return f"{path}: cannot write: {what}; {todo}"


def _mode_for(path: str) -> int:
    """Keep an existing file's permissions; a new file gets 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    # The only way to read the umask is to set it; done once, before any thread could race.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (best effort: not every system can fsync a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

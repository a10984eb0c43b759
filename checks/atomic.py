"""Atomic file writes: a temp file beside the target, then a rename.

An interrupted run (Ctrl-C, a full disk, a crash) never leaves a half-written report, baseline
or cleaned file behind: the target holds either its old content or the complete new one, and
the temp file (``.scrapegate-*.tmp``) is removed on every way out it can see. SIGKILL (or a
power cut) leaves it behind; its name records the host, pid and start time of its writer, and
the next run writing into that folder removes such files once their writer is gone.

Only a regular file (or a path that does not exist yet) is replaced. A symbolic link is
followed and its target replaced, so the link stays a link. A device (``/dev/null``), a FIFO
and an open descriptor (``/dev/stdout``, ``/dev/fd/3``) are written into directly, never
replaced: a rename would put a regular file where the device or pipe was, or cut a redirected
stream off. A FIFO nobody reads is an error after ``FIFO_WAIT_S`` seconds, not a hang.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from typing import IO

from .errors import OutputError

# Outputs written in place rather than replaced atomically (a Spark failures dataset, which
# executors write straight to its folder or URL), while they are being written: a run that
# is interrupted names them instead of saying that no partial output was written.
unfinished_outputs: set[str] = set()

TEMP_PREFIX = ".scrapegate-"
TEMP_SUFFIX = ".tmp"
# How long a write into a FIFO waits for a reader to open the other end.
FIFO_WAIT_S = 2.0
_FIFO_POLL_S = 0.05


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically or raise OutputError naming the path."""
    write_chunks_atomic(path, (data,))


def write_chunks_atomic(path: str, chunks: Iterable[bytes | memoryview]) -> None:
    """Write the concatenated ``chunks`` to ``path`` atomically, never all of them at once."""
    with atomic_stream(path) as fh:
        for chunk in chunks:
            fh.write(chunk)


@contextlib.contextmanager
def atomic_stream(path: str) -> Iterator[IO[bytes]]:
    """A binary stream that becomes ``path`` only once written completely; else nothing does.

    Raises OutputError naming the path when it cannot be written. A symbolic link is followed
    (its target is replaced); a device or FIFO is written into directly.
    """
    target, direct = _resolve(path)
    if direct:
        with _direct_stream(path, target) as fh:
            yield fh
        return
    directory = os.path.dirname(target)
    try:
        os.makedirs(directory, exist_ok=True)
        sweep_stale_temp_files(directory)
        fd, tmp = tempfile.mkstemp(prefix=_own_prefix(), suffix=TEMP_SUFFIX, dir=directory)
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
                os.fchmod(fh.fileno(), _mode_for(target))
            else:
                os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(_cannot_write(path, exc)) from None
        raise
    _sync_directory(directory)


# A temp file's name says who wrote it: ``.scrapegate-<host>-<pid>-<start>-<random>.tmp``,
# where <host> is a digest of the host name and <start> the process's start time (clock ticks
# since boot, from /proc; ``t`` and seconds since the epoch elsewhere). A run killed with
# SIGKILL cannot remove its temp file; a later run writing into the same folder removes it
# when its writer is gone: same host, and no process of that pid with that start time.
# Anything it cannot tell about (another host's file, a name without an owner: an older
# scrapegate's) is removed only when untouched for STALE_AGE_S.
STALE_AGE_S = 7 * 24 * 3600
_OWNED = re.compile(
    re.escape(TEMP_PREFIX) + r"([0-9a-f]{8})-(\d+)-(t?\d+)-[^/]*" + re.escape(TEMP_SUFFIX)
)
_ANY = re.compile(re.escape(TEMP_PREFIX) + r"[^/]+" + re.escape(TEMP_SUFFIX))
_swept: set[str] = set()


@functools.cache
def _host() -> str:
    import hashlib
    import socket

    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` as /proc gives it, or None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat_line = fh.read()
    except OSError:
        return None
    # Field 22 (starttime); the command name (field 2) may hold spaces and parentheses.
    fields = stat_line[stat_line.rfind(b")") + 2 :].split()
    return fields[19].decode() if len(fields) > 19 else None


def _own_prefix() -> str:
    # The pid is read at each write: a forked worker writes under its own.
    return f"{TEMP_PREFIX}{_host()}-{os.getpid()}-{_own_start_for(os.getpid())}-"


_starts: dict[int, str] = {}


def _own_start_for(pid: int) -> str:
    """This process's start token, computed once per pid (a fork gets its own)."""
    if pid not in _starts:
        _starts[pid] = _start_time(pid) or f"t{int(time.time())}"
    return _starts[pid]


def _writer_alive(pid: int, start: str) -> bool:
    """Whether process ``pid``, started at ``start``, still runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: it exists
    if start.startswith("t"):
        return True  # no /proc when it was written: the pid alone must do
    now = _start_time(pid)
    return now is None or now == start  # another start time: the pid was reused


def is_stale_temp_file(name: str, modified: float, now: float | None = None) -> bool:
    """Whether the temp file ``name`` (last modified at ``modified``) was left by a dead run."""
    if not _ANY.fullmatch(name):
        return False
    old = (time.time() if now is None else now) - modified > STALE_AGE_S
    owned = _OWNED.fullmatch(name)
    if owned is None or owned.group(1) != _host():
        return old
    pid, start = int(owned.group(2)), owned.group(3)
    if pid == os.getpid():
        return False  # this run's own write in progress
    return not _writer_alive(pid, start)


def owned_temp_prefix() -> str:
    """The name prefix of this process's temp files and folders (``check --quarantine``'s
    spool folders use it too), so that a later run can tell when their writer is gone."""
    return _own_prefix()


def sweep_stale_temp_files(directory: str) -> None:
    """Remove the temp files dead runs left in ``directory`` (once per folder and process).

    Only our own entries are touched: a name of our pattern, not a link, owned by this user,
    whose writer is gone (or, when that cannot be told, untouched for a week). A folder of
    that name is a spool a killed ``check --quarantine`` left behind, removed whole.
    """
    key = f"{os.getpid()}:{directory}"
    if key in _swept:
        return
    _swept.add(key)
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    uid = os.geteuid() if hasattr(os, "geteuid") else None
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX) or not entry.name.endswith(TEMP_SUFFIX):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            folder = stat.S_ISDIR(info.st_mode)
            if not (folder or stat.S_ISREG(info.st_mode)):
                continue
            if uid is not None and info.st_uid != uid:
                continue
            if not is_stale_temp_file(entry.name, info.st_mtime):
                continue
            if folder:
                import shutil

                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def _resolve(path: str) -> tuple[str, bool]:
    """The absolute file a write to ``path`` lands in, and whether to write into it directly.

    Symbolic links are followed to their end: a dangling link resolves to the missing file it
    names, which the write then creates, as a shell's ``>`` would; a loop is an OutputError.
    A path through an open descriptor (``/dev/stdout``, ``/dev/fd/3``, ``/proc/self/fd/1``)
    is written into directly, whatever it points at: replacing the file behind it would cut
    the rest of that stream off.
    """
    given = os.path.abspath(path)
    descriptor = _through_descriptor(given)
    if descriptor is not None:
        return descriptor, True
    target = os.path.realpath(given)
    if os.path.islink(target):
        # realpath stops where it meets a loop and returns a link; following it fails.
        raise OutputError(
            f"{path}: cannot write: symbolic link loop (the link points back to itself); "
            "fix or remove the link"
        )
    return target, is_special_file(target)


_DESCRIPTOR = re.compile(r"/proc/(self|thread-self|\d+)(?:/task/\d+)?/fd/(\d+)")


def _through_descriptor(path: str) -> str | None:
    """The /proc descriptor link on the way of ``path`` (``/proc/123/fd/1``), if any."""
    for _ in range(40):  # the kernel's own limit of links in a chain
        path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        if _DESCRIPTOR.fullmatch(path):
            return path
        try:
            link = os.readlink(path)
        except (OSError, ValueError):
            return None
        path = os.path.join(os.path.dirname(path), link)
    return None


def _own_descriptor(target: str) -> int | None:
    """The number of this process's descriptor that ``target`` names, if it names one."""
    found = _DESCRIPTOR.fullmatch(target)
    if found is None or found.group(1) not in ("self", "thread-self", str(os.getpid())):
        return None
    return int(found.group(2))


def is_special_file(target: str) -> bool:
    """Whether ``target`` exists and is neither a regular file nor a folder (a device, a FIFO,
    ``/dev/stdout``): written into directly, never replaced, never read back by a walk."""
    try:
        mode = os.stat(target).st_mode
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def _direct_stream(path: str, target: str) -> Iterator[IO[bytes]]:
    """A binary stream straight into a device, FIFO or descriptor (nothing to replace or undo)."""
    fd = _open_special(path, target)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise OutputError(
                f"{path}: cannot write: the reader closed the pipe before the output was "
                "complete; keep the reader running until scrapegate ends"
            ) from None
        raise OutputError(_cannot_write(path, exc)) from None


def _open_special(path: str, target: str) -> int:
    """Open a device or FIFO for writing without blocking forever on a FIFO with no reader."""
    own = _own_descriptor(target)
    if own is not None:
        # Our own stdout or another open descriptor: write through a copy of it, so that the
        # output shares its offset and comes after what was printed already.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        try:
            return os.dup(own)
        except OSError as exc:
            raise OutputError(_cannot_write(path, exc)) from None
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        raise OutputError(_cannot_write(path, exc)) from None
    is_fifo = stat.S_ISFIFO(mode)
    if stat.S_ISSOCK(mode):
        raise OutputError(
            f"{path}: cannot write: it is a socket, not a file; choose a file, a device or a FIFO"
        )
    # O_NONBLOCK: opening a FIFO for writing otherwise waits until some process opens it for
    # reading, which may be never. Without a reader the open fails with ENXIO at once.
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (os.O_NONBLOCK if is_fifo else 0)
    if stat.S_ISREG(mode):
        # A regular file behind another process's descriptor link: add to what it holds.
        flags |= os.O_APPEND
    deadline = time.monotonic() + FIFO_WAIT_S
    while True:
        try:
            fd = os.open(target, flags)
            break
        except OSError as exc:
            if is_fifo and exc.errno == errno.ENXIO and time.monotonic() < deadline:
                time.sleep(_FIFO_POLL_S)
                continue
            if is_fifo and exc.errno == errno.ENXIO:
                raise OutputError(
                    f"{path}: cannot write: nobody reads this FIFO (named pipe); start its "
                    f"reader first (for example 'cat {path} &') or choose a regular file"
                ) from None
            raise OutputError(_cannot_write(path, exc)) from None
    if is_fifo:
        # Once a reader is there, writes wait for it like any pipe's (a slow reader is fine).
        os.set_blocking(fd, True)
    return fd


def write_text_atomic(path: str, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def check_writable(path: str) -> None:
    """Raise OutputError now when ``path`` clearly cannot be written, before a long run.

    Only what can be known up front is checked (a folder in the way, a file where a folder
    must be, a folder without write permission, a device without write permission); the
    write itself may still fail later (a FIFO is not opened here: its reader would see the
    end of its input at once).
    """
    target, direct = _resolve(path)
    if direct:
        # Written into, not replaced: the folder it sits in need not be writable.
        if not os.access(target, os.W_OK):
            raise OutputError(
                _cannot_write(path, PermissionError(errno.EACCES, "Permission denied"))
            )
        return
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


def private_temp_folder(kind: str, parent: str) -> str:
    """A new folder in ``parent`` for this run's temporary files of one ``kind`` (``spool``,
    ``failures``): named like the atomic writes' temp files, so the next run removes one a
    killed run left behind, and stale ones are swept from ``parent`` first."""
    sweep_stale_temp_files(parent)
    return tempfile.mkdtemp(prefix=f"{owned_temp_prefix()}{kind}-", suffix=TEMP_SUFFIX, dir=parent)

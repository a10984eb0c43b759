"""Atomic file writes: a temp file beside the target, then a rename.

An interrupted run never leaves a half-written report, baseline or cleaned file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

from checks.errors import OutputError


def write_bytes_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically or raise OutputError naming the path."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".scrapegate-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot write: {exc.strerror or exc}; choose a writable location"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(
                f"{path}: cannot write: {exc.strerror or exc}; free some space or choose "
                "another location"
            ) from None
        raise


def write_text_atomic(path: str, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))

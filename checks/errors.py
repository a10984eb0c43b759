"""One exception hierarchy for everything scrapegate reports to a user.

A message says what went wrong, where (``file:line:col`` and key path, or ``file:line`` of a
record) and how to fix it. Several problems in one file are raised together, one line each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process it ended


@dataclass(frozen=True)
class Location:
    """A place in a file: 1-based line and column (column 0 when unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True)
class Problem:
    """One problem found in a configuration file, at a location and key path."""

    location: Location
    message: str
    key_path: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f" in {self.key_path}" if self.key_path else ""
        kind = "warning: " if self.warning else ""
        return f"{self.location}: {kind}{self.message}{where}"


class Terminated(BaseException):
    """SIGTERM arrived (a cancelled CI job): unwinds like Ctrl-C, so every temp file goes.

    A BaseException like KeyboardInterrupt: no ``except Exception`` may swallow it.
    """


class ScrapegateError(Exception):
    """Base class of every error scrapegate turns into a message and an exit code."""

    exit_code = EXIT_USAGE


class UsageError(ScrapegateError):
    """The command line asks for something impossible (missing path, bad option)."""


class ConfigError(ScrapegateError):
    """A suite (or other configuration file) has one or more problems."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, location: Location, message: str, key_path: str = "") -> ConfigError:
        """Build the error for one problem."""
        return cls([Problem(location, message, key_path)])


class OutputError(ScrapegateError):
    """A report, baseline or cleaned file could not be written."""


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest option, or ``""``."""
    import difflib

    candidates = list(options)
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not close:
        # 'max_lenght' -> 'max': a known key followed by a misspelt suffix.
        close = [c for c in candidates if word.startswith(c + "_")][:1]
    return f"; did you mean {close[0]!r}?" if close else ""

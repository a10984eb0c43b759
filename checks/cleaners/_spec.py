"""One step of a suite's ``cleaners:`` list, as written: what validation and the pipeline read.

It lives with the cleaners, not with the suite that holds a tuple of them, so that the suite
can validate its steps here without the cleaners needing to know what a suite is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import Location


@dataclass(frozen=True)
class CleanerSpec:
    """One step of the cleaner pipeline as written in the suite."""

    name: str
    params: dict[str, Any]
    location: Location

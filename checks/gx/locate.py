"""Point a GX compatibility problem at the suite line that caused it."""

from __future__ import annotations

from ..errors import ConfigError, Location
from ..suite import Expectation
from ..yamlsource import KeyPath, read_marked


def locate_key(spec: Expectation, path: KeyPath) -> Location:
    """``file:line:col`` of ``path`` in the suite file; the expectation itself as a fallback."""
    if not spec.location.path:
        return spec.location
    try:
        doc = read_marked(spec.location.path)
    except ConfigError:
        return spec.location  # a suite built in memory: its path is only a label
    found = doc.locate(path)
    # Anything before the expectation means the file changed since the suite was loaded.
    return found if found.line >= spec.location.line else spec.location

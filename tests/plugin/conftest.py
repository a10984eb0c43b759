"""Plugin tests run pytest in-process (pytester), which drops every module a run imported."""

from __future__ import annotations

from scrapegate.cleaners import registry as cleaner_registry
from scrapegate.registry import registry

# Import every check and cleaner module now, before pytester snapshots sys.modules. A check
# module first imported inside an in-process run is dropped after it, while the registry
# (imported earlier, so kept) still holds that copy's classes: later tests that pickle check
# state (parallel runs) then meet two classes of one name and fail.
registry()
cleaner_registry()

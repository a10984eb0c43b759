"""``python -m scrapegate.cli``: the same as the ``scrapegate`` console script."""

from __future__ import annotations

from . import entry

entry()

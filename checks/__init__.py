"""scrapegate: a data-quality gate for web-scraper output.

The importable package is ``checks``; the distribution and CLI are ``scrapegate``.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

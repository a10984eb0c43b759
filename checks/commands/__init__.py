"""Command implementations behind the thin click layer in ``scrapegate.cli``."""

"""Command implementations behind the thin click layer in ``checks.cli``."""

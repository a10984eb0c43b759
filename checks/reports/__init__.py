"""Renderings of a RunResult: plain text for pytest and JUnit, JSON, and the richer reports."""

"""Great Expectations as a second engine: suites compiled to GX, run through GX, Data Docs.

Nothing here is imported by the base install: ``scrapegate check --engine gx`` and
``scrapegate export-gx`` import it on demand, and only :mod:`scrapegate.gx.session` imports
``great_expectations`` (the optional ``gx`` extra).
"""

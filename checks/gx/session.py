"""The Great Expectations side: import it quietly, build the suite, validate one pandas batch.

GX is imported here and nowhere else, on first use: it costs seconds of start-up, and the base
install does not have it. Usage analytics are switched off before the import (environment) and
again in the context's config, so a run makes no network calls.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from .plan import ROW_COLUMN, Mapped, Plan

SITE_NAME = "scrapegate"
INSTALL_HINT = "{needs} needs Great Expectations: pip install 'scrapegate[gx]'"


def import_gx(needs: str = "--engine gx") -> Any:
    """The ``great_expectations`` module, analytics off; a UsageError when it is not installed.

    ``needs`` names what the user asked for (an option or a command) in the message.
    """
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    try:
        with warnings.catch_warnings(), _main_with_a_file():
            warnings.simplefilter("ignore")
            return importlib.import_module("great_expectations")
    except ImportError:
        raise UsageError(INSTALL_HINT.format(needs=needs)) from None


@contextmanager
def _main_with_a_file() -> Iterator[None]:
    """``__main__`` with a ``__file__`` while GX is imported.

    With pyspark installed (the spark extra) GX imports pyspark.sql.connect, which takes a
    ``__main__`` with neither ``__spec__`` nor ``__file__`` (``python -c``, an embedding) for
    its own doctest run and, without grpc, exits 0: the run would stop, "passing", having
    checked nothing.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or hasattr(main, "__file__"):
        yield
        return
    main.__file__ = "<string>"
    try:
        yield
    finally:
        del main.__file__


def gx_class_name(gx_type: str) -> str:
    """``expect_column_values_to_match_regex`` -> ``ExpectColumnValuesToMatchRegex``."""
    return "".join(part.capitalize() for part in gx_type.split("_"))


def make_expectation(gx: Any, mapped: Mapped) -> Any:
    """The GX expectation object for one mapped scrapegate expectation."""
    cls = getattr(gx.expectations, gx_class_name(mapped.gx_type))
    spec = mapped.spec
    kwargs: dict[str, Any] = dict(mapped.kwargs)
    if mapped.where is not None:
        row_conditions = importlib.import_module("great_expectations.expectations.row_conditions")
        # A Condition object, not a pandas query string: the same suite then runs on Spark.
        kwargs["row_condition"] = row_conditions.Column(mapped.where) == True  # noqa: E712
    meta = {
        "scrapegate": {
            "name": spec.name,
            "check": spec.check,
            "field": spec.field,
            "severity": spec.severity,
            "mostly": spec.mostly,
            "source": str(spec.location),
        }
    }
    notes = f"scrapegate expectation {spec.name!r} ({spec.check}). {mapped.notes}".strip()
    severity = "critical" if spec.severity == "error" else "warning"
    return cls(**kwargs, meta=meta, notes=notes, severity=severity)


def build_suite(gx: Any, plan: Plan) -> Any:
    """The GX ExpectationSuite for a plan; the preparation plan rides along in its meta."""
    suite = gx.ExpectationSuite(
        name=plan.suite.name,
        meta={"scrapegate": {"suite_path": plan.suite.path, **plan.to_json()}},
    )
    for mapped in plan.mapped:
        suite.add_expectation(make_expectation(gx, mapped))
    return suite


def _context(gx: Any, docs_dir: str | None) -> Any:
    types = importlib.import_module("great_expectations.data_context.types.base")
    sites = {}
    if docs_dir is not None:
        sites[SITE_NAME] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": os.path.abspath(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = types.DataContextConfig(
        store_backend_defaults=types.InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=types.ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@dataclass(frozen=True)
class Validation:
    """GX's answer for each mapped expectation, in plan order, plus the library version."""

    results: tuple[Any, ...]
    success: bool
    version: str


def validate(plan: Plan, frame: Any, docs_dir: str | None = None) -> Validation:
    """Validate ``frame`` against the plan's GX suite (building Data Docs in ``docs_dir``)."""
    gx = import_gx()
    # GX logs every metric it computes and warns about its own deprecations; neither is ours.
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = _context(gx, docs_dir)
        batch = (
            context.data_sources.add_pandas("scrapegate")
            .add_dataframe_asset("documents")
            .add_batch_definition_whole_dataframe("all documents")
        )
        suite = context.suites.add(build_suite(gx, plan))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=plan.suite.name, data=batch, suite=suite)
        )
        result_format = {
            "result_format": "COMPLETE",
            "unexpected_index_column_names": [ROW_COLUMN],
            "return_unexpected_index_query": False,
        }
        if docs_dir is None:
            result = definition.run(
                batch_parameters={"dataframe": frame}, result_format=result_format
            )
        else:
            checkpoints = importlib.import_module("great_expectations.checkpoint")
            checkpoint = context.checkpoints.add(
                gx.Checkpoint(
                    name=plan.suite.name,
                    validation_definitions=[definition],
                    actions=[checkpoints.UpdateDataDocsAction(name="docs", site_names=[SITE_NAME])],
                    result_format=result_format,
                )
            )
            run = checkpoint.run(batch_parameters={"dataframe": frame})
            result = next(iter(run.run_results.values()))
    by_id = {r.expectation_config.id: r for r in result.results}
    ordered = tuple(by_id[e.id] for e in suite.expectations)
    return Validation(ordered, bool(result.success), str(gx.__version__))


def suite_json(plan: Plan) -> dict[str, Any]:
    """The plan's GX ExpectationSuite as JSON (what ``export-gx`` writes)."""
    gx = import_gx()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        context = _context(gx, None)
        suite = context.suites.add(build_suite(gx, plan))
        document: dict[str, Any] = suite.to_json_dict()
    return document

"""The shipped suites give exactly the per-document verdicts recorded in fixtures/manifest.yaml.

The manifest says, for every document that should fail, which expectations it fails; all
other documents must pass everything. This pins the fixtures, the packs and the checks to
each other: a widened pattern or a broken check shows up as a changed verdict.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from scrapegate.runner import run_paths
from scrapegate.suite import load_suite
from tests.helpers import NOW

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "fixtures" / "manifest.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("suite_file", sorted(MANIFEST))
def test_per_document_verdicts_match_the_manifest(
    suite_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    suite = load_suite(suite_file, now=NOW)
    result = run_paths(suite, now=NOW)
    failing: dict[str, set[str]] = defaultdict(set)
    for er in result.expectations:
        for failure in er.failures:
            assert failure.doc is not None, f"{er.name}: corpus-level failure {failure.message}"
            failing[failure.doc].add(er.name)
    expected = {doc: set(names) for doc, names in MANIFEST[suite_file].items()}
    assert dict(failing) == expected
    assert result.expectation("records are readable").failed == 0  # type: ignore[union-attr]

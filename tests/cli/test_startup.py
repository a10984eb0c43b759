"""Start-up of a plain `scrapegate check`: what one small file must not pay for (issue 16).

No timing is asserted (the machines are shared); what is guarded is the work that made
start-up slow: modules a plain check never needs, and compiling the original forms of the
pack patterns that hold large bounded repetitions (scrapegate.regexrelax) when no text needs
them confirmed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = """\
suite: startup
documents:
  paths: [docs.jsonl]
  id: url
expectations:
  - name: no boilerplate
    check: no_boilerplate
    field: body
    packs: [comment_widgets, contact_forms, cookie_banners, newsletter_promos, portal_chrome,
            share_buttons]
  - name: attribution present
    check: attribution_present
    field: body
    sources: [Reuters, AP, AFP]
    byline: true
  - name: date parses
    check: date_parses
    field: date
    not_after: today
  - name: title present
    check: not_empty
    field: title
  - name: url unique
    check: unique
    field: url
"""

DOCUMENT = {
    "url": "https://example.org/news/1",
    "title": "Residents plant trees",
    "date": "December 15, 2022",
    "body": "By Ana Lima\n\n" + "Residents planted trees along the river on Sunday. " * 30,
}

# Run the CLI in a fresh interpreter, then report what it imported and which original
# patterns of the pack set it had to compile.
PROBE = """
import json, sys
from scrapegate import regex
built, confirmed = [], []
original_init, original_matches = regex._ConfirmedSet.__init__, regex._ConfirmedSet._matches
def init(self, rset, confirm):
    built.append(len(confirm))
    original_init(self, rset, confirm)
def matches(self, index, text):
    confirmed.append(index)
    return original_matches(self, index, text)
regex._ConfirmedSet.__init__, regex._ConfirmedSet._matches = init, matches
from scrapegate.cli import main
# main, not the console script's entry: entry ends the process at once (os._exit) after
# flushing, which would skip the report below.
code = main(["check", "docs.jsonl", "--suite", "suite.yaml", "-q"])
report = {"code": code, "modules": sorted(sys.modules), "built": built, "confirmed": confirmed}
print(json.dumps(report))
"""

# Modules a plain check on a local file must not import: optional engines and extras, report
# writers nobody asked for, and libraries only other commands use.
NOT_IMPORTED = (
    "jsonschema",
    "dateutil",
    "dateparser",
    "great_expectations",
    "pyspark",
    "pandas",
    "pyarrow",
    "jinja2",
    "hypothesis",
    "scrapegate.gx",
    "scrapegate.spark",
    "scrapegate.suggest",
    "scrapegate.cleaning",
    "scrapegate.baseline",
    "scrapegate.notify",
    "scrapegate.reports.html",
    "scrapegate.reports.json_report",
    "scrapegate.reports.junit",
    "scrapegate.reports.markdown",
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "docs.jsonl").write_text(json.dumps(DOCUMENT) + "\n", encoding="utf-8")
    return tmp_path


def _probe(project: Path) -> dict[str, object]:
    # A cache folder of the test's own: the first run validates the suite and remembers it
    # (scrapegate.validcache); the runs after it are the ones start-up is about.
    env = {**os.environ, "SCRAPEGATE_CACHE_DIR": str(project / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _imported(report: dict[str, object]) -> list[str]:
    modules = report["modules"]
    assert isinstance(modules, list)
    return sorted(
        m for m in modules for heavy in NOT_IMPORTED if m == heavy or m.startswith(heavy + ".")
    )


def test_a_plain_check_imports_no_module_it_does_not_use(project: Path) -> None:
    first = _probe(project)
    assert first["code"] == 0
    assert "jsonschema" in _imported(first)  # a new suite file is validated once
    again = _probe(project)
    assert again["code"] == 0
    assert _imported(again) == []


def test_a_clean_document_never_compiles_the_costly_original_patterns(project: Path) -> None:
    """The pack set is scanned relaxed; originals compile only for a text they must confirm."""
    report = _probe(project)
    built = report["built"]
    assert isinstance(built, list) and built and all(n > 0 for n in built)
    assert report["confirmed"] == []

"""No user pattern reaches Python's backtracking ``re`` under ``--engine gx``.

pandas hands a pattern that needs look-around (RE2's ``\\b`` spelled for Python) to Python's
``re``, where ``\\b(a+)+$`` on 30 ``a`` and a ``!`` backtracks for minutes. RE2 decides such
patterns while the batch is built; GX checks the column it computed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("great_expectations")

from scrapegate.gx.compile import compile_suite
from scrapegate.suite import load_suite

EVIL = r"\b(a+)+$"
SUITE = f"""\
suite: redos
expectations:
  - {{name: not evil, check: not_matches, field: title, pattern: '{EVIL}'}}
  - {{name: evil, check: matches, field: title, pattern: '{EVIL}'}}
  - {{name: evil without b, check: not_matches, field: title, pattern: '(a+)+$'}}
  - {{name: no evil boilerplate, check: no_boilerplate, field: title, patterns: ['{EVIL}']}}
  - {{name: evil attribution, check: attribution_present, field: title, patterns: ['{EVIL}']}}
"""
ARGV = [sys.executable, "-m", "scrapegate.cli", "check", "--suite", "s.yaml", "d.jsonl"]
DOCS = [{"title": "a" * 30 + "!"}, {"title": "hello aaa"}, {"title": None}, {"body": "x"}]


def _project(tmp_path: Path) -> Path:
    (tmp_path / "s.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DOCS))
    return tmp_path


def _run(root: Path, engine: str) -> dict[str, object]:
    out = root / f"{engine}.json"
    done = subprocess.run(
        [*ARGV, "--engine", engine, "--json", out.name, "-q"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=90,  # GX's import takes seconds; the backtracking took minutes
        check=False,
    )
    assert done.returncode == 1, done.stderr
    data: dict[str, object] = json.loads(out.read_text("utf-8"))
    return data


def test_a_catastrophic_pattern_under_gx_finishes_with_the_native_verdicts(tmp_path: Path) -> None:
    root = _project(tmp_path)
    native, gx = _run(root, "native"), _run(root, "gx")
    assert gx["engine"] == "gx"
    assert gx["expectations"] == native["expectations"]
    assert gx["passed"] is native["passed"] is False


def test_patterns_python_would_backtrack_on_are_decided_by_re2_in_a_prepared_column(
    tmp_path: Path,
) -> None:
    plan = compile_suite(load_suite(str(_project(tmp_path) / "s.yaml")))
    by_name = {m.spec.name: m for m in plan.mapped}
    for name in ("not evil", "evil", "no evil boilerplate", "evil attribution"):
        mapped = by_name[name]
        assert mapped.gx_type == "expect_column_values_to_be_in_set", name
        assert mapped.column is not None, name
        # Rules carry their flags: a user pattern in a list is case-insensitive.
        assert [EVIL in p for p in mapped.column.patterns] == [True], name
        assert EVIL not in json.dumps(mapped.kwargs), "GX must not see the pattern"
    assert by_name["not evil"].kwargs["value_set"] == [0]
    assert by_name["evil"].kwargs["value_set"] == [1]
    # Without look-around the rewrite stays on pandas' RE2 (pyarrow) path, so GX runs it.
    assert by_name["evil without b"].gx_type == "expect_column_values_to_not_match_regex"
    assert plan.to_json()["columns"][0]["re2_patterns"] == [EVIL]

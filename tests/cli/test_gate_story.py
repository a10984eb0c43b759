"""The gate on a corpus with known failures, end to end (issue 13's "done means").

``fixtures/articles.jsonl`` is the crawl on main, with failures the team knows of;
``fixtures/gate/head.jsonl`` is the same crawl after a selector change broke one site's dates
(plus a deleted page, two new pages and a truncated line). ``fixtures/gate/gate.yaml``
extends the shipped articles suite with per-site views and a waiver.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from scrapegate.cli import main

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SUITE = FIXTURES / "gate" / "gate.yaml"
HEAD = FIXTURES / "gate" / "head.jsonl"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--suite", str(SUITE), *args])
    seen = capsys.readouterr()
    return code, seen.out + seen.err


def _gate_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_an_unchanged_run_passes_under_regressions_although_it_has_known_failures(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(capsys, "--json", "base.json", "-q")
    assert code == 1
    assert _gate_line(out) == "gate: failures — 6 of 10 error expectations failed: FAIL"
    code, out = _check(capsys, "--baseline", "base.json", "-q")
    assert code == 0
    assert _gate_line(out).startswith("gate: regressions — 0 documents newly failing")
    assert _gate_line(out).endswith(": PASS")


def test_the_broken_site_is_named_first_and_fails_the_gate(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(capsys, "--json", "base.json", "-q")[0] == 1
    code, out = _check(capsys, str(HEAD), "--baseline", "base.json", "--json", "head.json")
    assert code == 1
    table = out.split("per group (host of url):", 1)[1]
    rows = [line for line in table.splitlines() if ".example" in line]
    assert "valmont-tribune.example" in rows[0] and "date parses" in rows[0]
    drops = out.split("groups whose pass rate dropped", 1)[1].splitlines()
    # Only the broken site: the site that lost a passing page did not get worse.
    assert drops[1].strip() == "valmont-tribune.example: date parses 100.0% → 0.0%"
    assert not drops[2].startswith("  ")
    assert "site valmont-tribune.example: date changed 72" in out
    assert re.search(r"documents: 220 → 221 \(2 added, 1 removed\)", out)
    gate = json.loads((folder / "head.json").read_text())["gate"]
    assert (gate["fail_on"], gate["decided_by"], gate["exit_code"]) == ("regressions",) * 2 + (1,)
    assert "73 documents newly failing" in gate["reason"]


def test_an_expired_waiver_fails_the_run_at_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same layout as the repository's, since the suite extends ../../expectations/.
    shutil.copytree(FIXTURES / "gate", folder / "fixtures" / "gate")
    shutil.copy(FIXTURES / "articles.jsonl", folder / "fixtures" / "articles.jsonl")
    (folder / "expectations").mkdir()
    shutil.copy(FIXTURES.parent / "expectations" / "articles.yaml", folder / "expectations")
    suite = folder / "fixtures" / "gate" / "gate.yaml"
    suite.write_text(suite.read_text().replace("2099-12-31", "2020-12-31"))
    code = main(["check", "--suite", str(suite), "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert "gate/gate.yaml:15:14: waiver for 'url is https' (matches '^http://') expired" in out
    assert _gate_line(out).startswith("gate: failures — 1 waiver expired or matched no failure")
    assert main(["lint", str(suite)]) == 2


def test_quarantine_passing_and_unreadable_add_up_to_the_records_read(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _check(
        capsys, str(HEAD), "--quarantine", "bad.jsonl", "--passing", "good.jsonl", "-q"
    )
    assert code == 1
    assert (
        "routed 222 records read: 114 passing to good.jsonl, 107 quarantined + 1 unreadable" in out
    )
    bad = [json.loads(line) for line in (folder / "bad.jsonl").read_text().splitlines()]
    good = (folder / "good.jsonl").read_text().splitlines()
    assert len(bad) + len(good) == len(HEAD.read_text().splitlines()) == 222
    assert sum(1 for q in bad if q["record"] is None) == 1
    # Passing records are the input lines, byte for byte.
    assert set(good) <= set(HEAD.read_text().splitlines())

"""ci/scrapegate-gate.sh run with bash in a temporary project, using this venv's scrapegate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_gate import LEAK, SUITE, doc

REPO = Path(__file__).parents[2]
GATE = REPO / "ci" / "scrapegate-gate.sh"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or not (BIN / "scrapegate").exists(),
    reason="needs bash and the scrapegate console script in the venv",
)


def write_docs(root: Path, records: list[dict[str, str]]) -> None:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "a.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )


def gate(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "SUITE", "DOCS"))}
    clean["PATH"] = f"{BIN}{os.pathsep}{clean.get('PATH', '')}"
    return subprocess.run(
        ["bash", str(GATE), *args],
        cwd=root,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    write_docs(tmp_path, [doc(1), doc(2)])
    return tmp_path


def test_a_passing_run_writes_every_report_and_exits_0(root: Path) -> None:
    summary = root / "step-summary.md"
    done = gate(root, SUITE="suite.yaml", DOCS="docs/", GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 0, done.stderr
    out = root / "scrapegate-out"
    assert sorted(p.name for p in out.iterdir()) == [
        "junit.xml", "report.html", "result.json", "summary.md",
    ]  # fmt: skip
    assert summary.read_text(encoding="utf-8") == (out / "summary.md").read_text(encoding="utf-8")
    assert "scrapegate-gate: exit 0" in done.stdout


def test_a_regression_against_the_baseline_exits_1(root: Path) -> None:
    assert gate(root, "--suite", "suite.yaml", "--out", "main-out").returncode == 0
    write_docs(root, [doc(1), doc(2, LEAK)])
    done = gate(root, SUITE="suite.yaml", BASELINE="main-out/result.json", OUT="pr")
    assert done.returncode == 1
    assert "newly failing in 'no comment widgets'" in done.stdout
    result = json.loads((root / "pr" / "result.json").read_text(encoding="utf-8"))
    assert result["baseline"]["regressed"] is True
    assert gate(root, SUITE="suite.yaml", BASELINE="main-out/result.json", TOLERANCE="1",
                OUT="pr").returncode == 1  # fmt: skip


def test_known_failures_pass_against_the_baseline_unless_fail_on_failures(root: Path) -> None:
    write_docs(root, [doc(1), doc(2, title="")])  # 'title present' fails on main already
    assert gate(root, SUITE="suite.yaml", OUT="main-out").returncode == 1
    done = gate(root, SUITE="suite.yaml", BASELINE="main-out/result.json", OUT="pr")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gate: regressions — 0 documents newly failing" in done.stdout
    assert "scrapegate-gate: exit 0 (fail-on regressions: 0 pass" in done.stdout
    summary = (root / "pr" / "summary.md").read_text(encoding="utf-8")
    assert "**Gate:** gate: regressions" in summary
    strict = gate(
        root, SUITE="suite.yaml", BASELINE="main-out/result.json", OUT="pr", FAIL_ON="failures"
    )
    assert strict.returncode == 1
    assert "gate: failures — 1 of 3 error expectations failed: FAIL" in strict.stdout
    flag = gate(root, "--fail-on", "failures", SUITE="suite.yaml", BASELINE="main-out/result.json")
    assert flag.returncode == 1


def test_fail_on_regressions_without_a_baseline_falls_back_to_failures_loudly(root: Path) -> None:
    write_docs(root, [doc(1), doc(2, title="")])
    done = gate(root, SUITE="suite.yaml", FAIL_ON="regressions", GITHUB_ACTIONS="true")
    assert done.returncode == 1
    assert "::warning title=scrapegate::FAIL_ON=regressions needs a baseline" in done.stdout
    assert "scrapegate-gate: exit 1 (fail-on failures:" in done.stdout
    missing = gate(root, SUITE="suite.yaml", FAIL_ON="regressions", BASELINE="nowhere.json")
    assert missing.returncode == 1
    assert "every failing expectation fails the run (fail-on failures)" in missing.stderr


def test_an_unknown_fail_on_is_a_configuration_error(root: Path) -> None:
    done = gate(root, SUITE="suite.yaml", FAIL_ON="never")
    assert done.returncode == 2
    assert "FAIL_ON is 'never'; use regressions or failures" in done.stderr


def test_a_missing_baseline_is_announced_and_the_run_still_checked(root: Path) -> None:
    done = gate(root, SUITE="suite.yaml", BASELINE="nowhere/result.json", GITHUB_ACTIONS="true")
    assert done.returncode == 0
    assert "::warning title=scrapegate::no baseline at nowhere/result.json" in done.stdout
    assert "no baseline at nowhere/result.json" in done.stderr


def test_configuration_errors_exit_2(root: Path) -> None:
    assert gate(root).returncode == 2
    assert "set SUITE" in gate(root).stderr
    assert gate(root, SUITE="missing.yaml").returncode == 2
    assert gate(root, "--bogus").returncode == 2


def test_sample_and_group_by_are_passed_through(root: Path) -> None:
    write_docs(root, [doc(n) for n in range(1, 11)])
    done = gate(root, SUITE="suite.yaml", SAMPLE="3", GROUP_BY="host")
    assert done.returncode == 0, done.stderr
    result = json.loads((root / "scrapegate-out" / "result.json").read_text(encoding="utf-8"))
    assert result["sample"]["size"] == 3


def test_a_missing_baseline_is_also_written_into_the_summary(root: Path) -> None:
    done = gate(root, SUITE="suite.yaml", BASELINE="nowhere/result.json")
    assert done.returncode == 0, done.stderr
    summary = (root / "scrapegate-out" / "summary.md").read_text(encoding="utf-8")
    assert "> **Warning:** no baseline at nowhere/result.json" in summary
    assert "regressions against main are NOT detected" in summary


@pytest.mark.parametrize("how", ["env", "flag"])
def test_recording_a_baseline_succeeds_when_expectations_fail(root: Path, how: str) -> None:
    write_docs(root, [doc(1), doc(2, title="")])  # 'title present' is an error expectation
    assert gate(root, SUITE="suite.yaml").returncode == 1
    record = {"RECORD_BASELINE": "true"} if how == "env" else {}
    args = ["--record-baseline"] if how == "flag" else []
    done = gate(root, *args, SUITE="suite.yaml", OUT="main-out", GITHUB_ACTIONS="true", **record)
    assert done.returncode == 0, done.stderr
    assert "::warning title=scrapegate::expectations failed (exit 1); recorded" in done.stdout
    assert "recorded main-out/result.json as the baseline anyway" in done.stderr
    assert "scrapegate-gate: exit 0 after failing expectations, recorded as the" in done.stdout
    result = json.loads((root / "main-out" / "result.json").read_text(encoding="utf-8"))
    assert result["passed"] is False


def test_recording_a_baseline_still_fails_on_configuration_errors(root: Path) -> None:
    done = gate(root, SUITE="missing.yaml", RECORD_BASELINE="true")
    assert done.returncode == 2
    assert "recorded" not in done.stderr

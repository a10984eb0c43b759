"""The base install never pays for GX: ``scrapegate.cli`` imports neither GX nor pandas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_cli_imports_neither_great_expectations_nor_pandas() -> None:
    code = (
        "import scrapegate.cli, sys; "
        "assert 'great_expectations' not in sys.modules and 'pandas' not in sys.modules, "
        "sorted(m for m in sys.modules if m.split('.')[0] in ('great_expectations', 'pandas'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_a_native_check_run_imports_neither_great_expectations_nor_pandas(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text('{"title": "x"}\n', encoding="utf-8")
    suite = tmp_path / "s.yaml"
    suite.write_text(
        "suite: s\nexpectations:\n  - {name: t, check: not_empty, field: title}\n", "utf-8"
    )
    code = (
        "import sys; from scrapegate.cli import main; "
        f"assert main(['check', {str(data)!r}, '--suite', {str(suite)!r}, '-q']) == 0; "
        "assert 'great_expectations' not in sys.modules and 'pandas' not in sys.modules"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr

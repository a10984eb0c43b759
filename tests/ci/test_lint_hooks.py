"""Our own pre-commit ruff hooks pass on every Python file, so no commit is refused by them.

The hooks (``.pre-commit-config.yaml``) run ``ruff format`` and ``ruff check`` on the Python
files of a commit; running them here on every file git tracks or would add catches a file
that would make the hook rewrite it or fail, before anyone tries to commit it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[2]
RUFF = Path(sys.executable).parent / "ruff"
PATTERNS = ("*.py", "*.pyi")  # the hooks' types_or: [python, pyi]

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not RUFF.exists() or not (REPO / ".git").exists(),
    reason="needs git, a git checkout and ruff in the venv",
)


def _python_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *PATTERNS],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    # A file deleted in the working tree but not yet in the index is not the hook's business.
    return sorted(p for p in listed.split("\0") if p and (REPO / p).exists())


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]], ids=["format", "check"])
def test_ruff_hooks_would_pass_on_every_python_file(command: list[str]) -> None:
    done = subprocess.run(
        [str(RUFF), *command, "--", *_python_files()],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(f"ruff {' '.join(command)} failed:\n{done.stdout}{done.stderr}", pytrace=False)

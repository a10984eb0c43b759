"""What the robustness tests share: a project folder, a run through ``main`` and its outcome."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main

SUITE = """\
suite: robustness
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: body length
    check: length
    field: body
    max: 1000
"""

GOOD = [
    {"url": "https://n.example/1", "title": "Port reopens", "body": "Ships moved again."},
    {"url": "https://n.example/2", "title": "Rates hold", "body": "The bank held rates."},
]


def jsonl(records: list[Any]) -> bytes:
    """JSON Lines bytes for ``records``."""
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


@dataclass
class Outcome:
    """What a person sees after one command: exit code, both streams, the result JSON."""

    code: int
    out: str
    err: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.out + self.err

    def unreadable(self) -> list[tuple[str, str]]:
        """(source, message) of every record reported as unreadable."""
        return self.failures("records are readable")

    def failures(self, name: str) -> list[tuple[str, str]]:
        """(source, message) of every failure of the expectation called ``name``."""
        found = [e for e in self.data["expectations"] if e["name"] == name]
        assert found, f"no expectation {name!r} in the result"
        return [(f["source"], f["message"]) for f in found[0]["failures"]]

    def warnings(self) -> list[str]:
        return list(self.data.get("warnings", []))


class Project:
    """A folder with ``suite.yaml``, the working directory of the command under test."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys
        self.write("suite.yaml", SUITE.encode())

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def good(self, name: str = "docs/good.jsonl") -> Path:
        """Two documents that pass every expectation, so the rest is seen to be checked."""
        return self.write(name, jsonl(GOOD))

    def hashes(self, written: frozenset[str] = frozenset()) -> dict[str, str]:
        """sha256 of every file under the project except the outputs a command writes."""
        out = {}
        for path in sorted(self.root.rglob("*")):
            name = str(path.relative_to(self.root))
            if path.is_file() and not path.is_symlink() and name not in written:
                out[str(path.relative_to(self.root))] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
        return out

    def check(self, *args: str, json_out: bool = True, workers: str | None = "1") -> Outcome:
        """``scrapegate check ARGS --suite suite.yaml [--json result.json]`` in process."""
        argv = ["check", *args, "--suite", "suite.yaml"]
        if json_out:
            argv += ["--json", "result.json"]
        if workers is not None:
            argv += ["--workers", workers]
        return self.main(argv)

    def main(self, argv: list[str]) -> Outcome:
        written = frozenset(
            os.path.normpath(argv[i + 1])
            for i, arg in enumerate(argv[:-1])
            if arg in ("--json", "--junit", "--html", "--markdown")
        )
        before = self.hashes(written)
        code = main(argv)
        captured = self.capsys.readouterr()
        outcome = Outcome(code, captured.out, captured.err)
        result = self.root / "result.json"
        if result.exists():
            outcome.data = json.loads(result.read_text(encoding="utf-8"))
            result.unlink()
        assert "Traceback" not in outcome.text, outcome.text
        assert self.hashes(written) == before, "an input file changed"
        assert not list(self.root.rglob(".scrapegate-*.tmp")), "a temp file was left behind"
        return outcome


def scrapegate_process(args: list[str], cwd: Path, **popen: Any) -> subprocess.Popen[bytes]:
    """Start the real console entry point in a child process (as a user's shell would)."""
    # SIGUSR1 dumps every thread's stack: what a test shows when the child hangs.
    code = (
        "import faulthandler, signal; faulthandler.register(signal.SIGUSR1, all_threads=True)\n"
        "from scrapegate.cli import entry; entry()"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160"},
        **popen,
    )

"""Fixtures of the robustness tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.robustness.support import Project


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Project:
    """A project folder with suite.yaml, made the working directory."""
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path, capsys)

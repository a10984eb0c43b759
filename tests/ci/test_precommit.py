"""The pre-commit hooks, run by pre-commit itself in temporary git repositories.

The published hooks are ``language: python``: pre-commit would pip-install this package into
a fresh virtualenv, which needs the network. The tests therefore serve a copy of
``.pre-commit-hooks.yaml`` whose only change is ``language: system``, so the very same
entries run from this venv. Everything else (ids, entries, file patterns, pass_filenames)
is the published file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pre_commit.clientlib import load_config, load_manifest

REPO = Path(__file__).parents[2]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (BIN / "pre-commit").exists(),
    reason="needs git and pre-commit in the venv",
)

GOOD_SUITE = """\
suite: demo
documents:
  paths: [../data/]
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
"""
BAD_SUITE = GOOD_SUITE.replace("check: not_empty", "check: not_emty")
GOOD_DOCS = '{"url": "https://a.example/1", "title": "Harbour reopens"}\n'
BAD_DOCS = GOOD_DOCS + '{"url": "https://a.example/2", "title": ""}\n'


def env(tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))},
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }  # fmt: skip


def sh(cwd: Path, tmp_path: Path, *cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), cwd=cwd, env=env(tmp_path), capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def git_repo(path: Path, tmp_path: Path, files: dict[str, str]) -> str:
    """A committed git repository holding ``files``; returns the commit."""
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    sh(path, tmp_path, "git", "init", "-q", "-b", "main")
    sh(path, tmp_path, "git", "add", "-A")
    done = sh(path, tmp_path, "git", "commit", "-q", "-m", "init")
    assert done.returncode == 0, done.stderr
    return sh(path, tmp_path, "git", "rev-parse", "HEAD").stdout.strip()


def test_the_published_hooks_and_our_config_are_valid_for_pre_commit() -> None:
    hooks = {h["id"]: h for h in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert hooks["scrapegate-lint"]["entry"] == "scrapegate lint"
    assert hooks["scrapegate-check"]["pass_filenames"] is False
    # A commit has no baseline: the hook fails on failures, whatever the CLI's default.
    assert hooks["scrapegate-check"]["entry"] == "scrapegate check --fail-on failures"
    ours = load_config(str(REPO / ".pre-commit-config.yaml"))
    local = {h["id"]: h for h in ours["repos"][0]["hooks"]}
    assert {"ruff-format", "ruff", "mypy", "scrapegate-lint", "scrapegate-check"} <= set(local)
    assert local["scrapegate-lint"]["entry"] == hooks["scrapegate-lint"]["entry"]
    assert local["scrapegate-check"]["entry"] == hooks["scrapegate-check"]["entry"]


@pytest.fixture
def consumer(tmp_path: Path) -> Path:
    """A project using our hooks from a (system-language) copy of this repository's hooks."""
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for hook in manifest:
        assert hook["language"] == "python"
        hook["language"] = "system"
    hook_repo = tmp_path / "hook-repo"
    hook_repo.mkdir()
    rev = git_repo(hook_repo, tmp_path, {".pre-commit-hooks.yaml": yaml.safe_dump(manifest)})
    config = {
        "repos": [
            {
                "repo": str(hook_repo),
                "rev": rev,
                "hooks": [
                    {"id": "scrapegate-lint"},
                    {"id": "scrapegate-check", "args": ["--suite", "expectations/demo.yaml"],
                     "files": "^(expectations|data)/"},
                ],
            }
        ]
    }  # fmt: skip
    project = tmp_path / "project"
    project.mkdir()
    git_repo(
        project,
        tmp_path,
        {
            ".pre-commit-config.yaml": yaml.safe_dump(config),
            "expectations/demo.yaml": GOOD_SUITE,
            "data/docs.jsonl": GOOD_DOCS,
        },
    )
    return project


def run_hooks(project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return sh(project, tmp_path, str(BIN / "pre-commit"), "run", "--all-files", "--color=never")


def test_good_suite_and_documents_pass_both_hooks(consumer: Path, tmp_path: Path) -> None:
    done = run_hooks(consumer, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "scrapegate lint" in done.stdout and "scrapegate check" in done.stdout
    assert "Passed" in done.stdout and "Failed" not in done.stdout


def test_a_bad_suite_fails_the_lint_hook(consumer: Path, tmp_path: Path) -> None:
    (consumer / "expectations" / "demo.yaml").write_text(BAD_SUITE, encoding="utf-8")
    done = run_hooks(consumer, tmp_path)
    assert done.returncode == 1
    assert "unknown check 'not_emty'; did you mean 'not_empty'?" in done.stdout
    lint_line = next(x for x in done.stdout.splitlines() if x.startswith("scrapegate lint"))
    assert lint_line.endswith("Failed")


def test_a_bad_document_fails_the_check_hook(consumer: Path, tmp_path: Path) -> None:
    (consumer / "data" / "docs.jsonl").write_text(BAD_DOCS, encoding="utf-8")
    done = run_hooks(consumer, tmp_path)
    assert done.returncode == 1
    assert "https://a.example/2" in done.stdout
    assert "gate: failures — 1 of" in done.stdout
    check_line = next(x for x in done.stdout.splitlines() if x.startswith("scrapegate check"))
    lint_line = next(x for x in done.stdout.splitlines() if x.startswith("scrapegate lint"))
    assert check_line.endswith("Failed") and lint_line.endswith("Passed")


def test_our_own_scrapegate_hooks_pass_on_our_expectations_and_fixtures(tmp_path: Path) -> None:
    project = tmp_path / "copy"
    shutil.copytree(REPO / "expectations", project / "expectations")
    shutil.copytree(REPO / "fixtures" / "news", project / "fixtures" / "news")
    shutil.copy(REPO / ".pre-commit-config.yaml", project / ".pre-commit-config.yaml")
    git_repo(project, tmp_path, {})
    for hook in ("scrapegate-lint", "scrapegate-check"):
        done = sh(project, tmp_path, str(BIN / "pre-commit"), "run", hook, "--all-files")
        assert done.returncode == 0, done.stdout + done.stderr
    # ... and they do bite: a typo in a suite fails the lint hook.
    news = project / "expectations" / "news.yaml"
    news.write_text(news.read_text(encoding="utf-8").replace("check: length", "check: lenght"))
    done = sh(project, tmp_path, str(BIN / "pre-commit"), "run", "scrapegate-lint", "--all-files")
    assert done.returncode == 1 and "unknown check 'lenght'" in done.stdout

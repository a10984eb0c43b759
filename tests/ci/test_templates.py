"""The CI templates parse, call the gate script, publish the reports, and their baseline
fetching works (GitLab's against a local HTTP server, GitHub's against a fake ``gh``)."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

REPO = Path(__file__).parents[2]
BIN = Path(sys.executable).parent


def load(name: str) -> Any:
    return yaml.safe_load((REPO / "ci" / name).read_text(encoding="utf-8"))


def github_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = load("github-actions.yml")["jobs"]["gate"]["steps"]
    return steps


def test_github_workflow_runs_on_pull_requests_and_main() -> None:
    workflow = load("github-actions.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    uses = [s.get("uses", "") for s in github_steps()]
    assert "actions/checkout@v4" in uses
    setup = next(s for s in github_steps() if s.get("uses") == "actions/setup-python@v5")
    assert setup["with"]["python-version"] == "3.11"


def test_github_workflow_gates_uploads_and_summarises() -> None:
    steps = github_steps()
    runs = [s.get("run", "") for s in steps]
    assert any(r.strip() == 'pip install "$SCRAPEGATE_PACKAGE"' for r in runs)
    assert load("github-actions.yml")["env"]["SCRAPEGATE_PACKAGE"] == "scrapegate"
    assert any(r.strip() == "bash ci/scrapegate-gate.sh" for r in runs)
    uploads = {s["with"]["name"]: s for s in steps if s.get("uses") == "actions/upload-artifact@v4"}
    assert "report.html" in uploads["scrapegate-report"]["with"]["path"]
    assert uploads["scrapegate-report"]["if"] == "always()"
    assert "result.json" in uploads["scrapegate-baseline"]["with"]["path"]
    comment = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    assert comment["continue-on-error"] is True
    # The step summary is appended by the gate script itself.
    assert "GITHUB_STEP_SUMMARY" in (REPO / "ci" / "scrapegate-gate.sh").read_text("utf-8")


def test_gitlab_job_gates_and_keeps_reports() -> None:
    job = load("gitlab-ci.yml")["scrapegate"]
    assert job["image"].startswith("python:3.11")
    assert "bash ci/scrapegate-gate.sh" in job["script"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "scrapegate-out/junit.xml"
    assert job["before_script"] == ['pip install "$SCRAPEGATE_PACKAGE"']
    assert job["variables"]["SCRAPEGATE_PACKAGE"] == "scrapegate"


def test_gitlab_baseline_job_on_the_default_branch_is_never_an_allowed_failure() -> None:
    # The artifacts API serves only successful jobs: the default branch records instead.
    main_rule, mr_rule = load("gitlab-ci.yml")["scrapegate"]["rules"]
    assert main_rule["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    assert "allow_failure" not in main_rule
    assert main_rule["variables"] == {"RECORD_BASELINE": "true"}
    assert "variables" not in mr_rule and "allow_failure" not in mr_rule


FAKE_PIP = """#!/usr/bin/env bash
printf '%s\\n' "$@" > "$PIP_LOG"
"""


@pytest.mark.parametrize("template", ["github-actions.yml", "gitlab-ci.yml"])
@pytest.mark.parametrize(
    "spec", ["", "git+https://github.com/scrapegate/scrapegate.git@v0.1.0", "./vendor/sg"]
)
def test_templates_install_the_configured_package_spec(
    tmp_path: Path, template: str, spec: str
) -> None:
    if template == "gitlab-ci.yml":
        job = load(template)["scrapegate"]
        [line], default = job["before_script"], job["variables"]["SCRAPEGATE_PACKAGE"]
    else:
        line = next(s["run"] for s in github_steps() if s.get("name") == "Install scrapegate")
        default = load(template)["env"]["SCRAPEGATE_PACKAGE"]
    fake = tmp_path / "bin" / "pip"
    fake.parent.mkdir()
    fake.write_text(FAKE_PIP, encoding="utf-8")
    fake.chmod(0o755)
    env = {
        "PATH": f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PIP_LOG": str(tmp_path / "pip.log"),
        "SCRAPEGATE_PACKAGE": spec or default,
    }
    done = subprocess.run(["bash", "-e", "-c", line], env=env, capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    args = (tmp_path / "pip.log").read_text(encoding="utf-8").splitlines()
    assert args == ["install", spec or "scrapegate"]


class _Artifacts(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []
    body = b'{"schema_version": 1}'

    def do_GET(self) -> None:
        _Artifacts.seen.append((self.path, self.headers.get("JOB-TOKEN")))
        if "missing" in self.path:
            self.send_error(404)
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def artifacts_api() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Artifacts)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Artifacts.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    server.shutdown()
    server.server_close()


def gitlab_fetch(tmp_path: Path, api: str, branch: str) -> subprocess.CompletedProcess[str]:
    """Run the job's baseline fetch as a merge-request pipeline would."""
    script = load("gitlab-ci.yml")["scrapegate"]["script"][0]
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CI_API_V4_URL": api,
        "CI_PROJECT_ID": "42",
        "CI_DEFAULT_BRANCH": branch,
        "CI_COMMIT_BRANCH": "feature",
        "CI_JOB_NAME": "scrapegate",
        "CI_JOB_TOKEN": "tok",
        "OUT": "scrapegate-out",
        "BASELINE": "baseline/result.json",
    }
    return subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_gitlab_fetches_the_baseline_with_the_job_token(tmp_path: Path, artifacts_api: str) -> None:
    done = gitlab_fetch(tmp_path, artifacts_api, "main")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "baseline" / "result.json").read_bytes() == _Artifacts.body
    assert _Artifacts.seen == [
        ("/api/v4/projects/42/jobs/artifacts/main/raw/scrapegate-out/result.json?job=scrapegate",
         "tok")
    ]  # fmt: skip


def test_gitlab_goes_on_without_a_baseline_with_a_visible_warning(
    tmp_path: Path, artifacts_api: str
) -> None:
    done = gitlab_fetch(tmp_path, artifacts_api, "missing")
    assert done.returncode == 0, done.stderr
    assert "\033[1;33mWARNING: no baseline on missing yet (HTTP 404)" in done.stdout
    assert "checked WITHOUT a comparison with missing" in done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "baseline" / "result.json").exists()


def test_gitlab_warns_when_the_artifacts_api_cannot_be_reached(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = gitlab_fetch(tmp_path, f"http://127.0.0.1:{port}/api/v4", "main")
    assert done.returncode == 0, done.stderr
    assert "WARNING: no baseline on main yet" in done.stdout
    assert "Traceback" not in done.stderr


FAKE_GH = """#!/usr/bin/env bash
echo "$*" >> "$GH_LOG"
case "$1 $2" in
  "run list") [ -n "$GH_RUN" ] && echo "$GH_RUN"; exit 0 ;;
  "run download") [ -n "$GH_ARTIFACT" ] || exit 1
    while [ "$#" -gt 0 ]; do [ "$1" = "--dir" ] && dir="$2"; shift; done
    mkdir -p "$dir" && echo "$GH_ARTIFACT" > "$dir/result.json" ;;
esac
"""


@pytest.mark.parametrize(
    ("run", "artifact", "found"), [("77", '{"x": 1}', True), ("", "", False), ("77", "", False)]
)
def test_github_fetches_the_baseline_or_warns(
    tmp_path: Path, run: str, artifact: str, found: bool
) -> None:
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    step = next(s for s in github_steps() if s.get("name") == "Fetch the baseline from main")
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(FAKE_GH, encoding="utf-8")
    fake.chmod(0o755)
    env = {
        "PATH": f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GH_LOG": str(tmp_path / "gh.log"), "GH_RUN": run, "GH_ARTIFACT": artifact,
        "GITHUB_REPOSITORY": "o/r", "WORKFLOW": "scrapegate", "BASELINE": "baseline/result.json",
    }  # fmt: skip
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    baseline = tmp_path / "baseline" / "result.json"
    assert baseline.exists() == found
    if found:
        assert json.loads(baseline.read_text(encoding="utf-8")) == {"x": 1}
        assert "baseline: run 77 on main" in done.stdout
    else:
        assert "::warning title=scrapegate::no baseline artifact on main yet" in done.stdout
    calls = (tmp_path / "gh.log").read_text(encoding="utf-8")
    assert "run list --repo o/r --workflow scrapegate --branch main --event push" in calls

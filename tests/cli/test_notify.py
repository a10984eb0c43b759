"""check --notify: a Slack-compatible alert when the gate fails; never fails or holds the run."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scrapegate.cli import main
from tests.helpers import DEMO_SUITE, write_docs
from tests.webhook import refused_url, webhook

SUITE = DEMO_SUITE.format(name="alerts-demo")

OK = "Ships moved again after the strike ended."
# Scraped text that would ping a whole channel and add a link if it reached Slack as is.
HOSTILE = "Rain fell. <!channel> <https://evil.example|click>\nComments\ncomments powered by Disqus"


TIMEOUT = ["--notify-timeout", "0.5"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def failing(project: Path) -> None:
    write_docs(
        project,
        [
            {"url": "https://n.example/1", "title": "One", "body": OK},
            {"url": "https://n.example/2", "title": "", "body": HOSTILE},
            {"url": "https://n.example/3", "title": "Three", "body": HOSTILE},
        ],
    )


def test_a_failed_gate_posts_suite_gate_worst_expectations_and_report(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing(project)
    with webhook() as hook:
        code = main(
            ["check", "--suite", "suite.yaml", "--html", "report.html", "--notify", hook.url]
        )
    assert code == 1
    assert capsys.readouterr().err == ""
    assert hook.content_types == ["application/json"]
    [body] = hook.received
    assert body["text"].startswith("scrapegate: suite 'alerts-demo' failed (3 documents)")
    assert "gate: failures — 2 of 3 error expectations failed: FAIL" in body["text"]
    texts = json.dumps(body["blocks"])
    header, gate, worst, context = body["blocks"]
    assert header["type"] == "header"
    assert "*Gate* gate: failures — 2 of 3 error expectations failed: FAIL" in gate["text"]["text"]
    lines = worst["text"]["text"].splitlines()
    # Worst first: 'no comment widgets' failed 2 of 3, 'title present' 1 of 3.
    assert lines[0] == (
        "• *no comment widgets* (error): 2 of 3 failed, pass rate 33.3% < mostly 100.0%"
    )
    assert lines[2].startswith("• *title present* (error): 1 of 3 failed")
    assert context["elements"][0]["text"] == "Report: `report.html`"
    assert "comment widget text" in texts
    assert (project / "report.html").exists()


def test_scraped_text_cannot_mention_link_or_format_in_the_alert(project: Path) -> None:
    # A scraped file name and page text, both shown in the alert.
    (project / "docs").mkdir()
    record = {"url": "https://n.example/1", "title": "", "body": HOSTILE}
    (project / "docs" / "<!here>.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    with webhook() as hook:
        main(["check", "--suite", "suite.yaml", "--notify", hook.url, "-q"])
    raw = json.dumps(hook.received[0])
    for hostile in ("<!channel>", "<!here>", "<https://evil.example"):
        assert hostile not in raw
    assert "&lt;!here&gt;" in raw


def test_a_passing_gate_posts_nothing(project: Path) -> None:
    write_docs(project, [{"url": "https://n.example/1", "title": "One", "body": OK}])
    with webhook() as hook:
        assert main(["check", "--suite", "suite.yaml", "--notify", hook.url]) == 0
    assert hook.received == []


def test_a_server_error_is_a_warning_and_the_exit_code_stays(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing(project)
    with webhook(status=500) as hook:
        assert main(["check", "--suite", "suite.yaml", "--notify", hook.url, "-q"]) == 1
    err = capsys.readouterr().err
    assert "warning: notify http://127.0.0.1/…: the endpoint answered 500" in err
    # The webhook's path is its secret (Slack's carry the token there): never printed.
    assert hook.url not in err
    assert "the alert was not delivered" in err


def test_a_slow_endpoint_is_given_up_on_after_the_timeout(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing(project)
    with webhook(delay=6.0) as hook:
        started = time.monotonic()
        code = main(["check", "--suite", "suite.yaml", "-q", "--notify", hook.url, *TIMEOUT])
        waited = time.monotonic() - started
    assert code == 1
    assert waited < 5.0
    err = capsys.readouterr().err
    assert "warning: notify http://127.0.0.1/…:" in err
    assert "timed out" in err or "no answer within 0.5 s" in err


def test_a_refused_connection_is_a_warning_and_the_exit_code_stays(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing(project)
    url = refused_url()
    assert main(["check", "--suite", "suite.yaml", "-q", "--notify", url]) == 1
    err = capsys.readouterr().err
    assert "warning: notify http://127.0.0.1/…: could not reach it:" in err


@pytest.mark.parametrize("url", ["ftp://hooks.example/x", "hooks.example/x", "file:///etc/passwd"])
def test_a_webhook_that_is_not_http_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    failing(project)
    assert main(["check", "--suite", "suite.yaml", "--notify", url]) == 2
    err = capsys.readouterr().err
    assert "--notify:" in err and "is not an http:// or https:// URL" in err


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1", "is not a valid URL"),
        ("http://127.0.0.1:abc/", "is not a valid URL"),
        ("http://exa mple.com/", "holds spaces or control characters"),
        ("http://:8080/hook", "names no host"),
    ],
)
def test_a_malformed_webhook_url_is_a_usage_error_before_the_run(
    project: Path, capsys: pytest.CaptureFixture[str], url: str, why: str
) -> None:
    # These used to pass the scheme check and crash the sending thread with a traceback.
    failing(project)
    assert main(["check", "--suite", "suite.yaml", "--notify", url]) == 2
    err = capsys.readouterr().err
    assert "--notify:" in err and why in err and "Traceback" not in err


def test_a_notify_timeout_without_a_webhook_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Accepted silently, it would look like alerts were set up when none would be sent.
    failing(project)
    assert main(["check", "--suite", "suite.yaml", *TIMEOUT]) == 2
    assert "--notify-timeout needs --notify URL" in capsys.readouterr().err

"""Alerts: a Slack-compatible webhook message when a run's gate fails (``check --notify``,
``SCRAPEGATE_NOTIFY_URL``).

The message is built from the result alone: the suite, the gate's line, the expectations that
failed most (with their counts and the first failure's message) and where the report is.
Every piece of text in it (suite and expectation names, scraped text in messages, paths) is
escaped for Slack's mrkdwn (``&``, ``<``, ``>``), made printable and cut to a length, so a
scraped page cannot add links, mentions or formatting, nor make the message too big to post.

Posting never fails the run and never holds it up for long: the request runs in a daemon
thread that is waited for ``timeout`` seconds (the socket gets the same time-out); a refused
connection, an error status, a time-out or a bad answer comes back as one line of warning.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson

from .escaping import printable
from .gate import GateDecision
from .result import ExpectationResult, RunResult
from .wording import plural

DEFAULT_TIMEOUT = 5.0
# Expectations listed in the message, worst first; the rest are counted.
SHOWN = 5
# Slack cuts a section's text at 3,000 characters and a header at 150.
_NAME_CHARS = 80
_MESSAGE_CHARS = 200
_SECTION_CHARS = 2900
_HEADER_CHARS = 150


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a webhook (only http and https are posted to), or None."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.strip("/"):
        return f"{printable(url)!r} is not an http:// or https:// URL"
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return f"{printable(url)!r} holds spaces or control characters: percent-encode them"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"{printable(url)!r} is not a valid URL ({printable(str(exc))})"
    if not parts.hostname:
        return f"{printable(url)!r} names no host"
    return None


def _cut(text: str, limit: int) -> str:
    text = printable(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str, limit: int) -> str:
    """``text`` shown as itself in Slack mrkdwn: printable, cut, ``& < >`` escaped."""
    cut = _cut(text, limit)
    return cut.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _worst(result: RunResult) -> list[ExpectationResult]:
    """Failed expectations, errors before warnings, then by pass rate (lowest first)."""
    failed = [e for e in result.expectations if not e.passed]
    return sorted(failed, key=lambda e: (e.severity != "error", e.pass_rate, e.name))


def _expectation_line(er: ExpectationResult) -> str:
    line = (
        f"• *{_mrkdwn(er.name, _NAME_CHARS)}* ({er.severity}): {er.failed} of "
        f"{er.evaluated} failed, pass rate {er.pass_rate:.1%} < mostly {er.mostly:.1%}"
    )
    if er.failures:
        first = er.failures[0]
        line += f"\n      `{_mrkdwn(first.source, _NAME_CHARS)}`: "
        line += _mrkdwn(first.message, _MESSAGE_CHARS)
    return line


def _report_text(report: str) -> str:
    if url_problem(report) is None:
        # A link's URL must not close the <...|...> form or start another.
        safe = _cut(report, 500).replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
        return f"Report: <{safe}|{_mrkdwn(report.rsplit('/', 1)[-1] or report, _NAME_CHARS)}>"
    return f"Report: `{_mrkdwn(report, 300)}`"


def payload(result: RunResult, decision: GateDecision, report: str | None = None) -> dict[str, Any]:
    """The webhook's JSON: ``text`` (the fallback line) and Slack ``blocks``."""
    suite = _cut(result.suite, _NAME_CHARS)
    verdict = "passed" if decision.passed else "failed"
    text = f"scrapegate: suite {suite!r} {verdict} ({plural(result.documents, 'document')})"
    gate_line = _mrkdwn(decision.line, _MESSAGE_CHARS * 2)
    worst = _worst(result)
    lines = [_expectation_line(er) for er in worst[:SHOWN]]
    if len(worst) > SHOWN:
        lines.append(f"… and {plural(len(worst) - SHOWN, 'more failed expectation')}")
    listing = "\n".join(lines) or "No expectation failed."
    if len(listing) > _SECTION_CHARS:
        listing = listing[: _SECTION_CHARS - 1] + "…"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": text[:_HEADER_CHARS]}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": f"*Suite* {_mrkdwn(result.suite, _NAME_CHARS)}"
                f" ({plural(result.documents, 'document')})\n*Gate* {gate_line}",
            },
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": listing}},
    ]
    if report:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _report_text(report)}]}
        )
    return {"text": f"{_mrkdwn(text, 300)} — {gate_line}", "blocks": blocks}


def post(url: str, body: dict[str, Any], timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """POST ``body`` as JSON to ``url``; None when it was accepted (2xx), else a warning.

    Waits ``timeout`` seconds at most (plus a moment), whatever the endpoint does.
    """
    problem = url_problem(url)
    if problem is not None:
        return f"--notify: {problem}; no alert was sent"
    # A webhook URL is a secret (Slack's carry the token in the path): name its host only.
    parts = urllib.parse.urlsplit(url)
    shown = f"{parts.scheme}://{parts.hostname or '?'}/…"
    outcome: list[str | None] = []

    def send() -> None:
        try:
            request = urllib.request.Request(
                url,
                data=orjson.dumps(body),
                headers={"Content-Type": "application/json", "User-Agent": "scrapegate"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                answer.read(65536)
            outcome.append(None)
        except urllib.error.HTTPError as exc:
            outcome.append(f"the endpoint answered {exc.code} {printable(str(exc.reason))}")
        except urllib.error.URLError as exc:
            outcome.append(f"could not reach it: {printable(str(exc.reason))}")
        except Exception as exc:
            outcome.append(f"could not post to it: {printable(str(exc)) or type(exc).__name__}")

    sender = threading.Thread(target=send, name="scrapegate-notify", daemon=True)
    sender.start()
    sender.join(timeout + 1.0)
    if not outcome:
        return f"notify {shown}: no answer within {timeout:g} s; the alert may not have arrived"
    if outcome[0] is None:
        return None
    return f"notify {shown}: {outcome[0]}; the alert was not delivered"


def notify(
    url: str,
    result: RunResult,
    decision: GateDecision,
    report: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str | None:
    """Send the alert for a failed gate (nothing when it passed); a warning, or None."""
    if decision.passed:
        return None
    return post(url, payload(result, decision, report), timeout)

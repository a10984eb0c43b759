"""Crawl tests: a Scrapy spider against pages served on 127.0.0.1, run in a subprocess."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(__file__).parent / "site"
SUITE = Path(__file__).parent / "suites" / "items.yaml"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    """The town-news pages on 127.0.0.1; the base URL, without a trailing slash."""
    handler = functools.partial(_Quiet, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@dataclass
class Crawl:
    """What a crawl left: its close reason, its stats, its log and the exported feed."""

    reason: str
    stats: dict[str, Any]
    log: str
    feed: list[dict[str, Any]]
    feed_path: Path

    def stat(self, expectation: str, what: str) -> Any:
        return self.stats.get(f"scrapegate/{expectation}/{what}")


def crawl(tmp_path: Path, start: str, settings: dict[str, Any], kind: str = "dict") -> Crawl:
    """Crawl ``start`` with the gate on (``settings`` added), exporting a JSON Lines feed."""
    feed = tmp_path / "feed.jsonl"
    out = tmp_path / "crawl.json"
    config = {
        "start": start,
        "kind": kind,
        "out": str(out),
        "settings": {
            "SCRAPEGATE_SUITE": str(SUITE),
            "FEEDS": {str(feed): {"format": "jsonlines", "encoding": "utf8"}},
            **settings,
        },
    }
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    done = run_crawl(tmp_path, config_path)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    lines = feed.read_text(encoding="utf-8").splitlines() if feed.exists() else []
    return Crawl(data["reason"], data["stats"], done.stderr, [json.loads(x) for x in lines], feed)


def run_crawl(tmp_path: Path, config_path: Path) -> subprocess.CompletedProcess[str]:
    """The crawl's subprocess (a Twisted reactor starts once per process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tests.scrapy.run_crawl", str(config_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def failed_start(tmp_path: Path, start: str, settings: dict[str, Any]) -> str:
    """Run a crawl that must not start; its stderr."""
    config = {"start": start, "out": str(tmp_path / "crawl.json"), "settings": settings}
    config_path = tmp_path / "config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    done = run_crawl(tmp_path, config_path)
    assert done.returncode != 0
    assert not (tmp_path / "crawl.json").exists()
    return done.stderr

"""scrapegate save-page: a live or local page kept as a fixture for extractor tests."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main
from tests.webhook import refused_url

PAGE = b"<!doctype html><html><body><h1>Caf\xc3\xa9 opens</h1></body></html>\n"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "www"
    root.mkdir()
    (root / "cafe.html").write_bytes(PAGE)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_live_page_is_saved_as_served_with_its_url(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["save-page", f"{served}/cafe.html", "--name", "cafe"]) == 0
    assert Path("fixtures/pages/cafe.html").read_bytes() == PAGE
    meta = json.loads(Path("fixtures/pages/cafe.json").read_text(encoding="utf-8"))
    assert meta["url"] == f"{served}/cafe.html"
    assert meta["content_type"] == "text/html"
    assert meta["expected"] is None
    out = capsys.readouterr().out
    assert out.startswith(f"saved fixtures/pages/cafe.html ({len(PAGE)} bytes)")
    assert "fill in its 'expected'" in out


def test_a_local_file_is_saved_with_the_url_it_came_from() -> None:
    Path("page.html").write_bytes(PAGE)
    url = "https://news.example/cafe"
    assert main(["save-page", "page.html", "--name", "cafe", "--dir", "pages", "--url", url]) == 0
    assert Path("pages/cafe.html").read_bytes() == PAGE
    meta = json.loads(Path("pages/cafe.json").read_text(encoding="utf-8"))
    assert meta["url"] == url


def test_a_saved_fixture_is_kept_unless_forced(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["save-page", f"{served}/cafe.html", "--name", "cafe"]) == 0
    reviewed = '{"url": "x", "expected": {"a": 1}}\n'
    Path("fixtures/pages/cafe.json").write_text(reviewed, encoding="utf-8")
    assert main(["save-page", f"{served}/cafe.html", "--name", "cafe"]) == 2
    assert "already saved; pass --force to replace" in capsys.readouterr().err
    assert Path("fixtures/pages/cafe.json").read_text(encoding="utf-8") == reviewed
    assert main(["save-page", f"{served}/cafe.html", "--name", "cafe", "--force"]) == 0
    assert Path("fixtures/pages/cafe.json").read_text(encoding="utf-8") != reviewed


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/missing.html", "the server answered 404"),
        ("refused", "could not fetch it:"),
        ("missing.html", "missing.html: no such file; give an http(s) URL"),
    ],
)
def test_a_page_that_cannot_be_read_is_a_usage_error(
    served: str, capsys: pytest.CaptureFixture[str], source: str, message: str
) -> None:
    if source.startswith("/"):
        source = served + source
    elif source == "refused":
        source = refused_url()
    assert main(["save-page", source, "--name", "x"]) == 2
    assert message in capsys.readouterr().err
    assert not Path("fixtures/pages/x.html").exists()


def test_a_name_that_is_not_a_file_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    Path("page.html").write_bytes(PAGE)
    assert main(["save-page", "page.html", "--name", "../escape"]) == 2
    assert "--name '../escape': use letters, digits" in capsys.readouterr().err


def test_a_dir_that_cannot_be_made_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "page.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "afile").write_text("", encoding="utf-8")
    assert main(["save-page", "page.html", "--name", "p", "--dir", "afile"]) == 2
    assert "--dir afile: cannot make the folder (it is a file, not a folder)" in (
        capsys.readouterr().err
    )
    assert main(["save-page", "page.html", "--name", "p", "--dir", "afile/sub"]) == 2
    assert "choose another --dir" in capsys.readouterr().err

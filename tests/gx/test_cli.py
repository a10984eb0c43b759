"""``scrapegate check --engine gx``: same JSON, terminal output and reports; Data Docs offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("great_expectations")

from scrapegate.cli import main
from scrapegate.gx.docs import MARKER

ROOT = Path(__file__).resolve().parents[2]
NEWS = ["check", "--suite", "expectations/news.yaml", "--max-failures", "50"]
# Keys that differ by nature between two runs or two engines.
VOLATILE = ("duration_s", "engine", "gx", "warnings")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def _stable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in VOLATILE}


def _terminal(out: str) -> str:
    # Durations vary; the notes naming natively evaluated checks exist only under --engine gx.
    out = re.sub(
        r"warning: [^\n]*no faithful Great Expectations.*?evaluated it\n", "", out, flags=re.S
    )
    return re.sub(r", [0-9.]+s\)", ")", out)


def test_engine_gx_writes_the_same_json_terminal_output_and_junit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    outputs = {}
    for engine in ("native", "gx"):
        json_path, junit = tmp_path / f"{engine}.json", tmp_path / f"{engine}.xml"
        args = [*NEWS, "--engine", engine, "--json", str(json_path), "--junit", str(junit)]
        code, out = _run(args, capsys)
        outputs[engine] = (code, out, json.loads(json_path.read_text("utf-8")), junit)
    (n_code, n_out, n_json, n_junit), (g_code, g_out, g_json, g_junit) = outputs.values()
    assert g_code == n_code == 1
    assert g_json["engine"] == "gx"
    assert _stable(g_json) == _stable(n_json)
    assert _terminal(g_out) == _terminal(n_out)
    assert "FAILED" in g_out
    strip_time = re.compile(r' time="[0-9.]+"| timestamp="[^"]*"')
    assert strip_time.sub("", g_junit.read_text("utf-8")) == strip_time.sub(
        "", n_junit.read_text("utf-8")
    )


def test_gx_docs_builds_an_offline_index_in_the_given_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    docs = tmp_path / "site"
    for _ in range(2):  # a second run replaces the first run's pages
        code, _ = _run([*NEWS, "--engine", "gx", "-q", "--gx-docs", str(docs)], capsys)
        assert code == 1
    index = (docs / "index.html").read_text("utf-8")
    pages = list((docs / "validations").rglob("*.html"))
    assert len(pages) == 1
    for page in [docs / "index.html", *pages, *(docs / "expectations").rglob("*.html")]:
        text = page.read_text("utf-8")
        assert not re.search(r"<script[^>]*src=\"https?:", text), page
        assert not re.search(r"<link[^>]*href=\"https?:", text), page
        assert not re.search(r"<img[^>]*src=\"https?:", text), page
    link = pages[0].relative_to(docs).as_posix()
    assert f'href="{link}"' in index  # the static list works without JavaScript
    validation = pages[0].read_text("utf-8")
    assert "text__view" in validation and "Failed" in validation
    assert (docs / "static" / "images" / "logo-long.png").exists()


def test_gx_docs_refuses_a_folder_it_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    (tmp_path / "precious.txt").write_text("keep me", "utf-8")
    code = main([*NEWS, "--engine", "gx", "-q", "--gx-docs", str(tmp_path)])
    assert code == 2
    assert "not written by scrapegate" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").exists()
    assert not (tmp_path / MARKER).exists()


def test_a_gx_run_makes_no_network_connection(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import socket, sys
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(args)
            raise OSError("network disabled by the test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from scrapegate.cli import main
        code = main(["check", "--suite", "expectations/news.yaml", "--engine", "gx", "-q",
                     "--gx-docs", sys.argv[1]])
        assert code == 1, code
        assert attempts == [], attempts
        print("no network")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "docs")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "no network" in done.stdout

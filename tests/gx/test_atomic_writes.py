"""export-gx and the Data Docs pages are written atomically: a failed write keeps the old file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("great_expectations")

from scrapegate import atomic
from scrapegate.cli import main
from scrapegate.errors import OutputError
from scrapegate.gx import session
from scrapegate.gx.docs import finish_docs, prepare_docs
from scrapegate.gx.export import export

SUITE = """\
suite: atomic-demo
documents: {id: url}
expectations:
  - {name: title present, check: not_empty, field: title}
"""
OLD = '{"name": "the previous export"}\n'


class _Unprintable:
    """A value whose serialisation fails, as a GX object of an unexpected type might."""

    def __str__(self) -> str:
        raise RuntimeError("cannot serialise")


def _project(tmp_path: Path) -> tuple[str, Path]:
    suite = tmp_path / "suite.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    out = tmp_path / "gx.json"
    out.write_text(OLD, encoding="utf-8")
    return str(suite), out


def _leftovers(folder: Path) -> list[Path]:
    return list(folder.rglob(f"{atomic.TEMP_PREFIX}*{atomic.TEMP_SUFFIX}"))


def test_export_failing_while_serialising_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite, out = _project(tmp_path)
    real = session.suite_json

    def half_serialisable(plan: Any) -> dict[str, Any]:
        # Good keys first: a streaming writer would have put them in the file already.
        return {**real(plan), "zz_broken": _Unprintable()}

    monkeypatch.setattr(session, "suite_json", half_serialisable)
    with pytest.raises(RuntimeError, match="cannot serialise"):
        export(suite, str(out))
    assert out.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_export_interrupted_before_the_rename_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    suite, out = _project(tmp_path)

    def fail(src: str, dst: str) -> None:
        raise failure

    monkeypatch.setattr(atomic.os, "replace", fail)
    expected = OutputError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        export(suite, str(out))
    assert out.read_text(encoding="utf-8") == OLD
    assert _leftovers(tmp_path) == []


def test_export_gx_reports_an_unwritable_output_as_exit_2_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    suite, out = _project(tmp_path)

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", fail)
    assert main(["export-gx", suite, "-o", str(out)]) == 2
    assert f"{out}: cannot write: No space left on device" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == OLD


def test_data_docs_pages_interrupted_mid_rewrite_keep_their_previous_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "site"
    prepare_docs(str(docs))
    remote = '<script src="https://cdn.example/x.js"></script>'
    pages = {
        docs / "index.html": f"<html><head>{remote}</head><body></body></html>",
        docs / "validations" / "run" / "a.html": f"<html><head>{remote}</head></html>",
    }
    for page, text in pages.items():
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
    real_replace = os.replace
    calls: list[str] = []

    def fail_second(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_second)
    with pytest.raises(KeyboardInterrupt):
        finish_docs(str(docs))
    first, second = (Path(c) for c in calls)
    assert remote not in first.read_text(encoding="utf-8")  # rewritten whole
    assert second.read_text(encoding="utf-8") == pages[second]  # untouched, not half-written
    assert _leftovers(docs) == []

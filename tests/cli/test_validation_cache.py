"""The suite validation cache (scrapegate.validcache): a suite file that passed schema
validation is not validated again, and the cache never changes a verdict or a message."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import scrapegate.suite
from scrapegate.cli import main

SUITE = """\
suite: cached
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: no site chrome
    check: no_boilerplate
    field: body
    packs: [./site.yaml]
"""

PACK = """\
pack: site
rules:
  - {name: follow, pattern: 'Follow us on Mastodon', examples: ['Follow us on Mastodon']}
"""

DOCS = [
    {"url": "https://n.example/1", "title": "Port reopens", "body": "Ships moved again."},
    {"url": "https://n.example/2", "title": "Rates", "body": "Rates held.\nFollow us on Mastodon"},
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCRAPEGATE_CACHE_DIR", str(tmp_path / "cache"))
    Path("suite.yaml").write_text(SUITE, encoding="utf-8")
    Path("site.yaml").write_text(PACK, encoding="utf-8")
    Path("docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    return tmp_path


def _markers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _count_validations(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """From now on, every validation of a suite against the schema is recorded here."""
    calls: list[object] = []
    real = scrapegate.suite.finite_validator

    def counted(schema: Any) -> Any:
        calls.append(schema)
        return real(schema)

    monkeypatch.setattr(scrapegate.suite, "finite_validator", counted)
    return calls


def _check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a check run, its run time left out."""
    code = main(["check", "docs.jsonl", "--suite", "suite.yaml"])
    out, err = capsys.readouterr()
    return code, re.sub(r"[0-9.]+s\)", "…s)", out), err


def test_a_validated_suite_is_not_validated_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _check(capsys)
    assert first[0] == 1 and "Follow us on Mastodon" in first[1]
    assert len(_markers(project / "cache")) == 1
    validations = _count_validations(monkeypatch)
    assert _check(capsys) == first  # same verdict, same report
    assert validations == []


def test_a_cold_cache_validates(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The converse: without a marker the validator runs (so the test above can fail)."""
    validations = _count_validations(monkeypatch)
    assert _check(capsys)[0] == 1
    assert len(validations) == 1


def test_an_empty_variable_turns_the_cache_off(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCRAPEGATE_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / "xdg"))
    monkeypatch.setenv("HOME", str(project / "home"))
    validations = _count_validations(monkeypatch)
    assert _check(capsys)[0] == 1
    assert _check(capsys)[0] == 1
    assert len(validations) == 2
    assert not (project / "cache").exists()
    assert not (project / "xdg").exists() and not (project / "home").exists()


def test_xdg_cache_home_is_the_default_place(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SCRAPEGATE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / "xdg"))
    assert _check(capsys)[0] == 1
    assert len(_markers(project / "xdg" / "scrapegate")) == 1


def test_a_changed_suite_is_validated_and_reports_its_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(capsys)[0] == 1
    Path("suite.yaml").write_text(SUITE.replace("field: title", "feild: title"), encoding="utf-8")
    code, _, err = _check(capsys)
    assert code == 2
    assert "suite.yaml:5:5: unknown key 'feild'; did you mean 'field'?" in err, err


def test_a_suite_with_errors_says_the_same_every_time(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("suite.yaml").write_text(SUITE.replace("field: title", "mostly: 2\n    field: title"))
    first = _check(capsys)
    assert first[0] == 2 and "suite.yaml:5:13: 2 is greater than the maximum of 1" in first[2], (
        first[2]
    )
    assert _check(capsys) == first
    assert _markers(project / "cache") == []  # only a clean pass is remembered


def test_a_changed_pack_file_is_checked_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(capsys)[0] == 1
    Path("site.yaml").write_text(PACK.replace("'Follow us on Mastodon', ex", "'Follow(', ex"))
    code, _, err = _check(capsys)
    assert code == 2
    assert "suite.yaml:9:13: pack file site.yaml: site.yaml:3:29: pattern 'Follow('" in err, err
    Path("site.yaml").write_text(PACK.replace("Mastodon", "Bluesky"))
    code, out, _ = _check(capsys)
    assert code == 0, out  # the new pack's rule no longer matches the second document


def test_a_corrupt_marker_is_ignored_and_replaced(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _check(capsys)
    (marker,) = _markers(project / "cache")
    good = marker.read_bytes()
    for corrupt in (b"", b"\x00garbage", good[:-1] + b"X", good + b"more"):
        marker.write_bytes(corrupt)
        assert _check(capsys) == first
        assert marker.read_bytes() == good  # validated again, then remembered again
    marker.unlink()
    marker.mkdir()  # not a file at all
    assert _check(capsys) == first


def test_a_cache_that_cannot_be_written_is_ignored(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    in_the_way = project / "not-a-folder"
    in_the_way.write_text("a file where the cache folder would go")
    monkeypatch.setenv("SCRAPEGATE_CACHE_DIR", str(in_the_way))
    first = _check(capsys)
    assert first[0] == 1 and first[2] == ""
    assert _check(capsys) == first


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_a_read_only_cache_folder_is_ignored(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = project / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        first = _check(capsys)
        assert first[0] == 1 and first[2] == ""
        assert _check(capsys) == first
        assert _markers(cache) == []
    finally:
        cache.chmod(0o700)


def test_a_read_only_marker_folder_still_answers(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache written once and then made read-only (a CI cache restored) still saves the
    validation."""
    first = _check(capsys)
    for folder in (project / "cache", *(p for p in (project / "cache").rglob("*") if p.is_dir())):
        folder.chmod(0o500)
    try:
        validations = _count_validations(monkeypatch)
        assert _check(capsys) == first
        assert validations == []
    finally:
        for folder in (project / "cache", *(project / "cache").rglob("*")):
            if folder.is_dir():
                folder.chmod(0o700)


def test_other_validating_code_validates_again(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A marker is for one version of the validating code (an edited checkout, an upgraded
    jsonschema): other code validates the same bytes again."""
    import scrapegate.validcache

    first = _check(capsys)
    monkeypatch.setattr(scrapegate.validcache, "_validator_stamp", lambda: b"other code")
    validations = _count_validations(monkeypatch)
    assert _check(capsys) == first
    assert len(validations) == 1
    assert _check(capsys) == first
    assert len(validations) == 1  # and remembers it for that code
    assert len(_markers(project / "cache")) == 2

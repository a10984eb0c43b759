"""Determinism: the same inputs give byte-identical result JSON, whatever ``--workers``.

Only timing fields may differ. The generated corpus is large enough to be cut into several
slices of one file, with bad records, repeated and missing ids and corpus-check hits spread
across the cuts.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main
from scrapegate.parallel import MIN_SLICE_BYTES

ROOT = Path(__file__).resolve().parents[2]
TIMING = {"duration_s"}

SUITE = """\
suite: determinism
documents:
  id: url
expectations:
  - {name: title present, check: not_empty, field: title}
  - {name: urls unique, check: unique, field: url}
  - {name: no widgets, check: no_boilerplate, field: body, packs: [comment_widgets]}
  - {name: body length, check: length, field: body, min: 20, max: 2000, mostly: 0.9}
  - {name: dated, check: date_parses, field: date, mostly: 0.5, severity: warn}
  - {name: german titles, check: not_empty, field: title, where: {field: lang, equals: de}}
  - {name: enough, check: count, min: 10}
"""


def _corpus(path: Path, size: int) -> None:
    """A JSON Lines file of about ``size`` bytes with trouble spread all through it."""
    rng = random.Random(7)
    lines = []
    written = 0
    index = 0
    while written < size:
        index += 1
        roll = rng.random()
        record: Any = {
            "url": f"https://n.example/{rng.randrange(index + 1) if roll < 0.01 else index}",
            "title": rng.choice(["Port reopens", "", "Hafen offen", None]),
            "body": "word " * rng.randrange(1, 300)
            + rng.choice(["", "\nComments\ncomments powered by Disqus"]),
            "date": rng.choice(["Jul 4, 2025", "04.07.2025", "yesterday-ish", ""]),
            "lang": rng.choice(["en", "de"]),
        }
        if roll > 0.995:
            record.pop("url")
        line = json.dumps(record)
        if 0.01 < roll < 0.012:
            line = line[: len(line) // 2]  # a broken record
        lines.append(line + "\n")
        written += len(lines[-1])
    path.write_text("".join(lines), encoding="utf-8")


def _stable(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key in TIMING:
        data.pop(key, None)
    return data


def _run(argv: list[str], out: Path) -> tuple[int, bytes]:
    code = main([*argv, "--json", str(out), "-q"])
    return code, json.dumps(_stable(out), sort_keys=True).encode()


def test_generated_corpus_gives_the_same_json_for_every_worker_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    _corpus(tmp_path / "docs" / "big.jsonl", 3 * MIN_SLICE_BYTES + 12345)
    (tmp_path / "docs" / "small.csv").write_text(
        "url,title,body,date,lang\nhttps://n.example/1,Dup,word word word word word,,en\n",
        encoding="utf-8",
    )
    base = ["check", "docs", "--suite", "suite.yaml"]
    results = {w: _run([*base, "--workers", w], tmp_path / f"w{w}.json") for w in ("1", "2", "3")}
    capsys.readouterr()
    codes = {code for code, _ in results.values()}
    assert codes == {1}
    first = results["1"][1]
    data = json.loads(first)
    assert data["records"] > data["documents"] > 10_000  # big enough to have been cut
    warnings = " ".join(data["warnings"])
    assert "repeat an earlier 'url'" in warnings and "have no usable 'url'" in warnings
    for workers, (_, blob) in results.items():
        assert blob == first, f"--workers {workers} differs from --workers 1"


def test_shipped_fixtures_give_the_same_json_for_every_worker_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    blobs = {}
    for suite in ("expectations/news.yaml", "expectations/articles.yaml"):
        for workers in ("1", "2"):
            out = tmp_path / f"{Path(suite).stem}-{workers}.json"
            _, blobs[suite, workers] = _run(["check", "--suite", suite, "--workers", workers], out)
        assert blobs[suite, "1"] == blobs[suite, "2"], suite
    capsys.readouterr()


def test_the_same_run_twice_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    argv = ["check", "--suite", "expectations/news.yaml", "--workers", "1"]
    first = _run(argv, tmp_path / "a.json")
    second = _run(argv, tmp_path / "b.json")
    capsys.readouterr()
    assert first == second

"""`scrapegate suggest`: a commented suite drawn from a corpus that lints clean and passes on it."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapegate.cli import main
from scrapegate.strategies import documents_satisfying

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
CORPORA = [
    "news/clean",
    "news/raw",
    "web/site",
    "web/shapes",
    "web/multilingual",
    "web/text_quality",
    "articles.csv",
    "articles.json",
    "articles.jsonl",
    "prose",
]

DATES = [f"2025-07-0{i}" for i in range(1, 8)] + ["04.07.2025", "05.07.2025", "soon"]
FOOTER = "The Harbour Post is published by Quay Press Ltd, 14 Quay Street, Selwyn."


def article(i: int) -> dict[str, Any]:
    body = (
        f"PORT SELWYN (Reuters) - The ferry ran {i + 3} hours late on day {i} after the storm "
        f"closed the harbour mouth for the {i + 1}th time this winter, officials said.\n"
        f"Fishermen said storm number {i} was the worst in years and asked for help.\n"
        f"{FOOTER}\n--Reuters--"
    )
    return {
        "url": f"https://www.harbour-post.example/news/{i}",
        "title": f"Ferry delayed for the {i + 1}th time",
        "date": DATES[i],
        "body": body,
        "section": "news" if i < 8 else None,
    }


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_jsonl(tmp_path / "docs.jsonl", [article(i) for i in range(10)])
    return tmp_path


def expectation(suite: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in suite["expectations"] if e["name"] == name)
    return found


def block_of(text: str, name: str) -> str:
    """The comment lines above an expectation and the expectation itself."""
    blocks = text.split("\n\n")
    return next(b for b in blocks if f"- name: {name}\n" in b)


@pytest.mark.parametrize("corpus_name", CORPORA)
def test_suggested_suite_lints_clean_and_passes_on_its_corpus(
    corpus_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(FIXTURES / corpus_name)
    out = tmp_path / "s.yaml"
    assert main(["suggest", data, "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert re.search(r"wrote \d+ expectations? suggested from \d+ documents", said), said
    assert str(out) in said
    assert main(["lint", str(out)]) == 0
    assert main(["check", data, "--suite", str(out), "--json", str(tmp_path / "r.json")]) == 0
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["passed"] is True
    suite = yaml.safe_load(out.read_text(encoding="utf-8"))
    # Every threshold is applied: each mostly is the measured pass rate rounded down.
    for spec in suite["expectations"]:
        measured = next(e for e in result["expectations"] if e["name"] == spec["name"])
        mostly = spec.get("mostly", 1.0)
        assert mostly <= measured["pass_rate"] < mostly + 0.01 or mostly == 1.0


def test_comments_name_the_evidence_of_each_expectation(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", "docs.jsonl", "-o", "s.yaml"]) == 0
    assert "wrote 13 expectations suggested from 10 documents" in capsys.readouterr().out
    text = Path("s.yaml").read_text(encoding="utf-8")
    suite = yaml.safe_load(text)
    assert suite["suite"] == "s"
    assert "paths" not in suite.get("documents", {})

    # Fields and fill rates.
    assert "#   section: 8/8 of 10 (80% filled); string 8" in text
    assert "#   url: 10/10 of 10 (100% filled); string 10" in text
    # The id field and why.
    assert suite["documents"]["id"] == "url"
    assert (
        "# id field 'url': in all 10 documents, all 10 values distinct; also qualified: "
        "'title', 'date', 'body' (preferred: a name like url, id, guid)" in text
    )
    assert expectation(suite, "url unique") == {
        "name": "url unique",
        "check": "unique",
        "field": "url",
    }

    # Dates: formats seen and parse rate; mostly from the observed rate.
    dates = block_of(text, "date parses as a date")
    assert (
        "# parsed 9 of 10 values (default parser); formats seen: %Y-%m-%d (7), %d.%m.%Y (2)"
        in dates
    )
    assert "# passes on 9 of 10 documents" in dates
    assert expectation(suite, "date parses as a date") == {
        "name": "date parses as a date",
        "check": "date_parses",
        "field": "date",
        "formats": ["%Y-%m-%d", "%d.%m.%Y"],
        "mostly": 0.9,
    }

    # Attribution forms per source.
    credit = block_of(text, "body attribution")
    assert "# Reuters: dateline in 10, trailer in 10" in credit
    assert expectation(suite, "body attribution")["sources"] == ["Reuters"]

    # Lengths from quantiles, with the margin said.
    lengths = block_of(text, "title length")
    assert "# chars: min 30, 1% 30, median 30, 99% 31, max 31 (exact)" in lengths
    assert "# bounds: half the 1st percentile, twice the 99th" in lengths
    assert expectation(suite, "title length") == {
        "name": "title length",
        "check": "length",
        "field": "title",
        "unit": "chars",
        "min": 15,
        "max": 62,
    }
    # A field most documents have: not_empty at the share that has it.
    assert expectation(suite, "section not empty")["mostly"] == 0.8
    # Shipped packs, and the lines the site repeats as candidate templates.
    assert "newsletter_promos" in expectation(suite, "body no boilerplate")["packs"]
    assert suite["documents"]["group_by"] == {"host": "url"}
    assert f"#   10 of 10 documents of harbour-post.example: {FOOTER[:60]}" in text.replace("'", "")
    assert "scrapegate templates docs.jsonl --suite s.yaml -o site-templates.yaml" in text

    assert main(["check", "docs.jsonl", "--suite", "s.yaml"]) == 0
    # The suite is a gate: a corpus worse than the one it came from fails it.
    worse = [article(i) for i in range(10)]
    for record in worse[:3]:
        record["date"] = "Tweet of the Week #67"
    write_jsonl(Path("worse.jsonl"), worse)
    capsys.readouterr()
    assert main(["check", "worse.jsonl", "--suite", "s.yaml"]) == 1
    assert "date parses as a date" in capsys.readouterr().out


def test_stdin_to_stdout(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = Path("docs.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["suggest", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        "13 expectations suggested from 10 documents, 1 candidate template line"
    )
    assert captured.out.startswith(
        "# Suggested by `scrapegate suggest` from 10 documents in <stdin>."
    )
    assert "# Run it: scrapegate check - --suite SUITE.yaml" in captured.out
    Path("s.yaml").write_text(captured.out, encoding="utf-8")
    assert main(["check", "docs.jsonl", "--suite", "s.yaml"]) == 0


def test_stdin_through_the_console_script(corpus: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", "suggest", "-", "-o", "piped.yaml"],
        input=Path("docs.jsonl").read_bytes(),
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert b"wrote 13 expectations" in run.stdout
    assert main(["check", "docs.jsonl", "--suite", "piped.yaml"]) == 0


def test_hostile_names_and_values_stay_inside_comments_and_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    evil = "x\nexpectations: []\n\x1b[31m#"
    records = [
        {evil: f"{evil} {i}", "id: 1": i, "body": f"line {i}\n- name: injected\n{evil}"}
        for i in range(5)
    ]
    write_jsonl(Path("evil.jsonl"), records)
    assert main(["suggest", "evil.jsonl", "-o", "s.yaml"]) == 0
    text = Path("s.yaml").read_text(encoding="utf-8")
    assert "\x1b" not in text
    for line in text.splitlines():
        assert line.isprintable(), line
    suite = yaml.safe_load(text)
    assert f"{evil} not empty" in {e["name"] for e in suite["expectations"]}
    assert not any(e["name"] == "injected" for e in suite["expectations"])
    assert main(["lint", "s.yaml"]) == 0
    assert main(["check", "evil.jsonl", "--suite", "s.yaml"]) == 0


def test_usage_errors_exit_2_and_say_what_to_do(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("empty.jsonl").write_text("", encoding="utf-8")
    assert main(["suggest", "empty.jsonl"]) == 2
    assert "no documents were read from empty.jsonl; nothing to suggest" in capsys.readouterr().err
    Path("bad.jsonl").write_text("{not json\n", encoding="utf-8")
    assert main(["suggest", "bad.jsonl"]) == 2
    assert "from bad.jsonl (1 record unreadable); nothing" in capsys.readouterr().err
    assert main(["suggest", "docs.jsonl", "-o", "s.txt"]) == 2
    assert "-o s.txt: a suite file name ends in .yaml or .yml" in capsys.readouterr().err
    assert main(["suggest", "missing.jsonl"]) == 2
    assert "missing.jsonl: no such file or directory" in capsys.readouterr().err
    assert main(["suggest"]) == 2
    assert "Missing argument 'PATHS...'" in capsys.readouterr().err
    # Read as JSON Lines, a suite in the input folder is an input: never written over.
    Path("d").mkdir()
    write_jsonl(Path("d/docs.jsonl"), [article(i) for i in range(3)])
    Path("d/s.yaml").write_text("kept\n", encoding="utf-8")
    assert main(["suggest", "d", "--format", "jsonl", "-o", "d/s.yaml"]) == 2
    assert "never writes over its inputs" in capsys.readouterr().err
    assert Path("d/s.yaml").read_text(encoding="utf-8") == "kept\n"


def test_no_id_field_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_jsonl(Path("d.jsonl"), [{"site": "a", "n": i % 2} for i in range(4)])
    assert main(["suggest", "d.jsonl", "-o", "s.yaml"]) == 0
    text = Path("s.yaml").read_text(encoding="utf-8")
    assert (
        "# no id field: no field is in every document with every value distinct "
        "(closest: 'n', in 4 of 4 documents, 2 repeated values)" in text
    )
    assert "unique" not in text
    assert main(["check", "d.jsonl", "--suite", "s.yaml"]) == 0


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", "--help"]) == 0
    out = capsys.readouterr().out
    assert "scrapegate suggest fixtures/web/site -o expectations/site.yaml" in out
    assert main(["--help"]) == 0
    assert "suggest" in capsys.readouterr().out


values = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.booleans(),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["2025-07-04", "04.07.2025", "Jul 4, 2025", "soon", "--Reuters--"]),
    st.lists(st.integers(0, 3), max_size=2),
)
records = st.lists(
    st.dictionaries(
        st.sampled_from(["id", "url", "text", "date", "a.b", "", "title\n"]), values, max_size=5
    ),
    min_size=1,
    max_size=8,
)


def check_round_trip(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    data = tmp_path / "d.jsonl"
    out = tmp_path / "s.yaml"
    write_jsonl(data, docs)
    assert main(["suggest", str(data), "-o", str(out)]) == 0
    assert main(["lint", str(out)]) == 0
    assert main(["check", str(data), "--suite", str(out)]) == 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(docs=records)
def test_property_any_small_corpus_passes_its_own_suggestion(
    tmp_path: Path, docs: list[dict[str, Any]]
) -> None:
    check_round_trip(tmp_path, docs)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    docs=st.lists(
        documents_satisfying(str(ROOT / "expectations/articles.yaml")), min_size=1, max_size=6
    )
)
def test_property_generated_articles_pass_their_own_suggestion(
    tmp_path: Path, docs: list[dict[str, Any]]
) -> None:
    check_round_trip(tmp_path, docs)


def test_the_readme_example_is_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### A suite to start from", 1)[1].split("## Commands", 1)[0]
    block = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0] == "scrapegate suggest fixtures/articles.jsonl -o articles-suggested.yaml"
    monkeypatch.chdir(ROOT)
    out = tmp_path / "articles-suggested.yaml"
    assert main(["suggest", "fixtures/articles.jsonl", "-o", str(out)]) == 0
    written = [line.strip() for line in out.read_text(encoding="utf-8").splitlines()]
    shown = [line[1:].strip() for line in block if line.startswith("#   ")]
    assert len(shown) == 6
    for line in shown:
        if line.endswith("..."):
            assert any(w.startswith(line[:-3]) for w in written), line
        else:
            assert line in written, line
    assert block[-1].startswith("scrapegate check fixtures/articles.jsonl --suite articles-")
    assert main(["check", "fixtures/articles.jsonl", "--suite", str(out)]) == 0


def test_unreadable_records_are_said_and_the_suite_still_loads(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Path("docs.jsonl").open("a", encoding="utf-8") as out:
        out.write("{broken\n")
    assert main(["suggest", "docs.jsonl", "-o", "s.yaml"]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 record could not be read; 'records are readable' fails on them" in err
    text = Path("s.yaml").read_text(encoding="utf-8")
    assert "# 1 record could not be read: 'records are readable' fails on them" in text
    assert main(["lint", "s.yaml"]) == 0
    # The suite holds on the documents; the unreadable record alone fails the run, as it must.
    assert main(["check", "docs.jsonl", "--suite", "s.yaml", "--json", "r.json"]) == 1
    result = json.loads(Path("r.json").read_text(encoding="utf-8"))
    failing = [e["name"] for e in result["expectations"] if not e["passed"]]
    assert failing == ["records are readable"]


def test_the_suggested_suite_passes_as_pytest_items(corpus: Path) -> None:
    assert main(["suggest", "docs.jsonl", "-o", "s.yaml"]) == 0
    text = Path("s.yaml").read_text(encoding="utf-8")
    assert "#   or as pytest items: pytest s.yaml --docs docs.jsonl" in text
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "s.yaml",
            "--docs",
            "docs.jsonl",
            "-q",
            "-p",
            "no:randomly",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "14 passed" in run.stdout

"""Documents checked one at a time get the verdicts of one pass over the same documents."""

from __future__ import annotations

from pathlib import Path

import orjson

from scrapegate.incremental import IncrementalRun
from scrapegate.result import RunResult
from scrapegate.runner import run_paths
from scrapegate.suite import load_suite

ROOT = Path(__file__).resolve().parents[2]
FEED = ROOT / "fixtures" / "articles.jsonl"
SUITE = ROOT / "expectations" / "articles.yaml"


def _failures(result: RunResult, sources: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Per expectation, (document, message) pairs, each source spelt one way."""

    def same(message: str) -> str:
        for source, item in sources.items():
            message = message.replace(source, item)
        return message

    return {
        er.name: sorted((str(f.doc), same(f.message)) for f in er.failures)
        for er in result.expectations
    }


def test_one_document_at_a_time_gives_the_verdicts_of_one_pass() -> None:
    suite = load_suite(str(SUITE))
    run = IncrementalRun(suite, "articles")
    failed_now: dict[str, int] = {}
    lines = FEED.read_bytes().splitlines()
    for line in lines:
        verdict = run.add(run.document(orjson.loads(line), url="https://example.com/list"))
        for name in verdict.failed:
            failed_now[name] = failed_now.get(name, 0) + 1
    incremental = run.finish(("articles",))
    one_pass = run_paths(suite, [str(FEED)])
    # Messages quote where a duplicate was first seen: a feed line or an item.
    sources = {
        f"{one_pass.inputs[0]}:{n}": f"https://example.com/list articles:{n}"
        for n in range(len(lines), 0, -1)
    }
    assert _failures(incremental, {}) == _failures(one_pass, sources)
    assert [(e.name, e.evaluated, e.failed) for e in incremental.expectations] == [
        (e.name, e.evaluated, e.failed) for e in one_pass.expectations
    ]
    # Row checks know their verdict as each document arrives; corpus checks at the end.
    assert failed_now == {
        e.name: e.failed
        for e in incremental.expectations
        if e.failed and e.check not in ("unique", "count")
    }
    assert "url unique" not in failed_now


def test_failures_name_the_item_and_its_page_in_arrival_order() -> None:
    suite = load_suite(str(SUITE))
    run = IncrementalRun(suite, "articles")
    for line in FEED.read_bytes().splitlines():
        run.add(run.document(orjson.loads(line), url="https://example.com/list"))
    result = run.finish()
    title = next(e for e in result.expectations if e.name == "title present")
    sources = [f.source for f in title.failures]
    numbers = [int(s.rpartition(":")[2]) for s in sources]
    assert numbers == sorted(numbers)
    assert all(s.startswith("https://example.com/list articles:") for s in sources)


def test_a_document_without_its_id_field_is_named_by_its_source() -> None:
    suite = load_suite(str(SUITE))
    run = IncrementalRun(suite, "shop")
    doc = run.document({"title": "x"})
    assert (doc.id, doc.source) == ("shop:1", "shop:1")
    named = run.document({"url": "https://a.example/1"}, url="https://a.example/")
    assert (named.id, named.source) == ("https://a.example/1", "https://a.example/ shop:2")


def test_a_preview_closes_corpus_checks_without_ending_the_run() -> None:
    suite = load_suite(str(SUITE))
    run = IncrementalRun(suite, "articles")
    lines = FEED.read_bytes().splitlines()
    for line in lines[:60]:
        run.add(run.document(orjson.loads(line)))
    early = run.preview()
    assert next(e for e in early.expectations if e.name == "url unique").failed == 2
    for line in lines[60:]:
        run.add(run.document(orjson.loads(line)))
    late = run.preview()
    assert next(e for e in late.expectations if e.name == "url unique").failed == 3
    # Nothing arrived since the last preview: the run's result is that preview.
    assert run.finish() is late
    assert run.preview() is late

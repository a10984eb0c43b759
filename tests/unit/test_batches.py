"""The engine evaluates documents in batches: verdicts and the result JSON must not depend on
the batch size, and a check's ``batch()`` must agree with its per-value call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scrapegate import engine as engine_module
from scrapegate.registry import CheckContext, get_check
from scrapegate.strategies import article_text, boilerplate_lines, disguised, flattened_page
from tests.helpers import NOW

ROOT = Path(__file__).resolve().parents[2]

# Corpora with what the batches must keep straight: where filters, derived fields, group_by,
# waivers, corpus checks, unreadable lines, several languages.
CASES = [
    ("fixtures/articles.jsonl", "expectations/articles.yaml", ()),
    ("fixtures/gate/head.jsonl", "fixtures/gate/gate.yaml", ()),
    ("fixtures/news/raw", "expectations/news.yaml", ()),
    ("fixtures/web/multilingual/pages.jsonl", "expectations/web-text.yaml", ()),
    ("fixtures/web/site/pages.jsonl", "expectations/web-text.yaml", ("--group-by", "host:url")),
]


def _run(tmp_path: Path, data: str, suite: str, extra: tuple[str, ...], batch: str) -> Any:
    out = tmp_path / f"result-{batch}.json"
    env = {**os.environ, "SCRAPEGATE_BATCH_DOCUMENTS": batch}
    env.pop("SCRAPEGATE_TIMINGS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", "check", data, "--suite", suite,
         "--json", str(out), "-q", "--workers", "1", *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    result.pop("duration_s", None)
    return proc.returncode, result


@pytest.mark.parametrize(("data", "suite", "extra"), CASES, ids=[c[0] for c in CASES])
def test_the_result_does_not_depend_on_the_batch_size(
    tmp_path: Path, data: str, suite: str, extra: tuple[str, ...]
) -> None:
    one = _run(tmp_path, data, suite, extra, "1")
    assert _run(tmp_path, data, suite, extra, "3") == one
    assert _run(tmp_path, data, suite, extra, "256") == one


def test_a_batch_smaller_than_the_input_gives_the_whole_run_s_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In process, to see batches close mid-run and at the end with a partial batch.
    from scrapegate.loaders import Input, read_input
    from scrapegate.suite import load_suite

    suite = load_suite(str(ROOT / "expectations/articles.yaml"), now=NOW)
    data = str(ROOT / "fixtures/articles.jsonl")

    def run(size: int) -> dict[str, Any]:
        monkeypatch.setenv(engine_module.BATCH_ENV, str(size))
        records = read_input(Input(data, "jsonl"), suite.documents.id)
        result = engine_module.run_suite(suite, records, [data], now=NOW).to_json()
        result.pop("duration_s", None)
        return result

    whole = run(10_000)
    assert run(1) == whole
    assert run(5) == whole


def _evaluator(check: str, params: dict[str, Any]) -> Any:
    check_type = get_check(check)
    return check_type.factory(check_type.params(**params), CheckContext(NOW))


def _per_value(evaluator: Any, values: list[str]) -> list[tuple[int, Any]]:
    return [(i, found) for i, value in enumerate(values) if (found := evaluator(value))]


texts = st.lists(
    st.one_of(
        article_text(),
        flattened_page().map(lambda page: page.raw),
        boilerplate_lines().map(lambda lines: "\n".join(lines)),
        disguised(st.sampled_from(["Leave a comment", "Share this article", "Subscribe now"])),
        st.text(max_size=200),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_no_boilerplate_batch_agrees_with_the_per_value_call(values: list[str]) -> None:
    packs = ["comment_widgets", "share_buttons", "newsletter_promos", "portal_chrome"]
    evaluator = _evaluator("no_boilerplate", {"packs": tuple(packs)})
    assert evaluator.batch(values) == _per_value(evaluator, values)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_attribution_batch_agrees_with_the_per_value_call(values: list[str]) -> None:
    evaluator = _evaluator("attribution_present", {"sources": ("Reuters", "AP"), "byline": True})
    values = [*values, "Text.\n--Reuters--", "By Jane Doe\nText."]
    assert evaluator.batch(values) == _per_value(evaluator, values)


def test_the_same_text_twice_in_a_batch_is_judged_twice() -> None:
    # The scan memo is by identity: two equal texts (and one object twice) each get a verdict.
    evaluator = _evaluator("no_boilerplate", {"packs": ("comment_widgets",)})
    text = "Body.\nLeave a comment\n"
    found = evaluator.batch([text, "clean prose", text, "".join(["Body.\n", "Leave a comment\n"])])
    assert [i for i, _ in found] == [0, 2, 3]


def test_a_check_without_batch_is_called_value_by_value(tmp_path: Path) -> None:
    # A third-party check written against the per-value API (no batch method) still works.
    from tests.helpers import docs, suite_from_yaml

    calls: list[str] = []

    def evaluator(value: str) -> list[Any]:
        calls.append(value)
        return []

    suite = suite_from_yaml(
        "suite: s\nexpectations:\n  - {name: t, check: not_empty, field: title}\n"
    )
    eng = engine_module.Engine(suite, NOW)
    running = eng._prepare(False)
    running[0].evaluator, running[0].batch = evaluator, None
    batch = engine_module._Batch()
    for doc in docs([{"title": "a"}, {"title": "b"}, {}]):
        batch.docs.append(doc)
        batch.origins.append({})
        batch.prints.append([])
        batch.numbers.append(-1)
    eng._evaluate_batch(batch, running, None, False)
    assert calls == ["a", "b"]
    assert running[0].failed == 1 and running[0].evaluated == 3


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_bad_batch_size_is_a_usage_error(tmp_path: Path, value: str) -> None:
    env = {**os.environ, "SCRAPEGATE_BATCH_DOCUMENTS": value}
    cmd = [sys.executable, "-m", "scrapegate.cli", "check", "fixtures/articles.jsonl",
           "--suite", "expectations/articles.yaml", "-q"]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert f"SCRAPEGATE_BATCH_DOCUMENTS={value!r} is not a number of documents" in done.stderr
    assert "Traceback" not in done.stderr


def test_timings_are_written_only_when_asked(tmp_path: Path) -> None:
    timings = tmp_path / "timings.json"
    env = {**os.environ, "SCRAPEGATE_TIMINGS": str(timings)}
    cmd = [sys.executable, "-m", "scrapegate.cli", "check", "fixtures/articles.jsonl",
           "--suite", "expectations/articles.yaml", "-q", "--workers", "2"]  # fmt: skip
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    intervals = json.loads(timings.read_text())["scan_intervals"]
    assert intervals and all(low <= high for low, high in intervals)
    timings.unlink()
    env.pop("SCRAPEGATE_TIMINGS")
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    assert not timings.exists()


def test_covered_is_the_length_of_the_union() -> None:
    from scrapegate.timings import covered

    assert covered([]) == 0.0
    assert covered([(0.0, 2.0), (1.0, 3.0), (5.0, 6.0), (5.5, 5.7)]) == 4.0


def test_hit_lists_of_a_batch_stay_bounded() -> None:
    # The memo that lets checks on one field share a scan must not keep a corpus alive.
    from scrapegate.library.rules import SharedScan

    shared = SharedScan()
    shared.register(["(?i)comment", "(?i)share"])
    for start in range(0, 10_000, 500):
        shared.hits_batch([f"text {i} comment" for i in range(start, start + 500)])
    assert len(shared._memo) <= shared._memo.size

"""--engine spark and scrapegate.spark: the native engine's verdicts, scanned in Spark tasks.

Every test shares one local[2] SparkSession (tests/spark/conftest.py) and runs a job or two.
The differential tests compare whole result JSONs (minus the run's duration) of the native
and the Spark engine on every bundled fixture corpus and on generated corpora.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapegate.cli import main
from scrapegate.engine import run_suite
from scrapegate.errors import UsageError
from scrapegate.loaders import resolve_inputs
from scrapegate.result import RunResult
from scrapegate.strategies import documents_satisfying, documents_violating
from scrapegate.suite import load_suite
from tests.helpers import docs, suite_from_yaml

ROOT = Path(__file__).resolve().parents[2]
# Every bundled fixture corpus, read from the paths its suite names.
FIXTURE_SUITES = [
    ["expectations/articles.yaml"],
    ["expectations/articles.yaml", "--clean"],  # the cleaners travel to the executors too
    ["expectations/news.yaml"],
    ["expectations/web-text.yaml"],
    ["fixtures/gate/gate.yaml"],
]

SUITE = """\
suite: spark-demo
documents:
  id: url
expectations:
  - name: title present
    check: not_empty
    field: title
  - name: url unique
    check: unique
    field: url
  - name: url is https
    check: matches
    field: url
    pattern: '^https://'
"""

RECORDS = [
    {"url": "https://a.example/1", "title": "One"},
    {"url": "https://a.example/2", "title": ""},
    {"url": "http://a.example/3", "title": "Three"},
    {"url": "https://a.example/1", "title": "Again"},
]


def comparable(data: dict[str, Any]) -> dict[str, Any]:
    """A result JSON without what differs between two runs of the same suite: the timing."""
    return {k: v for k, v in data.items() if k not in ("duration_s", "generated_at")}


def verdicts(result: RunResult) -> dict[str, list[tuple[str | None, str]]]:
    """Per expectation: the failing documents and their messages, in order."""
    return {er.name: [(f.doc, f.message) for f in er.failures] for er in result.expectations}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def test_validate_gives_the_native_verdicts_for_a_dataframe(spark: Any) -> None:
    from scrapegate.spark import validate

    suite = suite_from_yaml(SUITE)
    df = spark.createDataFrame(RECORDS, "url string, title string").coalesce(1)
    result = validate(df, suite)
    native = run_suite(suite, docs(RECORDS))
    assert verdicts(result) == {
        "records are readable": [],
        "title present": [("https://a.example/2", "value is blank (0 whitespace characters)")],
        "url unique": [
            (
                "https://a.example/1",
                "duplicate value 'https://a.example/1', first seen at dataframe/part-00000:1",
            )
        ],
        "url is https": [
            ("http://a.example/3", "value 'http://a.example/3' does not match '^https://'")
        ],
    }
    # The same messages as the native engine (whose documents are named cases.jsonl:N).
    assert {n: [m for _, m in v] for n, v in verdicts(result).items() if n != "url unique"} == {
        n: [m for _, m in v] for n, v in verdicts(native).items() if n != "url unique"
    }
    assert result.documents == 4


def test_validate_across_partitions_finds_a_duplicate_in_another_partition(spark: Any) -> None:
    from scrapegate.spark import validate

    df = spark.createDataFrame(RECORDS, "url string, title string").repartition(3)
    result = validate(df, suite_from_yaml(SUITE))
    unique = next(er for er in result.expectations if er.name == "url unique")
    assert [f.doc for f in unique.failures] == ["https://a.example/1"]
    assert result.documents == 4


def test_failures_df_and_the_parquet_dataset_hold_every_failure(spark: Any, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from scrapegate.spark import FAILURE_COLUMNS, failures_df, validate

    df = spark.createDataFrame(RECORDS, "url string, title string").coalesce(1)
    out = tmp_path / "failures"
    with pytest.raises(UsageError, match="the suite has no 'cleaners:' pipeline"):
        validate(df, suite_from_yaml(SUITE), clean=True)
    result = validate(df, suite_from_yaml(SUITE), failures_path=str(out))
    frame = failures_df(result, spark)
    assert tuple(frame.columns) == FAILURE_COLUMNS
    rows = sorted(tuple(r) for r in frame.collect())
    assert len(rows) == 3
    expected = sorted(
        (
            f["doc"],
            f["source"],
            f["field"],
            er["name"],
            f["message"],
            f["start"],
            f["end"],
            f["snippet"],
        )
        for er in result.to_json()["expectations"]
        for f in er["failures"]
    )
    assert rows == expected
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert sorted(table.column("expectation").to_pylist()) == [
        "title present",
        "url is https",
        "url unique",
    ]


@pytest.mark.parametrize("suite_args", FIXTURE_SUITES, ids=" ".join)
def test_spark_engine_writes_the_native_result_on_every_fixture(
    spark: Any,
    suite_args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    native_json, spark_json = tmp_path / "native.json", tmp_path / "spark.json"
    base = ["check", "--suite", *suite_args, "--max-failures", "0"]
    native_code, native_out = run_cli([*base, "--json", str(native_json)], capsys)
    spark_code, spark_out = run_cli([*base, "--engine", "spark", "--json", str(spark_json)], capsys)
    assert spark_code == native_code
    native = json.loads(native_json.read_text())
    ran = json.loads(spark_json.read_text())
    assert comparable(ran) == comparable(native)

    # The terminal summary too, but for the duration on its last lines.
    def summary(out: str) -> list[str]:
        return [line for line in out.splitlines() if not line.startswith(("PASSED", "FAILED"))]

    assert summary(spark_out) == summary(native_out)


def test_spark_engine_on_a_split_jsonl_file_keeps_file_line_sources(
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from scrapegate import parallel

    # Small slices, so that the file is cut into several line-aligned ranges (several tasks).
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 2048)
    monkeypatch.chdir(tmp_path)
    lines = [
        json.dumps({"url": f"https://a.example/{i % 150}", "title": "" if i % 97 == 5 else "t"})
        for i in range(300)
    ]
    Path("crawl.jsonl").write_text("\n".join(lines) + "\n")
    Path("suite.yaml").write_text(SUITE)
    assert len(parallel.plan(resolve_inputs(["crawl.jsonl"]), 2)) > 1
    base = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--max-failures", "0"]
    native_code, _ = run_cli([*base, "--workers", "1", "--json", "native.json"], capsys)
    spark_code, _ = run_cli([*base, "--engine", "spark", "--json", "spark.json"], capsys)
    assert spark_code == native_code == 1
    native = json.loads(Path("native.json").read_text())
    ran = json.loads(Path("spark.json").read_text())
    assert comparable(ran) == comparable(native)
    unique = next(e for e in ran["expectations"] if e["name"] == "url unique")
    assert unique["failed"] == 150
    assert unique["failures"][0]["source"] == "crawl.jsonl:151"
    assert unique["failures"][0]["message"].endswith("first seen at crawl.jsonl:1")


def test_file_urls_are_read_by_spark_with_file_and_line_sources(
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("crawl.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n{not json\n")
    Path("suite.yaml").write_text(SUITE)
    url = (tmp_path / "crawl.jsonl").as_uri()
    code, out = run_cli(
        ["check", url, "--suite", "suite.yaml", "--engine", "spark", "--json", "r.json"], capsys
    )
    assert code == 1
    data = json.loads(Path("r.json").read_text())
    by_name = {e["name"]: e for e in data["expectations"]}
    assert data["documents"] == 4
    shown = url.replace("file:///", "file:/")  # how Hadoop spells a local file's URL
    assert [f["source"] for f in by_name["records are readable"]["failures"]] == [f"{shown}:5"]
    assert [f["source"] for f in by_name["title present"]["failures"]] == [f"{shown}:2"]
    assert [f["source"] for f in by_name["url unique"]["failures"]] == [f"{shown}:4"]
    assert "FAIL 'url unique'" in out


def test_routing_and_sample_are_refused_with_the_spark_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("crawl.jsonl").write_text(json.dumps(RECORDS[0]) + "\n")
    Path("suite.yaml").write_text(SUITE)
    base = ["check", "crawl.jsonl", "--suite", "suite.yaml"]
    assert main([*base, "--engine", "spark", "--quarantine", "q.jsonl"]) == 2
    assert "do not work with --engine spark yet" in capsys.readouterr().err
    assert main([*base, "--spark-master", "local[1]"]) == 2
    assert "--spark-master needs --engine spark" in capsys.readouterr().err
    assert not Path("q.jsonl").exists()


ARTICLES = load_suite(str(ROOT / "expectations/articles.yaml"))
ROW_EXPECTATIONS = [
    e.name for e in ARTICLES.expectations if e.check not in ("unique", "count", "repeated_lines")
]


@st.composite
def corpora(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A small corpus for the articles suite: passing documents and documents failing one
    expectation each, some of them repeated (unique fails the repeats)."""
    size = draw(st.integers(1, 6))
    records: list[dict[str, Any]] = []
    for _ in range(size):
        name = draw(st.sampled_from([None, *ROW_EXPECTATIONS]))
        strategy = (
            documents_satisfying(ARTICLES) if name is None else documents_violating(ARTICLES, name)
        )
        records.append(draw(strategy))
    if draw(st.booleans()):
        records.append(dict(records[0]))
    return records


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(corpus=corpora())
def test_spark_engine_matches_native_on_generated_corpora(
    spark: Any, corpus: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    from scrapegate.runner import run_paths
    from scrapegate.spark import run_spark

    folder = tmp_path_factory.mktemp("generated")
    path = folder / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, default=str) + "\n" for r in corpus))
    native = run_paths(ARTICLES, [str(path)], workers=1)
    ran = run_spark(ARTICLES, [str(path)])
    assert verdicts(ran) == verdicts(native)
    assert comparable(ran.to_json()) == comparable(native.to_json())


def test_the_spark_submit_script_runs_check_with_the_spark_engine(
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import runpy

    import scrapegate.spark_submit as script

    monkeypatch.chdir(tmp_path)
    Path("crawl.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    Path("suite.yaml").write_text(SUITE)
    # As spark-submit runs it: a file, run as __main__, its arguments scrapegate's.
    monkeypatch.setattr(
        "sys.argv",
        [script.__file__, "check", "crawl.jsonl", "--suite", "suite.yaml", "--json", "r.json"],
    )
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(script.__file__, run_name="__main__")
    assert exited.value.code == 1
    assert "FAIL 'url unique'" in capsys.readouterr().out
    data = json.loads(Path("r.json").read_text())
    assert [e["failed"] for e in data["expectations"]] == [0, 1, 1, 1]
    assert script.submitted_args(["check", "x", "--engine", "native"]) == [
        "check",
        "x",
        "--engine",
        "native",
    ]


def test_gzipped_jsonl_parquet_and_csv_urls_are_read_by_spark(
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gzip

    import pyarrow as pa
    import pyarrow.parquet as pq

    monkeypatch.chdir(tmp_path)
    Path("suite.yaml").write_text(SUITE)
    with gzip.open("crawl.jsonl.gz", "wt") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in RECORDS))
    pq.write_table(pa.Table.from_pylist(RECORDS), "crawl.parquet")
    Path("crawl.csv").write_text(
        "url,title\n" + "".join(f"{r['url']},{r['title']}\n" for r in RECORDS)
    )
    # The native loaders' numbering: JSON Lines and Parquet from 1, CSV from 2 (the header).
    for name, line in (("crawl.jsonl.gz", 4), ("crawl.parquet", 4), ("crawl.csv", 5)):
        url = (tmp_path / name).as_uri()
        code, out = run_cli(
            ["check", url, "--suite", "suite.yaml", "--engine", "spark", "--json", "r.json"],
            capsys,
        )
        assert code == 1, out
        data = json.loads(Path("r.json").read_text())
        by_name = {e["name"]: e for e in data["expectations"]}
        shown = url.replace("file:///", "file:/")
        assert data["documents"] == 4
        assert [f["source"] for f in by_name["url unique"]["failures"]] == [f"{shown}:{line}"]
        assert [f["doc"] for f in by_name["url is https"]["failures"]] == ["http://a.example/3"]

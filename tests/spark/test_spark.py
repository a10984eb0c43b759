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
from scrapegate.resultfile import schema_problems
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
    ["fixtures/gate/gate.yaml"],  # waivers and per-site views (documents.group_by)
    ["expectations/articles.yaml", "--group-by", "host:url"],
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
            False,
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


def routed_as_given(data: dict[str, Any]) -> dict[str, Any]:
    """A result JSON without its timing, and without the routed files' names."""
    routing = {k: v for k, v in data.get("routing", {}).items() if not k.endswith("_path")}
    return {**comparable(data), "routing": routing}


@pytest.mark.parametrize("suite_args", FIXTURE_SUITES, ids=" ".join)
def test_spark_engine_writes_the_native_result_and_records_on_every_fixture(
    spark: Any,
    suite_args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    base = ["check", "--suite", *suite_args, "--max-failures", "0"]

    def outputs(engine: str) -> list[str]:
        folder = tmp_path / engine
        return [
            *("--json", str(folder / "result.json")),
            *("--quarantine", str(folder / "quarantine.jsonl")),
            *("--passing", str(folder / "passing.jsonl")),
        ]

    native_code, native_out = run_cli([*base, *outputs("native")], capsys)
    spark_code, spark_out = run_cli([*base, "--engine", "spark", *outputs("spark")], capsys)
    assert spark_code == native_code
    native = json.loads((tmp_path / "native/result.json").read_text())
    ran = json.loads((tmp_path / "spark/result.json").read_text())
    assert routed_as_given(ran) == routed_as_given(native)
    # The routed records: the same files, byte for byte (the record sets and their order).
    for name in ("quarantine.jsonl", "passing.jsonl"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "native" / name).read_bytes()
    assert native["routing"]["read"] == native["records"] > 0

    # The terminal summary too, but for the duration and the routed files' names.
    def summary(out: str) -> list[str]:
        return [
            line.replace(str(tmp_path / "spark"), "").replace(str(tmp_path / "native"), "")
            for line in out.splitlines()
            if not line.startswith(("PASSED", "FAILED"))
        ]

    assert summary(spark_out) == summary(native_out)


def dataset_rows(table: Any) -> list[tuple[Any, ...]]:
    """The rows of a Parquet table of failures, sorted."""
    columns = [table.column(name).to_pylist() for name in table.column_names]
    return sorted(zip(*columns, strict=True), key=repr)


def test_the_executors_write_every_failure_and_the_result_keeps_a_sample(
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import pyarrow.parquet as pq

    from scrapegate import spark as spark_module

    monkeypatch.setattr(spark_module, "KEPT_FAILURES", 1)
    monkeypatch.chdir(ROOT)
    base = ["check", "--suite", "fixtures/gate/gate.yaml", "--max-failures", "0", "--json"]
    native_code, _ = run_cli([*base, str(tmp_path / "native.json")], capsys)
    dataset = tmp_path / "failures"
    spark_args = ["--engine", "spark", "--failures-dataset", str(dataset)]
    spark_code, out = run_cli([*base, str(tmp_path / "spark.json"), *spark_args], capsys)
    assert spark_code == native_code == 1
    native = json.loads((tmp_path / "native.json").read_text())
    ran = json.loads((tmp_path / "spark.json").read_text())
    unwaived = {
        e["name"]: sum(not f.get("waived") for f in e["failures"]) for e in native["expectations"]
    }
    assert ran["failures_dataset"] == {
        "path": str(dataset),
        "kept_per_expectation": 1,
        "failures": unwaived,
    }
    # The terminal says how many more failures there are, and where they are.
    most = max(unwaived.values())
    assert most > 1
    assert f"… and {most - 1} more (every failure is in the dataset {dataset})" in out
    assert schema_problems(ran) == []

    # Every count, verdict and waiver is the native run's; the failures listed are a sample.
    def counts(data: dict[str, Any]) -> dict[str, Any]:
        shown = {k: v for k, v in comparable(data).items() if k != "failures_dataset"}
        shown["expectations"] = [
            {k: v for k, v in e.items() if k != "failures"} for e in data["expectations"]
        ]
        return shown

    assert counts(ran) == counts(native)
    for mine, theirs in zip(ran["expectations"], native["expectations"], strict=True):
        unwaived = [f for f in theirs["failures"] if not f.get("waived")]
        waived = [f for f in theirs["failures"] if f.get("waived")]
        assert mine["failures"] == unwaived[:1] + waived
    assert sum(len(e["failures"]) for e in native["expectations"]) > len(native["expectations"])

    # The dataset: every failure of the native JSON, its 'waived' as the JSON marks it.
    every = [
        (
            f["doc"],
            f["source"],
            f["field"],
            e["name"],
            f["message"],
            f["start"],
            f["end"],
            f["snippet"],
            bool(f.get("waived")),
        )
        for e in native["expectations"]
        for f in e["failures"]
    ]
    assert any(row[-1] for row in every)
    assert dataset_rows(pq.read_table(dataset)) == sorted(every, key=repr)


def test_a_sample_over_partitions_is_the_first_failures_in_input_order(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    from scrapegate import spark as spark_module
    from scrapegate.spark import validate

    records = [(f"https://a.example/{i % 5}", "" if i % 3 else "t") for i in range(30)]
    df = spark.createDataFrame(
        spark.sparkContext.parallelize(records, 3), "url string, title string"
    )
    every = validate(df, suite_from_yaml(SUITE))
    monkeypatch.setattr(spark_module, "KEPT_FAILURES", 2)
    sampled = validate(df, suite_from_yaml(SUITE), failures_path=str(tmp_path / "f"))
    for mine, theirs in zip(sampled.expectations, every.expectations, strict=True):
        assert (mine.evaluated, mine.failed) == (theirs.evaluated, theirs.failed)
        assert list(mine.failures) == list(theirs.failures)[:2]
    rows = dataset_rows(pq.read_table(tmp_path / "f"))
    assert len(rows) == sum(len(er.failures) for er in every.expectations) > 6


def test_a_url_destination_is_a_dataset_of_the_native_lines(
    spark: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    base = ["check", "--suite", "fixtures/gate/gate.yaml"]
    native_args = ["--quarantine", str(tmp_path / "q.jsonl"), "--passing", str(tmp_path / "p")]
    native_code, _ = run_cli([*base, *native_args], capsys)
    quarantine, passing = (tmp_path / "quarantine").as_uri(), (tmp_path / "passing").as_uri()
    spark_args = ["--engine", "spark", "--quarantine", quarantine, "--passing", passing]
    spark_code, out = run_cli([*base, *spark_args, "--json", str(tmp_path / "r.json")], capsys)
    assert spark_code == native_code
    routing = json.loads((tmp_path / "r.json").read_text())["routing"]
    assert routing["quarantine_path"] == quarantine
    assert f"to {passing}" in out

    def lines(folder: str) -> list[bytes]:
        parts = sorted((tmp_path / folder).glob("part-*"))
        return [line for part in parts for line in part.read_bytes().splitlines()]

    assert lines("quarantine") == (tmp_path / "q.jsonl").read_bytes().splitlines()
    assert lines("passing") == (tmp_path / "p").read_bytes().splitlines()
    assert routing["quarantined"] + routing["unreadable"] == len(lines("quarantine")) > 0


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


def test_sample_and_a_sampled_result_with_a_baseline_are_refused_with_the_spark_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("crawl.jsonl").write_text(json.dumps(RECORDS[0]) + "\n")
    Path("suite.yaml").write_text(SUITE)
    base = ["check", "crawl.jsonl", "--suite", "suite.yaml"]
    assert main([*base, "--failures-dataset", "f"]) == 2
    assert "--failures-dataset needs --engine spark" in capsys.readouterr().err
    assert main([*base, "--json", "b.json"]) == 0
    spark_args = ["--engine", "spark", "--failures-dataset", "f", "--baseline", "b.json"]
    assert main([*base, *spark_args]) == 2
    assert "--baseline compares every failing document" in capsys.readouterr().err
    Path("other.yaml").write_text(SUITE.replace("spark-demo", "other"))
    both = [*base, "--suite", "other.yaml", "--engine", "spark", "--failures-dataset", "f"]
    assert main(both) == 2
    assert "--failures-dataset f: with 2 suites each needs its own file" in capsys.readouterr().err
    routed_sample = ["--engine", "spark", "--quarantine", "q.jsonl", "--sample", "1"]
    assert main([*base, *routed_sample]) == 2
    assert "--quarantine and --passing route every record read" in capsys.readouterr().err
    assert main([*base, "--spark-master", "local[1]"]) == 2
    assert "--spark-master needs --engine spark" in capsys.readouterr().err
    assert not Path("f").exists()
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

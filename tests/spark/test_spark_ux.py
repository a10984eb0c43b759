"""--engine spark as a user meets it: errors that say what to fix (exit 2, no Java stack
trace), a quiet console, local paths and URLs in one run (with the failure dataset and
routed records), and --sample (with the failure dataset).

The error tests that need no Spark session start none; the others share the one local[2]
session of tests/spark/conftest.py, but for the -q test, which starts its own Java (the
console noise it checks for is printed while Java starts).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main
from tests.spark.test_spark import RECORDS, SUITE, comparable

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def crawl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with suite.yaml and crawl.jsonl (RECORDS: one blank title, one http
    URL, one repeated URL)."""
    monkeypatch.chdir(tmp_path)
    Path("suite.yaml").write_text(SUITE)
    Path("crawl.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return tmp_path


def no_java_trace(err: str) -> None:
    assert "\tat " not in err and "Traceback" not in err and "Exception in thread" not in err


def run(args: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI's exit code, stdout and stderr, file descriptors included (where Java writes)."""
    code = main(args)
    out, err = capfd.readouterr()
    return code, out, err


def without_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if no Spark ran in this process (the tests' shared session may): the next session
    would start Java, so Java and the master are checked first."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkContext, "_active_spark_context", None)
    monkeypatch.setattr(SparkSession, "getActiveSession", staticmethod(lambda: None))
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)


# -- errors found before Spark starts -----------------------------------------------------


def test_missing_local_path_and_file_url_are_usage_errors(
    crawl: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    base = ["--suite", "suite.yaml", "--engine", "spark"]
    code, _, err = run(["check", "nope.jsonl", *base], capfd)
    assert code == 2
    assert "nope.jsonl: no such file or directory" in err
    url = (crawl / "nope.jsonl").as_uri()
    code, _, err = run(["check", "crawl.jsonl", url, *base], capfd)
    assert code == 2
    assert err == (
        f"error: {url}: no such file or directory ({crawl / 'nope.jsonl'}); check the path "
        "(a file:// URL is absolute: file:///home/me/crawl.jsonl)\n"
    )


def test_a_bad_spark_master_is_a_usage_error(
    crawl: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    for master in ("bogus://x", "local[x]", "spark//host:7077"):
        code, _, err = run(
            ["check", "crawl.jsonl", "--suite", "suite.yaml", "--engine", "spark",
             "--spark-master", master],
            capfd,
        )  # fmt: skip
        assert code == 2
        assert err.startswith(f"error: --spark-master '{master}' is not a Spark master URL;")
        assert "spark://HOST:7077" in err
        no_java_trace(err)
    from scrapegate.spark import check_master

    for good in ("local", "local[*]", "local[4]", "local[2,3]", "spark://a:7077,b:7077", "yarn"):
        check_master(good)
    check_master("k8s://https://10.0.0.1:6443")


def test_java_missing_or_too_old_is_a_usage_error(
    crawl: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyspark")
    without_spark(monkeypatch)
    args = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--engine", "spark"]
    monkeypatch.setenv("JAVA_HOME", str(crawl / "no-java"))
    code, _, err = run(args, capfd)
    assert code == 2
    assert f"JAVA_HOME is {crawl / 'no-java'}, which has no bin/java" in err
    assert "openjdk-17-jre-headless" in err
    # A Java 11 installation: its release file says so (as Debian's and Temurin's do).
    old = crawl / "jdk-11"
    (old / "bin").mkdir(parents=True)
    (old / "bin" / "java").write_text("#!/bin/sh\nexit 1\n")
    (old / "bin" / "java").chmod(0o755)
    (old / "release").write_text('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="11.0.21"\n')
    monkeypatch.setenv("JAVA_HOME", str(old))
    code, _, err = run(args, capfd)
    assert code == 2
    assert f"needs Java 17 or later, and JAVA_HOME={old} is Java 11" in err
    monkeypatch.delenv("JAVA_HOME")
    monkeypatch.setenv("PATH", str(crawl / "empty"))
    code, _, err = run(args, capfd)
    assert code == 2
    assert "there is no java on PATH and no JAVA_HOME" in err


def test_pyspark_missing_says_what_to_install(
    crawl: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark raises ImportError
    code, _, err = run(
        ["check", "crawl.jsonl", "--suite", "suite.yaml", "--engine", "spark"], capfd
    )
    assert code == 2
    assert 'pip install "scrapegate[spark]"' in err


@pytest.mark.parametrize(
    ("java", "expected"),
    [
        (
            "java.lang.RuntimeException: java.lang.ClassNotFoundException: Class "
            "org.apache.hadoop.fs.azurebfs.SecureAzureBlobFileSystem not found",
            "abfs:// and abfss:// URLs need Hadoop's connector",
        ),
        (
            "java.lang.ClassNotFoundException: Class org.apache.hadoop.fs.gs."
            "GoogleHadoopFileSystem not found",
            "add the package org.apache.hadoop:hadoop-gcp:",
        ),
        (
            'org.apache.hadoop.fs.UnsupportedFileSystemException: No FileSystem for scheme "s3"',
            "s3:// is not a filesystem Spark knows here (only EMR provides s3://): write the "
            "URL as s3a://",
        ),
        (
            "org.apache.spark.api.python.PythonException: Traceback (most recent call last):\n"
            "ModuleNotFoundError: No module named 'scrapegate'",
            'Spark\'s Python workers cannot import scrapegate: install "scrapegate[spark]"',
        ),
        (
            "java.net.UnknownHostException: namenode",
            "cannot find the host namenode of an input URL",
        ),
        (
            "[PATH_NOT_FOUND] Path does not exist: s3a://bucket/crawl/x.jsonl. SQLSTATE: 42K03",
            "s3a://bucket/crawl/x.jsonl: no such file or folder (Spark found nothing there)",
        ),
        (
            "org.apache.spark.api.python.PythonException: Traceback (most recent call last):\n"
            "scrapegate.errors.UsageError: crawl.jsonl: the file shrank while it was read",
            "crawl.jsonl: the file shrank while it was read",
        ),
    ],
)
def test_spark_errors_a_user_can_fix_say_what_to_do(java: str, expected: str) -> None:
    from scrapegate.spark import user_problem

    message = user_problem(f"An error occurred while calling o37.text.\n: {java}\n\tat x.y(Z)")
    assert message is not None and expected in message


def test_spark_errors_that_are_not_the_users_stay_internal_without_the_java_trace() -> None:
    pytest.importorskip("pyspark")
    from py4j.protocol import Py4JJavaError

    from scrapegate.spark import SparkFailed, spark_errors

    class Raised(Py4JJavaError):
        def __init__(self) -> None:  # no Java object behind it
            Exception.__init__(self)

        def __str__(self) -> str:
            return (
                "An error occurred while calling o9.collect.\n: org.apache.spark.SparkException:"
                " Job aborted due to stage failure: executor lost\n\tat org.apache.X(X.java:1)"
            )

    with pytest.raises(SparkFailed) as failed, spark_errors():
        raise Raised()
    assert str(failed.value) == (
        "org.apache.spark.SparkException: Job aborted due to stage failure: executor lost"
    )
    with pytest.raises(KeyError), spark_errors():  # scrapegate's own errors pass as they are
        raise KeyError("x")


def test_java_that_stops_while_starting_is_explained_in_one_line(crawl: Path) -> None:
    """spark-submit refusing an option of PYSPARK_SUBMIT_ARGS: its reason, not its usage."""
    pytest.importorskip("pyspark")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_GATEWAY")}
    env["PYSPARK_SUBMIT_ARGS"] = "--no-such-option pyspark-shell"
    ran = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", "check", "crawl.jsonl", "--suite",
         "suite.yaml", "--engine", "spark"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert ran.returncode == 2
    assert ran.stderr == (
        "error: Spark could not start: Java exited before it was ready (Error: Unrecognized "
        "option: --no-such-option); check JAVA_HOME, --spark-master and PYSPARK_SUBMIT_ARGS\n"
    )


def test_a_standalone_master_that_never_answers_is_a_usage_error() -> None:
    """Spark retries for a minute, then stops its context: named, not a stopped context."""
    pytest.importorskip("pyspark")
    from scrapegate.spark import _JavaConsole, start_failure

    console = _JavaConsole(quiet=True)
    console.held = ["26/12/08 ERROR StandaloneSchedulerBackend: Application has been killed. "
                    "Reason: All masters are unresponsive! Giving up.\n"]  # fmt: skip
    text = (
        "An error occurred while calling None.org.apache.spark.sql.classic.SparkSession.\n"
        ": java.lang.IllegalStateException: Cannot call methods on a stopped SparkContext."
    )
    error = start_failure(text, console, "spark://10.0.0.9:7077")
    assert str(error).startswith(
        "--spark-master spark://10.0.0.9:7077: no Spark master answered there"
    )
    other = start_failure(": java.lang.OutOfMemoryError: Java heap space", _JavaConsole(True), None)
    assert type(other).__name__ == "SparkFailed"
    assert str(other) == "java.lang.OutOfMemoryError: Java heap space"


# -- errors Spark finds -------------------------------------------------------------------


def test_object_store_errors_are_usage_errors_without_java_traces(
    spark: Any, crawl: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    base = ["--suite", "suite.yaml", "--engine", "spark"]
    code, _, err = run(["check", "s3a://bucket/crawl/x.jsonl", *base], capfd)
    assert code == 2
    assert "s3a:// URLs need Hadoop's connector, which is not on Spark's classpath" in err
    assert "org.apache.hadoop:hadoop-aws:" in err
    assert "PYSPARK_SUBMIT_ARGS='--packages org.apache.hadoop:hadoop-aws:" in err
    no_java_trace(err)
    assert err.count("\n") == 1
    glob = f"file://{crawl}/nothing-*.jsonl"  # as_uri() would escape the star
    code, _, err = run(["check", glob, *base], capfd)
    assert code == 2
    assert "nothing-*.jsonl: no such file or folder (Spark found nothing there)" in err
    no_java_trace(err)


# -- local paths and URLs in one run --------------------------------------------------------


def test_local_paths_and_urls_in_one_run_give_the_native_result(
    spark: Any, crawl: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """crawl.jsonl read locally and again as a URL: the native result of reading it twice,
    the second copy's sources spelt as Spark spells the URL (duplicates across the two)."""
    Path("again.jsonl").write_text(Path("crawl.jsonl").read_text())
    url = (crawl / "again.jsonl").as_uri()
    shown = url.replace("file:///", "file:/")
    base = ["--suite", "suite.yaml", "--max-failures", "0"]
    native_code, _, _ = run(
        ["check", "crawl.jsonl", "again.jsonl", *base, "--json", "n.json"], capfd
    )
    code, out, err = run(
        ["check", "crawl.jsonl", url, *base, "--engine", "spark", "--json", "s.json"], capfd
    )
    assert code == native_code == 1
    assert err == ""
    native = comparable(json.loads(Path("n.json").read_text()))
    ran = comparable(json.loads(Path("s.json").read_text()))
    native["inputs"] = ["crawl.jsonl", url]
    assert json.loads(json.dumps(ran).replace(shown, "again.jsonl")) == native
    unique = next(e for e in ran["expectations"] if e["name"] == "url unique")
    assert f"{shown}:1 (https://a.example/1)" in out
    assert "first seen at crawl.jsonl:1" in unique["failures"][1]["message"]


def test_mixed_inputs_write_the_failure_dataset_and_route_the_records_in_one_fold(
    spark: Any, crawl: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A local path and a URL with --failures-dataset, --quarantine (a local file) and
    --passing (a URL folder): every failure of both inputs in the dataset, duplicates across
    them included, and the native records routed, as from one native run over both files."""
    import pyarrow.parquet as pq

    Path("again.jsonl").write_text(Path("crawl.jsonl").read_text())
    url = (crawl / "again.jsonl").as_uri()
    shown = url.replace("file:///", "file:/")
    base = ["--suite", "suite.yaml", "--max-failures", "0"]
    native_args = ["--json", "n.json", "--quarantine", "nq.jsonl", "--passing", "np.jsonl"]
    native_code, _, _ = run(["check", "crawl.jsonl", "again.jsonl", *base, *native_args], capfd)
    passing = (crawl / "passing").as_uri()
    spark_args = ["--engine", "spark", "--failures-dataset", "failures", "--json", "s.json"]
    routed = ["--quarantine", "q.jsonl", "--passing", passing]
    code, _, err = run(["check", "crawl.jsonl", url, *base, *spark_args, *routed], capfd)
    assert code == native_code == 1
    assert err == ""
    native = json.loads(Path("n.json").read_text())
    ran = json.loads(Path("s.json").read_text())
    assert ran["failures_dataset"]["failures"] == {
        e["name"]: len(e["failures"]) for e in native["expectations"]
    }
    every = sorted(
        (f["doc"], f["source"], e["name"], f["message"])
        for e in native["expectations"]
        for f in e["failures"]
    )
    table = pq.read_table("failures").to_pydict()
    written = sorted(
        (doc, source.replace(shown, "again.jsonl"), name, message.replace(shown, "again.jsonl"))
        for doc, source, name, message in zip(
            table["doc"], table["source"], table["expectation"], table["message"], strict=True
        )
    )
    assert written == every
    assert any("first seen at crawl.jsonl:1" in row[3] for row in written)
    spelt = Path("q.jsonl").read_text().replace(shown, "again.jsonl")
    assert spelt == Path("nq.jsonl").read_text() != ""
    parts = sorted((crawl / "passing").glob("part-*"))
    lines = [line for part in parts for line in part.read_text().splitlines()]
    assert lines == Path("np.jsonl").read_text().splitlines() != []
    counts = ("read", "passing", "quarantined", "unreadable")
    assert [ran["routing"][k] for k in counts] == [native["routing"][k] for k in counts]


# -- --sample -------------------------------------------------------------------------------


def test_sample_checks_the_records_the_native_engine_samples(
    spark: Any, crawl: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import pyarrow.parquet as pq

    from scrapegate import parallel

    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 1024)  # several tasks
    lines = [
        json.dumps({"url": f"https://a.example/{i % 40}", "title": "" if i % 7 == 3 else "t"})
        for i in range(120)
    ]
    Path("crawl.jsonl").write_text("\n".join(lines) + "\n\n{broken\n")
    # count judges the whole crawl (120 records is over 100), not the sample.
    Path("suite.yaml").write_text(SUITE + "  - name: size\n    check: count\n    max: 100\n")
    base = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--sample", "25", "--seed", "7"]
    native_code, _, _ = run([*base, "--json", "n.json"], capfd)
    spark_args = ["--engine", "spark", "--json", "s.json", "--failures-dataset", "failures"]
    code, _, err = run([*base, *spark_args], capfd)
    assert code == native_code == 1
    assert err == ""
    native = comparable(json.loads(Path("n.json").read_text()))
    ran = comparable(json.loads(Path("s.json").read_text()))
    dataset = ran.pop("failures_dataset")
    assert ran == native
    # The dataset holds the sample's failures, and count's of every record (as the result).
    every = {e["name"]: len(e["failures"]) for e in native["expectations"]}
    assert dataset["failures"] == every
    assert pq.read_table("failures").num_rows == sum(every.values())
    assert ran["records"] == 25
    assert ran["sample"] == {"size": 25, "seed": 7}
    size = next(e for e in ran["expectations"] if e["name"] == "size")
    assert size["passed"] is False  # 122 records read, though 25 checked


# -- a quiet console ------------------------------------------------------------------------


def test_quiet_prints_nothing_from_spark_while_it_starts_and_runs(crawl: Path) -> None:
    """A fresh Java (the noise comes while it starts): under -q stderr is empty, stdout holds
    the verdict and the gate's line only."""
    pytest.importorskip("pyspark")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYSPARK_GATEWAY")}
    env.pop("LOG4J_CONFIGURATION_FILE", None)
    ran = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", "check", "crawl.jsonl", "--suite",
         "suite.yaml", "--engine", "spark", "--spark-master", "local[1]", "-q"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert ran.returncode == 1, ran.stderr
    assert ran.stderr == ""
    assert ran.stdout.splitlines()[-2].startswith("FAILED: 3 of 4 expectations failed")
    assert "WARN" not in ran.stdout and "Stage" not in ran.stdout


# -- progress -----------------------------------------------------------------------------


def test_progress_counts_spark_tasks_and_is_off_with_quiet(
    spark: Any, crawl: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    base = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--engine", "spark"]
    code, out, err = run([*base, "--progress"], capfd)
    assert code == 1
    last = err.splitlines()[-1]
    assert re.fullmatch(r"progress: [1-9]\d* Spark tasks? done in \d+ s", last), err
    assert "progress" not in out
    code, _, err = run([*base, "-q"], capfd)  # not a terminal, and quiet: no line
    assert code == 1
    assert err == ""


def test_the_spark_progress_line_counts_the_tasks_of_this_runs_jobs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("pyspark")
    from types import SimpleNamespace

    from pyspark import SparkContext

    from scrapegate.cli.progress import SparkProgressLine

    jobs = {0: [0], 1: [1, 2]}
    stages = {0: (4, 4), 1: (3, 5), 2: (0, 2)}
    tracker = SimpleNamespace(
        getJobIdsForGroup=lambda: list(jobs),
        getJobInfo=lambda job: SimpleNamespace(stageIds=jobs[job]),
        getStageInfo=lambda s: SimpleNamespace(
            numCompletedTasks=stages[s][0], numTasks=stages[s][1]
        ),
    )
    monkeypatch.setattr(SparkContext, "_active_spark_context", None)
    line = SparkProgressLine(io.StringIO(), terminal=False, forced=True)
    assert line.line().startswith("progress: starting Spark (")
    monkeypatch.setattr(
        SparkContext, "_active_spark_context", SimpleNamespace(statusTracker=lambda: tracker)
    )
    line.earlier = {0}  # a job of an earlier run in this process
    assert line.tasks() == (3, 7)
    assert line.line().startswith("progress: 3 of 7 Spark tasks done, ")
    assert line.line(final=True).startswith("progress: 3 Spark tasks done in ")

"""check --quarantine/--passing: every record read lands in exactly one file, none is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import scrapegate.parallel
from scrapegate.cli import main

SUITE = """\
suite: routed
documents:
  id: url
expectations:
  - {name: url unique, check: unique, field: url}
  - {name: title present, check: not_empty, field: title}
  - {name: long enough, check: length, field: body, min: 5, severity: warn}
  - {name: mostly titled, check: length, field: title, max: 20, mostly: 0.5}
"""

# Line 2 fails an error expectation and a warn one, line 3 is not JSON, line 4 repeats
# line 1's url (unique fails it only once line 4 was read), line 6 fails a warn only, line 7
# fails an expectation the run passes by its 'mostly'. Line 5 is blank: not a record.
LINES = [
    '{"url": "a", "title": "T", "body": "hello world", "n": 1.0e3}',
    '{"url":"b","title":"","body":"hi"}',
    "not json",
    '{"url":"a","title":"T2","body":"hello again"}',
    "",
    '{"url":"c","title":"ok","body":"x"}',
    '{"url":"d","title":"a title far longer than twenty","body":"hello"}',
]


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "crawl.jsonl").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return tmp_path


def test_every_record_read_is_passing_quarantined_or_unreadable(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--json", "r.json"]
    code = main([*argv, "--passing", "good.jsonl", "--quarantine", "bad.jsonl"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "routed 6 records read: 2 passing to good.jsonl, "
        "3 quarantined + 1 unreadable to bad.jsonl" in out
    )
    # Passing records are their input lines, byte for byte (1.0e3 stays 1.0e3).
    assert (project / "good.jsonl").read_text(encoding="utf-8") == LINES[0] + "\n" + LINES[5] + "\n"
    bad = read_lines(project / "bad.jsonl")
    assert [b["source"] for b in bad] == [
        "crawl.jsonl:2",
        "crawl.jsonl:3",
        "crawl.jsonl:4",
        "crawl.jsonl:7",
    ]
    assert bad[0]["record"] == {"url": "b", "title": "", "body": "hi"}
    assert bad[0]["doc"] == "b"
    # The warn failure is listed with the error that quarantined the record.
    assert [(f["expectation"], f["severity"]) for f in bad[0]["failed"]] == [
        ("title present", "error"),
        ("long enough", "warn"),
    ]
    assert bad[0]["failed"][0]["message"] == "value is blank (0 whitespace characters)"
    assert bad[1] == {
        "record": None,
        "raw": "not json",
        "source": "crawl.jsonl:3",
        "doc": None,
        "failed": [
            {
                "expectation": "records are readable",
                "check": "readable",
                "field": None,
                "severity": "error",
                "message": "invalid JSON: invalid literal, expected 'null' at column 1; "
                "fix or remove this line",
            }
        ],
    }
    # The duplicate is quarantined although unique fails it only after reading it.
    assert bad[2]["record"] == {"url": "a", "title": "T2", "body": "hello again"}
    assert bad[2]["failed"] == [
        {
            "expectation": "url unique",
            "check": "unique",
            "field": "url",
            "severity": "error",
            "message": "duplicate value 'a', first seen at crawl.jsonl:1",
        }
    ]
    # Failing an error expectation quarantines a record even when the run passes it (mostly).
    assert [f["expectation"] for f in bad[3]["failed"]] == ["mostly titled"]
    routing = json.loads((project / "r.json").read_text(encoding="utf-8"))["routing"]
    assert routing == {
        "read": 6,
        "passing": 2,
        "quarantined": 3,
        "unreadable": 1,
        "quarantine_path": "bad.jsonl",
        "passing_path": "good.jsonl",
    }
    assert routing["passing"] + routing["quarantined"] + routing["unreadable"] == routing["read"]


def test_a_clean_run_writes_every_record_to_passing_and_an_empty_quarantine(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "crawl.jsonl").write_text(LINES[0] + "\n" + LINES[5] + "\n", encoding="utf-8")
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "-q"]
    code = main([*argv, "--passing", "good.jsonl", "--quarantine", "bad.jsonl"])
    assert code == 0
    assert (project / "bad.jsonl").read_bytes() == b""
    assert (project / "good.jsonl").read_bytes() == (project / "crawl.jsonl").read_bytes()
    assert "routed 2 records read: 2 passing to good.jsonl" in capsys.readouterr().out


def test_only_the_quarantine_still_counts_the_passing_records(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "crawl.jsonl", "--suite", "suite.yaml", "--quarantine", "q.jsonl"]) == 1
    assert "2 passing (not written), 3 quarantined + 1 unreadable to q.jsonl" in (
        capsys.readouterr().out
    )
    assert len(read_lines(project / "q.jsonl")) == 4


def test_csv_records_are_written_as_json_lines_of_the_fields_loaded(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "crawl.csv").write_text(
        "url,title,body\na,T,hello world\nb,,hello there\na,T,hello again\n", encoding="utf-8"
    )
    argv = ["check", "crawl.csv", "--suite", "suite.yaml", "--json", "r.json"]
    assert main([*argv, "--passing", "good.jsonl", "--quarantine", "bad.jsonl"]) == 1
    assert read_lines(project / "good.jsonl") == [{"url": "a", "title": "T", "body": "hello world"}]
    bad = read_lines(project / "bad.jsonl")
    assert [(b["source"], b["record"]["url"]) for b in bad] == [
        ("crawl.csv:3", "b"),
        ("crawl.csv:4", "a"),
    ]
    routing = json.loads((project / "r.json").read_text(encoding="utf-8"))["routing"]
    assert (routing["read"], routing["passing"], routing["quarantined"]) == (3, 1, 2)


def test_a_csv_row_with_the_wrong_number_of_cells_keeps_its_text_in_the_quarantine(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "crawl.csv").write_text(
        'url,title,body\na,T,hello world\nb,"Oil, gas",hi,extra\n', encoding="utf-8"
    )
    argv = ["check", "crawl.csv", "--suite", "suite.yaml", "--quarantine", "bad.jsonl"]
    assert main(argv) == 1
    (bad,) = read_lines(project / "bad.jsonl")
    assert (bad["source"], bad["record"], bad["raw"]) == (
        "crawl.csv:3",
        None,
        'b,"Oil, gas",hi,extra',
    )


def test_two_workers_write_the_same_files_as_one(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Tiny slices: two workers cut the file in many parts; duplicates cross the cuts.
    monkeypatch.setattr(scrapegate.parallel, "MIN_SLICE_BYTES", 64)
    monkeypatch.setattr(scrapegate.parallel, "usable_cores", lambda: 2)
    lines = []
    for n in range(60):
        if n % 13 == 5:
            lines.append("{broken")
        else:
            title = "" if n % 7 == 3 else f"title {n}"
            lines.append(json.dumps({"url": f"u{n % 23}", "title": title, "body": "b" * (n % 9)}))
    (project / "crawl.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = {}
    for workers in ("1", "2"):
        argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--workers", workers, "-q"]
        good, bad = f"good{workers}.jsonl", f"bad{workers}.jsonl"
        assert main([*argv, "--passing", good, "--quarantine", bad]) == 1
        outputs[workers] = ((project / good).read_bytes(), (project / bad).read_bytes())
        assert "routed 60 records read: " in capsys.readouterr().out
    assert outputs["1"] == outputs["2"]
    good_lines, bad_lines = (o.splitlines() for o in outputs["1"])
    assert len(good_lines) + len(bad_lines) == 60
    assert any(b'"url unique"' in line for line in bad_lines)


@pytest.mark.parametrize("option", ["--passing", "--quarantine"])
def test_an_output_naming_the_input_is_refused(
    project: Path, option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (project / "crawl.jsonl").read_bytes()
    assert main(["check", "crawl.jsonl", "--suite", "suite.yaml", option, "crawl.jsonl"]) == 2
    assert f"{option} crawl.jsonl" in capsys.readouterr().err
    assert (project / "crawl.jsonl").read_bytes() == before


def test_passing_and_quarantine_in_one_file_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml"]
    assert main([*argv, "--passing", "out.jsonl", "--quarantine", "./out.jsonl"]) == 2
    err = capsys.readouterr().err
    assert "--passing" in err and "--quarantine" in err and "same file" in err
    assert not (project / "out.jsonl").exists()


def test_sample_is_refused_because_records_would_be_lost(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--sample", "2"]
    assert main([*argv, "--passing", "good.jsonl"]) == 2
    assert "drop --sample" in capsys.readouterr().err
    assert not (project / "good.jsonl").exists()


def test_clean_routes_the_records_as_loaded(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The cleaned title passes no_html; the record routed is the one read, markup and all.
    (project / "suite.yaml").write_text(
        SUITE
        + "  - {name: no markup, check: no_html, field: title}\n"
        + "cleaners:\n  - strip_html: {fields: [title]}\n",
        encoding="utf-8",
    )
    record = '{"url":"a","title":"<b>T</b>","body":"hello world"}'
    (project / "crawl.jsonl").write_text(record + "\n", encoding="utf-8")
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--clean", "-q"]
    assert main([*argv, "--passing", "good.jsonl"]) == 0
    assert (project / "good.jsonl").read_text(encoding="utf-8") == record + "\n"


@pytest.mark.parametrize("stdout", ["/dev/stdout", "-"])
def test_a_pipeline_filter_from_stdin_to_stdout(project: Path, stdout: str) -> None:
    """Records on stdout, the report on stderr: the next step reads only passing records."""
    done = subprocess.run(
        [
            *(sys.executable, "-m", "scrapegate.cli", "check", "-", "--suite", "suite.yaml"),
            *("--passing", stdout, "--quarantine", "bad.jsonl"),
        ],
        cwd=project,
        input=(project / "crawl.jsonl").read_bytes(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.decode() == LINES[0] + "\n" + LINES[5] + "\n"
    assert "routed 6 records read: 2 passing to /dev/stdout" in done.stderr.decode()
    assert [b["source"] for b in read_lines(project / "bad.jsonl")] == [
        "<stdin>:2",
        "<stdin>:3",
        "<stdin>:4",
        "<stdin>:7",
    ]


def _check_piped(project: Path, *options: str) -> subprocess.CompletedProcess[bytes]:
    """``scrapegate check crawl.jsonl --suite suite.yaml OPTIONS`` with stdout a pipe."""
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", *options]
    return subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", *argv],
        cwd=project,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize("option", ["--json", "--markdown", "--junit"])
def test_a_report_to_stdout_with_dash_keeps_the_summary_on_stderr(
    project: Path, option: str
) -> None:
    """``--json -`` pipes the report into the next step (jq): stdout holds only the report."""
    done = _check_piped(project, option, "-")
    assert done.returncode == 1, done.stderr
    assert not (project / "-").exists()
    out = done.stdout.decode()
    if option == "--json":
        assert json.loads(out)["suite"] == "routed"
    else:
        assert ("routed" in out) and ("FAILED" not in out)
    assert "FAILED" in done.stderr.decode()


def test_dash_and_dev_stdout_into_one_pipe_are_a_usage_error(project: Path) -> None:
    done = _check_piped(project, "--json", "/dev/stdout", "--passing", "-")
    assert done.returncode == 2
    assert b"--json and --passing both write standard output" in done.stderr
    assert done.stdout == b""


def test_several_outputs_to_dev_null_with_stdout_there_are_allowed(project: Path) -> None:
    # Discarding every output is not mixing them: only a pipe or a file is refused.
    argv = ["--json", "/dev/null", "--junit", "/dev/null"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapegate.cli",
            "check",
            "crawl.jsonl",
            "--suite",
            "suite.yaml",
            *argv,
        ],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert b"standard output" not in done.stderr


def test_a_closed_stdout_still_gives_the_verdict_as_exit_code(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scrapegate.cli", "check", "crawl.jsonl", "--suite", "suite.yaml"],
        cwd=project,
        stderr=subprocess.PIPE,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1, done.stderr
    assert b"internal error" not in done.stderr


def test_two_outputs_to_stdout_are_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--json", "-", "--passing", "-"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--json and --passing both write standard output" in err
    assert not (project / "-").exists()


def test_the_result_with_routing_matches_the_published_schema(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scrapegate.resultfile import result_schema, schema_problems

    argv = ["check", "crawl.jsonl", "--suite", "suite.yaml", "--json", "r.json", "-q"]
    assert main([*argv, "--quarantine", "bad.jsonl"]) == 1
    data = json.loads((project / "r.json").read_text(encoding="utf-8"))
    assert schema_problems(data) == []
    assert "routing" in result_schema()["properties"]
    assert data["routing"]["passing_path"] is None


def test_a_json_array_element_that_is_not_an_object_is_quarantined_with_its_text(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "crawl.json").write_text(
        '[{"url":"a","title":"T","body":"hello world"},\n'
        '{"url":"a","title":"T","body":"hello"}, 5]\n',
        encoding="utf-8",
    )
    argv = ["check", "crawl.json", "--suite", "suite.yaml", "-q"]
    assert main([*argv, "--passing", "good.jsonl", "--quarantine", "bad.jsonl"]) == 1
    assert "routed 3 records read: 1 passing to good.jsonl, 1 quarantined + 1 unreadable" in (
        capsys.readouterr().out
    )
    assert read_lines(project / "good.jsonl") == [{"url": "a", "title": "T", "body": "hello world"}]
    duplicate, element = read_lines(project / "bad.jsonl")
    assert duplicate["failed"][0]["expectation"] == "url unique"
    assert (element["record"], element["raw"], element["source"]) == (None, "5", "crawl.json:2")
    assert element["failed"][0]["message"] == "array element 2 is a JSON number, expected an object"


def test_records_written_inside_an_input_folder_are_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The next run over the folder would read them back as input and fail them as copies.
    (project / "crawl").mkdir()
    (project / "crawl.jsonl").rename(project / "crawl" / "a.jsonl")
    code = main(["check", "crawl", "--suite", "suite.yaml", "--passing", "crawl/good.jsonl"])
    assert code == 2
    assert (
        "error: --passing crawl/good.jsonl is inside the input folder crawl: the next run over "
        "that folder would read these records back as input; write it outside the folder"
    ) in capsys.readouterr().err
    assert not (project / "crawl" / "good.jsonl").exists()

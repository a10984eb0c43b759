"""Whether a run flagged exactly the documents the generator made bad.

Each function compares one kind of output with the truth file of ``bench/generate.py`` and
returns the problems, one line each (an empty list when the run is exact): the result JSON of
``scrapegate check``, pytest's JUnit XML, the floor's record count, and what ``scrapegate
clean`` wrote. Documents are matched by their line in the corpus (``path:line``).
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import orjson

from bench import generate as gen
from bench.measurement import Measured
from bench.paths import ROOT

READABLE = "records are readable"


def _line_of(source: str, data_arg: str) -> int | None:
    prefix = data_arg + ":"
    if source.startswith(prefix) and source[len(prefix) :].isdigit():
        return int(source[len(prefix) :])
    return None


def _want(truth: dict[str, Any], name: str) -> tuple[set[int], set[str]]:
    if name == READABLE:
        return set(truth["unreadable"]), set()
    spec = truth["expectations"][name]
    return set(spec["lines"]), set(spec["urls"])


def _compare(name: str, got: set[int], want: set[int]) -> str | None:
    if got == want:
        return None
    extra, missing = sorted(got - want), sorted(want - got)
    return (
        f"{name!r}: {len(extra)} flagged but clean (lines {extra[:5]}), "
        f"{len(missing)} bad but not flagged (lines {missing[:5]})"
    )


def verify_result_json(path: Path, data_arg: str, truth: dict[str, Any]) -> list[str]:
    """Compare a result JSON with the truth; return the problems (empty when exact)."""
    if not path.is_file():
        return [f"no result JSON at {path}"]
    result = orjson.loads(path.read_bytes())
    problems = []
    if result.get("documents") != truth["documents"]:
        problems.append(f"documents {result.get('documents')} != {truth['documents']}")
    records = result.get("records")
    if records != truth["records"]:
        problems.append(f"records {records} != {truth['records']}")
    by_name = {e["name"]: e for e in result.get("expectations", [])}
    for name in (READABLE, *gen.EXPECTATIONS):
        exp = by_name.get(name)
        if exp is None:
            problems.append(f"expectation {name!r} missing from the result")
            continue
        want_lines, want_urls = _want(truth, name)
        failures = exp.get("failures", [])
        lines = [_line_of(str(f.get("source", "")), data_arg) for f in failures]
        if all(line is not None for line in lines):
            problem = _compare(name, {line for line in lines if line is not None}, want_lines)
        else:  # an engine without line numbers: compare the document ids (urls)
            got_urls = {str(f.get("doc")) for f in failures}
            problem = None if got_urls == want_urls else f"{name!r}: flagged urls differ"
        if problem:
            problems.append(problem)
        if exp.get("failed") != len(want_lines):
            problems.append(f"{name!r}: failed {exp.get('failed')} != {len(want_lines)}")
        expected_evaluated = truth["records"] if name == READABLE else truth["documents"]
        if exp.get("evaluated") != expected_evaluated:
            problems.append(f"{name!r}: evaluated {exp.get('evaluated')} != {expected_evaluated}")
        if name == READABLE and any(not f.get("message") for f in failures):
            problems.append("an unreadable record is reported without a message")
    readable = by_name.get(READABLE)
    if readable is not None and result.get("documents", 0) + readable["failed"] != records:
        problems.append("documents + unreadable != records")
    return problems


_SUMMARY = re.compile(r"\): (\d+) of (\d+) failed")


def verify_junit(path: Path, data_arg: str, truth: dict[str, Any], full: bool) -> list[str]:
    """Compare pytest's JUnit XML with the truth: failed counts, and (``full``) every line."""
    if not path.is_file():
        return [f"no JUnit XML at {path}"]
    cases = {tc.get("name"): tc for tc in ET.parse(path).getroot().iter("testcase")}
    located = re.compile(rf"^  {re.escape(data_arg)}:(\d+)\b", re.MULTILINE)
    problems = []
    for name in (READABLE, *gen.EXPECTATIONS):
        tc = cases.get(name)
        if tc is None:
            problems.append(f"no test item {name!r}")
            continue
        if tc.find("error") is not None or tc.find("skipped") is not None:
            problems.append(f"test item {name!r} errored or was skipped")
            continue
        want_lines, _ = _want(truth, name)
        failure = tc.find("failure")
        text = "" if failure is None else (failure.text or failure.get("message") or "")
        summary = _SUMMARY.search(text)
        failed = int(summary.group(1)) if summary else 0
        if failure is not None and summary is None:
            problems.append(f"{name!r}: failure text without a summary line")
        if failed != len(want_lines):
            problems.append(f"{name!r}: failed {failed} != {len(want_lines)}")
        if full:
            problem = _compare(name, {int(m) for m in located.findall(text)}, want_lines)
            if problem:
                problems.append(problem)
    return problems


def verify_floor(stdout: Path, truth: dict[str, Any]) -> list[str]:
    """Compare the floor's record count (its stdout) with the truth."""
    counts = orjson.loads(stdout.read_bytes())
    problems = []
    if counts["records"] != truth["records"]:
        problems.append(f"read {counts['records']} records, expected {truth['records']}")
    return problems


def verify_clean(
    run: Measured, outdir: Path, report: Path, data: str, truth: dict[str, Any]
) -> tuple[str, str, list[str]]:
    if run.returncode not in (0, 1):
        return "error", f"exit {run.returncode}: {run.tail()}", []
    problems, checks = [], []
    files = sorted(p for p in outdir.rglob("*") if p.is_file())
    total = objects = 0
    unchanged = True
    want = set(truth["unreadable"])
    source = (ROOT / data).open("rb")
    with source:
        for path in files:
            with path.open("rb") as fh:
                for number, line in enumerate(fh, 1):
                    total += 1
                    with contextlib.suppress(orjson.JSONDecodeError):
                        objects += type(orjson.loads(line)) is dict
                    original = source.readline() if len(files) == 1 else b""
                    if number in want and line != original:
                        unchanged = False
    if objects != truth["documents"]:
        problems.append(f"wrote {objects} documents, expected {truth['documents']}")
    elif total == truth["documents"]:
        checks.append(f"wrote the {objects:,} documents and dropped the malformed records")
    elif total == truth["records"] and unchanged:
        checks.append(
            f"wrote the {objects:,} documents and passed the malformed records through unchanged"
        )
    else:
        problems.append(f"wrote {total} lines for {truth['records']} records")
    if report.is_file():
        result = orjson.loads(report.read_bytes())
        readable = {e["name"]: e for e in result.get("expectations", [])}.get(READABLE)
        got = {
            _line_of(str(f.get("source", "")), data) for f in (readable or {}).get("failures", [])
        }
        where = "its --json report"
    else:
        text = run.stdout.read_text(errors="replace") + run.stderr.read_text(errors="replace")
        got = {int(m) for m in re.findall(rf"{re.escape(data)}:(\d+)\b", text)}
        where = "its output"
    if want != got:
        problems.append(
            f"{len(want - got)} malformed records not reported in {where}, "
            f"{len(got - want)} readable ones reported"
        )
    else:
        checks.append(f"all {len(want):,} malformed records reported at path:line in {where}")
    return ("mismatch" if problems else "ok"), "; ".join(problems), checks

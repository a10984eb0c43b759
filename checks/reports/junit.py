"""JUnit XML for CI systems: one testcase per expectation, failure text in the body."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from ..atomic import write_bytes_atomic
from ..escaping import printable
from ..result import RunResult
from ..wording import plural
from .text import describe, waiver_line


def _clean(text: str) -> str:
    # XML 1.0 cannot carry C0 controls, lone surrogates (undecodable file names) or U+FFFE
    # and U+FFFF, whatever the escaping; printable() shows them (and bidi) as visible escapes.
    return printable(text, keep="\n")


def render_junit(results: list[RunResult]) -> bytes:
    """A <testsuites> document with one <testsuite> per run."""
    root = ET.Element("testsuites")
    for result in results:
        failures = sum(1 for e in result.expectations if not e.passed and e.severity == "error")
        problems = result.waiver_problems
        failures += 1 if problems else 0
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_clean(result.suite),
            tests=str(len(result.expectations) + (1 if result.waivers else 0)),
            failures=str(failures),
            errors="0",
            time=f"{result.duration_s:.3f}",
        )
        sample = result.extra.get("sample")
        if isinstance(sample, dict):
            # JUnit wants <properties> before the testcases.
            _sample_properties(suite, sample)
        for er in result.expectations:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_clean(result.suite_path or result.suite),
                name=_clean(er.name),
                time="0",
            )
            if not er.passed:
                tag = "failure" if er.severity == "error" else "system-out"
                node = ET.SubElement(case, tag)
                if tag == "failure":
                    node.set("message", _clean(f"{er.failed} of {er.evaluated} documents failed"))
                node.text = _clean(describe(er, limit=None))
        if result.waivers:
            # Expired and unused waivers fail the run: a testcase of their own says so.
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_clean(result.suite_path or result.suite),
                name="waivers",
                time="0",
            )
            if problems:
                node = ET.SubElement(case, "failure")
                node.set("message", _clean(plural(len(problems), "waiver") + " expired or unused"))
                node.text = _clean("\n".join(problems))
            else:
                ET.SubElement(case, "system-out").text = _clean(
                    "\n".join(waiver_line(w) for w in result.waivers)
                )
        if isinstance(sample, dict):
            # CI pages show a suite's system-out, rarely its properties: say it in words too.
            ET.SubElement(suite, "system-out").text = _clean(_sample_note(sample))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _sample_properties(suite: ET.Element, sample: dict[str, object]) -> None:
    properties = ET.SubElement(suite, "properties")
    for key in ("size", "seed"):
        ET.SubElement(
            properties, "property", name=f"scrapegate.sample.{key}", value=str(sample.get(key))
        )


def _sample_note(sample: dict[str, object]) -> str:
    return (
        f"sampled run (--sample): checked a random sample of {sample.get('size')} records "
        f"(seed {sample.get('seed')}); pass rates are estimates"
    )


def write_junit(results: list[RunResult], path: str) -> None:
    """Write JUnit XML for ``results`` to ``path``."""
    write_bytes_atomic(path, render_junit(results))

"""Every check type's case file, run through the engine, plus the meta-test of completeness.

Case files live beside the checks (``checks/library/cases/<check>.yaml``): named documents
that must pass or fail, with a fragment of the expected message. A case's ``suite_documents``
are the suite's ``documents:`` keys (``language``).
"""

from __future__ import annotations

import inspect
from importlib import resources
from typing import Any

import pytest
import yaml

from scrapegate.registry import builtin_names, get_check
from tests.helpers import one_expectation_suite, run

CASES_DIR = resources.files("scrapegate.library") / "cases"


def _load_cases() -> list[Any]:
    params = []
    for entry in sorted(CASES_DIR.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["check"], case, id=f"{data['check']}: {case['name']}"))
    return params


@pytest.mark.parametrize(("check", "case"), _load_cases())
def test_check_case(check: str, case: dict[str, Any]) -> None:
    suite = one_expectation_suite(check, case["expectation"], documents=case.get("suite_documents"))
    records = case.get("documents") or [case["document"]]
    result = run(suite, records)
    er = result.expectation("case")
    assert er is not None
    if "failing" in case:
        failing = case["failing"]
        if failing == ["corpus"]:
            assert er.failed == 1 and er.failures[0].doc is None, er
        else:
            got = sorted(int(f.source.rsplit(":", 1)[1]) - 1 for f in er.failures)
            assert got == sorted(failing), [f.message for f in er.failures]
        should_pass = not failing
    else:
        should_pass = case["passes"]
        assert er.evaluated == 1
    assert er.passed is should_pass, [f.message for f in er.failures]
    if not should_pass:
        messages = " | ".join(f.message for f in er.failures)
        assert case["message"] in messages


def test_every_builtin_check_has_docstring_examples_schema_and_cases() -> None:
    case_files = {p.name[: -len(".yaml")] for p in CASES_DIR.iterdir() if p.name.endswith(".yaml")}
    for name in builtin_names():
        check = get_check(name)
        doc = check.doc
        assert doc.split("\n", 1)[0].startswith(f"{name}") or f"/ {name}:" in doc.split("\n")[0], (
            f"{name}: docstring must start with the check name"
        )
        for section in ("Passes::", "Fails::"):
            assert section in doc, f"{name}: docstring lacks {section}"
            block = inspect.cleandoc(doc.split(section, 1)[1].split("\n\n", 2)[1])
            example = yaml.safe_load(block)
            assert get_check(example["expectation"]["check"]).module == check.module
        assert isinstance(check.schema, dict), name
        for key, spec in check.schema.items():
            assert "description" in spec, f"{name}.{key} has no description in its schema"
        assert name in case_files, f"{name} has no case file"
        data = yaml.safe_load((CASES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        outcomes = {bool(c.get("passes", not c.get("failing"))) for c in data["cases"]}
        assert outcomes == {True, False}, f"{name} needs passing and failing cases"

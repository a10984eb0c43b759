"""The published JSON Schema of the result (schema_version 1) against real ``--json`` output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from scrapegate.cli import main
from scrapegate.resultfile import result_schema, schema_problems
from tests.cli.test_gate import LEAK, SUITE, doc, write_docs
from tests.golden.test_reports import head_result


def validator() -> Draft202012Validator:
    return Draft202012Validator(result_schema())


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(result_schema())


def undescribed(node: Any, path: str = "schema") -> list[str]:
    """Every property, anywhere in the schema, that lacks a description."""
    missing = []
    if isinstance(node, dict):
        for key, sub in (node.get("properties") or {}).items():
            if "description" not in sub:
                missing.append(f"{path}.{key}")
        for key, value in node.items():
            missing += undescribed(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            missing += undescribed(value, f"{path}[{i}]")
    return missing


def test_every_key_the_result_writes_is_typed_and_described() -> None:
    schema = result_schema()
    data = head_result().to_json()
    expectation = data["expectations"][2]
    assert set(data) <= set(schema["properties"])
    assert set(expectation) <= set(schema["$defs"]["expectation"]["properties"])
    assert set(expectation["failures"][0]) <= set(schema["$defs"]["failure"]["properties"])
    assert set(data["baseline"]) <= set(schema["$defs"]["diff"]["properties"])
    assert undescribed(schema) == []


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def test_real_json_outputs_validate(project: Path) -> None:
    write_docs(project, [doc(1), doc(2, title="")])
    main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"])
    write_docs(project, [doc(1, LEAK), doc(2), doc(3)])
    main(["check", "--suite", "suite.yaml", "--json", "head.json", "--baseline", "base.json",
          "--sample", "2", "-q"])  # fmt: skip
    main(["diff", "base.json", "head.json", "--json", "diff.json"])
    for name in ("base.json", "head.json"):
        data = json.loads(Path(name).read_text(encoding="utf-8"))
        assert list(validator().iter_errors(data)) == [], name
    head = json.loads(Path("head.json").read_text(encoding="utf-8"))
    assert "baseline" in head and "sample" in head
    diff = json.loads(Path("diff.json").read_text(encoding="utf-8"))
    wrapped = {**head, "baseline": diff}
    assert list(validator().iter_errors(wrapped)) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema_version",), 2),
        (("expectations", 0, "severity"), "fatal"),
        (("expectations", 0, "evaluated"), -1),
        (("expectations", 1, "failures", 0, "doc"), 5),
        (("baseline", "expectations", 0, "status"), "moved"),
        (("sample",), {"size": 0, "seed": 1}),
    ],
)
def test_the_schema_rejects_wrong_types(path: tuple[Any, ...], value: Any) -> None:
    data = json.loads(json.dumps(head_result().to_json()))
    data["expectations"][1]["failures"] = [
        {"doc": "d", "source": "f:1", "field": None, "message": "m"}
    ]
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert schema_problems(data) != []


GOOD_FAILURE = {"doc": "d", "source": "f:1", "field": None, "message": "m", "start": 0, "end": 2,
                "snippet": "ab"}  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"doc": None},
        {"doc": 5},
        {"source": None},
        {"message": ["m"]},
        {"field": 1},
        {"start": -1},
        {"end": "2"},
        {"start": True},
        {"snippet": None},
        {"extra_key": "allowed"},
    ],
)
def test_the_fast_failure_check_agrees_with_the_schema(change: dict[str, Any]) -> None:
    from scrapegate.resultfile import _failure_problem

    item = {**GOOD_FAILURE, **change}
    failure_schema = {"$defs": result_schema()["$defs"], "$ref": "#/$defs/failure"}
    by_schema = list(Draft202012Validator(failure_schema).iter_errors(item))
    assert (_failure_problem(item) is None) == (by_schema == [])


def test_a_bad_failure_deep_in_a_long_list_is_still_found() -> None:
    data = json.loads(json.dumps(head_result().to_json()))
    from scrapegate.resultfile import result_problems

    data["expectations"][2]["failures"] = [GOOD_FAILURE] * 50 + [{**GOOD_FAILURE, "doc": 1}]
    assert result_problems(data) == ["expectations.2.failures.50: 'doc' must be a string or null"]

"""YAML loading with marks: robust to a second import of yaml, problems kept on request."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest
import yaml

import scrapegate
from scrapegate.errors import ConfigError
from scrapegate.yamlsource import load_marked

MERGED = """\
base: &base {check: not_empty, field: title}
items:
  - <<: *base
    name: one
    tags: [a, 2]
"""


@pytest.fixture
def fresh_yaml() -> Iterator[None]:
    """Drop yaml (and its C extension's module) from sys.modules, as pytester does."""
    saved = dict(sys.modules)
    saved_attr = scrapegate.yamlsource
    for name in list(sys.modules):
        if name == "yaml" or name.startswith("yaml.") or name == "scrapegate.yamlsource":
            del sys.modules[name]
    try:
        yield
    finally:
        sys.modules.clear()
        sys.modules.update(saved)
        scrapegate.yamlsource = saved_attr


@pytest.mark.usefixtures("fresh_yaml")
def test_yaml_imported_again_still_loads_mappings_lists_and_merges() -> None:
    fresh = importlib.import_module("scrapegate.yamlsource")
    assert fresh.yaml is not yaml  # the scenario: a second yaml, libyaml initialised once
    doc = fresh.load_marked(MERGED, "s.yaml")
    assert doc.data["items"] == [
        {"check": "not_empty", "field": "title", "name": "one", "tags": ["a", 2]}
    ]
    assert doc.value_marks[("items", 0, "tags", 1)] == (5, 15)


def test_duplicate_key_raises_by_default() -> None:
    with pytest.raises(ConfigError) as info:
        load_marked("a: 1\na: 2\n", "s.yaml")
    assert str(info.value) == (
        "s.yaml:2:1: duplicate key 'a' (first defined at line 1); remove one of them in top level"
    )


def test_keep_going_returns_the_data_with_the_duplicate_key_as_a_problem() -> None:
    doc = load_marked("a: 1\nb: 2\na: 3\n", "s.yaml", keep_going=True)
    assert doc.data == {"a": 1, "b": 2}
    assert [str(p) for p in doc.problems] == [
        "s.yaml:3:1: duplicate key 'a' (first defined at line 1); remove one of them in top level"
    ]


def test_keep_going_keeps_a_rejected_value_as_none_with_its_problem() -> None:
    doc = load_marked("when: 2021-02-30\nok: 1\n", "s.yaml", keep_going=True)
    assert doc.data == {"when": None, "ok": 1}
    assert len(doc.problems) == 1
    assert str(doc.problems[0]).startswith("s.yaml:1:7: '2021-02-30' is not a valid timestamp")

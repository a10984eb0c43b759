"""The check registry: third-party checks through the entry point, duplicate names refused."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from scrapegate import registry
from scrapegate.registry import DuplicateCheckError, ParamError, Violation, check
from tests.helpers import run, suite_from_yaml

PLUGIN = '''
"""no_lorem: the field holds no placeholder text."""
from dataclasses import dataclass
from scrapegate.registry import Violation, check

@dataclass(frozen=True)
class NoLoremParams:
    word: str = "lorem ipsum"

@check("no_lorem", params=NoLoremParams,
       schema={"word": {"type": "string", "description": "Placeholder to look for."}})
def no_lorem(params, ctx):
    def evaluate(value):
        at = value.lower().find(params.word)
        return [] if at < 0 else [Violation(f"placeholder {params.word!r}", at, at + 11)]
    return evaluate
'''


@pytest.fixture
def plugin_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    (tmp_path / "my_lorem_checks.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    point = EntryPoint(name="no_lorem", value="my_lorem_checks", group=registry.ENTRY_POINT_GROUP)

    def fake_entry_points(group: str) -> list[EntryPoint]:
        return [point] if group == registry.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    registry._load_plugins.cache_clear()
    yield
    registry._REGISTRY.pop("no_lorem", None)
    sys.modules.pop("my_lorem_checks", None)
    registry._load_plugins.cache_clear()


def test_entry_point_check_runs_in_a_suite(plugin_installed: None) -> None:
    suite = suite_from_yaml(
        "suite: s\nexpectations:\n  - {name: no lorem, check: no_lorem, field: body}\n"
    )
    result = run(suite, [{"body": "Real text."}, {"body": "Lorem ipsum dolor."}])
    er = result.expectation("no lorem")
    assert er is not None and er.failed == 1
    assert er.failures[0].message == "placeholder 'lorem ipsum'"


def test_entry_point_check_keys_are_validated(plugin_installed: None) -> None:
    from scrapegate.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        suite_from_yaml(
            "suite: s\nexpectations:\n  - {name: no lorem, check: no_lorem, field: body, wrod: x}\n"
        )
    assert "unknown key 'wrod'; did you mean 'word'?" in str(info.value)


def test_registering_a_name_twice_from_another_module_is_refused() -> None:
    def factory(params: object, ctx: object) -> object:
        raise ParamError("check", "unused")

    factory.__module__ = "somebody.else"
    with pytest.raises(DuplicateCheckError, match="registered twice"):
        check("not_empty", params=object, schema={})(factory)


def test_violation_is_immutable() -> None:
    v = Violation("x", 1, 2)
    with pytest.raises(AttributeError):
        v.message = "y"  # type: ignore[misc]

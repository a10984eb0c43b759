"""Contracts between files users read: README commands, CI script, shipped JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scrapegate.schema import builtin_schema

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_starts_with_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    assert head.count("```bash") == 2
    install_and_run, install_and_test = readme_commands()
    assert "scrapegate check fixtures/news --suite expectations/news.yaml" in install_and_run
    assert install_and_test.rstrip().endswith("pytest")
    # The docs extra is installed so that tests/docs builds the site instead of failing, the
    # scrapy and spark extras so that the crawl tests (tests/scrapy) and tests/spark run
    # instead of skipping: CI must run them.
    assert '".[test,gx,docs,scrapy,spark]"' in install_and_test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_shipped_suite_schema_is_up_to_date() -> None:
    shipped = json.loads((ROOT / "checks" / "schema" / "suite.schema.json").read_text("utf-8"))
    assert shipped == builtin_schema(), (
        "regenerate with: scrapegate schema > checks/schema/suite.schema.json"
    )


def test_every_schema_property_has_a_description() -> None:
    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                for key, spec in props.items():
                    assert "description" in spec, f"{path}.{key} has no description"
            for key, value in node.items():
                if key != "if":  # a condition, not something a user writes
                    walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(builtin_schema(), "schema")


def test_schema_descriptions_are_markdown_not_restructuredtext() -> None:
    # Editors render descriptions as Markdown: ``x`` and :func:`x` would show their markup.
    text = json.dumps(builtin_schema(), ensure_ascii=False)
    assert "``" not in text
    assert re.search(r":(?:func|class|mod|meth):`", text) is None

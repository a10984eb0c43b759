"""The docs site builds with ``mkdocs build --strict``, and its generated reference is complete.

Every registered check, cleaner and pack has a page with its parameters and cases, and the
CLI page documents every command, lazily loaded ones included. The build needs the ``docs``
extra (README's test command installs it); without it these tests fail and say so rather
than skip, so a CI run cannot pass with the docs unchecked.
"""

from __future__ import annotations

import html
import html.parser
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
import yaml

from scrapegate.cleaners import registry as cleaner_registry
from scrapegate.cli import cli
from scrapegate.packs import available_packs, load_pack
from scrapegate.registry import registry as check_registry

ROOT = Path(__file__).resolve().parents[2]
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


class _Text(html.parser.HTMLParser):
    """The visible text of a page, without scripts, styles and the navigation."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "nav"}:
            self.skip += 1
        elif tag in {"p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "pre", "code", "br"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "nav"}:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


@dataclass(frozen=True)
class Site:
    """A built site: its folder and the build log."""

    root: Path
    log: str

    def text(self, page: str) -> str:
        """The visible text of ``page`` (a path under the site such as ``reference/cli``)."""
        path = self.root / page / "index.html"
        assert path.is_file(), f"no generated page {page}/ in the site"
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return html.unescape("".join(parser.parts))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The site, built once for this module with ``mkdocs build --strict``."""
    missing = [
        name
        for name in ("mkdocs", "material", "mkdocs_gen_files", "mkdocs_click", "pymdownx")
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        pytest.fail(
            f"the docs extra is not installed (missing: {', '.join(missing)}); "
            "run: pip install -e '.[docs]'"
        )
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, **QUIET},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    return Site(out, log)


def _case_names(folder: str, name: str) -> list[str]:
    data = yaml.safe_load((ROOT / "checks" / folder / "cases" / f"{name}.yaml").read_text("utf-8"))
    return [str(case["name"]) for case in data["cases"]]


def test_the_site_builds_in_strict_mode_without_warnings(site: Site) -> None:
    # --strict already aborts on a warning; this names them should a plugin only log them.
    warnings = [line for line in site.log.splitlines() if line.startswith("WARNING -")]
    assert not warnings, "\n".join(warnings)


@pytest.mark.parametrize("name", sorted(check_registry()))
def test_every_check_has_a_page_with_its_keys_and_cases(site: Site, name: str) -> None:
    text = site.text(f"reference/checks/{name}")
    check = check_registry()[name]
    for key, spec in check.schema.items():
        assert key in text, f"parameter {key!r} missing from the page of {name}"
        assert " ".join(str(spec["description"]).split()) in " ".join(text.split())
    for case in _case_names("library", name):
        assert case in text, f"case {case!r} missing from the page of {name}"


@pytest.mark.parametrize("name", sorted(cleaner_registry()))
def test_every_cleaner_has_a_page_with_its_keys_and_cases(site: Site, name: str) -> None:
    text = site.text(f"reference/cleaners/{name}")
    for key, spec in cleaner_registry()[name].keys().items():
        assert key in text, f"parameter {key!r} missing from the page of {name}"
        assert " ".join(str(spec["description"]).split()) in " ".join(text.split())
    for case in _case_names("cleaners", name):
        assert case in text, f"case {case!r} missing from the page of {name}"


@pytest.mark.parametrize("name", available_packs())
def test_every_pack_has_a_page_with_every_rule_and_example(site: Site, name: str) -> None:
    text = site.text(f"reference/packs/{name}")
    assert "matches only a whole line" in " ".join(text.split())
    for rule in load_pack(name).rules:
        assert rule.name in text
        assert rule.compiled_source in text
        for example in rule.examples:
            assert example in text, f"example {example!r} of {rule.qualified_name} missing"


def test_the_reference_indexes_list_every_check_cleaner_and_pack(site: Site) -> None:
    for folder, names in (
        ("checks", check_registry()),
        ("cleaners", cleaner_registry()),
        ("packs", available_packs()),
    ):
        text = site.text(f"reference/{folder}")
        for name in names:
            assert name in text, f"{name} missing from the {folder} index"


def test_the_cli_page_documents_every_command_and_option(site: Site) -> None:
    text = site.text("reference/cli")
    ctx = click.Context(cli, info_name="scrapegate")
    assert isinstance(cli, click.Group)
    names = cli.list_commands(ctx)
    assert {"check", "clean", "diff", "export-gx", "lint", "report", "schema"} <= set(names)
    for name in names:
        command = cli.get_command(ctx, name)
        assert command is not None
        assert f"scrapegate {name} [OPTIONS]" in text, f"usage of {name} missing"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, f"option {opt} of {name} missing from the CLI page"


def test_the_code_layout_page_lists_every_module_with_its_summary(site: Site) -> None:
    import ast

    text = site.text("reference/code")
    for path in sorted((ROOT / "checks").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        assert relative in text, f"{relative} missing from the code layout page"
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc, f"{relative} has no docstring"
        first_words = " ".join(doc.split("\n")[0].replace("``", "").split()[:3])
        assert first_words in " ".join(text.split()), f"summary of {relative} missing"


def test_the_schema_pages_list_every_top_level_key(site: Site) -> None:
    import json

    from scrapegate.schema import builtin_schema

    result = json.loads((ROOT / "checks" / "schema" / "result.schema.json").read_text("utf-8"))
    text = site.text("reference/result-json")
    for key in result["properties"]:
        assert key in text
    for name, spec in result["$defs"].items():
        for key in spec.get("properties", {}):
            assert key in text, f"{name}.{key} missing from the result JSON page"
    text = site.text("reference/suite-json")
    for key in builtin_schema()["properties"]:
        assert key in text


def test_the_nav_has_one_entry_per_generated_reference_page(site: Site) -> None:
    # One click from the menu to any check, cleaner or pack.
    nav = (site.root / "index.html").read_text(encoding="utf-8")
    for name in check_registry():
        assert f"reference/checks/{name}/" in nav
    for name in cleaner_registry():
        assert f"reference/cleaners/{name}/" in nav
    for name in available_packs():
        assert f"reference/packs/{name}/" in nav

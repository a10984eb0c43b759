"""The CLI lives in one package, one module per command, and imports flow one way only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click

from scrapegate.cli import LazyGroup, cli

PACKAGE = Path(__file__).resolve().parents[2] / "checks"
COMMANDS = [
    "check",
    "clean",
    "diff",
    "export-gx",
    "lint",
    "report",
    "save-page",
    "schema",
    "suggest",
    "templates",
]


def _imports(path: Path) -> list[str]:
    """Modules a file imports, resolved against the ``scrapegate`` package."""
    parts = ["scrapegate", *path.relative_to(PACKAGE).with_suffix("").parts]
    package = parts[:-1]  # what `from .` means, in a module and in an __init__ alike
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if node.module:
                found.append(module)
            else:  # `from . import x`: x may be a module or a name of the package
                found.extend(f"{module}.{alias.name}" for alias in node.names)
                found.append(module)
    return found


def test_every_command_is_one_module_of_the_cli_package() -> None:
    assert sorted(LazyGroup.lazy) == COMMANDS
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == COMMANDS
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command)
        assert command.name == name
        assert command.callback is not None
        assert command.callback.__module__.startswith("scrapegate.cli."), name


def test_command_modules_never_import_the_cli_package_itself() -> None:
    offenders = {
        path.name: [m for m in _imports(path) if m == "scrapegate.cli"]
        for path in (PACKAGE / "cli").glob("*.py")
        if path.name not in ("__init__.py", "__main__.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_no_module_outside_the_cli_package_imports_it() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "cli" not in path.relative_to(PACKAGE).parts[:1]
        and any(m == "scrapegate.cli" or m.startswith("scrapegate.cli.") for m in _imports(path))
    ]
    assert offenders == []


def test_listing_every_command_for_help_imports_no_engine_suite_or_gx() -> None:
    heavy = ("great_expectations", "pandas", "pyarrow", "jsonschema", "scrapegate.engine")
    code = (
        "import sys; from scrapegate.cli import main; "
        "assert main(['--help']) == 0; "
        f"loaded = sorted(m for m in sys.modules if m.startswith({heavy!r})); "
        "assert 'scrapegate.cli.export_gx' in sys.modules; "
        "assert loaded == [], loaded"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr

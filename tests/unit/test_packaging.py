"""Packaging: a non-editable install ships every data file the package reads."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_data_file_in_the_package_is_listed_in_package_data() -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["scrapegate"]
    package = ROOT / "checks"
    data = [
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert data, "no data files found: did the package move?"
    missing = [f for f in data if not any(_glob_matches(f, pat) for pat in patterns)]
    assert missing == [], f"add these to [tool.setuptools.package-data]: {missing}"


def _glob_matches(path: str, pattern: str) -> bool:
    """setuptools' glob: ``*`` stays within one folder."""
    parts, globs = path.split("/"), pattern.split("/")
    return len(parts) == len(globs) and all(map(fnmatch.fnmatchcase, parts, globs))


def test_an_spdx_license_string_asks_for_a_setuptools_that_reads_it() -> None:
    assert isinstance(PYPROJECT["project"]["license"], str)
    requires = PYPROJECT["build-system"]["requires"]
    setuptools = next(r for r in requires if r.startswith("setuptools"))
    match = re.fullmatch(r"setuptools>=(\d+)(\.\d+)*", setuptools)
    assert match is not None and int(match.group(1)) >= 77, setuptools


def test_ci_script_names_only_test_files_that_exist() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    named = re.findall(r"tests/[\w/]+\.py", script)
    assert named, "the CI script should say which test keeps it in sync with README"
    assert [n for n in named if not (ROOT / n).is_file()] == []


def test_the_checks_folder_installs_as_the_scrapegate_package() -> None:
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"scrapegate": "checks"}
    folders = sorted(
        ".".join(("scrapegate", *p.parent.relative_to(ROOT / "checks").parts))
        for p in (ROOT / "checks").rglob("__init__.py")
    )
    assert sorted(setuptools["packages"]) == folders, "list every subpackage under packages"


def test_the_import_name_is_scrapegate_everywhere() -> None:
    import importlib.util

    import scrapegate

    assert Path(scrapegate.__file__).parent == ROOT / "checks"
    for name in PYPROJECT["project"]["scripts"].values():
        assert name.startswith("scrapegate."), name
    for name in PYPROJECT["project"]["entry-points"]["pytest11"].values():
        assert name.startswith("scrapegate."), name
    # The source folder is only reachable under its folder name from the checkout root;
    # nothing in the package itself may import it as `checks`.
    sources = (ROOT / "checks").rglob("*.py")
    offenders = [
        str(p.relative_to(ROOT))
        for p in sources
        if re.search(r"^\s*(from|import) checks\b", p.read_text("utf-8"), re.M)
    ]
    assert offenders == []
    assert importlib.util.find_spec("scrapegate.engine") is not None

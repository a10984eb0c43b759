"""README's claims, pinned: the run it shows, the suite it quotes, the checks it lists, the gate.

``pytest tests/docs --update-goldens`` rewrites README's run block from a fresh run after an
intended change of the terminal output; review the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from scrapegate.lint import lint_suites
from scrapegate.registry import builtin_names

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
RUN = "scrapegate check fixtures/news --suite expectations/news.yaml --max-failures 2"
RUN_BLOCK = re.compile(r"```text\n\$ " + re.escape(RUN) + r"\n(.*?)\n```", re.S)


def _scrapegate(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user does, from the repository root, piped."""
    script = shutil.which("scrapegate", path=str(Path(sys.executable).parent))
    assert script, f"no scrapegate console script beside {sys.executable}; pip install -e ."
    # A user's pipe: no colour forced on, whatever the CI environment says.
    env = {k: v for k, v in os.environ.items() if k not in {"FORCE_COLOR", "TTY_COMPATIBLE"}}
    return subprocess.run(
        [script, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _comparable(output: str) -> list[str]:
    """Lines without trailing spaces, with what changes from run to run made constant."""
    output = re.sub(r"\b\d+\.\d+s\)", "TIMEs)", output)
    output = re.sub(r"after today \(\d{4}-\d{2}-\d{2}\)", "after today (TODAY)", output)
    return [line.rstrip() for line in output.strip("\n").split("\n")]


def test_the_run_in_the_readme_is_real_output(request: pytest.FixtureRequest) -> None:
    text = README.read_text(encoding="utf-8")
    match = RUN_BLOCK.search(text)
    assert match, f"README has no ```text block starting with '$ {RUN}'"
    proc = _scrapegate(*RUN.split()[1:])
    assert proc.returncode == 1, proc.stderr
    actual = "\n".join(line.rstrip() for line in proc.stdout.strip("\n").split("\n"))
    if request.config.getoption("--update-goldens"):
        README.write_text(text[: match.start(1)] + actual + text[match.end(1) :], "utf-8")
        return
    assert _comparable(match.group(1)) == _comparable(proc.stdout), (
        "README's run differs from a real run; after an intended change run "
        "`pytest tests/docs --update-goldens` and review the diff"
    )


def _readme_suite() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## A suite\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "README's suite section should hold exactly one YAML block"
    return str(blocks[0])


def test_the_readme_suite_lints_and_is_an_excerpt_of_the_news_suite(tmp_path: Path) -> None:
    excerpt = _readme_suite()
    path = tmp_path / "expectations" / "news.yaml"
    path.parent.mkdir()
    path.write_text(excerpt, encoding="utf-8")
    assert lint_suites([str(path)]) == []
    quoted = yaml.safe_load(excerpt)
    real = yaml.safe_load((ROOT / "expectations" / "news.yaml").read_text(encoding="utf-8"))
    assert quoted["suite"] == real["suite"]
    for key, value in quoted["documents"].items():
        if key != "fields":
            assert real["documents"][key] == value, f"documents.{key} differs from news.yaml"
    for field, spec in quoted["documents"].get("fields", {}).items():
        assert real["documents"]["fields"][field] == spec
    by_name = {e["name"]: e for e in real["expectations"]}
    for expectation in quoted["expectations"]:
        original = {k: v for k, v in by_name[expectation["name"]].items() if k != "description"}
        assert expectation == original, f"{expectation['name']!r} differs from news.yaml"


def test_the_readme_checks_table_lists_every_builtin_check_and_nothing_else() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Checks\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z_]+)` \|", section, re.M)
    assert sorted(listed) == sorted(builtin_names())
    assert len(listed) == len(set(listed))


def test_a_baseline_run_fails_only_on_regressions_unless_told_to_fail_on_failures(
    tmp_path: Path,
) -> None:
    # README and docs/gate.md: with --baseline the default rule is regressions, so an
    # unchanged run that keeps the baseline's failures passes and says why; --fail-on
    # failures fails on them as a plain run does; diff applies the same rule.
    base = tmp_path / "base.json"
    first = _scrapegate(*RUN.split()[1:], "--json", str(base), "-q")
    assert first.returncode == 1, first.stderr
    gated = _scrapegate(*RUN.split()[1:], "--baseline", str(base), "-q")
    assert gated.returncode == 0, gated.stdout + gated.stderr
    readme = README.read_text(encoding="utf-8")
    lines = gated.stdout.splitlines()
    assert lines[1] == "no regression against the baseline"
    assert lines[2] in readme  # the README example is this run's gate line
    assert lines[2].startswith("gate: regressions — 0 documents newly failing")
    strict = _scrapegate(*RUN.split()[1:], "--baseline", str(base), "--fail-on", "failures", "-q")
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert (
        strict.stdout.splitlines()[-1] == "gate: failures — 5 of 6 error expectations failed: FAIL"
    )
    diff = _scrapegate("diff", str(base), str(base))
    assert diff.returncode == 0, diff.stdout + diff.stderr
    strict_diff = _scrapegate("diff", str(base), str(base), "--fail-on", "failures")
    assert strict_diff.returncode == 1, strict_diff.stdout + strict_diff.stderr


def test_the_readme_composed_suite_lints_against_the_news_suite_as_its_base(
    tmp_path: Path,
) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Waivers and composed suites\n", 1)[1].split("\n## ", 1)[0]
    (child,) = re.findall(r"```yaml\n(.*?)```", section, re.S)
    folder = tmp_path / "expectations"
    folder.mkdir()
    (folder / "base.yaml").write_text(_readme_suite(), encoding="utf-8")
    (folder / "child.yaml").write_text(child, encoding="utf-8")
    # Before the example's expiry date it is valid; after it, lint names the waiver.
    assert lint_suites([str(folder / "child.yaml")], now=datetime(2027, 1, 1, tzinfo=UTC)) == []
    late = lint_suites([str(folder / "child.yaml")], now=datetime(2027, 7, 1, tzinfo=UTC))
    assert [p.message.split(";")[0] for p in late] == [
        "waiver for 'date parses' (matches '^fixtures/news/b/') expired on 2027-06-30 "
        "(reason: 'site b has no dates until ticket 41 ships')"
    ]

"""The pytest plugin: every expectation of a suite is a test item.

Suites are collected when passed on the command line (``pytest expectations/news.yaml``), when
found in a folder passed on the command line (``pytest expectations/``: YAML files whose top
level has ``suite:`` and ``expectations:`` keys), or when listed under ``[tool.scrapegate]
suites`` in ``pyproject.toml`` (then a bare ``pytest`` runs them). The engine runs once per
suite, on the first item; each item reports its expectation's verdict. A failing item prints
the failing documents with their evidence, never a Python traceback.
"""

from __future__ import annotations

import linecache
import os
import re
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

# Imported here, while pytest loads its plugins, so that yaml is in the module snapshot that
# pytester restores after each in-process run: otherwise every run imports yaml afresh while
# libyaml's C extension (initialised once per process) keeps building the first import's
# node classes, and suites stop loading from the second run on.
import yaml  # noqa: F401

from .errors import ConfigError, ScrapegateError
from .escaping import printable
from .reports.sites import worst_groups_line
from .reports.text import describe, failure_lines, summary_line
from .result import READABLE_NAME, ExpectationResult, RunResult

if TYPE_CHECKING:  # the comparison is imported only when a baseline is given
    from .resultdiff import ExpectationDiff

SUITE_SUFFIXES = (".yaml", ".yml")
# A folder may hold any YAML; a suite is told apart by its top-level keys, read from the
# start of the file without parsing it (a broken suite is still collected, to report why).
SNIFF_BYTES = 256 * 1024
_TOP_LEVEL_KEY = re.compile(r"^[\"']?(suite|expectations|extends)[\"']?[ \t]*:", re.MULTILINE)
WAIVERS_ITEM = "waivers"
FIRST_FAILURE_CHARS = 160
MORE_HINT = (
    "show more with --scrapegate-max-failures N, or write them all with --scrapegate-json FILE"
)


class ScrapegateWarning(UserWarning):
    """A warn-severity expectation that failed, or a warning from the run."""


class ExpectationFailed(Exception):
    """Raised by an item whose error-severity expectation did not meet ``mostly``, or regressed."""

    def __init__(
        self,
        result: ExpectationResult,
        regression: ExpectationDiff | None = None,
        groups: str = "",
    ) -> None:
        super().__init__(result.name)
        self.result = result
        self.regression = regression
        # Where it fails most, with documents.group_by: one line naming the worst groups.
        self.groups = groups


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--docs`` and the ini/pyproject settings."""
    group = parser.getgroup("scrapegate", "scrapegate: expectations for scraped documents")
    group.addoption(
        "--docs",
        action="append",
        default=[],
        metavar="PATH",
        help="Documents to check instead of each suite's documents.paths (repeatable).",
    )
    group.addoption(
        "--scrapegate-workers",
        type=int,
        default=0,
        metavar="N",
        help="Worker processes per suite run (default 0: all cores).",
    )
    group.addoption(
        "--scrapegate-json",
        metavar="FILE",
        help="Write each suite's result JSON here ({suite} in FILE becomes the suite name).",
    )
    group.addoption(
        "--scrapegate-baseline",
        metavar="FILE",
        help="Compare each suite's result with this stored result JSON ({suite} in FILE "
        "becomes the suite name); by default only expectations that regressed fail.",
    )
    group.addoption(
        "--scrapegate-fail-on",
        choices=("regressions", "failures"),
        default=None,
        help="What fails an expectation's item. regressions (the default with "
        "--scrapegate-baseline): only a regression against the baseline; failures (the "
        "default without): any failing error expectation, and any regression.",
    )
    group.addoption(
        "--scrapegate-tolerance",
        type=float,
        default=0.0,
        metavar="FRACTION",
        help="With --scrapegate-baseline: allowed drop of a pass rate (0.01 = one point).",
    )
    group.addoption(
        "--scrapegate-max-failures",
        type=int,
        default=10,
        metavar="N",
        help="Failures shown per failing expectation (default 10, as scrapegate check; 0: all).",
    )


def configured_suites(rootpath: Path) -> list[str]:
    """Suite paths listed under ``[tool.scrapegate] suites`` in the root's pyproject.toml."""
    pyproject = rootpath / "pyproject.toml"
    if not pyproject.is_file():
        return []
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    suites = data.get("tool", {}).get("scrapegate", {}).get("suites", [])
    return [str(rootpath / s) for s in suites if isinstance(s, str)]


def pytest_configure(config: pytest.Config) -> None:
    """When no paths were given, add the configured suites to what pytest collects."""
    config.addinivalue_line("markers", "scrapegate: an expectation from a scrapegate suite")
    _check_gate_options(config)
    configured = configured_suites(config.rootpath)
    config.stash[_CONFIGURED] = {os.path.abspath(p) for p in configured}
    if configured and config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = [*config.args, *configured]


_CONFIGURED = pytest.StashKey[set[str]]()
# Each suite's gate line, in the order the suites ran, for the terminal summary.
_GATE_LINES = pytest.StashKey[dict[str, str]]()


def _check_gate_options(config: pytest.Config) -> None:
    """The same usage errors as ``scrapegate check``: a rule needing a baseline, a bad tolerance."""
    import math

    fail_on = config.getoption("--scrapegate-fail-on", None)
    baseline = config.getoption("--scrapegate-baseline", None)
    if fail_on == "regressions" and not baseline:
        raise pytest.UsageError(
            "--scrapegate-fail-on regressions needs a baseline to compare with: pass "
            "--scrapegate-baseline FILE, or use --scrapegate-fail-on failures to fail on every "
            "failing expectation"
        )
    tolerance = config.getoption("--scrapegate-tolerance", 0.0)
    if tolerance is not None and not (math.isfinite(tolerance) and 0.0 <= tolerance <= 1.0):
        raise pytest.UsageError(
            f"--scrapegate-tolerance {tolerance!r} is not a number from 0 to 1 (0.01 = one point)"
        )


def fail_on_rule(config: pytest.Config) -> str:
    """``--scrapegate-fail-on``, or its default: regressions with a baseline, else failures."""
    from .gate import default_fail_on

    chosen = config.getoption("--scrapegate-fail-on", None)
    return str(chosen or default_fail_on(bool(config.getoption("--scrapegate-baseline", None))))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One line per suite run: which rule the items were judged by, and why it passed or not."""
    lines = config.stash.get(_GATE_LINES, {})
    if not lines:
        return
    terminalreporter.section("scrapegate gate")
    for suite, line in lines.items():
        terminalreporter.write_line(printable(f"{suite}: {line}"))


def _given(config: pytest.Config) -> list[Path]:
    """The paths named on the command line (not testpaths), made absolute."""
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        return []
    base = config.invocation_params.dir
    return [Path(os.path.abspath(base / arg.split("::")[0])) for arg in config.args]


def _explicit(config: pytest.Config, path: Path) -> bool:
    target = os.path.abspath(path)
    if target in config.stash.get(_CONFIGURED, set()):
        return True
    for arg in config.args:
        candidate = os.path.abspath(arg.split("::")[0])
        if candidate == target:
            return True
    return False


def _in_given_folder(config: pytest.Config, path: Path) -> bool:
    """Whether ``path`` lies in a folder named on the command line.

    Folders pytest reaches through ``testpaths`` or the current directory are not searched:
    a project's tests may hold YAML that only looks like a suite (broken ones, for tests).
    """
    target = Path(os.path.abspath(path))
    return any(given in target.parents for given in _given(config) if given.is_dir())


def looks_like_suite(path: Path) -> bool:
    """Whether a YAML file's top level has ``suite:`` and ``expectations:`` (or ``extends:``)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    found = {m.group(1) for m in _TOP_LEVEL_KEY.finditer(head)}
    return "suite" in found and bool(found & {"expectations", "extends"})


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> SuiteFile | None:
    """Collect a YAML file as a suite: named, configured, or a suite in a named folder."""
    if file_path.suffix not in SUITE_SUFFIXES:
        return None
    config = parent.config
    if _explicit(config, file_path) or (
        _in_given_folder(config, file_path) and looks_like_suite(file_path)
    ):
        return SuiteFile.from_parent(parent, path=file_path)
    return None


class SuiteFile(pytest.File):
    """A suite file: yields one item per expectation, runs the engine once."""

    _result: RunResult | None = None
    _error: ScrapegateError | None = None

    def collect(self) -> Iterator[pytest.Item]:
        """Load and validate the suite; a bad suite is a collection error with its message."""
        from .suite import load_suite

        try:
            self.suite = load_suite(self._display_path())
        except ConfigError as exc:
            raise pytest.Collector.CollectError(printable(str(exc), keep="\n")) from None
        yield ExpectationItem.from_parent(
            self, name=READABLE_NAME, expectation=READABLE_NAME, line=0
        )
        for exp in self.suite.expectations:
            # The test id is shown by pytest itself: escaped; the result is found by the name.
            yield ExpectationItem.from_parent(
                self, name=printable(exp.name), expectation=exp.name, line=exp.location.line
            )
        if self.suite.documents.changes.fail_on:
            yield ChangesItem.from_parent(self, name=CHANGES_ITEM)
        if self.suite.waivers:
            first = self.suite.waivers[0].location
            yield WaiversItem.from_parent(
                self, name=WAIVERS_ITEM, line=first.line if first.path == self.suite.path else 0
            )

    def _display_path(self) -> str:
        try:
            return os.path.relpath(self.path)
        except ValueError:
            return str(self.path)

    def run_once(self) -> RunResult:
        """Run the suite (first call) or return the cached result."""
        if self._error is not None:
            raise self._error
        if self._result is None:
            from .loaders import refuse_overwriting_inputs
            from .runner import input_paths, run_paths

            docs = self.config.getoption("--docs") or None
            workers = self.config.getoption("--scrapegate-workers")
            target = self.config.getoption("--scrapegate-json")
            target = target.replace("{suite}", self.suite.name) if target else None
            try:
                if target:
                    refuse_overwriting_inputs(
                        {"--scrapegate-json": target},
                        input_paths(self.suite, docs),
                        also=[self.suite.path],
                    )
                baseline = self._load_baseline()
                from .fingerprints import watch_for
                from .waivers import apply_waivers

                # As check --baseline: documents are compared as they are read, so the
                # changed-documents item can name them.
                watch = watch_for(self.suite, baseline) if baseline is not None else None
                run = run_paths(self.suite, docs, workers=workers, watch=watch)
                self._result = self._judge(apply_waivers(self.suite, run), baseline)
                if target and self._keeps_baseline(target):
                    # As `check --baseline B --json B`: a regressed result never replaces
                    # its baseline, so that a re-run cannot pass against itself.
                    self._warn_at_suite(
                        f"--scrapegate-json {target} is the baseline and the run regressed "
                        "against it: the baseline was kept"
                    )
                elif target:
                    from .reports.json_report import write_json

                    write_json(self._result, target)
            except ScrapegateError as exc:
                self._error = exc
                raise
            for warning in self._result.warnings:
                self._warn_at_suite(warning)
        return self._result

    def _load_baseline(self) -> RunResult | None:
        """The suite's baseline (``{suite}`` in the path is its name), read before the run."""
        path = self.config.getoption("--scrapegate-baseline")
        if not path:
            return None
        from .baseline import load_result

        return load_result(path.replace("{suite}", self.suite.name))

    def _keeps_baseline(self, target: str) -> bool:
        """Whether ``target`` is this suite's baseline and the run regressed against it."""
        path = self.config.getoption("--scrapegate-baseline")
        result = self._result
        if not path or result is None or not result.extra.get("baseline", {}).get("regressed"):
            return False
        try:
            return os.path.samefile(target, path.replace("{suite}", self.suite.name))
        except OSError:
            return False

    def _judge(self, result: RunResult, baseline: RunResult | None) -> RunResult:
        """Attach the comparison with the baseline and the gate's decision to ``result``."""
        from .gate import attach, decide

        diff = None
        if baseline is not None:
            from .resultdiff import diff_results

            diff = diff_results(baseline, result, self.config.getoption("--scrapegate-tolerance"))
            result = diff.attach(result)
        decision = decide(result, diff, fail_on_rule(self.config))
        self.config.stash.setdefault(_GATE_LINES, {})[self.suite.name] = decision.line
        return attach(result, decision)

    def _warn_at_suite(self, message: str) -> None:
        """Show a run's warning at the suite file (at its line, when it names one)."""
        path = self.suite.path
        line = 1
        own = re.match(re.escape(path) + r":(\d+)(?::\d+)?: ", message)
        if own is not None:
            line, message = int(own.group(1)), message[own.end() :]
        warn_at(message, path, line)


def warn_at(message: str, path: str, line: int) -> None:
    """Warn at ``path:line`` of a suite (warnings.warn would point at this plugin's source)."""
    # The summary quotes the line through linecache: drop what it holds of an older file
    # of the same name (in-process runs in other folders).
    linecache.checkcache(path)
    warnings.warn_explicit(ScrapegateWarning(message), None, path, line)


def warn_message(result: ExpectationResult) -> str:
    """A failed warn expectation in one line: its summary and its first failure."""
    text = summary_line(result)
    if result.failures:
        first = failure_lines(result.failures[0])[0]
        text += f"; first: {first[:FIRST_FAILURE_CHARS]}"
        text += "..." if len(first) > FIRST_FAILURE_CHARS else ""
    return text


def regression_text(regression: ExpectationDiff, listed: int = 10) -> str:
    """Why an item regressed against the baseline, and the documents that newly fail."""
    lines = [printable(f"regressed against the baseline: {regression.reason}")]
    for doc in regression.newly_failing[:listed]:
        lines.append(printable(f"  newly failing: {doc}"))
    more = len(regression.newly_failing) - listed
    if more > 0:
        lines.append(f"  ... and {more} more newly failing (all of them in --scrapegate-json)")
    return "\n".join(lines)


CHANGES_ITEM = "changed documents"


class WaiversFailed(Exception):
    """Raised by the waivers item when a waiver has expired or matched no failure."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class WaiversItem(pytest.Item):
    """The suite's waivers as a test: fails on an expired or unused waiver, as ``check`` does.

    What each waiver accepted is shown as a warning at the waiver: never hidden.
    """

    def __init__(self, *, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.line = line
        self.add_marker("scrapegate")

    def runtest(self) -> None:
        """Warn with what was waived; fail when a waiver expired or matched nothing."""
        from .reports.text import waiver_line

        parent = self.parent
        assert isinstance(parent, SuiteFile)
        result = parent.run_once()
        for status in result.waivers:
            if status.waived:
                path, line = _split_source(status.source, parent.suite.path)
                warn_at("waived " + waiver_line(status), path, line)
        if result.waiver_problems:
            raise WaiversFailed(result.waiver_problems)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """Each expired or unused waiver at its file:line:col, without a traceback."""
        if isinstance(excinfo.value, WaiversFailed):
            return printable("\n".join(excinfo.value.problems), keep="\n")
        if isinstance(excinfo.value, ScrapegateError):
            return printable(f"error: {excinfo.value}", keep="\n")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point at the first waiver in the suite file."""
        suite = self.parent.name if self.parent is not None else ""
        return self.path, max(self.line - 1, 0), f"{suite}::{self.name}"


class ChangesFailed(Exception):
    """Raised by the changed-documents item when a kind in ``documents.changes.fail_on``
    happened against the baseline."""


class ChangesItem(pytest.Item):
    """``documents.changes.fail_on`` as a test: fails, as ``check --baseline`` does, when a
    document present in both runs changed in a kind the suite fails on (body shrank, date
    changed, ...). Without ``--scrapegate-baseline`` there is nothing to compare: it passes.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("scrapegate")

    def runtest(self) -> None:
        """Fail with the changed documents when the comparison says they regressed."""
        from .reports.changes import describe
        from .resultdiff import diff_of

        parent = self.parent
        assert isinstance(parent, SuiteFile)
        diff = diff_of(parent.run_once())
        changes = diff.changes if diff is not None else None
        if changes is None or not changes.regressed:
            return
        lines = [changes.reason]
        failing = [d for d in changes.documents if d.kind in changes.fail_on]
        lines += [f"  {d.doc}: {describe(d)}" for d in failing[:10]]
        if len(failing) > 10:
            lines.append(f"  ... and {len(failing) - 10} more (all of them in --scrapegate-json)")
        raise ChangesFailed("\n".join(lines))

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """The kinds of change and the documents, escaped, without a traceback."""
        if isinstance(excinfo.value, ChangesFailed | ScrapegateError):
            return printable(str(excinfo.value), keep="\n")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point at the suite file."""
        suite = self.parent.name if self.parent is not None else ""
        return self.path, 0, f"{suite}::{self.name}"


def _split_source(source: str, fallback: str) -> tuple[str, int]:
    """``file:line:col`` as (file, line); the suite's first line when it has no line."""
    found = re.match(r"^(.*?):(\d+)(?::\d+)?$", source)
    return (found.group(1), int(found.group(2))) if found else (fallback, 1)


class ExpectationItem(pytest.Item):
    """One expectation of a suite as a test."""

    def __init__(self, *, line: int, expectation: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.line = line
        self.expectation = expectation
        self.add_marker("scrapegate")

    def runtest(self) -> None:
        """Fail when the expectation's error-severity verdict is FAIL."""
        parent = self.parent
        assert isinstance(parent, SuiteFile)
        run = parent.run_once()
        result = run.expectation(self.expectation)
        if result is None:
            raise ScrapegateError(f"expectation {self.name!r} has no result")
        regression = None
        if "baseline" in run.extra:
            from .resultdiff import diff_of

            diff = diff_of(run)
            assert diff is not None
            regression = next(
                (e for e in diff.expectations if e.name == self.expectation and e.regressed), None
            )
        if regression is not None:
            # Under either rule a regression fails the item, even within ``mostly``.
            raise ExpectationFailed(result, regression, worst_groups_line(run, result.name))
        if result.passed:
            return
        if result.severity == "error" and fail_on_rule(self.config) == "regressions":
            # The baseline failed the same way: reported, not counted (as `check --baseline`).
            warn_at(
                "fails without a regression against the baseline (--scrapegate-fail-on "
                f"regressions): {warn_message(result)}",
                parent.suite.path,
                self.line,
            )
            return
        if result.severity == "warn":
            # At the expectation's line in the suite file, not in this plugin: the path as
            # the suite was loaded (relative to the current folder, so the line is shown).
            warn_at(warn_message(result), parent.suite.path, self.line)
            return
        raise ExpectationFailed(result, groups=worst_groups_line(run, result.name))

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """The expectation's evidence, or our error's message, without a traceback."""
        if isinstance(excinfo.value, ExpectationFailed):
            limit = self.config.getoption("--scrapegate-max-failures") or None
            text = describe(excinfo.value.result, limit=limit, more_hint=MORE_HINT)
            if excinfo.value.groups:
                first, _, rest = text.partition("\n")
                text = "\n".join(line for line in (first, excinfo.value.groups, rest) if line)
            regression = excinfo.value.regression
            if regression is None:
                return text
            return regression_text(regression) + "\n" + text
        if isinstance(excinfo.value, ScrapegateError):
            return printable(f"error: {excinfo.value}", keep="\n")
        if isinstance(excinfo.value, ScrapegateWarning):
            # `-W error` turned a warning into a failure: the evidence, not our traceback.
            parent = self.parent
            result = (
                parent.run_once().expectation(self.expectation)
                if isinstance(parent, SuiteFile)
                else None
            )
            if result is not None and result.severity == "warn" and not result.passed:
                limit = self.config.getoption("--scrapegate-max-failures") or None
                return describe(result, limit=limit, more_hint=MORE_HINT)
            return printable(f"warning treated as an error: {excinfo.value}", keep="\n")
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point at the expectation's line in the suite file."""
        suite = self.parent.name if self.parent is not None else ""
        return self.path, max(self.line - 1, 0), f"{suite}::{self.name}"

"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per failure,
pointing at the document's file and line, so failures show up on the pull request's diff.

Printed by ``scrapegate check`` when ``GITHUB_ACTIONS=true``.
"""

# No ``from __future__ import annotations`` here: this module's public function is itself
# called ``annotations`` (the name check.py imports), which that import would shadow.

from ..escaping import printable, utf8_safe
from ..result import ExpectationResult, Failure, RunResult
from ..resultdiff import diff_of
from .groups import source_file

PER_EXPECTATION = 50  # GitHub shows at most 50 annotations per step anyway


def escape_data(text: str) -> str:
    """Escape a command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (GitHub's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _location(failure: Failure) -> str:
    """``file=...,line=...`` for a ``path:line`` source; nothing for corpus-level failures."""
    path = source_file(failure.source)
    line = failure.source[len(path) + 1 :] if path != failure.source else ""
    if not path or path == "<stdin>" or ", " in path or path == "corpus":
        return ""
    # printable() first: a file name's control or bidi characters are shown, not sent.
    parts = [f"file={escape_property(printable(path))}"]
    if line.isdigit() and int(line) > 0:
        parts.append(f"line={line}")
    return ",".join(parts)


def _command(er: ExpectationResult, failure: Failure, newly: bool) -> str:
    level = "warning" if er.severity == "warn" else "error"
    title = f"scrapegate: {printable(er.name)}" + (" (new since the baseline)" if newly else "")
    props = [p for p in (_location(failure), f"title={escape_property(title)}") if p]
    named = failure.doc in (None, failure.source, source_file(failure.source))
    doc = "" if named else f"{failure.doc}: "
    field = f"[{failure.field}] " if failure.field else ""
    # printable(): a scraped escape sequence must not reach the CI log raw.
    message = printable(doc + field + failure.message)
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def annotations(result: RunResult) -> list[str]:
    """Workflow commands for the failures of failing expectations and of new regressions."""
    diff = diff_of(result)
    newly = {
        (e.name, doc)
        for e in (diff.expectations if diff else ())
        for doc in (*e.newly_failing, *e.added_failing)
    }
    lines: list[str] = []
    sample = result.extra.get("sample")
    if isinstance(sample, dict):
        lines.append(
            "::notice title=scrapegate sample::"
            + escape_data(
                f"checked a random sample of {sample.get('size')} records "
                f"(seed {sample.get('seed')}); pass rates are estimates"
            )
        )
    for er in result.expectations:
        chosen = [
            (f, (er.name, utf8_safe(f.doc if f.doc is not None else f.source)) in newly)
            for f in er.failures
        ]
        if er.passed:
            # A passing expectation's failures are tolerated by `mostly`; only regressions
            # against the baseline deserve a mark on the diff.
            chosen = [(f, new) for f, new in chosen if new]
        for failure, new in chosen[:PER_EXPECTATION]:
            lines.append(_command(er, failure, new))
        hidden = len(chosen) - PER_EXPECTATION
        if hidden > 0:
            lines.append(
                "::notice title="
                + escape_property(f"scrapegate: {printable(er.name)}")
                + "::"
                + escape_data(f"{hidden} more failures not annotated; see the HTML report")
            )
    lines.extend(
        _waiver_command(status.source, status.problem)
        for status in result.waivers
        if status.problem
    )
    return lines


def _waiver_command(source: str, problem: str) -> str:
    """An expired or unused waiver, annotated at its line in the suite file."""
    parts = source.rsplit(":", 2)
    where = []
    if len(parts) == 3 and parts[1].isdigit():
        where = [f"file={escape_property(printable(parts[0]))}", f"line={parts[1]}"]
    title = f"title={escape_property('scrapegate: waiver')}"
    # The message names its file:line:col already; the annotation's place is the waiver's.
    message = problem.split(": ", 1)[1] if ": " in problem else problem
    return f"::error {','.join([*where, title])}::{escape_data(printable(message))}"

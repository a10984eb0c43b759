"""GitHub workflow-command annotations: escaping, severities, locations and the cap."""

from __future__ import annotations

from scrapegate.baseline import diff_results
from scrapegate.reports import github
from scrapegate.reports.github import PER_EXPECTATION, escape_data, escape_property
from scrapegate.result import ExpectationResult, Failure, RunResult


def result(*expectations: ExpectationResult) -> RunResult:
    return RunResult("s", "s.yaml", ("docs",), 100, expectations)


def expectation(
    failures: list[Failure], severity: str = "error", mostly: float = 1.0, name: str = "e"
) -> ExpectationResult:
    return ExpectationResult(
        name, "c", "body", severity, mostly, 100, len(failures), tuple(failures)
    )


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_a_scraped_newline_cannot_start_another_workflow_command() -> None:
    evil = Failure("u", "docs/a.jsonl:3", "body", "bad\n::add-mask::secret\r\n::stop-commands::x")
    [line] = github.annotations(result(expectation([evil])))
    assert line.count("\n") == 0 and "\r" not in line
    assert line.startswith("::error file=docs/a.jsonl,line=3,title=scrapegate%3A e::")


def test_warn_severity_becomes_a_warning_and_escape_sequences_are_shown_not_sent() -> None:
    f = Failure("docs/x.txt", "docs/x.txt:9", None, "red \x1b[31m text")
    [line] = github.annotations(result(expectation([f], severity="warn")))
    assert line == "::warning file=docs/x.txt,line=9,title=scrapegate%3A e::red \\x1b[31m text"


def test_corpus_failures_have_no_file() -> None:
    f = Failure(None, "docs/a.jsonl, docs/b.jsonl", None, "12 documents, fewer than min 100")
    [line] = github.annotations(result(expectation([f])))
    assert line == "::error title=scrapegate%3A e::12 documents, fewer than min 100"


def test_annotations_are_capped_per_expectation_with_a_notice() -> None:
    many = [Failure(f"d{i}", f"a.jsonl:{i + 1}", "body", "bad") for i in range(PER_EXPECTATION + 5)]
    lines = github.annotations(result(expectation(many)))
    assert len(lines) == PER_EXPECTATION + 1
    assert (
        lines[-1]
        == "::notice title=scrapegate%3A e::5 more failures not annotated; see the HTML report"
    )


def test_tolerated_failures_are_not_annotated_unless_they_are_new() -> None:
    old = Failure("d1", "a.jsonl:1", "body", "bad")
    new = Failure("d2", "a.jsonl:2", "body", "bad")
    base = result(expectation([old], mostly=0.9))
    head = result(expectation([old, new], mostly=0.9))
    assert github.annotations(head) == []
    lines = github.annotations(diff_results(base, head, 0.0).attach(head))
    assert lines == [
        "::error file=a.jsonl,line=2,title=scrapegate%3A e (new since the baseline)::d2: [body] bad"
    ]

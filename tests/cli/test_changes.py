"""Per-document change between runs: body shrank or grew, date changed, attribution vanished.

Through main(argv): ``check --baseline`` and ``diff``, their exit codes, the terminal section,
the result JSON (``baseline.changes``), Markdown and HTML; and fingerprints themselves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scrapegate import parallel
from scrapegate.cli import main
from scrapegate.docindex import id_digest
from scrapegate.fingerprints import KEY, Fingerprints, fast_host
from scrapegate.grouping import host_of
from scrapegate.loaders import resolve_inputs
from scrapegate.runner import run_paths
from scrapegate.suite import load_suite
from tests.helpers import write_docs

SUITE = """\
suite: news
documents:
  paths: [docs/]
  id: url
  group_by: {host: url}
expectations:
  - {name: body present, check: not_empty, field: body}
  - {name: date parses, check: date_parses, field: date}
  - {name: credited, check: attribution_present, field: body, sources: [Reuters], severity: warn}
"""

BODY = "Markets rallied on Friday after the central bank held rates. " * 12  # 732 chars
CREDIT = "\n--Reuters--"


def doc(host: str, n: int, body: str = BODY + CREDIT, day: str = "2024-05-01") -> dict[str, str]:
    return {"url": f"https://www.{host}/{n}", "body": body, "date": day}


def corpus() -> list[dict[str, str]]:
    return [doc("a.example", n) for n in range(4)] + [doc("b.example", n) for n in range(3)]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    write_docs(tmp_path, corpus())
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 0
    return tmp_path


def check_against_base(*extra: str) -> int:
    return main(["check", "--suite", "suite.yaml", "--baseline", "base.json", *extra])


def changes_of(path: str = "head.json") -> dict[str, Any]:
    changes: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))["baseline"]["changes"]
    return changes


def test_a_shrunken_body_is_a_warning_naming_the_document(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = corpus()
    records[1]["body"] = "Markets rallied. Read more" + CREDIT
    write_docs(project, records)
    capsys.readouterr()
    assert check_against_base("--json", "head.json") == 0  # a warning, not a regression
    out = capsys.readouterr().out
    assert "changed documents (warning): 1 of 7 documents in both runs" in out
    assert "site a.example: body shrank 1" in out
    assert "https://www.a.example/1: body shrank 744 → 38 characters" in out
    assert "no regression against the baseline" in out
    changes = changes_of()
    assert changes["available"] is True
    assert changes["counts"] == {
        "shrank": 1,
        "grew": 0,
        "date_changed": 0,
        "attribution_vanished": 0,
    }
    assert changes["documents"] == [
        {
            "doc": "https://www.a.example/1",
            "group": "a.example",
            "kind": "shrank",
            "field": "body",
            "base": 744,
            "head": 38,
        }
    ]


def test_a_changed_date_and_a_vanished_attribution_are_grouped_by_site(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = corpus()
    records[0]["date"] = "June 3, 2024"
    records[5]["body"] = BODY + "\nComments"
    write_docs(project, records)
    capsys.readouterr()
    assert check_against_base("--json", "head.json") == 0
    out = capsys.readouterr().out
    assert "site a.example: date changed 1" in out
    assert "https://www.a.example/0: date: 2024-05-01 → 2024-06-03" in out
    assert "site b.example: attribution vanished 1" in out
    assert "https://www.b.example/1: attribution in body vanished" in out
    changes = changes_of()
    assert changes["group_by"] == "host: url"
    assert changes["groups"] == {
        "a.example": {"shrank": 0, "grew": 0, "date_changed": 1, "attribution_vanished": 0},
        "b.example": {"shrank": 0, "grew": 0, "date_changed": 0, "attribution_vanished": 1},
    }


def test_thresholds_decide_what_counts_and_small_changes_do_not_flap(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = corpus()
    records[2]["body"] = BODY[:400] + CREDIT  # 744 → 412: 55%, above the default half
    records[3]["body"] = BODY * 3 + CREDIT  # tripled: grew past double
    write_docs(project, records)
    capsys.readouterr()
    assert check_against_base("--json", "head.json") == 0
    assert changes_of()["counts"]["shrank"] == 0
    assert changes_of()["counts"]["grew"] == 1
    assert "https://www.a.example/3: body grew 744 → 2208 characters" in capsys.readouterr().out
    assert check_against_base("--json", "head.json", "--change-threshold", "0.6") == 0
    assert changes_of()["counts"]["shrank"] == 1
    assert changes_of()["thresholds"] == {"ratio": 0.6, "min_chars": 100}
    # The same drop in characters, but under the minimum: not reported.
    assert check_against_base("--json", "head.json", "--change-threshold", "0.6",
                              "--change-min-chars", "400") == 0  # fmt: skip
    assert changes_of()["counts"]["shrank"] == 0
    capsys.readouterr()
    assert check_against_base("--change-threshold", "1.5") == 2
    assert "--change-threshold" in capsys.readouterr().err


def test_diff_of_stored_results_names_failing_and_changed_documents(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = corpus()
    records[1]["body"] = "Markets rallied. Read more" + CREDIT
    records[5]["body"] = BODY + "\nComments"
    write_docs(project, records)
    # Without --baseline the run does not know the baseline: only failing ids are known.
    assert main(["check", "--suite", "suite.yaml", "--json", "plain.json", "-q"]) == 0
    capsys.readouterr()
    assert main(["diff", "base.json", "plain.json", "--json", "diff.json"]) == 0
    out = capsys.readouterr().out
    assert "https://www.b.example/1: attribution in body vanished" in out  # it fails 'credited'
    hidden = f"#{id_digest('https://www.a.example/1'):016x}"
    assert f"{hidden}: body shrank 744 → 38 characters" in out
    assert json.loads(Path("diff.json").read_text("utf-8"))["changes"]["changed"] == 2
    # Recorded with --baseline, the result keeps the ids of what changed.
    assert check_against_base("--json", "head.json", "-q") == 0
    capsys.readouterr()
    assert main(["diff", "base.json", "head.json", "--markdown", "diff.md"]) == 0
    assert "https://www.a.example/1: body shrank" in capsys.readouterr().out
    markdown = Path("diff.md").read_text("utf-8")
    assert "**⚠️ changed documents (warning): 2 of 7 documents in both runs" in markdown
    assert "| `a.example` | `https://www.a.example/1` | `body shrank 744 → 38 characters` |" in (
        markdown
    )


def test_html_report_has_the_changed_documents_section(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = corpus()
    records[0]["date"] = "2024-05-09"
    write_docs(project, records)
    assert check_against_base("--html", "report.html", "-q") == 0
    html = Path("report.html").read_text("utf-8")
    assert '<div id="changes" class="warn">' in html
    assert "site a.example: date changed 1" in html
    assert "https://www.a.example/0: date: 2024-05-01 → 2024-05-09" in html


def test_a_baseline_without_fingerprints_says_to_re_record_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(Path("base.json").read_text("utf-8"))
    del data[KEY]
    Path("old.json").write_text(json.dumps(data), encoding="utf-8")
    capsys.readouterr()
    code = main(["check", "--suite", "suite.yaml", "--baseline", "old.json", "--json", "h.json"])
    assert code == 0
    note = "the baseline has no document fingerprints; re-record it to compare documents"
    assert f"changed documents: {note}" in capsys.readouterr().out
    assert changes_of("h.json") == {**changes_of("h.json"), "available": False, "note": note}
    assert main(["diff", "old.json", "h.json"]) == 0
    assert note in capsys.readouterr().out
    # A damaged fingerprint block is read as none, never a crash.
    data[KEY] = {"format": 1, "hash": "blake2b-64", "count": 3, "groups": [], "columns": [],
                 "records": "not base64!"}  # fmt: skip
    Path("bad.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["diff", "bad.json", "h.json"]) == 0
    assert note in capsys.readouterr().out


def test_workers_give_the_same_fingerprint_bytes_as_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    records = [
        doc(
            f"s{n % 7}.example",
            n,
            BODY[: 50 + n % 600] + CREDIT * (n % 2),
            f"2024-05-{1 + n % 28:02d}",
        )
        for n in range(3000)
    ]
    records.append(doc("s5.example", 5, body="a repeated id: the first one is kept"))
    write_docs(tmp_path, records)
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 64 << 10)
    suite = load_suite("suite.yaml")
    assert len(parallel.plan(resolve_inputs(["docs/a.jsonl"], None), 2)) > 1
    single = run_paths(suite, ["docs/a.jsonl"], workers=1).extra[KEY]
    multi = run_paths(suite, ["docs/a.jsonl"], workers=2).extra[KEY]
    assert multi == single
    stored = Fingerprints.from_json(single)
    assert stored is not None and len(stored) == 3000
    assert sorted(stored.groups, key=str) == [f"s{n}.example" for n in range(7)]
    position = stored.find(id_digest("https://www.s5.example/5"))
    assert position is not None
    body = [c.field for c in stored.columns].index("body")
    assert stored.values[body][position] == 50 + 5 + len(CREDIT)


GATED = SUITE.replace(
    "  group_by: {host: url}\n",
    "  group_by: {host: url}\n  changes: {fields: [body], ratio: 0.6, fail_on: [shrank]}\n",
)


def test_fail_on_makes_a_shrunken_body_fail_the_gate_in_check_and_diff(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "suite.yaml").write_text(GATED, encoding="utf-8")
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 0
    records = corpus()
    records[0]["date"] = "2024-05-02"  # a date change is still only a warning
    write_docs(project, records)
    capsys.readouterr()
    assert check_against_base("--json", "head.json") == 0
    assert "changed documents (fails the gate on body shrank): 1 of 7" in capsys.readouterr().out
    records[2]["body"] = BODY[:400] + CREDIT  # 55% of its length: below the suite's 0.6
    write_docs(project, records)
    assert check_against_base("--json", "head.json") == 1
    out = capsys.readouterr().out
    assert "REGRESSED against the baseline" in out
    assert "changed documents (documents.changes.fail_on): body shrank: 1 document" in out
    assert "https://www.a.example/2: body shrank 744 → 412 characters" in out
    data = json.loads(Path("head.json").read_text("utf-8"))
    assert data["baseline"]["regressed"] is True
    assert data["baseline"]["changes"]["fail_on"] == ["shrank"]
    # The stored head carries its suite's policy: a diff of the files fails the same way...
    assert main(["diff", "base.json", "head.json"]) == 1
    # ...unless the command line sets a looser threshold.
    assert main(["diff", "base.json", "head.json", "--change-threshold", "0.5"]) == 0
    # documents.changes.fields chose the columns: the body only, no url or date lengths.
    columns = data[KEY]["columns"]
    assert {"field": "body", "kind": "length"} in columns
    assert {"field": "body", "kind": "attribution"} in columns
    assert {"field": "date", "kind": "date"} in columns
    assert len(columns) == 3


def test_a_misspelt_change_kind_is_a_config_error_at_its_line(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "suite.yaml").write_text(GATED.replace("[shrank]", "[shrunk]"), encoding="utf-8")
    capsys.readouterr()
    assert main(["lint", "suite.yaml"]) == 2
    err = capsys.readouterr()
    assert (
        "suite.yaml:6:51: 'shrunk' is not allowed; use one of 'shrank', 'grew', 'date_changed', "
        "'attribution_vanished' in documents.changes.fail_on[0]"
    ) in err.err


@pytest.mark.parametrize(
    "url",
    [
        "https://www.a.example/x",
        "http://b.example",
        "https://c.example?q=1",
        "https://d.example.#frag",
        "https://www./x",
        "https://www.",
        "https://./x",
        "https://E.example/x",
        "https://user@e.example/x",
        "https://e.example:8080/x",
        "https://e.exa mple/x",
        "https://e.exa\tmple/x",
        " https://e.example/x",
        "https:///x",
        "https://",
        "https://[::1]/x",
        "ftp://f.example/x",
        "g.example/x",
    ],
)
def test_the_fast_host_agrees_with_host_of(url: str) -> None:
    fast = fast_host(url)
    assert fast is None or fast == host_of(url)
    if url.startswith(("https://www.a.", "http://b.", "https://c.", "https://d.")):
        assert fast is not None  # the plain URLs take the fast path

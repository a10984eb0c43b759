"""Per-site views (documents.group_by) through main(argv): the terminal's worst groups, the
result JSON's ``groups``, the Markdown and HTML tables, and per-group drops against a baseline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from scrapegate.cli import main
from scrapegate.resultfile import schema_problems

SUITE = """\
suite: sites-demo
documents:
  paths: [docs/]
  id: url
  group_by: {host: url}
expectations:
  - name: date parses
    check: date_parses
    field: date
  - name: title present
    check: not_empty
    field: title
  - name: url unique
    check: unique
    field: url
  - name: enough documents
    check: count
    min: 1
"""

GOOD_DATE = "2025-07-04"
BAD_DATE = "Tweet of the Week #67"


def page(host: str, n: int, date: str = GOOD_DATE, title: str = "A title") -> dict[str, str]:
    return {"url": f"https://{host}/a/{n}", "date": date, "title": title}


def healthy() -> list[dict[str, str]]:
    """Three sites: 6 pages of www.Good.example, 4 of fine.example, 5 of broken.example."""
    return (
        [page("www.Good.example", n) for n in range(6)]
        + [page("fine.example", n) for n in range(4)]
        + [page("broken.example", n) for n in range(5)]
    )


def broken() -> list[dict[str, str]]:
    """broken.example's dates stop parsing on 4 of 5 pages; fine.example loses one title."""
    records = healthy()
    for record in records:
        if "broken.example" in record["url"] and not record["url"].endswith("/0"):
            record["date"] = BAD_DATE
    records[6]["title"] = ""
    return records


def write_docs(project: Path, records: list[dict[str, str]], files: int = 1) -> None:
    folder = project / "docs"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for index in range(files):
        part = records[index::files]
        (folder / f"part{index}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in part), encoding="utf-8"
        )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def groups_of(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text("utf-8"))
    assert schema_problems(data) == []
    groups: dict[str, Any] = data["groups"]
    return groups


def test_the_terminal_names_the_broken_site_first(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml"]) == 1
    out = capsys.readouterr().out
    assert "per group (host of url): 2 of 3 groups with failures, worst first" in out
    table = out[out.index("per group (host of url)") :]
    rows = [line for line in table.splitlines() if ".example" in line]
    assert "broken.example" in rows[0] and "4 (80.0%)" in rows[0]
    assert "date parses" in rows[0] and "20.0% (4 of 5 failed)" in rows[0]
    assert "fine.example" in rows[1] and "title present" in rows[1]
    # good.example has no failure: not in the table of the worst groups.
    assert "good.example" not in table.split("FAIL ")[0]


def test_max_groups_limits_the_terminal_table(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml", "--max-groups", "1"]) == 1
    out = capsys.readouterr().out
    assert "per group (host of url): 2 of 3 groups with failures, the worst 1 shown" in out
    table = out[out.index("per group") : out.index("FAIL 'date parses'")]
    assert "broken.example" in table and "fine.example" not in table


def test_the_result_json_counts_every_group(project: Path) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml", "--json", "r.json", "-q"]) == 1
    groups = groups_of("r.json")
    assert groups["by"] == {"host": "url"}
    assert groups["origin"] == "documents.group_by"
    assert (groups["count"], groups["folded"], groups["keep"]) == (3, 0, 1000)
    items = {i["group"]: i for i in groups["items"]}
    assert [i["group"] for i in groups["items"]] == [
        "broken.example",
        "fine.example",
        "good.example",  # lower-cased, without www.
    ]
    assert items["broken.example"]["documents"] == 5
    assert items["broken.example"]["failed_documents"] == 4
    assert items["broken.example"]["expectations"]["date parses"] == {
        "evaluated": 5,
        "failed": 4,
        "pass_rate": 0.2,
    }
    assert items["fine.example"]["expectations"]["title present"]["failed"] == 1
    assert items["good.example"]["failed_documents"] == 0
    # A whole-corpus check (count) has no per-group meaning and is left out.
    assert "enough documents" not in items["good.example"]["expectations"]
    assert groups["unattributed"] == {}


def test_workers_give_the_same_group_counts(project: Path) -> None:
    records = broken()
    records.append(page("fine.example", 0))  # a duplicate url, across the two files
    write_docs(project, records, files=2)
    assert main(["check", "--suite", "suite.yaml", "--json", "one.json", "--workers", "1"]) == 1
    assert main(["check", "--suite", "suite.yaml", "--json", "two.json", "--workers", "2"]) == 1
    one, two = groups_of("one.json"), groups_of("two.json")
    assert one == two
    fine = next(i for i in one["items"] if i["group"] == "fine.example")
    # The duplicate is a corpus check's failure, placed by its id (the grouping field).
    assert fine["expectations"]["url unique"] == {"evaluated": 5, "failed": 1, "pass_rate": 0.8}


def test_healthy_groups_are_folded_into_other_before_a_small_broken_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, broken())
    code = main(["check", "--suite", "suite.yaml", "--keep-groups", "1", "--json", "r.json"])
    assert code == 1
    out = capsys.readouterr().out
    assert (
        "note: 2 of 3 groups (the healthiest and smallest) were folded into (other); "
        "check --keep-groups N"
    ) in out
    groups = groups_of("r.json")
    assert groups["folded"] == 2
    # broken.example is smaller than good.example, but it is the one a reader looks for.
    assert [(i["group"], i["kind"], i["documents"]) for i in groups["items"]] == [
        ("broken.example", "group", 5),
        ("(other)", "other", 10),
    ]
    other = groups["items"][1]
    assert other["expectations"]["date parses"]["failed"] == 0
    assert other["expectations"]["title present"]["failed"] == 1  # fine.example's one miss


def test_group_by_option_overrides_the_suite_and_accepts_a_field(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = broken()
    for record in records:
        record["site"] = "bad" if "broken" in record["url"] else "ok"
    write_docs(project, records)
    args = ["check", "--suite", "suite.yaml", "--json", "r.json", "--html", "r.html"]
    assert main([*args, "--group-by", "site"]) == 1
    out = capsys.readouterr().out
    assert "per group (field site): 2 of 2 groups with failures" in out
    groups = groups_of("r.json")
    assert groups["by"] == {"field": "site"} and groups["origin"] == "--group-by"
    assert [i["group"] for i in groups["items"]] == ["bad", "ok"]
    # The older meaning stays: the HTML breakdown of failures by that field.
    assert "Failing documents by field &#39;site&#39;" in Path("r.html").read_text("utf-8")
    assert main([*args, "--group-by", "host:url"]) == 1
    assert groups_of("r.json")["by"] == {"host": "url"}


def test_a_bad_group_by_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml", "--group-by", "domain:url"]) == 2
    err = capsys.readouterr().err
    assert "--group-by 'domain:url': use FIELD, field:FIELD or host:FIELD" in err
    assert main(["check", "--suite", "suite.yaml", "--group-by", "host:"]) == 2
    assert "--group-by 'host:': name the field after 'host:'" in capsys.readouterr().err


def test_the_markdown_summary_has_a_table_of_the_worst_groups(project: Path) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml", "--markdown", "s.md"]) == 1
    text = Path("s.md").read_text("utf-8")
    assert "**Per group (host of url): 2 of 3 groups with failures, worst first**" in text
    assert "| Group | Documents | Failing documents | Worst expectation | Its pass rate |" in text
    assert "| `broken.example` | 5 | 4 (80.0%) | date parses | 20.0% (4 of 5 failed) |" in text
    assert text.index("`broken.example`") < text.index("`fine.example`")


def test_the_html_report_has_a_sortable_escaped_table_of_every_group(project: Path) -> None:
    records = broken()
    hostile = "<script>alert(1)</script>"
    for record in records[:6]:
        record["site"] = hostile
    for record in records[6:]:
        record["site"] = "plain"
    write_docs(project, records)
    args = ["check", "--suite", "suite.yaml", "--group-by", "field:site", "--html", "r.html"]
    assert main(args) == 1
    html = Path("r.html").read_text("utf-8")
    section = html[html.index('<section id="sites">') : html.index('<section id="breakdown">')]
    assert '<table class="sites sortable" id="sites-table">' in section
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    rows = re.findall(r'<tr class="group[^"]*"><td data-value="([^"]*)"', section)
    assert rows == ["plain", "&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert "table.sortable" in html  # the sorting script, inline (no CDN)
    assert "src=" not in section


def _regressed(project: Path) -> str:
    write_docs(project, healthy())
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 0
    write_docs(project, broken())
    return "base.json"


def test_the_baseline_diff_names_the_site_whose_rate_dropped(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _regressed(project)
    capsys.readouterr()
    args = ["check", "--suite", "suite.yaml", "--baseline", base, "--json", "head.json"]
    assert main([*args, "--markdown", "s.md", "--html", "r.html"]) == 1
    out = capsys.readouterr().out
    assert "groups whose pass rate dropped more than 0.00 points (2, worst first):" in out
    assert "  broken.example: date parses 100.0% → 20.0%" in out
    assert "  fine.example: title present 100.0% → 75.0%" in out
    assert out.index("broken.example: date") < out.index("fine.example: title")
    drops = json.loads(Path("head.json").read_text("utf-8"))["baseline"]["groups"]
    assert [(d["group"], d["regressed"]) for d in drops] == [
        ("broken.example", True),
        ("fine.example", True),
    ]
    assert drops[0]["drops"][0]["base"]["pass_rate"] == 1.0
    assert drops[0]["drops"][0]["head"]["pass_rate"] == 0.2
    md = Path("s.md").read_text("utf-8")
    assert "- `broken.example`: date parses 100.0% → 20.0%" in md
    assert "| `broken.example` ❌ dropped | 5 |" in md
    html = Path("r.html").read_text("utf-8")
    assert '<tr class="group regressed"><td data-value="broken.example">' in html
    assert '<tr class="group"><td data-value="good.example">' in html

    # `scrapegate report` renders the same views again from the stored result.
    assert main(["report", "head.json", "--markdown", "again.md"]) == 0
    assert Path("again.md").read_text("utf-8") == md

    # `scrapegate diff` on the stored results says the same, and the tolerance applies.
    assert main(["diff", base, "head.json"]) == 1
    assert "broken.example: date parses 100.0% → 20.0%" in capsys.readouterr().out
    assert main(["diff", base, "head.json", "--tolerance", "0.5"]) == 1
    out = capsys.readouterr().out
    assert "broken.example: date parses" in out and "fine.example: title" not in out


def test_group_drops_do_not_change_the_gate_verdict(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing newly fails by id (a.example's new failing page is new to the corpus, and
    # under the default --fail-on regressions an added document is reported, not counted):
    # the group's drop is shown but the gate passes.
    write_docs(project, [page("a.example", 0), page("a.example", 1, date=BAD_DATE)])
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 1
    docs = [page("a.example", n, date=BAD_DATE) for n in (1, 2)] + [page("b.example", 0)]
    write_docs(project, docs)
    code = main(["check", "--suite", "suite.yaml", "--baseline", "base.json"])
    out = capsys.readouterr().out
    assert code == 0
    assert "no regression against the baseline" in out
    assert "groups whose pass rate dropped" in out
    assert "a.example: date parses 50.0% → 0.0%" in out


def test_a_group_that_only_lost_passing_pages_did_not_drop(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The rate of a.example falls from 50% to 0% only because its passing page was deleted:
    # no more of its pages fail than before, so it is not a site that broke.
    write_docs(project, [page("a.example", 0), page("a.example", 1, date=BAD_DATE)])
    assert main(["check", "--suite", "suite.yaml", "--json", "base.json", "-q"]) == 1
    write_docs(project, [page("a.example", 1, date=BAD_DATE), page("b.example", 0)])
    assert main(["check", "--suite", "suite.yaml", "--baseline", "base.json"]) == 0
    assert "groups whose pass rate dropped" not in capsys.readouterr().out


def test_gx_engine_says_per_group_views_are_not_computed(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("great_expectations")
    write_docs(project, broken())
    main(["check", "--suite", "suite.yaml", "--engine", "gx", "--json", "r.json"])
    out = capsys.readouterr().out
    assert "per-group views (documents.group_by) are not computed with --engine gx" in out
    assert "groups" not in json.loads(Path("r.json").read_text("utf-8"))


def test_the_group_count_includes_the_none_row_it_shows(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml", "--group-by", "nosuch"]) == 1
    out = capsys.readouterr().out
    assert "per group (field nosuch): 1 of 1 group with failures, worst first" in out


def test_an_empty_group_by_is_a_usage_error_not_silently_ignored(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_docs(project, broken())
    assert main(["check", "--suite", "suite.yaml", "--group-by", " "]) == 2
    assert "error: --group-by is empty: give FIELD, field:FIELD or host:FIELD" in (
        capsys.readouterr().err
    )

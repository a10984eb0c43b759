"""Site templates found from the data: repeated_lines, `scrapegate templates`, packs by path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from scrapegate import parallel
from scrapegate.cli import main
from scrapegate.runner import run_paths
from scrapegate.suite import load_suite

HARBOUR_FOOTER = ["Follow the Harbour Post on Mastodon", "All rights reserved by the Harbour Post"]
VALLEY_FOOTER = "Valley Courier: independent news from the valley since 1921"

SUITE = """suite: sites
documents:
  id: id
  group_by: {host: url}
expectations:
  - {name: no site template, check: repeated_lines, field: text}
"""

CLEAN_SUITE = """suite: cleaned
documents:
  id: id
cleaners:
  - strip_boilerplate: {packs: [./site-templates.yaml]}
expectations:
  - {name: no chrome, check: no_boilerplate, field: text, packs: [./site-templates.yaml]}
"""


def write_corpus(path: Path, copies: int = 1) -> None:
    """Twenty articles from two fictional sites; each site ends every page the same way."""
    lines = []
    for n in range(copies):
        for i in range(10):
            text = (
                f"The ferry to the north island ran {i + 3} hours late on day {i}.\n"
                f"Fishermen said the storm of week {i} was the worst in years.\n"
                + "\n".join(HARBOUR_FOOTER)
            )
            url = f"https://www.Harbour-Post.example/news/{n}/{i}"
            lines.append({"id": f"h{n}-{i}", "url": url, "text": text})
        for i in range(10):
            text = (
                f"The valley orchard counted {i * 40 + 100} crates of apples this week.\n"
                f"Council meeting number {i} approved a new footbridge.\n{VALLEY_FOOTER}"
            )
            lines.append(
                {"id": f"v{n}-{i}", "url": f"https://valley.example/p/{n}/{i}", "text": text}
            )
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write_corpus(tmp_path / "docs.jsonl")
    (tmp_path / "s.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def test_check_names_the_repeated_line_its_share_and_group(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "docs.jsonl", "--suite", "s.yaml", "--json", "r.json"]) == 1
    result = json.loads(Path("r.json").read_text(encoding="utf-8"))
    er = next(e for e in result["expectations"] if e["name"] == "no site template")
    assert er["failed"] == 20
    messages = {f["message"] for f in er["failures"]}
    assert (
        "line 'Follow the Harbour Post on Mastodon' repeats in 10 of 10 documents (100%) of "
        "group 'harbour-post.example' (share > 50%)" in messages
    )
    assert any("of group 'valley.example'" in m and VALLEY_FOOTER in m for m in messages)
    # Evidence points at the document and at the span of the line in the field.
    first = next(f for f in er["failures"] if "Mastodon" in f["message"])
    text = json.loads(Path("docs.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"]
    assert first["source"] == "docs.jsonl:1"
    assert text[first["start"] : first["end"]] == HARBOUR_FOOTER[0]
    # The articles' own lines differ from page to page: none of them is reported.
    assert not any("ferry" in m or "orchard" in m for m in messages)


def test_templates_writes_a_pack_that_cleans_and_checks(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["templates", "docs.jsonl", "--suite", "s.yaml", "-o", "site-templates.yaml"]) == 0
    assert "3 repeated lines" in capsys.readouterr().out
    pack = yaml.safe_load(Path("site-templates.yaml").read_text(encoding="utf-8"))
    assert pack["pack"] == "site_templates"
    assert sorted(r["examples"][0] for r in pack["rules"]) == sorted(
        [*HARBOUR_FOOTER, VALLEY_FOOTER]
    )
    rule = next(r for r in pack["rules"] if r["examples"] == [HARBOUR_FOOTER[0]])
    assert rule["pattern"] == r"Follow[ \t]+the[ \t]+Harbour[ \t]+Post[ \t]+on[ \t]+Mastodon"
    assert rule["match"] == "line"
    assert "10 of 10 documents (100%) of group 'harbour-post.example'" in rule["description"]
    assert len({r["name"] for r in pack["rules"]}) == 3

    Path("clean.yaml").write_text(CLEAN_SUITE, encoding="utf-8")
    assert main(["check", "docs.jsonl", "--suite", "clean.yaml", "--json", "before.json"]) == 1
    before = json.loads(Path("before.json").read_text(encoding="utf-8"))
    flagged = next(e for e in before["expectations"] if e["name"] == "no chrome")
    assert flagged["failed"] == 20
    assert any("Mastodon" in f["message"] for f in flagged["failures"])

    assert main(["clean", "docs.jsonl", "--suite", "clean.yaml", "-o", "out"]) == 0
    cleaned = [json.loads(line) for line in Path("out/docs.jsonl").read_text().splitlines()]
    assert len(cleaned) == 20
    for record in cleaned:
        assert "Mastodon" not in record["text"] and "since 1921" not in record["text"]
        assert "ferry" in record["text"] or "orchard" in record["text"]
    assert main(["check", "out/docs.jsonl", "--suite", "clean.yaml"]) == 0


def test_templates_without_repeated_lines_uses_a_default(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("plain.yaml").write_text(
        "suite: plain\ndocuments: {group_by: {host: url}}\nexpectations:\n"
        "  - {name: body, check: not_empty, field: text}\n",
        encoding="utf-8",
    )
    assert main(["templates", "docs.jsonl", "--suite", "plain.yaml", "-o", "t.yml"]) == 0
    pack = yaml.safe_load(Path("t.yml").read_text(encoding="utf-8"))
    assert len(pack["rules"]) == 3


def test_templates_refuses_to_overwrite_its_inputs(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["templates", "docs.jsonl", "--suite", "s.yaml", "-o", "s.yaml"]) == 2
    assert "never writes over its inputs" in capsys.readouterr().err
    assert Path("s.yaml").read_text(encoding="utf-8") == SUITE


def test_templates_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--help"]) == 0
    out = capsys.readouterr().out
    assert "scrapegate templates fixtures/news --suite expectations/news.yaml" in out
    assert "packs: [comment_widgets, ./site-templates.yaml]" in out


def test_workers_agree_with_a_single_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c.jsonl"
    write_corpus(corpus, copies=30)
    (tmp_path / "s.yaml").write_text(SUITE, encoding="utf-8")
    suite = load_suite(str(tmp_path / "s.yaml"))
    monkeypatch.setattr(parallel, "MIN_SLICE_BYTES", 4096)
    from scrapegate.loaders import Input

    assert len(parallel.plan([Input(str(corpus), "jsonl")], 2)) > 2

    def result(workers: int) -> dict[str, object]:
        data = run_paths(suite, [str(corpus)], workers=workers).to_json()
        data.pop("duration_s")
        return data

    single = result(1)
    assert result(2) == single
    er = single["expectations"][1]  # type: ignore[index]
    assert er["failed"] == 600


def test_lint_reports_a_missing_pack_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("suites").mkdir()
    Path("suites/s.yaml").write_text(
        "suite: s\nexpectations:\n"
        "  - {name: a, check: no_boilerplate, field: text,"
        " packs: [comment_widgets, ./gone.yaml]}\n",
        encoding="utf-8",
    )
    assert main(["lint", "suites/s.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("suites/s.yaml:3:76: pack file suites/gone.yaml: cannot read it"), err
    assert "packs[1]" in err


def test_lint_reports_a_malformed_pack_file_with_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("mine.yaml").write_text(
        "pack: mine\nrules:\n  - {name: a, pattern: 'Share(', examples: [Share]}\n"
        "  - {name: b, pattern: 'Follow us', examples: [Subscribe]}\n",
        encoding="utf-8",
    )
    Path("s.yaml").write_text(
        "suite: s\ncleaners:\n  - strip_boilerplate: {packs: [mine.yaml]}\n"
        "expectations:\n  - {name: a, check: not_empty, field: text}\n",
        encoding="utf-8",
    )
    assert main(["lint", "s.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("s.yaml:3:33: pack file mine.yaml: mine.yaml:3:24: pattern 'Share('"), err
    assert "mine.yaml:4:48: example 'Subscribe' does not match the pattern" in err


def test_gx_engine_gives_the_same_verdicts(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("great_expectations")
    assert main(["check", "docs.jsonl", "--suite", "s.yaml", "--json", "native.json"]) == 1
    assert (
        main(["check", "docs.jsonl", "--suite", "s.yaml", "--engine", "gx", "--json", "gx.json"])
        == 1
    )
    assert "no faithful Great Expectations equivalent" in capsys.readouterr().out

    def verdicts(name: str) -> list[tuple[str, int, list[str]]]:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
        return [
            (e["name"], e["failed"], sorted(f["message"] for f in e["failures"]))
            for e in data["expectations"]
        ]

    assert verdicts("gx.json") == verdicts("native.json")


def test_a_line_repeated_on_two_sites_is_one_rule(tmp_path: Path) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text(SUITE, encoding="utf-8")
    shared = "The council will decide on the new harbour plan next week."
    records = [
        {
            "id": f"{host}-{i}",
            "url": f"https://{host}/{i}",
            "text": f"Story {i} of {host}.\n{shared}",
        }
        for host in ("a.example", "b.example")
        for i in range(5)
    ]
    docs = tmp_path / "d.jsonl"
    docs.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "pack.yaml"
    assert main(["templates", str(docs), "--suite", str(suite), "-o", str(out)]) == 0
    rules = yaml.safe_load(out.read_text(encoding="utf-8"))["rules"]
    assert [r["examples"] for r in rules] == [[shared]]


def test_a_misspelt_group_by_field_is_named_in_a_warning(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("typo.yaml").write_text(SUITE.replace("{host: url}", "{host: urll}"), encoding="utf-8")
    main(["check", "docs.jsonl", "--suite", "typo.yaml", "--json", "r.json", "-q"])
    result = json.loads(Path("r.json").read_text(encoding="utf-8"))
    warnings = " ".join(str(w) for w in result["warnings"])
    assert "no document has a usable value for group_by 'host: urll'" in warnings
    assert "warning: typo.yaml:6:5: no document has a usable value" in capsys.readouterr().out

"""`scrapegate clean` and `check --clean` through main(argv): outputs, formats, safety, summary."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from scrapegate.cli import main
from scrapegate.strategies import FIXTURE_CHROME

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "fixtures" / "news" / "raw"

SUITE = """\
suite: clean-demo
documents:
  id: url
cleaners:
  - normalize_whitespace
  - strip_boilerplate: {packs: [comment_widgets, portal_chrome], fields: [body]}
  - normalize_date: {field: date}
expectations:
  - name: no widgets
    check: no_boilerplate
    field: body
    packs: [comment_widgets, portal_chrome]
"""

RECORDS = [
    {
        "url": "https://n.example/1",
        "body": "Rain fell.\nComments\nLoading...",
        "date": "Jul 4, 2025",
        "tags": ["weather"],
        "score": 0.5,
    },
    {"url": "https://n.example/2", "body": "Ships moved.", "date": "2025-07-05", "tags": []},
    {"url": "https://n.example/3", "body": 17, "date": "Tweet of the Week #67"},
]
PAGE = (
    "World\nStorm closes port\nDate: Jul 4, 2025\n\nRain fell on the harbour.\n\n--Reuters--\n"
    "Comments\ncomments powered by Disqus\nLoading...\nCLOSE\n"
)


def write_jsonl(path: Path, records: list[dict[str, object]], extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(SUITE, encoding="utf-8")
    return tmp_path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_keeps_other_fields_and_order_and_reports_what_it_cannot_clean(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(project / "data" / "a.jsonl", RECORDS, extra="{not json\n")
    before = source.read_bytes()
    code = main(["clean", "data/a.jsonl", "--suite", "suite.yaml", "-o", "out"])
    out = capsys.readouterr().out
    assert code == 1
    assert source.read_bytes() == before, "the input must never change"
    lines = (project / "out" / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[3] == "{not json", "an unreadable line is copied through"
    cleaned = [json.loads(line) for line in lines[:3]]
    assert cleaned[0] == {**RECORDS[0], "body": "Rain fell.", "date": "2025-07-04"}
    assert list(cleaned[0]) == list(RECORDS[0]), "field order is kept"
    assert cleaned[1] == RECORDS[1]
    assert cleaned[2] == RECORDS[2], "a document that cannot be cleaned is written unchanged"
    assert "data/a.jsonl:3: strip_boilerplate: field 'body': is a number" in out
    assert "data/a.jsonl:3: normalize_date: field 'date': no date in" in out
    assert "data/a.jsonl:4: invalid JSON" in out
    assert out.splitlines()[-1] == (
        "cleaned 3 documents from 1 file into out; "
        "1 unreadable record copied through unchanged; "
        "2 values a cleaner could not clean left unchanged"
    )


def test_summary_counts_documents_characters_and_lines_per_cleaner(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "a.jsonl", RECORDS[:2])
    assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("│")[2].strip(): line for line in out.splitlines() if "│" in line}
    assert [c.strip() for c in rows["strip_boilerplate"].split("│")[3:6]] == ["1", "20", "2"]
    assert [c.strip() for c in rows["normalize_date"].split("│")[3:6]] == ["1", "1", "0"]
    assert [c.strip() for c in rows["normalize_whitespace"].split("│")[3:6]] == ["0", "0", "0"]
    assert out.rstrip().endswith("cleaned 2 documents from 1 file into out")


def test_the_summary_line_is_printed_once(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "a.jsonl", RECORDS[:2])
    assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 0
    out = capsys.readouterr().out.lower()
    assert out.count("2 documents") == 1, out
    assert out.count("into out") == 1, out


def test_quiet_prints_only_the_verdict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(project / "a.jsonl", RECORDS[:2])
    assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out", "-q"]) == 0
    assert capsys.readouterr().out.strip() == "cleaned 2 documents from 1 file into out"


def test_folder_inputs_keep_relative_names_and_every_format(project: Path) -> None:
    data = project / "data"
    write_jsonl(data / "a.jsonl", RECORDS[:2])
    (data / "nested").mkdir()
    with gzip.open(data / "nested" / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(RECORDS[0]) + "\n")
    (data / "c.json").write_text(json.dumps(RECORDS[:2]), encoding="utf-8")
    (data / "d.csv").write_text(
        'url,body,date\r\nhttps://n.example/1,"Rain.\nComments","Jul 4, 2025"\r\n',
        encoding="utf-8",
    )
    assert main(["clean", "data", "--suite", "suite.yaml", "-o", "out"]) == 0
    out = project / "out"
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "a.jsonl",
        "c.json",
        "d.csv",
        "nested/b.jsonl.gz",
    ]
    with gzip.open(out / "nested" / "b.jsonl.gz", "rt", encoding="utf-8") as fh:
        assert json.loads(fh.read())["body"] == "Rain fell."
    assert json.loads((out / "c.json").read_text(encoding="utf-8"))[0]["body"] == "Rain fell."
    assert (out / "d.csv").read_bytes() == (
        b"url,body,date\r\nhttps://n.example/1,Rain.,2025-07-04\r\n"
    )


def test_parquet_stays_parquet_with_its_schema(project: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"url": ["u1", "u2"], "body": ["Rain.\nComments", "Sun."], "words": [2, 1]})
    pq.write_table(table, project / "a.parquet")
    assert main(["clean", "a.parquet", "--suite", "suite.yaml", "-o", "out"]) == 0
    cleaned = pq.read_table(project / "out" / "a.parquet")
    assert cleaned.schema == table.schema
    assert cleaned.column("body").to_pylist() == ["Rain.", "Sun."]
    assert cleaned.column("words").to_pylist() == [2, 1]


def test_text_dumps_stay_text_with_their_final_newline(project: Path) -> None:
    (project / "pages").mkdir()
    (project / "pages" / "storm.txt").write_text(PAGE, encoding="utf-8")
    suite = project / "news.yaml"
    suite.write_text(
        "suite: n\ndocuments: {id: path}\ncleaners:\n"
        "  - truncate_after: {pattern: '^--Reuters--$'}\n  - normalize_whitespace\n"
        "expectations:\n"
        "  - {name: w, check: no_boilerplate, field: text, packs: [comment_widgets]}\n",
        encoding="utf-8",
    )
    assert main(["clean", "pages", "--suite", "news.yaml", "-o", "out"]) == 0
    assert (project / "out" / "storm.txt").read_text(encoding="utf-8") == PAGE.split("Comments")[0]


def test_output_inside_an_input_folder_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "data" / "a.jsonl", RECORDS)
    assert main(["clean", "data", "--suite", "suite.yaml", "-o", "data/clean"]) == 2
    assert main(["clean", "data", "--suite", "suite.yaml", "-o", "data"]) == 2
    assert "inside the input folder data" in capsys.readouterr().err
    assert not (project / "data" / "clean").exists()


def test_output_that_would_overwrite_an_input_file_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(project / "data" / "a.jsonl", RECORDS)
    before = source.read_bytes()
    assert main(["clean", "data/a.jsonl", "--suite", "suite.yaml", "-o", "data"]) == 2
    assert "is an input file and would be overwritten" in capsys.readouterr().err
    assert source.read_bytes() == before


def test_suite_without_cleaners_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "a.jsonl", RECORDS)
    plain = "suite: p\nexpectations:\n  - {name: t, check: not_empty, field: url}\n"
    (project / "plain.yaml").write_text(plain, encoding="utf-8")
    assert main(["clean", "a.jsonl", "--suite", "plain.yaml", "-o", "out"]) == 2
    assert "has no 'cleaners:' pipeline" in capsys.readouterr().err


def test_unknown_cleaner_is_a_config_error_at_its_position(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = SUITE.replace("- normalize_whitespace", "- normalise")
    (project / "bad.yaml").write_text(bad, encoding="utf-8")
    write_jsonl(project / "a.jsonl", RECORDS)
    assert main(["clean", "a.jsonl", "--suite", "bad.yaml", "-o", "out"]) == 2
    assert "bad.yaml:5:5: unknown cleaner 'normalise'" in capsys.readouterr().err


def test_interrupted_write_leaves_no_file_behind(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scrapegate.cleaning_output as output

    write_jsonl(project / "a.jsonl", RECORDS)

    def interrupt(*args: object) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.orjson, "dumps", interrupt)
    assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 130
    assert list((project / "out").iterdir()) == []


def test_raw_news_fixtures_are_cleaned_into_passing_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = str(ROOT / "expectations" / "news.yaml")
    before = {p.name: p.read_bytes() for p in RAW.iterdir()}
    out = tmp_path / "clean"
    assert main(["clean", str(RAW), "--suite", suite, "-o", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == set(before)
    assert {p.name: p.read_bytes() for p in RAW.iterdir()} == before
    kyiv = (out / "kyiv-drones.txt").read_text(encoding="utf-8")
    assert kyiv.endswith("in the spring.\n\n--Reuters--\n")
    raw_lines = (RAW / "kyiv-drones.txt").read_text(encoding="utf-8").split("--Reuters--")[0]
    assert kyiv.startswith(raw_lines), "every article line stays verbatim and in order"
    capsys.readouterr()
    _assert_no_chrome_left(out, suite, tmp_path)


def test_check_clean_turns_a_failing_raw_fixture_into_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(RAW / "harbour-strike.txt", tmp_path / "harbour-strike.txt")
    suite = str(ROOT / "expectations" / "news.yaml")
    page = str(tmp_path / "harbour-strike.txt")
    assert main(["check", page, "--suite", suite, "-q"]) == 1
    assert main(["check", page, "--suite", suite, "--clean", "-q"]) == 0
    assert (tmp_path / "harbour-strike.txt").read_bytes() == (
        RAW / "harbour-strike.txt"
    ).read_bytes()
    assert "PASSED" in capsys.readouterr().out


def test_unreadable_text_dump_is_reported_and_copied_through(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pages").mkdir()
    raw = b"Rain fell.\nComments\n\xff broken byte\n"
    (project / "pages" / "bad.txt").write_bytes(raw)
    (project / "pages" / "one.json").write_text(json.dumps(RECORDS[0]), encoding="utf-8")
    assert main(["clean", "pages", "--suite", "suite.yaml", "-o", "out"]) == 1
    assert (project / "out" / "bad.txt").read_bytes() == raw
    single = json.loads((project / "out" / "one.json").read_text(encoding="utf-8"))
    assert single["body"] == "Rain fell."
    assert "pages/bad.txt:3: invalid UTF-8" in capsys.readouterr().out


def _rows(out: str) -> dict[str, list[str]]:
    """Summary rows by cleaner name: documents touched, characters and lines removed."""
    rows = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) == 7 and cells[1].isdigit():
            rows[cells[2]] = cells[3:6]
    return rows


def test_files_named_on_the_command_line_are_read_by_their_extension(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = ROOT / "fixtures"
    names = ["articles.jsonl", "articles.csv", "articles.json"]
    suite = str(ROOT / "expectations" / "articles.yaml")  # documents.format: jsonl
    out = tmp_path / "out"
    main(["clean", *(str(fixtures / n) for n in names), "--suite", suite, "-o", str(out)])
    printed = capsys.readouterr().out
    assert "invalid JSON" not in printed
    assert "unreadable record" not in printed
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    rows = _rows(printed)
    assert rows and all(int(cell) >= 0 for row in rows.values() for cell in row), rows


def test_suite_format_applies_to_its_own_paths_and_format_option_wins(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(project / "data" / "records.txt", RECORDS[:2])
    write_jsonl(project / "data" / "other.jsonl", RECORDS[:2])
    (project / "data" / "d.csv").write_text("url,body\nu1,Rain.\n", encoding="utf-8")
    suite = SUITE.replace(
        "documents:\n", "documents:\n  format: jsonl\n  paths: [data/records.txt]\n"
    )
    (project / "suite.yaml").write_text(suite, encoding="utf-8")
    assert main(["clean", "--suite", "suite.yaml", "-o", "default"]) == 0
    assert _lines(project / "default" / "records.txt")[0]["body"] == "Rain fell."
    assert (
        main(["clean", "data/other.jsonl", "data/d.csv", "--suite", "suite.yaml", "-o", "named"])
        == 0
    )
    assert (project / "named" / "d.csv").read_text(encoding="utf-8") == "url,body\nu1,Rain.\n"
    capsys.readouterr()
    assert (
        main(["clean", "data/d.csv", "--suite", "suite.yaml", "-o", "forced", "--format", "jsonl"])
        == 1
    )
    assert "data/d.csv:1: invalid JSON" in capsys.readouterr().out


def test_cleaned_files_get_the_usual_mode_not_a_private_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    from scrapegate import atomic

    write_jsonl(project / "a.jsonl", RECORDS[:2])
    (project / "pages").mkdir()
    (project / "pages" / "p.txt").write_text("Rain.\nComments\n", encoding="utf-8")
    previous = os.umask(0o022)
    atomic._umask.cache_clear()
    try:
        assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 0
        assert stat.S_IMODE((project / "out" / "a.jsonl").stat().st_mode) == 0o644
        # A file the run replaces keeps its mode.
        (project / "out" / "a.jsonl").chmod(0o640)
        assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 0
        assert stat.S_IMODE((project / "out" / "a.jsonl").stat().st_mode) == 0o640
    finally:
        os.umask(previous)
        atomic._umask.cache_clear()


def test_rewritten_jsonl_records_keep_the_bytes_of_fields_that_did_not_change(
    project: Path,
) -> None:
    record = (
        '{"url": "https://n.example/1",  "id": 123456789012345678901234567890, '
        '"body": "Rain fell.\\nComments", "ratio": 1.50e2, "note": "caf\\u00e9", '
        '"meta": {"views": 98765432109876543210, "date": "Jul 4, 2025"}, "date": "Jul 4, 2025"}\r\n'
    )
    (project / "a.jsonl").write_text(record, encoding="utf-8", newline="")
    suite = SUITE.replace("field: date}", "field: date}\n  - normalize_date: {field: meta.date}")
    (project / "suite.yaml").write_text(suite, encoding="utf-8")
    assert main(["clean", "a.jsonl", "--suite", "suite.yaml", "-o", "out"]) == 0
    written = (project / "out" / "a.jsonl").read_bytes().decode("utf-8")
    # Only the cleaned values are written again; the big integers, the number spelling, the
    # escape, the spacing and the CRLF keep their bytes.
    assert written == (
        record.replace('"Rain fell.\\nComments"', '"Rain fell."').replace(
            '"Jul 4, 2025"', '"2025-07-04"'
        )
    )


def test_lines_a_cleaner_adds_do_not_make_lines_removed_negative(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "<p>Rain fell.</p><p>Roads closed.</p>\n<script>\nvar x;\n</script>\nSun."
    write_jsonl(project / "a.jsonl", [{"url": "u1", "body": body}])
    suite = "suite: h\ndocuments: {id: url}\ncleaners:\n  - strip_html\nexpectations:\n"
    suite += "  - {name: t, check: not_empty, field: url}\n"
    (project / "html.yaml").write_text(suite, encoding="utf-8")
    assert main(["clean", "a.jsonl", "--suite", "html.yaml", "-o", "out"]) == 0
    cleaned = "Rain fell.\nRoads closed.\n\nSun."
    assert _lines(project / "out" / "a.jsonl")[0]["body"] == cleaned
    # One paragraph line became two (not a removed line); the script's three lines went.
    assert _rows(capsys.readouterr().out)["strip_html"] == ["1", str(len(body) - len(cleaned)), "3"]


@pytest.mark.parametrize(("workers", "engine"), [("1", "native"), ("2", "native"), ("1", "gx")])
def test_check_clean_reports_values_a_cleaner_left_unchanged_once_each(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workers: str,
    engine: str,
) -> None:
    if engine == "gx":
        pytest.importorskip("great_expectations")
    # Tiny slices: a two-worker run cuts this file in several parts, each reporting its own.
    monkeypatch.setattr("scrapegate.parallel.MIN_SLICE_BYTES", 64)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "suite.yaml").write_text(
        "suite: dated\ndocuments: {id: url}\n"
        "cleaners:\n  - normalize_date: {field: date}\n"
        "expectations:\n  - {name: title present, check: not_empty, field: title}\n",
        encoding="utf-8",
    )
    dates = ["Jul 4, 2025", "Tweet of the Week #67", "Jul 5, 2025", "no date here", "Jul 6, 2025"]
    records = [{"url": f"u{i}", "title": "T", "date": d} for i, d in enumerate(dates)]
    write_jsonl(tmp_path / "d.jsonl", records)
    argv = ["check", "d.jsonl", "--suite", "suite.yaml", "--clean", "--workers", workers]
    argv += ["--engine", engine]
    code = main([*argv, "--json", "r.json", "-q"])
    shown = capsys.readouterr().out
    warnings = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["warnings"]
    assert code == 0  # the expectations hold; the warnings say what was not cleaned
    assert [w.split(": normalize_date")[0] for w in warnings] == ["d.jsonl:2", "d.jsonl:4"]
    assert all("left unchanged" in w for w in warnings)
    assert shown.count("warning: d.jsonl:2: normalize_date") == 1


def _assert_no_chrome_left(out: Path, suite: str, tmp_path: Path) -> None:
    """The three no_boilerplate expectations of the news suite pass on the cleaned pages."""
    names = ["no comment widgets", "no contact forms", "no portal chrome"]
    assert main(["check", str(out), "--suite", suite, "--json", str(tmp_path / "r.json")]) == 1
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    verdicts = {e["name"]: e["passed"] for e in result["expectations"]}
    assert all(verdicts[name] for name in names), verdicts


def test_the_kyiv_page_flattened_to_one_line_is_flagged_with_every_junk_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = str(ROOT / "expectations" / "news.yaml")
    page = str(RAW / "kyiv-flattened.txt")
    assert main(["check", page, "--suite", suite, "--json", str(tmp_path / "r.json")]) == 1
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    by_name = {e["name"]: e for e in result["expectations"]}
    for name in ("no comment widgets", "no contact forms", "no portal chrome"):
        assert not by_name[name]["passed"]
        (failure,) = by_name[name]["failures"]
        assert "run of 12 chrome items" in failure["message"]
        # The evidence quotes the whole run: every junk item of the page.
        assert all(junk in failure["message"] for junk in FIXTURE_CHROME), failure["message"]
    capsys.readouterr()


def test_the_kyiv_page_flattened_to_one_line_cleans_to_the_article_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suite = str(ROOT / "expectations" / "news.yaml")
    shutil.copy(RAW / "kyiv-flattened.txt", tmp_path / "kyiv-flattened.txt")
    out = tmp_path / "clean"
    assert (
        main(["clean", str(tmp_path / "kyiv-flattened.txt"), "--suite", suite, "-o", str(out)]) == 0
    )
    cleaned = (out / "kyiv-flattened.txt").read_text(encoding="utf-8")
    raw = (RAW / "kyiv-flattened.txt").read_text(encoding="utf-8")
    article = raw.split(" Comments comments powered by Disqus")[0]
    assert cleaned.rstrip("\n") == article
    assert article.endswith("in the spring. --Reuters--")
    capsys.readouterr()
    _assert_no_chrome_left(out, suite, tmp_path)

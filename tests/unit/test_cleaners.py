"""Every cleaner's named cases, the registry, suite validation and the pipeline on documents.

Case files live beside the cleaners (``checks/cleaners/cases/<cleaner>.yaml``): an input, the
parameters, and the expected output (or the fragment of the refusal message).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from scrapegate import registry as check_registry
from scrapegate.cleaners import (
    CleanerError,
    DuplicateCleanerError,
    UnknownCleanerError,
    build_pipeline,
    builtin_cleaners,
    cleaner,
    get_cleaner,
    make_cleaner,
    removed_lines,
)
from scrapegate.cleaners._registry import build_params
from scrapegate.cleaners.normalize_whitespace import NormalizeWhitespaceParams
from scrapegate.cleaning import pipeline_transform
from scrapegate.documents import Document
from scrapegate.errors import ConfigError, UsageError
from scrapegate.schema import builtin_schema
from tests.helpers import suite_from_yaml

CASES_DIR = resources.files("scrapegate.cleaners") / "cases"


def _load_cases() -> list[Any]:
    params = []
    for entry in sorted(CASES_DIR.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            for case in data["cases"]:
                name = f"{data['cleaner']}: {case['name']}"
                params.append(pytest.param(data["cleaner"], case, id=name))
    return params


@pytest.mark.parametrize(("name", "case"), _load_cases())
def test_cleaner_case(name: str, case: dict[str, Any]) -> None:
    cleaner_type = get_cleaner(name)
    fn = cleaner_type.factory(build_params(cleaner_type, case.get("params") or {}))
    if "raises" in case:
        with pytest.raises(CleanerError) as info:
            fn(case["input"])
        assert case["raises"] in str(info.value)
        return
    assert fn(case["input"]) == case["output"]
    assert fn(case["output"]) == case["output"], "a case's output must be a fixed point"


def test_every_builtin_cleaner_documents_its_properties_and_has_cases() -> None:
    case_files = {p.name[: -len(".yaml")] for p in CASES_DIR.iterdir() if p.name.endswith(".yaml")}
    assert set(builtin_cleaners()) == {
        "strip_boilerplate",
        "truncate_after",
        "normalize_whitespace",
        "normalize_unicode",
        "fix_mojibake",
        "strip_html",
        "dedupe_paragraphs",
        "normalize_date",
    }
    for name in builtin_cleaners():
        cleaner_type = get_cleaner(name)
        assert cleaner_type.doc.startswith(f"{name}: "), f"{name}: docstring must start so"
        assert "Properties:" in cleaner_type.doc, f"{name}: docstring states no properties"
        assert "idempotent" in cleaner_type.doc, name
        assert "Example::" in cleaner_type.doc, f"{name}: docstring has no example"
        for key, spec in cleaner_type.keys().items():
            assert "description" in spec, f"{name}.{key} has no description in its schema"
        assert name in case_files, f"{name} has no case file"


def test_removing_cleaners_are_flagged_in_the_registry() -> None:
    deletion_only = {n for n in builtin_cleaners() if get_cleaner(n).deletion_only}
    removing = {n for n in builtin_cleaners() if get_cleaner(n).removing}
    assert deletion_only == {
        "strip_boilerplate",
        "truncate_after",
        "normalize_whitespace",
        "dedupe_paragraphs",
    }
    assert removing == deletion_only | {"strip_html"}


def test_registering_a_second_cleaner_under_a_taken_name_is_rejected() -> None:
    get_cleaner("strip_html")  # the built-ins are loaded
    with pytest.raises(DuplicateCleanerError, match="registered twice"):
        cleaner("strip_html", params=dict, schema={})(lambda params: str)


def test_third_party_cleaners_arrive_through_the_entry_point_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from scrapegate.cleaners import _registry

    class FakeEntryPoint:
        name = "shout"

        def load(self) -> None:
            cleaner("shout", params=NormalizeWhitespaceParams, schema={})(lambda p: str.upper)

    groups: list[str] = []

    def entry_points(group: str) -> list[FakeEntryPoint]:
        groups.append(group)
        return [FakeEntryPoint()]

    # Both registries load plugins through scrapegate.registry (one loader, two groups).
    monkeypatch.setattr(check_registry, "entry_points", entry_points)
    monkeypatch.setattr(_registry, "_REGISTRY", dict(_registry._REGISTRY))
    _registry._load_plugins.cache_clear()
    try:
        assert groups == [] and "shout" in _registry.registry()
        assert groups == ["scrapegate.cleaners"]
        assert "shout" not in builtin_cleaners()
    finally:
        _registry._load_plugins.cache_clear()


def test_unknown_cleaner_lookup_suggests_the_closest_name() -> None:
    with pytest.raises(UnknownCleanerError, match="did you mean 'strip_html'"):
        get_cleaner("strip_htm")


def test_make_cleaner_returns_a_total_function() -> None:
    normalize = make_cleaner("normalize_date", field="date")
    assert normalize("Jul 4, 2025") == "2025-07-04"
    assert normalize("no date here") == "no date here"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("5 marca 2021", "2021-03-05"),
        ("5 марта 2021 г.", "2021-03-05"),
        ("令和3年3月5日", "2021-03-05"),
        ("令和元年5月1日 午後3時30分", "2019-05-01T15:30:00"),
    ],
)
def test_normalize_date_rewrites_polish_russian_and_japanese_era_dates(
    value: str, iso: str
) -> None:
    assert make_cleaner("normalize_date", field="date")(value) == iso


# --- suite validation -----------------------------------------------------------------------

SUITE = """\
suite: t
documents:
  id: url
cleaners:
{steps}
expectations:
  - name: title present
    check: not_empty
    field: title
"""


def _problems(steps: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        suite_from_yaml(SUITE.format(steps=steps))
    return [str(p) for p in info.value.problems]


def test_unknown_bare_cleaner_is_reported_at_its_position_with_a_suggestion() -> None:
    (problem,) = _problems("  - normalise_whitespace")
    assert problem.startswith("suite.yaml:5:5: unknown cleaner 'normalise_whitespace'; ")
    assert "did you mean 'normalize_whitespace'?" in problem


def test_unknown_parameter_is_reported_at_its_key_with_a_suggestion() -> None:
    (problem,) = _problems("  - strip_boilerplate: {pack: [comment_widgets]}")
    assert problem.startswith("suite.yaml:5:25: unknown parameter 'pack' for cleaner ")
    assert "did you mean 'packs'?" in problem


def test_every_cleaner_problem_of_a_suite_is_reported_at_once() -> None:
    problems = _problems(
        "  - strip_boilerplat: {packs: [comment_widgets]}\n"
        "  - normalize_date\n"
        "  - strip_boilerplate: {packs: [comment_widget]}\n"
        "  - truncate_after: {pattern: '(?=x)'}\n"
        "  - dedupe_paragraphs: {min_words: many}\n"
        "  - normalize_whitespace: {fields: [url]}"
    )
    assert [p.split(": ", 1)[0] for p in problems] == [
        "suite.yaml:5:5",
        "suite.yaml:6:5",
        "suite.yaml:7:33",
        "suite.yaml:8:31",
        "suite.yaml:9:36",
        "suite.yaml:10:37",
    ]
    joined = "\n".join(problems)
    assert "did you mean 'strip_boilerplate'?" in joined
    assert "cleaner 'normalize_date' needs 'field'" in joined
    assert "unknown pack 'comment_widget'; did you mean 'comment_widgets'?" in joined
    assert "RE2 does not support" in joined
    assert "expected an integer, got a string 'many'" in joined
    assert "would change the id field 'url'" in joined


def test_valid_pipeline_is_kept_in_order() -> None:
    suite = suite_from_yaml(
        SUITE.format(steps="  - normalize_whitespace\n  - normalize_date: {field: date}")
    )
    assert [c.name for c in suite.cleaners] == ["normalize_whitespace", "normalize_date"]


def test_published_schema_lists_every_cleaner_and_its_parameters() -> None:
    schema = builtin_schema()
    items = schema["properties"]["cleaners"]["items"]
    steps = items["then"]["properties"]
    assert sorted(steps) == sorted(builtin_cleaners())
    assert set(steps["strip_boilerplate"]["properties"]) >= {"fields", "packs", "patterns"}
    assert steps["normalize_date"]["required"] == ["field"]
    assert "fields" not in steps["normalize_date"]["properties"]
    good = {
        "suite": "s",
        "cleaners": ["strip_html", {"strip_boilerplate": {"packs": ["comment_widgets"]}}],
        "expectations": [{"name": "a", "check": "not_empty", "field": "title"}],
    }
    jsonschema.validate(good, schema)
    bad = {**good, "cleaners": [{"strip_boilerplate": {"pack": ["comment_widgets"]}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


# --- the pipeline on documents --------------------------------------------------------------

PIPELINE = """\
  - normalize_whitespace
  - strip_boilerplate: {{packs: [comment_widgets], fields: {fields}}}
  - normalize_date: {{field: date}}
"""


def _pipeline(fields: str = "[body]") -> Any:
    suite = suite_from_yaml(SUITE.format(steps=PIPELINE.format(fields=fields)))
    return build_pipeline(suite.cleaners, suite.documents.id)


def test_pipeline_cleans_text_fields_but_never_the_id_field() -> None:
    fields = {"url": "  https://x.example/1  ", "body": "Rain.\nComments\n", "date": "Jul 4, 2025"}
    doc = Document("https://x.example/1", "a.jsonl", 3, fields)
    cleaned = _pipeline().apply(doc)
    assert cleaned.document.fields == {
        "url": "  https://x.example/1  ",
        "body": "Rain.\n",
        "date": "2025-07-04",
    }
    assert doc.fields["body"] == "Rain.\nComments\n", "the input document must not change"
    assert cleaned.problems == ()
    assert cleaned.changes == (None, (9, 1), (1, 0))


def test_text_dump_cleaners_touch_only_the_text_not_the_path() -> None:
    doc = Document("p.txt", "p.txt", 1, {"text": "Rain.  \nComments", "path": "p.txt  "}, "text")
    cleaned = _pipeline().apply(doc)
    assert cleaned.document.fields == {"text": "Rain.\nComments", "path": "p.txt  "}


def test_value_that_is_not_text_is_reported_and_left_unchanged() -> None:
    doc = Document("u", "a.jsonl", 7, {"url": "u", "body": 42, "date": "Tweet of the Week #67"})
    cleaned = _pipeline().apply(doc)
    assert cleaned.document.fields == doc.fields
    assert [str(p) for p in cleaned.problems] == [
        "a.jsonl:7: strip_boilerplate: field 'body': is a number, expected text; left unchanged",
        "a.jsonl:7: normalize_date: field 'date': no date in 'Tweet of the Week #67' (only "
        "numbers, no month or day-month-year pattern); left unchanged",
    ]


def test_dotted_fields_reach_nested_objects_without_changing_the_input() -> None:
    nested = {"body": "Rain.\nComments"}
    doc = Document("u", "a.jsonl", 1, {"url": "u", "article": nested})
    cleaned = _pipeline("[article.body]").apply(doc)
    assert cleaned.document.fields["article"] == {"body": "Rain."}
    assert nested == {"body": "Rain.\nComments"}


def test_pipeline_transform_without_cleaners_is_a_usage_error() -> None:
    suite = suite_from_yaml(SUITE.replace("cleaners:\n{steps}\n", ""))
    with pytest.raises(UsageError, match="has no 'cleaners:' pipeline"):
        pipeline_transform(suite)


def test_schema_command_lists_the_cleaners(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from scrapegate.cli import main

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    steps = schema["properties"]["cleaners"]["items"]["then"]["properties"]
    assert set(steps) >= set(builtin_cleaners())


@pytest.mark.parametrize(
    ("before", "after", "removed"),
    [
        pytest.param("Rain.\nComments\nLoading...", "Rain.", 2, id="deleted lines"),
        pytest.param("a\n\n\n\nb\n", "a\n\nb\n", 2, id="blank lines collapsed"),
        pytest.param("<p>Rain.</p><p>Sun.</p>", "Rain.\nSun.", 0, id="a line split in two"),
        pytest.param("  Rain  fell.\r\nSun.", "Rain fell.\nSun.", 0, id="lines changed in place"),
        pytest.param("Jul 4, 2025", "2025-07-04", 0, id="a line rewritten"),
        pytest.param(
            "<p>Rain.</p><p>Sun.</p>\n<script>\nvar x;\n</script>\nEnd.",
            "Rain.\nSun.\n\nEnd.",
            3,
            id="a split does not cancel removed lines",
        ),
    ],
)
def test_removed_lines_counts_input_lines_without_a_counterpart(
    before: str, after: str, removed: int
) -> None:
    assert removed_lines(before, after) == removed


def test_normalize_date_reads_each_documents_language_through_the_pipeline() -> None:
    from scrapegate.cleaning import pipeline_transform
    from tests.helpers import docs, suite_from_yaml

    suite = suite_from_yaml(
        "suite: s\ndocuments: {language: {field: lang}}\n"
        "cleaners:\n  - normalize_date: {field: date}\n  - normalize_date: {field: other, "
        "day_first: false}\n"
        "expectations:\n  - {name: d, check: date_parses, field: date}\n"
    )
    transform = pipeline_transform(suite)
    records = [
        {"date": "02/11/2023", "other": "02/11/2023", "lang": "es"},
        {"date": "02/11/2023", "lang": "en-US"},
        {"date": "02/11/2023"},
        {"date": "２０２１年３月５日 10時", "lang": "ja"},
    ]
    cleaned = [transform(doc).fields for doc in docs(records)]
    assert [c["date"] for c in cleaned] == [
        "2023-11-02",
        "2023-02-11",
        "2023-02-11",
        "2021-03-05T10:00:00",
    ]
    # The cleaner's own day_first still wins.
    assert cleaned[0]["other"] == "2023-02-11"


def test_normalize_date_alone_is_still_a_str_to_str_function() -> None:
    normalize = make_cleaner("normalize_date", field="date")
    assert normalize("02/11/2023") == "2023-02-11"
    assert normalize("2021년 3월 5일") == "2021-03-05"

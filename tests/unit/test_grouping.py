"""documents.group_by: parsed and located like every suite key; hosts derived from URLs."""

from __future__ import annotations

import pytest

from scrapegate.documents import Document
from scrapegate.errors import ConfigError
from scrapegate.grouping import GroupBy, host_of
from tests.helpers import suite_from_yaml

SUITE = """suite: s
documents:
  group_by: {group}
expectations:
  - {{name: t, check: repeated_lines, field: text}}
"""


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.org/a/1", "example.org"),
        ("http://news.example.org:8080/x?y=1", "news.example.org"),
        ("example.org/path", "example.org"),
        ("//cdn.example.net/a.js", "cdn.example.net"),
        ("https://WWW.EXAMPLE.ORG./", "example.org"),
        ("https://www/", "www"),
        ("", None),
        ("not a url at all", None),
        ("https://[::1", None),
    ],
)
def test_host_of(url: str, host: str | None) -> None:
    assert host_of(url) == host


@pytest.mark.parametrize(
    ("written", "expected"),
    [("{field: site}", GroupBy("site")), ("{host: url}", GroupBy("url", host=True))],
)
def test_group_by_is_parsed(written: str, expected: GroupBy) -> None:
    suite = suite_from_yaml(SUITE.format(group=written))
    assert suite.documents.group_by == expected


def test_without_group_by_there_is_none() -> None:
    suite = suite_from_yaml("suite: s\nexpectations:\n  - {name: t, check: not_empty, field: x}\n")
    assert suite.documents.group_by is None


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("{hots: url}", "suite.yaml:3:14: unknown key 'hots'; did you mean 'host'?"),
        ("{field: a, host: b}", "suite.yaml:3:13: "),
        ("{}", "suite.yaml:3:13: "),
        ("site", "suite.yaml:3:13: expected a mapping, got a string 'site'"),
        ("{host: ''}", "suite.yaml:3:20: "),
    ],
)
def test_bad_group_by_is_a_located_config_error(written: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        suite_from_yaml(SUITE.format(group=written))
    shown = str(info.value)
    assert message in shown and "documents.group_by" in shown, shown


def test_group_of_a_document() -> None:
    doc = Document("d", "f.jsonl", 1, {"url": "https://www.a.example/x", "meta": {"site": 7}})
    assert GroupBy("url", host=True).of(doc) == "a.example"
    assert GroupBy("meta.site").of(doc) == "7"
    assert GroupBy("missing").of(doc) is None
    assert GroupBy("meta", host=False).of(doc) is None

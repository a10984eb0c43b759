"""Suite validation: every problem at once, at the right place, with the right key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapegate.errors import ConfigError
from scrapegate.suite import load_suite

MANY_MISTAKES = """\
suite: many
documents:
  idd: url
expectations:
  - name: short
    check: length
    field: body
    min: 3
    min: 4
    max_lenght: 9
  - name: title
    check: not_emty
    field: title
  - name: pack
    check: no_boilerplate
    field: body
    packs: [coment_widgets]
  - name: re
    check: matches
    field: body
    pattern: '(a'
  - name: types
    check: length
    field: body
    max: ten
    mostly: yes
  - name: sev
    check: not_empty
    field: x
    severity: fatal
  - name: dates
    check: date_parses
    field: date
    formats: [iso8610]
  - name: day
    check: date_parses
    field: x
    not_after: 2021-02-30
"""


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_suite(str(path))
    return [str(p).replace(str(tmp_path) + "/", "") for p in info.value.problems]


def test_a_duplicate_key_is_reported_together_with_every_other_problem(tmp_path: Path) -> None:
    found = problems(tmp_path, MANY_MISTAKES)
    assert [line.split(": ", 1)[0] for line in found] == [
        "s.yaml:3:3",  # unknown key idd
        "s.yaml:9:5",  # duplicate min
        "s.yaml:10:5",  # unknown key max_lenght
        "s.yaml:12:12",  # unknown check
        "s.yaml:17:13",  # unknown pack
        "s.yaml:21:14",  # pattern does not compile
        "s.yaml:25:10",  # max: ten
        "s.yaml:26:13",  # mostly: yes
        "s.yaml:30:15",  # severity: fatal
        "s.yaml:34:15",  # formats: [iso8610]
        "s.yaml:38:16",  # not_after: 2021-02-30
    ]
    assert found[1] == (
        "s.yaml:9:5: duplicate key 'min' (first defined at line 8); remove one of them in "
        "expectations[0]"
    )


def test_a_value_yaml_rejects_is_reported_once_not_again_as_null(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "suite: s\nexpectations:\n"
        "  - {name: d, check: date_parses, field: x, not_after: 2021-02-30}\n",
    )
    assert len(found) == 1, found
    assert "'2021-02-30' is not a valid timestamp" in found[0]


def test_bad_where_pattern_is_reported_at_the_pattern_under_where(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "suite: s\nexpectations:\n"
        "  - name: ok\n    check: not_empty\n    field: a\n"
        "  - name: w\n    check: not_empty\n    field: x\n"
        "    where:\n      field: y\n      matches: '(?<=a)b'\n",
    )
    assert len(found) == 1, found
    location, message = found[0].split(": ", 1)
    assert location == "s.yaml:11:16"
    assert message.endswith("in expectations[1].where.matches ('w')")
    assert "look-behind" in message


@pytest.mark.parametrize(
    ("formats", "col", "fragment"),
    [
        (
            "[iso8610]",
            15,
            "format 'iso8610' is neither 'iso8601' nor a strftime pattern; did you mean 'iso8601'?",
        ),
        ("['%Y-%Q']", 15, "format '%Y-%Q' cannot read dates ('Q' is a bad directive"),
        ("['%d.%m.%Y', '%Y-%']", 27, "format '%Y-%' cannot read dates (stray % in format"),
        ("['%d %d']", 15, "format '%d %d' uses a directive twice"),
        ("[yyyy-mm-dd]", 15, "nor a strftime pattern; write it with directives, e.g. '%Y-%m-%d'"),
        ("['%G-%m']", 15, "ISO year directive '%G' must be used with the ISO week directive"),
    ],
)
def test_unusable_date_formats_are_config_errors_at_the_format(
    tmp_path: Path, formats: str, col: int, fragment: str
) -> None:
    found = problems(
        tmp_path,
        "suite: s\nexpectations:\n  - name: d\n    check: date_parses\n    field: date\n"
        f"    formats: {formats}\n",
    )
    assert len(found) == 1, found
    assert found[0].startswith(f"s.yaml:6:{col}: "), found
    assert fragment in found[0]
    assert found[0].endswith("('d')")


@pytest.mark.parametrize(
    "formats",
    ["[iso8601]", "[ISO8601]", "['%b %d, %Y', '%d.%m.%Y, %H:%M Uhr']", "['%Y-%m-%dT%H:%M:%S%z']"],
)
def test_usable_date_formats_load(tmp_path: Path, formats: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "suite: s\nexpectations:\n  - name: d\n    check: date_parses\n    field: date\n"
        f"    formats: {formats}\n",
        encoding="utf-8",
    )
    assert load_suite(str(path)).expectations[0].name == "d"


def test_a_check_that_rejects_its_parameters_with_a_value_error_is_reported_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import dataclass, replace

    import scrapegate.suite
    from scrapegate.registry import CheckContext, get_check, registry

    @dataclass(frozen=True)
    class Params:
        limit: int = 0

    def factory(params: Params, ctx: CheckContext) -> None:
        raise ValueError(f"limit {params.limit} is not a prime")

    picky = replace(get_check("not_empty"), name="picky", params=Params, factory=factory)
    picky = replace(picky, schema={"limit": {"type": "integer"}})
    monkeypatch.setattr(scrapegate.suite, "registry", lambda: {**registry(), "picky": picky})
    found = problems(
        tmp_path,
        "suite: s\nexpectations:\n  - {name: p, check: picky, field: body, limit: 4}\n",
    )
    assert found == [
        "s.yaml:3:5: check 'picky' rejects these parameters: limit 4 is not a prime"
        " in expectations[0] ('p')"
    ]

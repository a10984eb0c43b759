"""The streamed result JSON is byte for byte what serialising the whole result gives."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from scrapegate.errors import OutputError
from scrapegate.reports.json_report import dumps, write_json
from scrapegate.result import ExpectationResult, Failure, RunResult


def _result(failures: int, name: str = "no widgets", extra: dict[str, object] | None = None):
    hostile = 'line one\nline "two" "failures": [] \u2028 <script>'
    fails = tuple(
        Failure(f"doc-{i}", f"a.jsonl:{i + 1}", "body", hostile, i, i + 3, hostile)
        for i in range(failures)
    )
    expectations = (
        ExpectationResult("readable", "readable", None, "error", 1.0, failures, 0, ()),
        ExpectationResult(name, "no_boilerplate", "body", "error", 1.0, failures, failures, fails),
    )
    return RunResult("s", "s.yaml", ("a.jsonl",), failures, expectations, extra=extra or {})


def _whole(result: RunResult) -> bytes:
    return orjson.dumps(result.to_json(), option=orjson.OPT_INDENT_2) + b"\n"


@pytest.mark.parametrize("failures", [0, 1, 2, 2500])  # 2500: more than one chunk
def test_streamed_json_equals_the_whole_result_serialised(failures: int) -> None:
    result = _result(failures, name='"failures": []')
    assert dumps(result) == _whole(result)


def test_an_extra_section_spelt_like_a_failure_list_falls_back_to_one_piece() -> None:
    result = _result(3, extra={"notes": {"failures": []}})
    assert dumps(result) == _whole(result)


def test_written_file_round_trips_every_failure(tmp_path: Path) -> None:
    result = _result(1200)
    write_json(result, str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert len(data["expectations"][1]["failures"]) == 1200
    assert RunResult.from_json(data) == result


def test_a_failure_partway_through_the_stream_keeps_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.json"
    target.write_bytes(b'{"old": true}\n')
    calls = 0
    real = Failure.to_json

    def breaks_late(self: Failure) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls > 1500:  # after the first chunk of a thousand was written
            raise OSError(28, "No space left on device")
        return real(self)

    monkeypatch.setattr(Failure, "to_json", breaks_late)
    with pytest.raises(OutputError, match=r"r\.json: cannot write: No space left on device"):
        write_json(_result(2500), str(target))
    assert target.read_bytes() == b'{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]

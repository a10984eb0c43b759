"""Golden tests: the exact messages a user sees for broken suites.

Run ``pytest tests/golden --update-goldens`` after an intended change of wording, then
review the diff of the ``.txt`` files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapegate.cli import main

HERE = Path(__file__).parent
SUITES = sorted((HERE / "suites").glob("*.yaml"))


@pytest.mark.parametrize("suite", SUITES, ids=[s.stem for s in SUITES])
def test_lint_message_is_stable(
    suite: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.chdir(HERE)
    code = main(["lint", f"suites/{suite.name}"])
    err = capsys.readouterr().err
    assert code == 2
    golden = HERE / "expected" / f"{suite.stem}.txt"
    if request.config.getoption("--update-goldens"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(err, encoding="utf-8")
    assert err == golden.read_text(encoding="utf-8")

"""Under pytest, a suite's collection error lists every bad item of a list, as lint does."""

from __future__ import annotations

import pytest


def test_every_unknown_pack_is_a_line_of_the_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".yaml",
        suite="suite: x\nexpectations:\n"
        "  - {name: a, check: no_boilerplate, field: t, packs: [comment_widget, portal_crome]}\n",
    )
    result = pytester.runpytest("suite.yaml")
    result.stdout.fnmatch_lines(
        [
            "suite.yaml:3:56: unknown pack 'comment_widget'; did you mean 'comment_widgets'?*",
            "suite.yaml:3:72: unknown pack 'portal_crome'; did you mean 'portal_chrome'?*",
        ]
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED

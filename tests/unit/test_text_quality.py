"""text_quality's defaults on the labelled fixtures, and its signals on edge shapes.

``fixtures/web/text_quality/docs.jsonl`` (made by ``make_docs.py`` beside it) holds invented
articles in ten languages and chrome pages in the shapes extractors produce. Precision must be
1.0: no article may fail a default. Recall is pinned at the floor measured when the defaults
were tuned; the two junk pages it misses are prose that is not the article (a paywall teaser,
reader comments), which other checks catch.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scrapegate.library.text_quality import TextQualityParams, resolve, text_quality
from scrapegate.registry import CheckContext

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "web" / "text_quality" / "docs.jsonl"
RECALL_FLOOR = 0.85
CTX = CheckContext(datetime(2026, 1, 1, tzinfo=UTC))


def _docs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]


def _table(rows: list[tuple[str, str, str, list[str]]]) -> str:
    out = [f"{'label':8} {'id':24} {'shape':40} failing signals"]
    out += [
        f"{label:8} {ident:24} {shape[:40]:40} {', '.join(sig) or '-'}"
        for label, ident, shape, sig in rows
    ]
    return "\n".join(out)


def test_defaults_never_fail_an_article_and_catch_most_chrome_pages() -> None:
    evaluate = text_quality(TextQualityParams(), CTX)
    docs = _docs()
    rows = []
    outcome: dict[str, list[bool]] = defaultdict(list)
    for doc in docs:
        violations = evaluate(doc["text"])
        signals = [v.message.split("(", 1)[1].split(")", 1)[0] for v in violations]
        rows.append((doc["label"], doc["id"], doc["shape"], signals))
        outcome[doc["label"]].append(bool(violations))
    table = _table(rows)
    assert len(docs) >= 30 and {d["lang"] for d in docs} >= {
        "en", "de", "fr", "es", "it", "nl", "pl", "ru", "ja", "zh",
    }  # fmt: skip
    false_alarms = sum(outcome["article"])
    caught = sum(outcome["junk"])
    precision = caught / (caught + false_alarms) if caught + false_alarms else 1.0
    recall = caught / len(outcome["junk"])
    print(f"\nprecision {precision:.2f}, recall {recall:.2f} ({caught}/{len(outcome['junk'])})")
    print(table)
    assert false_alarms == 0, f"articles fail a default:\n{table}"
    assert precision == 1.0
    assert recall >= RECALL_FLOOR, f"recall {recall:.2f} < {RECALL_FLOOR}:\n{table}"


def test_evidence_points_at_the_link_lines_and_the_repeated_line() -> None:
    text = "Intro line that is prose.\n* [A](https://x.example/a)\n* [B](https://x.example/b)\n"
    text += "* [C](https://x.example/c)\nShare this story now\nShare this story now\n"
    evaluate = text_quality(
        TextQualityParams(min_words=False, short_lines=False, duplicate_lines={"max": 0.1}), CTX
    )
    found = {v.message.split("(", 1)[1].split(")")[0]: v for v in evaluate(text)}
    link = found["link_lines"]
    assert link.start is not None and link.end is not None
    assert text[link.start : link.end] == (
        "* [A](https://x.example/a)\n* [B](https://x.example/b)\n* [C](https://x.example/c)"
    )
    dup = found["duplicate_lines"]
    assert dup.start is not None and text[dup.start : dup.end] == "Share this story now"
    assert dup.start > text.index("Share")


@pytest.mark.parametrize(
    "text",
    [
        "中华人民共和国" * 20,  # no spaces: every Han character is a word
        "Ein Satz. " * 60,  # one line: the line signals are not measured
        "Le théorème dit que x² + y² = z² pour les côtés d'un triangle rectangle. " * 8,
    ],
)
def test_texts_without_lines_or_spaces_pass(text: str) -> None:
    assert text_quality(TextQualityParams(), CTX)(text) == []


def test_a_long_line_of_brackets_is_scanned_without_hanging() -> None:
    from tests.helpers import finishes

    finishes(
        "from scrapegate.library.text_quality import TextQualityParams, text_quality\n"
        "from datetime import UTC, datetime\n"
        "from scrapegate.registry import CheckContext\n"
        "ctx = CheckContext(datetime(2026, 1, 1, tzinfo=UTC))\n"
        "text_quality(TextQualityParams(), ctx)"
        "(('[' * 50_000 + '](' * 50_000 + '\\n') * 6)"
    )


def test_every_signal_off_is_a_config_error() -> None:
    from scrapegate.registry import ParamError

    off = dict.fromkeys(
        ("terminal_punctuation", "short_lines", "link_lines", "symbols", "duplicate_lines",
         "mean_word_length", "min_words"),
        False,
    )  # fmt: skip
    with pytest.raises(ParamError, match="every signal turned off"):
        text_quality(TextQualityParams(**off), CTX)
    assert resolve(TextQualityParams(symbols={"max": 0.2})).get("symbols") == {"max": 0.2}

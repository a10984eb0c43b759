"""no_boilerplate: no page chrome from the listed ``packs`` (or extra ``patterns``) remains.

Catches comment widgets, contact forms, portlet titles, share buttons, cookie banners and
newsletter promos that leak into article text when a selector widens. Packs are reviewed
data files (``scrapegate schema`` lists their names); generic words such as ``Comments`` or
``CLOSE`` only match as whole lines, so prose that mentions them passes, or inside a run of at
least ``min_run`` chrome items (a page an extractor flattened into one line: the evidence
quotes the whole run). Words that prose also uses alone on a line (``Twitter``, ``x``, ``×``,
``Reset``, ``Search``, ``Share``) count only next to other chrome. Matching is
case-insensitive and sees through no-break spaces, zero-width characters and compatibility
forms; evidence quotes the original text. Extra ``patterns`` are RE2, matched anywhere unless
``match: line``.

Passes::

    expectation: {name: no widgets, check: no_boilerplate, field: text, packs: [comment_widgets]}
    document: {text: "The minister declined to comment on the comments."}

Fails::

    expectation: {name: no widgets, check: no_boilerplate, field: text, packs: [comment_widgets]}
    document: {text: "Rain is expected.\\nComments\\ncomments powered by Disqus"}

Fails (a flattened page)::

    expectation: {name: no widgets, check: no_boilerplate, field: text, packs: [portal_chrome]}
    document: {text: "Rain is expected. Comments Actions Loading... CLOSE"}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..packs import available_packs
from ..registry import CheckContext, ParamError, RowCheck, Violation, check
from ..textnorm import matching_view
from .rules import PATTERN_ITEM_SCHEMA, Hit, RuleScanner, build_rules, pack_label, pack_rule_names
from .runs import DEFAULT_MIN_RUN, Segment, segments, shipped_runs

SCHEMA: dict[str, Any] = {
    "packs": {
        "type": "array",
        "items": {"type": "string"},
        "description": f"Boilerplate packs to look for: {', '.join(available_packs())}; "
        "or a pack file by path (./site-templates.yaml, relative to the suite's folder).",
    },
    "patterns": {
        "type": "array",
        "items": PATTERN_ITEM_SCHEMA,
        "description": "Extra RE2 patterns that must not occur.",
    },
    "min_run": {
        "type": "integer",
        "minimum": 2,
        "default": DEFAULT_MIN_RUN,
        "description": "How many chrome items in a row (only whitespace or menu separators "
        "between them) count as chrome inside a line, as in a flattened page.",
    },
}


@dataclass(frozen=True)
class NoBoilerplateParams:
    """Packs and extra patterns."""

    packs: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = ()
    min_run: int = DEFAULT_MIN_RUN


@check("no_boilerplate", params=NoBoilerplateParams, schema=SCHEMA)
def no_boilerplate(params: NoBoilerplateParams, ctx: CheckContext) -> RowCheck:
    """Build the evaluator."""
    if not params.packs and not params.patterns:
        raise ParamError("check", "no_boilerplate needs 'packs', 'patterns' or both")
    scanner = RuleScanner(build_rules(params.packs, params.patterns))
    return BoilerplateEvaluator(scanner, pack_rule_names(params.packs), params.min_run)


class BoilerplateEvaluator:
    """Fails a value for every rule that matches it and every run of chrome it holds.

    ``scanner`` is shared by the engine; ``own`` names the rules of the listed packs, which
    a run must hold to be reported here.
    """

    def __init__(
        self, scanner: RuleScanner, own: frozenset[str] = frozenset(), min_run: int = 3
    ) -> None:
        self.scanner = scanner
        self.own = own
        self.min_run = min_run

    def __call__(self, value: str) -> list[Violation]:
        return self._judge(value, self.scanner.scan(value))

    def batch(self, values: Sequence[str]) -> list[tuple[int, list[Violation]]]:
        """Failing positions of a column of values: the rule sets scanned together."""
        out = []
        for index, hits in enumerate(self.scanner.scan_batch(values)):
            violations = self._judge(values[index], hits)
            if violations:
                out.append((index, violations))
        return out

    def _judge(self, value: str, hits: list[Hit]) -> list[Violation]:
        found = run_segments(value, self.own, self.min_run) if self.own else []
        violations = [_run_violation(value, segment, self.own) for segment in found]
        covered = [(segment.start, segment.end) for segment in found]
        violations.extend(
            Violation(f"{hit.rule.label} text {hit.text!r} ({hit.rule.name})", hit.start, hit.end)
            for hit in hits
            if not any(low <= hit.start and hit.end <= high for low, high in covered)
        )
        violations.sort(key=lambda v: v.start or 0)
        return violations


def run_segments(value: str, own: frozenset[str], min_run: int) -> list[Segment]:
    """Segments of counted chrome holding a rule of ``own``, as spans of ``value`` itself."""
    view = matching_view(value)
    out = []
    for segment in segments(view.text, shipped_runs().runs(view.text), own, min_run):
        start, end = view.to_original(segment.start), view.to_original(segment.end)
        out.append(Segment(start, end, segment.items))
    return out


_MAX_QUOTE = 300


def _run_violation(value: str, segment: Segment, own: frozenset[str]) -> Violation:
    rules = [rule for rule in segment.rules if rule in own]
    label = pack_label(rules[0].split("/")[0])
    text = value[segment.start : segment.end]
    if len(text) > _MAX_QUOTE:
        # A page that is one long run must not make a message of megabytes; the span still
        # covers it all (reports show it, clean removes it).
        text = f"{text[: _MAX_QUOTE - 30]}… ({len(text):,} characters)"
    if len(segment.items) == 1:
        return Violation(
            f"{label} text {text!r} ({rules[0]}, next to other chrome)", segment.start, segment.end
        )
    shown = ", ".join(rules[:4]) + (f" and {len(rules) - 4} more" if len(rules) > 4 else "")
    return Violation(
        f"{label} text in a run of {len(segment.items)} chrome items {text!r} ({shown})",
        segment.start,
        segment.end,
    )

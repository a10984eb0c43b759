"""A suite's cleaner pipeline, built and applied to documents.

Text cleaners run on the document's text fields: the named ``fields``, or by default every
string field except the id field (for a text dump, just its ``text``). A value a cleaner
cannot process (a field that is not text, a date that does not parse) keeps its value for
that step and is reported with the document's ``path:line``; the other steps still run and
the document is never dropped. Documents are copied, never changed in place.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..documents import Document
from ..errors import Location
from ._registry import (
    CleanerError,
    CleanFunction,
    Target,
    build_params,
    get_cleaner,
)
from ._spec import CleanerSpec

_KINDS = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object"}


@dataclass(frozen=True)
class Step:
    """One built cleaner of a pipeline."""

    name: str
    fn: CleanFunction
    target: Target
    fields: tuple[str, ...] | None
    location: Location | None = None
    # fn also takes the document's language: fn(value, language).
    document_language: bool = False


@dataclass(frozen=True)
class DocProblem:
    """A value one step could not clean: reported, and left as it was."""

    source: str
    step: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.step}: field {self.field!r}: {self.message}; left unchanged"


@dataclass
class StepStats:
    """What one step did over a run: documents touched, characters and lines removed."""

    name: str
    documents: int = 0
    chars_removed: int = 0
    lines_removed: int = 0


@dataclass(frozen=True)
class Cleaned:
    """A cleaned document, the problems met, and per step the (chars, lines) it removed
    (None when the step left the document as it was)."""

    document: Document
    problems: tuple[DocProblem, ...]
    changes: tuple[tuple[int, int] | None, ...]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WORD = re.compile(r"\w+")
_MARKS = re.compile(r"[\u0300-\u036f]+")


def _lines(text: str) -> list[str]:
    """Lines of text (CRLF, CR or LF), a final line break not starting another one."""
    if not text:
        return []
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def line_count(text: str) -> int:
    """Lines of text, a final line break not starting another one."""
    return len(_lines(text))


def _words(line: str) -> Counter[str]:
    # Case, accents and composition do not make a line another line.
    return Counter(_WORD.findall(_MARKS.sub("", unicodedata.normalize("NFKD", line.casefold()))))


def _derived(words: Counter[str], left: Counter[str], first: bool) -> Counter[str] | None:
    """The words an output line (``words``) takes from ``left`` (the unused words of an
    input line) when at least half of its words are there; None when it does not derive
    from that line. A line without words ("* * *") derives only as the first line taken
    from an input line."""
    if not words:
        return words if first else None
    found = sum(min(count, left[word]) for word, count in words.items())
    return words if found * 2 >= sum(words.values()) else None


# How far ahead an input line looks for the output line it became: cleaners keep the order,
# so a near window finds it and the count stays linear in the text.
_LOOKAHEAD = 16


def removed_lines(before: str, after: str) -> int:
    """How many lines of ``before`` have no counterpart in ``after`` (never negative).

    Lines are paired in order: an output line is the input line it equals, or one it was
    derived from (at least half its words are among that line's, so a line that lost its
    tags, spaces or accents is kept, and a line split in two at a block tag is one kept
    line). Input lines left without an output line were removed, less output lines left
    without an input line (a line rewritten beyond recognition, such as a date in ISO
    form). Blank lines are interchangeable: those beyond the output's blank lines were
    removed. Lines a cleaner adds by splitting never cancel lines it removed elsewhere.
    """
    old = [line for line in _lines(before) if line.strip()]
    new = [line for line in _lines(after) if line.strip()]
    blank = max(0, (line_count(before) - len(old)) - (line_count(after) - len(new)))
    paired_old = paired_new = 0
    at = 0
    # An output line is compared with several input lines: its words are counted once.
    counted: dict[int, Counter[str]] = {}

    def words_at(index: int) -> Counter[str]:
        if index not in counted:
            counted[index] = _words(new[index])
        return counted[index]

    for line in old:
        if at < len(new) and new[at] == line:
            # The common case (a line kept as it was): no words to compare.
            at += 1
            paired_old += 1
            paired_new += 1
            continue
        words = _words(line)
        window = range(at, min(len(new), at + _LOOKAHEAD))
        start = next(
            (k for k in window if new[k] == line or _derived(words_at(k), words, True) is not None),
            None,
        )
        if start is None:
            continue
        left = words - words_at(start)
        at = start + 1
        paired_old += 1
        paired_new += 1
        while at < len(new) and (used := _derived(words_at(at), left, False)) is not None:
            left -= used
            at += 1
            paired_new += 1
    return max(0, (len(old) - paired_old) - (len(new) - paired_new)) + blank


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _get(fields: dict[str, Any], name: str) -> Any:
    if name in fields or "." not in name:
        return fields.get(name)
    value: Any = fields
    for part in name.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _set(fields: dict[str, Any], name: str, value: str) -> None:
    if name in fields or "." not in name:
        fields[name] = value
        return
    parts = name.split(".")
    node = fields
    for part in parts[:-1]:
        # Nested objects are copied on the way down: the input document stays untouched.
        child = dict(node[part])
        node[part] = child
        node = child
    node[parts[-1]] = value


class Pipeline:
    """Cleaners in order; ``clean_text`` for one string, ``apply`` for a document."""

    def __init__(
        self,
        steps: Sequence[Step],
        id_field: str | None = None,
        language_of: Callable[[Document], str | None] | None = None,
    ) -> None:
        self.steps = tuple(steps)
        self.id_field = id_field
        # The suite's documents.language, read from the document as it came in.
        self.language_of = language_of

    def clean_text(self, text: str) -> str:
        """Run every text step on ``text`` (field cleaners are skipped; refusals keep it)."""
        for step in self.steps:
            if step.target != "text":
                continue
            try:
                text = step.fn(text)
            except CleanerError:
                continue
        return text

    def __call__(self, text: str) -> str:
        return self.clean_text(text)

    def _targets(self, step: Step, doc: Document, fields: dict[str, Any]) -> list[str]:
        if step.fields is not None:
            return [f for f in step.fields if f != self.id_field]
        if step.target == "field":
            return []
        if doc.text_field is not None:
            return [doc.text_field]
        return [k for k, v in fields.items() if isinstance(v, str) and k != self.id_field]

    def apply(self, doc: Document, count_lines: bool = True) -> Cleaned:
        """Clean one document; the input document is not modified.

        ``count_lines=False`` skips pairing old and new lines for the summary's "lines
        removed" (the costly part of the accounting) when nobody will read it.
        """
        fields = dict(doc.fields)
        problems: list[DocProblem] = []
        changes: list[tuple[int, int] | None] = []
        language: str | None = None
        language_read = self.language_of is None
        for step in self.steps:
            if step.document_language and not language_read:
                language = self.language_of(doc) if self.language_of is not None else None
                language_read = True
            chars = lines = 0
            touched = False
            for name in self._targets(step, doc, fields):
                value = _get(fields, name)
                if value is None:
                    continue
                if not isinstance(value, str):
                    message = f"is {_kind(value)}, expected text"
                    problems.append(DocProblem(doc.source, step.name, name, message))
                    continue
                try:
                    if step.document_language:
                        with_language: Any = step.fn
                        cleaned = with_language(value, language)
                    else:
                        cleaned = step.fn(value)
                except CleanerError as exc:
                    problems.append(DocProblem(doc.source, step.name, name, str(exc)))
                    continue
                if cleaned != value:
                    touched = True
                    chars += len(value) - len(cleaned)
                    if count_lines:
                        lines += removed_lines(value, cleaned)
                    _set(fields, name, cleaned)
            changes.append((chars, lines) if touched else None)
        return Cleaned(replace(doc, fields=fields), tuple(problems), tuple(changes))


def step_targets(spec_params: dict[str, Any], target: Target) -> tuple[str, ...] | None:
    """The explicit fields of a step: ``fields`` for text cleaners, ``field`` for the others."""
    if target == "field":
        value = spec_params.get("field")
        return (str(value),) if value is not None else ()
    explicit = spec_params.get("fields")
    return tuple(str(f) for f in explicit) if explicit is not None else None


def build_pipeline(
    specs: Sequence[CleanerSpec],
    id_field: str | None = None,
    language_of: Callable[[Document], str | None] | None = None,
) -> Pipeline:
    """Build the steps of a validated ``cleaners:`` list (unknown names raise).

    ``language_of`` gives a document's language to the cleaners that take one
    (``normalize_date``); the suite's ``documents.language``.
    """
    steps = []
    for spec in specs:
        cleaner_type = get_cleaner(spec.name)
        fn = cleaner_type.factory(build_params(cleaner_type, spec.params))
        steps.append(
            Step(
                name=spec.name,
                fn=fn,
                target=cleaner_type.target,
                fields=step_targets(spec.params, cleaner_type.target),
                location=spec.location,
                document_language=cleaner_type.document_language,
            )
        )
    return Pipeline(steps, id_field, language_of)


@dataclass
class RunStats:
    """Per-step totals and problems over many documents (the clean command's summary)."""

    steps: list[StepStats]
    documents: int = 0
    problems: list[str] = field(default_factory=list)

    @classmethod
    def for_pipeline(cls, pipeline: Pipeline) -> RunStats:
        """Empty totals, one row per step."""
        return cls([StepStats(step.name) for step in pipeline.steps])

    def add(self, cleaned: Cleaned) -> None:
        """Fold one cleaned document in."""
        self.documents += 1
        self.problems.extend(str(p) for p in cleaned.problems)
        for stats, change in zip(self.steps, cleaned.changes, strict=True):
            if change is not None:
                stats.documents += 1
                stats.chars_removed += change[0]
                stats.lines_removed += change[1]

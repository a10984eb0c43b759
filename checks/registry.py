"""The check registry: check types by name, built-in and from third parties.

A check type is a frozen params dataclass, a JSON Schema for its keys and a factory that turns
params into an evaluator. Row checks look at one value at a time; corpus checks see every
document and keep compact state. Third-party packages register theirs through the
``scrapegate.checks`` entry-point group: the entry point names a module, importing it runs its
``@check`` decorators.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from typing import Any, Protocol

from .errors import did_you_mean
from .grouping import GroupBy

ENTRY_POINT_GROUP = "scrapegate.checks"

# Built-in check modules, imported on first use of the registry.
BUILTIN_MODULES = (
    "scrapegate.library.not_empty",
    "scrapegate.library.date_parses",
    "scrapegate.library.no_boilerplate",
    "scrapegate.library.attribution_present",
    "scrapegate.library.matches",
    "scrapegate.library.length",
    "scrapegate.library.no_html",
    "scrapegate.library.unique",
    "scrapegate.library.count",
    "scrapegate.library.repeated_lines",
    "scrapegate.library.text_quality",
)


@dataclass(frozen=True)
class Violation:
    """One reason a document fails a check, with the span of the offending text if any."""

    message: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class DocRef:
    """Enough of a document to name it in a failure."""

    id: str
    source: str
    # The record's ordinal in the run (see scrapegate.routing), -1 when not routed: lets
    # check --quarantine find the record a corpus check failed after the fact.
    ordinal: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class CorpusViolation:
    """A violation found by a corpus check: for a document, or for the corpus (doc None)."""

    doc: DocRef | None
    violation: Violation


class RowCheck(Protocol):
    """Evaluates one field value; returns the violations (empty when it passes).

    The evaluator of a check registered with ``document_language=True`` is called as
    ``evaluator(value, language)`` instead: ``language`` is the document's language tag from
    the suite's ``documents.language`` (``es``, ``en-US``), or None when it is not known.

    An evaluator may also have ``batch(values) -> [(position, violations), ...]`` (with the
    languages and documents as further lists, by the same flags): the engine, which works in
    batches of documents, then calls it once per batch instead of once per value. It must
    return, for the failing positions in order, what the per-value call would.
    """

    def __call__(self, value: Any, /) -> list[Violation]: ...


class CorpusCheck(Protocol):
    """Sees every document once, then reports corpus-level violations at the end.

    A check registered with ``sees_document=True`` is called as ``observe(value, doc,
    document)``: ``document`` is the whole :class:`~scrapegate.documents.Document` (to read
    its group, say); it must not be kept. A state may also have ``warnings() -> list[str]``:
    the engine adds them to the run's warnings (a bound on memory that was reached).
    """

    def observe(self, value: Any, doc: DocRef, /) -> list[Violation]:
        """Record a value; return violations of this document found now."""
        ...

    def merge(self, later: Any, /) -> Iterable[CorpusViolation]:
        """Fold in the state of the next slice of the input (parallel runs)."""
        ...

    def finish(self) -> Iterable[CorpusViolation]:
        """Violations known only once the whole corpus has been seen."""
        ...


@dataclass(frozen=True)
class CheckContext:
    """What a check may depend on besides its params: the run's clock, and its slice."""

    now: datetime
    # True in a parallel worker's slice after the first: a corpus check's state will be
    # merged after an earlier slice's, so it must keep what it needs to report its own
    # documents should the merge find them failing (unique keeps its first occurrences).
    follows_earlier_slice: bool = False
    # The suite's documents.group_by (a check's own group_by param overrides it).
    group_by: GroupBy | None = None
    # The suite file's folder: suite-relative paths (packs given by path) start here.
    base_dir: str = "."


class ParamError(ValueError):
    """A parameter value a check cannot use; ``key`` locates it in the suite.

    ``more`` carries further problems found by the same factory, so that a suite shows every
    bad item of a list (each unknown pack, each bad pattern) at once, not only the first.
    """

    def __init__(
        self,
        key: str | tuple[str | int, ...],
        message: str,
        more: Sequence[ParamError] = (),
    ) -> None:
        super().__init__(message)
        self.key: tuple[str | int, ...] = (key,) if isinstance(key, str) else key
        self.message = message
        self.more = tuple(more)

    def each(self) -> tuple[ParamError, ...]:
        """This problem and every further one, in the order found."""
        return (self, *(e for m in self.more for e in m.each()))


def raise_all(errors: Sequence[ParamError]) -> None:
    """Raise every collected problem at once (the first carries the rest); none: return."""
    if errors:
        raise ParamError(errors[0].key, errors[0].message, [*errors[0].more, *errors[1:]])


Factory = Callable[[Any, CheckContext], Any]


@dataclass(frozen=True)
class CheckType:
    """A registered check type."""

    name: str
    params: type
    factory: Factory
    schema: Mapping[str, Any]
    required: tuple[str, ...] = ()
    needs_field: bool = True
    corpus: bool = False
    # Text checks fail values that are not strings; others see any JSON value.
    text_only: bool = True
    # Whether a missing or null value is simply a failure (True) or passed to the check.
    missing_fails: bool = True
    # Whether the row evaluator also takes the document's language (see RowCheck).
    document_language: bool = False
    # Whether the corpus evaluator's observe also takes the whole document (see CorpusCheck);
    # for a row check, whether its evaluator is called ``evaluator(value, language, document)``.
    sees_document: bool = False
    # A row check whose evaluator also has the ``merge``/``finish`` (and maybe ``warnings``)
    # of a corpus check: it judges most values at once and some at the end of the run
    # (date_parses keeps ambiguous dates until the corpus has shown its date order).
    finishes: bool = False
    module: str = ""
    doc: str = field(default="", compare=False)


class DuplicateCheckError(ValueError):
    """Two check types registered under one name."""


_REGISTRY: dict[str, CheckType] = {}


def check(
    name: str,
    *,
    params: type,
    schema: Mapping[str, Any],
    required: tuple[str, ...] = (),
    needs_field: bool = True,
    corpus: bool = False,
    text_only: bool = True,
    missing_fails: bool = True,
    document_language: bool = False,
    sees_document: bool = False,
    finishes: bool = False,
) -> Callable[[Factory], Factory]:
    """Register the decorated factory as check type ``name``."""

    def register(factory: Factory) -> Factory:
        existing = _REGISTRY.get(name)
        module = factory.__module__
        if existing is not None and existing.module != module:
            raise DuplicateCheckError(
                f"check {name!r} is registered twice: by {existing.module} and by {module}"
            )
        doc = (importlib.import_module(module).__doc__ or "") if module else ""
        _REGISTRY[name] = CheckType(
            name=name,
            params=params,
            factory=factory,
            schema=schema,
            required=required,
            needs_field=needs_field,
            corpus=corpus,
            text_only=text_only,
            missing_fails=missing_fails,
            document_language=document_language,
            sees_document=sees_document,
            finishes=finishes,
            module=module,
            doc=doc,
        )
        return factory

    return register


def load_modules_and_plugins(builtin_modules: Iterable[str], group: str) -> tuple[str, ...]:
    """Import the built-in modules, then every entry point of ``group``; their names."""
    for module in builtin_modules:
        importlib.import_module(module)
    loaded = []
    for ep in entry_points(group=group):
        ep.load()
        loaded.append(ep.name)
    return tuple(loaded)


@functools.cache
def _load_plugins() -> tuple[str, ...]:
    return load_modules_and_plugins(BUILTIN_MODULES, ENTRY_POINT_GROUP)


def registry() -> Mapping[str, CheckType]:
    """Every registered check type by name (built-ins and entry-point plugins)."""
    _load_plugins()
    return dict(_REGISTRY)


def builtin_names() -> tuple[str, ...]:
    """Names of the check types shipped with scrapegate."""
    _load_plugins()
    return tuple(sorted(n for n, c in _REGISTRY.items() if c.module in BUILTIN_MODULES))


class UnknownCheckError(KeyError):
    """A check name nobody registered."""

    def __str__(self) -> str:
        return str(self.args[0])


def get_check(name: str) -> CheckType:
    """Look a check type up by name, with a did-you-mean when it is unknown."""
    checks = registry()
    if name not in checks:
        raise UnknownCheckError(f"unknown check {name!r}{did_you_mean(name, checks)}")
    return checks[name]

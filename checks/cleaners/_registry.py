"""The cleaner registry: cleaners by name, built-in and from third parties.

A cleaner is a frozen params dataclass, a JSON Schema for its keys and a factory that turns
params into a pure ``str -> str`` function. Text cleaners apply to the text fields of a
document (or the ``fields`` the suite names); field cleaners such as ``normalize_date`` apply
to the one ``field`` they are given. Third-party packages register theirs through the
``scrapegate.cleaners`` entry-point group: the entry point names a module, importing it runs
its ``@cleaner`` decorators. A cleaner registered with ``document_language=True`` returns a
function that also takes the document's language (``fn(value, language)``, see
:data:`LanguageCleanFunction`); called with the value alone, it cleans as for an unknown one.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import did_you_mean
from ..registry import load_modules_and_plugins

ENTRY_POINT_GROUP = "scrapegate.cleaners"

BUILTIN_MODULES = (
    "scrapegate.cleaners.strip_html",
    "scrapegate.cleaners.fix_mojibake",
    "scrapegate.cleaners.normalize_unicode",
    "scrapegate.cleaners.normalize_whitespace",
    "scrapegate.cleaners.truncate_after",
    "scrapegate.cleaners.strip_boilerplate",
    "scrapegate.cleaners.dedupe_paragraphs",
    "scrapegate.cleaners.normalize_date",
)

CleanFunction = Callable[[str], str]
# What a document_language cleaner's function also accepts: the value and the document's
# language tag (``es``, ``en-US``) or None when it is not known.
LanguageCleanFunction = Callable[[str, str | None], str]
Factory = Callable[[Any], CleanFunction]
Target = Literal["text", "field"]

FIELDS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string", "minLength": 1},
    "description": "Fields to clean (default: every text field except the document id).",
}


class CleanerError(ValueError):
    """Raised by a cleaner for a value it cannot process; the pipeline reports it and keeps
    the value unchanged."""


@dataclass(frozen=True)
class CleanerType:
    """A registered cleaner and the properties its docstring promises."""

    name: str
    params: type
    factory: Factory
    schema: Mapping[str, Any]
    required: tuple[str, ...] = ()
    target: Target = "text"
    # Removing cleaners never lengthen their input.
    removing: bool = False
    # Deletion-only cleaners keep whole input lines in order (whitespace aside) and only
    # delete: nothing is invented, reordered or changed inside a line (strip_boilerplate's
    # inline phrases excepted; see scrapegate.strategies.deletion_only_problem).
    deletion_only: bool = False
    # Whether the function also takes the document's language (see the module docstring).
    document_language: bool = False
    module: str = ""
    doc: str = field(default="", compare=False)

    def keys(self) -> dict[str, Any]:
        """Every parameter the suite may give, with its schema (``fields`` for text cleaners)."""
        keys = dict(self.schema)
        if self.target == "text":
            keys = {"fields": FIELDS_SCHEMA, **keys}
        return keys

    def param_schema(self) -> dict[str, Any]:
        """The JSON Schema of this cleaner's parameter mapping."""
        # Editors show descriptions as Markdown: ``literal`` (reST) becomes `literal`.
        summary = self.doc.strip().split("\n", 1)[0].replace("``", "`")
        return {
            "type": ["object", "null"],
            "description": summary or f"The {self.name} cleaner.",
            "additionalProperties": False,
            "properties": self.keys(),
            "required": list(self.required),
        }


class DuplicateCleanerError(ValueError):
    """Two cleaners registered under one name."""


class UnknownCleanerError(KeyError):
    """A cleaner name nobody registered; the message has a did-you-mean."""

    def __str__(self) -> str:
        return str(self.args[0])


_REGISTRY: dict[str, CleanerType] = {}


def cleaner(
    name: str,
    *,
    params: type,
    schema: Mapping[str, Any],
    required: tuple[str, ...] = (),
    target: Target = "text",
    removing: bool = False,
    deletion_only: bool = False,
    document_language: bool = False,
) -> Callable[[Factory], Factory]:
    """Register the decorated factory as cleaner ``name``."""

    def register(factory: Factory) -> Factory:
        module = factory.__module__
        existing = _REGISTRY.get(name)
        if existing is not None and existing.module != module:
            raise DuplicateCleanerError(
                f"cleaner {name!r} is registered twice: by {existing.module} and by {module}"
            )
        doc = (importlib.import_module(module).__doc__ or "") if module else ""
        _REGISTRY[name] = CleanerType(
            name=name,
            params=params,
            factory=factory,
            schema=schema,
            required=required,
            target=target,
            removing=removing or deletion_only,
            deletion_only=deletion_only,
            document_language=document_language,
            module=module,
            doc=doc,
        )
        return factory

    return register


@functools.cache
def _load_plugins() -> tuple[str, ...]:
    return load_modules_and_plugins(BUILTIN_MODULES, ENTRY_POINT_GROUP)


def registry() -> Mapping[str, CleanerType]:
    """Every registered cleaner by name (built-ins and entry-point plugins)."""
    _load_plugins()
    return dict(_REGISTRY)


def builtin_cleaners() -> tuple[str, ...]:
    """Names of the cleaners shipped with scrapegate, sorted."""
    _load_plugins()
    return tuple(sorted(n for n, c in _REGISTRY.items() if c.module in BUILTIN_MODULES))


def get_cleaner(name: str) -> CleanerType:
    """Look a cleaner up by name, with a did-you-mean when it is unknown."""
    cleaners = registry()
    if name not in cleaners:
        raise UnknownCleanerError(
            f"unknown cleaner {name!r}{did_you_mean(name, cleaners)}"
            f" (available: {', '.join(sorted(cleaners))})"
        )
    return cleaners[name]


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def build_params(cleaner_type: CleanerType, raw: Mapping[str, Any]) -> Any:
    """The params dataclass from a suite's mapping (``fields`` and unknown keys left out)."""
    from dataclasses import fields as dataclass_fields

    names = {f.name for f in dataclass_fields(cleaner_type.params)}
    return cleaner_type.params(**{k: _tuples(v) for k, v in raw.items() if k in names})


def make_cleaner(name: str, **params: Any) -> CleanFunction:
    """Build one cleaner as a plain ``str -> str`` function: ``make_cleaner("strip_html")``.

    A value the cleaner cannot process (only field cleaners refuse values) comes back
    unchanged, so the function is total, as the property tests need it.
    """
    cleaner_type = get_cleaner(name)
    fn = cleaner_type.factory(build_params(cleaner_type, params))

    def total(text: str) -> str:
        try:
            return fn(text)
        except CleanerError:
            return text

    total.__name__ = name
    total.__doc__ = cleaner_type.doc
    return total

"""Non-finite numbers (NaN and the infinities), refused wherever a suite holds a number.

YAML spells them ``.nan``, ``.inf`` and ``-.inf`` (any case), and JSON Schema's ``number``
accepts them: ``minimum`` and ``maximum`` compare false with NaN, so ``mostly: .nan`` passed
validation, failed an expectation every document passes and wrote a result nothing reads back.
Suites and cleaner steps are validated with :func:`finite_validator`, whose ``number`` type
leaves them out, and :func:`nonfinite_message` turns its error into one naming the key and the
finite range it allows.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported when a schema is validated, not to run a suite
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

# Schema errors that only repeat, in worse words, that a non-finite value is out of range.
RANGE_KEYWORDS = frozenset(
    {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
)


def is_nonfinite(value: object) -> bool:
    """Whether ``value`` is a float NaN or infinity (what YAML's ``.nan`` and ``.inf`` load as)."""
    return isinstance(value, float) and not math.isfinite(value)


def yaml_spelling(value: float) -> str:
    """How YAML writes a non-finite float: ``.nan``, ``.inf`` or ``-.inf``."""
    if math.isnan(value):
        return ".nan"
    return ".inf" if value > 0 else "-.inf"


def _is_finite_number(checker: Any, instance: object) -> bool:
    from jsonschema import Draft202012Validator

    base = Draft202012Validator.TYPE_CHECKER
    return bool(base.is_type(instance, "number")) and not is_nonfinite(instance)


@functools.cache
def _finite_validator_class() -> type[Validator]:
    # Importing jsonschema costs ~0.1 s: paid only when a schema is validated (a suite whose
    # validation is cached, see scrapegate.validcache, does not).
    from jsonschema import Draft202012Validator, validators

    # jsonschema's extend() is untyped; what it returns is a validator class like the one
    # it extends.
    cls: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _is_finite_number),
    )
    return cls


def finite_validator(schema: Mapping[str, Any]) -> Validator:
    """A Draft 2020-12 validator for ``schema`` whose ``number`` leaves out NaN and infinity."""
    return _finite_validator_class()(schema)


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def allowed_range(schema: Mapping[str, Any]) -> str:
    """The range a numeric schema allows, in words: ``from 0 to 1``, ``of at least 0``, ``""``."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low_x, high_x = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    parts = []
    if low is not None and high is not None:
        return f" from {_number(low)} to {_number(high)}"
    if low is not None:
        parts.append(f"at least {_number(low)}")
    if low_x is not None:
        parts.append(f"greater than {_number(low_x)}")
    if high is not None:
        parts.append(f"at most {_number(high)}")
    if high_x is not None:
        parts.append(f"less than {_number(high_x)}")
    return f" of {' and '.join(parts)}" if parts else ""


def nonfinite_message(key: str, value: float, schema: Mapping[str, Any]) -> str:
    """What to say about a non-finite ``value`` at ``key`` whose schema is ``schema``."""
    types = schema.get("type")
    names = [types] if isinstance(types, str) else list(types or ())
    kind = "a whole number" if "integer" in names and "number" not in names else "a finite number"
    what = "not a number" if math.isnan(value) else "infinity"
    return f"{key} must be {kind}{allowed_range(schema)}, got {yaml_spelling(value)} ({what})"


def nonfinite_error(error: ValidationError) -> str | None:
    """For a schema error on a NaN or infinity: the message of its ``type`` error, ``""`` for a
    range error that only repeats it (skip it), ``None`` for any other error (say it as usual).
    """
    value, schema = error.instance, error.schema
    if not isinstance(value, float) or not is_nonfinite(value) or not isinstance(schema, Mapping):
        return None
    if error.validator == "type":
        return nonfinite_message(key_name(tuple(error.absolute_path)), value, schema)
    return "" if error.validator in RANGE_KEYWORDS else None


def key_name(path: tuple[str | int, ...]) -> str:
    """The key a value sits at, for a message: ``'mostly'``, or ``an item of 'years'``."""
    if path and isinstance(path[-1], str):
        return repr(path[-1])
    if len(path) >= 2 and isinstance(path[-2], str):
        return f"an item of {path[-2]!r}"
    return "the value"

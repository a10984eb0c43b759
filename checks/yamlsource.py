"""Safe YAML loading that remembers where every key and value came from.

Suites are written by hand, so a mistake must be reported at ``file:line:col`` with the key
path. PyYAML's safe composer gives us the node tree with marks; we build plain Python values
from it ourselves, which lets us reject duplicate keys (instead of last-one-wins) and refuse
alias bombs before they expand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from checks.errors import ConfigError, Location, Problem

# libyaml's composer keeps marks too, and is much faster than the pure-Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A suite is a few hundred nodes; anything past this is an alias bomb or a mistake.
MAX_NODES = 100_000

KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """Render a key path as ``expectations[2].max_length``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class MarkedDocument:
    """Plain Python data loaded from YAML plus the position of every key and value."""

    path: str
    data: Any
    value_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: KeyPath, *, key: bool = False) -> Location:
        """Location of the value (or key) at ``path``, falling back to the nearest parent."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in marks:
                line, col = marks[probe]
                return Location(self.path, line, col)
            if not key and probe in self.key_marks:
                line, col = self.key_marks[probe]
                return Location(self.path, line, col)
            probe = probe[:-1]
        line, col = self.value_marks.get((), (1, 1))
        return Location(self.path, line, col)


class _Builder:
    def __init__(self, path: str) -> None:
        self.doc = MarkedDocument(path, None)
        self.problems: list[Problem] = []
        self.nodes = 0
        self._constructor = yaml.SafeLoader("")

    def _loc(self, mark: yaml.Mark) -> tuple[int, int]:
        return (mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            line, col = self._loc(node.start_mark)
            raise ConfigError.single(
                Location(self.doc.path, line, col),
                f"YAML expands to more than {MAX_NODES} nodes (an alias bomb?); "
                "remove the repeated aliases",
            )
        self.doc.value_marks[path] = self._loc(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            self._constructor.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = self._constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    self.problems.append(
                        Problem(
                            Location(self.doc.path, *self._loc(key_node.start_mark)),
                            "mapping keys must be plain strings",
                            format_path(path),
                        )
                    )
                    continue
                key = str(key) if not isinstance(key, str) else key
                child = (*path, key)
                if key in result:
                    first = self.doc.key_marks[child]
                    self.problems.append(
                        Problem(
                            Location(self.doc.path, *self._loc(key_node.start_mark)),
                            f"duplicate key {key!r} (first defined at line {first[0]}); "
                            "remove one of them",
                            format_path(path) or "top level",
                        )
                    )
                    continue
                self.doc.key_marks[child] = self._loc(key_node.start_mark)
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._constructor.construct_object(node, deep=True)


def _yaml_error_problem(path: str, exc: yaml.YAMLError, source: str = "") -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}, {problem}" if context else str(problem)
    lines = source.splitlines()
    offending = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in offending[: max(col, 1)] or "'\\t'" in text:
        text = "tab character in indentation; YAML does not allow tabs, indent with spaces"
    else:
        text = f"invalid YAML: {text}; fix the syntax at this position"
    return Problem(Location(path, line, col), text)


def load_marked(text: str, path: str) -> MarkedDocument:
    """Parse one YAML document safely, keeping marks; raise ConfigError listing every problem."""
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError([_yaml_error_problem(path, exc, text)]) from None
    builder = _Builder(path)
    if node is None:
        builder.doc.data = None
        return builder.doc
    try:
        builder.doc.data = builder.build(node, ())
    except yaml.YAMLError as exc:
        raise ConfigError([*builder.problems, _yaml_error_problem(path, exc, text)]) from None
    if builder.problems:
        raise ConfigError(builder.problems)
    return builder.doc


def read_marked(path: str, display: str | None = None) -> MarkedDocument:
    """Read and parse a YAML file; unreadable or non-UTF-8 files are ConfigErrors too."""
    shown = display or path
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise ConfigError.single(
            Location(shown), f"cannot read file: {exc.strerror or exc}; check the path"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError.single(
            Location(shown, line), f"file is not UTF-8 (byte {exc.start}); save it as UTF-8"
        ) from None
    return load_marked(text, shown)


def problems_sorted(problems: Sequence[Problem]) -> list[Problem]:
    """Problems in file order, so a user can fix them top to bottom."""
    return sorted(problems, key=lambda p: (p.location.path, p.location.line, p.location.col))

"""Safe YAML loading that remembers where every key and value came from.

Suites are written by hand, so a mistake must be reported at ``file:line:col`` with the key
path. PyYAML's safe composer gives us the node tree with marks; we build plain Python values
from it ourselves, which lets us reject duplicate keys (instead of last-one-wins) and refuse
alias bombs before they expand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ConfigError, Location, Problem


def _pick_loader() -> Any:
    """libyaml's loader when it builds this ``yaml`` module's node classes, else PyYAML's.

    libyaml's composer keeps marks too, and is much faster than the pure-Python one. But a C
    extension is initialised once per process: when ``yaml`` is dropped from ``sys.modules``
    and imported again (pytester restores its module snapshot after every in-process run),
    ``CSafeLoader`` still builds nodes of the first import's classes, which neither the
    builder below nor PyYAML's constructor would recognise.
    """
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return yaml.SafeLoader
    probe = c_loader("{a: [1]}")
    try:
        node = probe.get_single_node()
    finally:
        probe.dispose()
    return c_loader if isinstance(node, yaml.MappingNode) else yaml.SafeLoader


_LOADER: Any = _pick_loader()


def fast_safe_loader() -> Any:
    """The safe loader class this process should use: libyaml's when it works, else PyYAML's."""
    return _LOADER


# A suite is a few hundred nodes; anything past this is an alias bomb or a mistake.
MAX_NODES = 100_000
# A suite nests about five levels; the limit keeps the builder and the schema validator (both
# recursive) far from Python's recursion limit whatever the file holds.
MAX_DEPTH = 64
TOO_DEEP = (
    f"YAML nests more than {MAX_DEPTH} levels deep; a suite needs only a few levels, "
    "flatten the lists and mappings"
)

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
    # Problems that left the rest of the data usable (see ``load_marked(keep_going=True)``).
    problems: list[Problem] = field(default_factory=list)
    # SHA-256 of the file's bytes when read from a file (read_marked), else "": what the
    # data is a function of (see scrapegate.validcache).
    source_digest: str = ""

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
        # Mapping nodes whose merge keys are applied (an anchored node is built again per alias).
        self._flattened: set[int] = set()

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
        if len(path) > MAX_DEPTH:
            line, col = self._loc(node.start_mark)
            raise ConfigError.single(Location(self.doc.path, line, col), TOO_DEEP)
        self.doc.value_marks[path] = self._loc(node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node: yaml.Node, path: KeyPath) -> Any:
        """Construct a scalar; a value its tag rejects (``2021-02-30``) is a problem, no crash."""
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            tag = str(node.tag).rsplit(":", 1)[-1]
            detail = f": {exc}" if isinstance(exc, ValueError) else ""
            self.problems.append(
                Problem(
                    Location(self.doc.path, *self._loc(node.start_mark)),
                    f"{node.value!r} is not a valid {tag}{detail}; fix it, or quote it to "
                    "keep it as text",
                    format_path(path),
                )
            )
            return None

    def _flatten(self, node: yaml.MappingNode) -> None:
        """Apply merge keys (``<<: *defaults``) once per node, the way YAML defines them.

        The mapping's own keys override merged ones, and of several merged mappings the first
        wins: neither is a duplicate. The node keeps the resolved pairs, so a later merge of
        this node sees what it resolved to.
        """
        if id(node) in self._flattened:
            return
        self._flattened.add(id(node))
        own = {id(key) for key, _ in node.value}
        self._constructor.flatten_mapping(node)
        if all(id(key) in own for key, _ in node.value):
            return
        taken = {_key_text(key) for key, _ in node.value if id(key) in own}
        resolved = []
        for key, value in node.value:
            if id(key) not in own:
                text = _key_text(key)
                if text in taken:
                    continue
                taken.add(text)
            resolved.append((key, value))
        node.value = resolved

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        self._flatten(node)
        for key_node, value_node in node.value:
            # Only scalar keys are constructed: a collection key could nest without limit.
            key: Any = self._scalar(key_node, path) if isinstance(key_node, yaml.ScalarNode) else []
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


def _key_text(node: yaml.Node) -> object:
    """What makes two key nodes the same key, for merging (collections never match)."""
    return (node.tag, node.value) if isinstance(node, yaml.ScalarNode) else id(node)


def _yaml_error_problem(path: str, exc: yaml.YAMLError, source: str = "") -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = f"{context}, {problem}" if context else str(problem)
    if isinstance(exc, yaml.reader.ReaderError):
        # A byte or character YAML refuses anywhere (a control character, say): no mark.
        line = source.count("\n", 0, exc.position) + 1
        col = exc.position - (source.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"character {char!r} is not allowed in YAML ({exc.reason}); remove it"
        return Problem(Location(path, line, col), message)
    lines = source.splitlines()
    offending = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in offending[: max(col, 1)] or "'\\t'" in text:
        text = "tab character in indentation; YAML does not allow tabs, indent with spaces"
    elif "maximum nesting depth" in text:
        text = TOO_DEEP
    else:
        text = f"invalid YAML: {text}; fix the syntax at this position"
    # One line per problem, whatever the parser put in its message.
    return Problem(Location(path, line, col), " ".join(text.split()))


def load_marked(text: str, path: str, *, keep_going: bool = False) -> MarkedDocument:
    """Parse one YAML document safely, keeping marks; raise ConfigError listing every problem.

    With ``keep_going``, problems that leave the rest of the data usable (a duplicate key,
    whose first value is kept; a value its tag rejects, kept as None) are returned in
    ``problems`` instead, so a validator can report them together with its own.
    """
    try:
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError([_yaml_error_problem(path, exc, text)]) from None
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        raise ConfigError.single(Location(path), TOO_DEEP) from None
    except UnicodeError as exc:  # lone surrogates: only text handed in by code, never a file
        raise ConfigError.single(
            Location(path), f"the suite text is not valid Unicode ({exc}); fix the text"
        ) from None
    builder = _Builder(path)
    if node is None:
        builder.doc.data = None
        return builder.doc
    try:
        builder.doc.data = builder.build(node, ())
    except yaml.YAMLError as exc:
        raise ConfigError([*builder.problems, _yaml_error_problem(path, exc, text)]) from None
    except RecursionError:  # only with the pure-Python composer, whose limit is lower
        raise ConfigError.single(Location(path), TOO_DEEP) from None
    if builder.problems and not keep_going:
        raise ConfigError(builder.problems)
    builder.doc.problems = builder.problems
    return builder.doc


# A suite is a short YAML file: anything bigger is the wrong path (or /dev/zero), refused
# after reading one byte past the limit rather than read until memory runs out.
MAX_SUITE_BYTES = 10 * 1024 * 1024


def read_marked(
    path: str, display: str | None = None, *, keep_going: bool = False
) -> MarkedDocument:
    """Read and parse a YAML file; unreadable, oversized or non-UTF-8 files are ConfigErrors."""
    shown = display or path
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SUITE_BYTES + 1)
    except OSError as exc:
        raise ConfigError.single(
            Location(shown), f"cannot read file: {exc.strerror or exc}; check the path"
        ) from None
    if len(raw) > MAX_SUITE_BYTES:
        raise ConfigError.single(
            Location(shown),
            f"file is bigger than {MAX_SUITE_BYTES >> 20} MiB, the limit for a YAML file; "
            "a suite is a few kilobytes: check that this is the suite you meant",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError.single(
            Location(shown, line), f"file is not UTF-8 (byte {exc.start}); save it as UTF-8"
        ) from None
    doc = load_marked(text, shown, keep_going=keep_going)
    doc.source_digest = hashlib.sha256(raw).hexdigest()
    return doc


def problems_sorted(problems: Sequence[Problem]) -> list[Problem]:
    """Problems in file order, so a user can fix them top to bottom."""
    return sorted(problems, key=lambda p: (p.location.path, p.location.line, p.location.col))

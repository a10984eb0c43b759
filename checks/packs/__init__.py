"""Boilerplate packs: named, reviewed patterns for page chrome scrapers leave in text.

Each pack is a YAML data file beside this module. A rule matches either a whole line
(``match: line``, the default, for generic words such as ``Comments`` or ``CLOSE`` that prose
also uses) or anywhere (``match: inline``, for phrases no article contains, such as
``comments powered by Disqus``). A whole-line rule marked ``ambiguous: true`` matches a word
or symbol that prose also uses alone on a line (a heading ``Twitter``, a variable ``x``): it
counts only next to other chrome (see :mod:`scrapegate.library.runs`). Every rule carries at
least one real-looking example, and a test proves each example matches its rule.

A rule with ``in_runs: false`` stays out of runs (a list rule whose items form runs on their
own). A pack with ``in_runs: false`` (``legal_footer``) is opt-in: its rules match only where it is
listed and never make up a run of chrome or lend context to an ambiguous word.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import resources

import yaml

from ..errors import did_you_mean
from ..yamlsource import fast_safe_loader

MATCH_KINDS = ("line", "inline")


@dataclass(frozen=True)
class PackRule:
    """One boilerplate pattern: its name, RE2 source, match kind and examples."""

    pack: str
    name: str
    pattern: str
    match: str
    description: str
    examples: tuple[str, ...]
    ambiguous: bool = False
    in_runs: bool = True

    @property
    def qualified_name(self) -> str:
        """``pack/rule`` as shown in messages."""
        return f"{self.pack}/{self.name}"

    @property
    def compiled_source(self) -> str:
        """The RE2 pattern actually scanned: case-insensitive, anchored to a line if asked."""
        return compile_source(self.pattern, self.match)


def compile_source(pattern: str, match: str) -> str:
    """Wrap a rule pattern for scanning (case-insensitive; whole-line rules anchored)."""
    if match == "line":
        # A carriage return before the line end: files written with CRLF line endings.
        return rf"(?im)^[ \t]*(?:{pattern})[ \t\r]*$"
    return rf"(?i)(?:{pattern})"


@dataclass(frozen=True)
class Pack:
    """A named list of rules."""

    name: str
    description: str
    rules: tuple[PackRule, ...]
    in_runs: bool = True


def available_packs() -> tuple[str, ...]:
    """Names of the packs shipped with scrapegate, sorted."""
    root = resources.files(__package__)
    return tuple(
        sorted(p.name[: -len(".yaml")] for p in root.iterdir() if p.name.endswith(".yaml"))
    )


class UnknownPackError(KeyError):
    """A pack name that is not shipped; the message lists the options."""

    def __str__(self) -> str:
        return str(self.args[0])


@functools.cache
def load_pack(name: str) -> Pack:
    """Load a shipped pack by name, or raise :class:`UnknownPackError`."""
    packs = available_packs()
    if name not in packs:
        raise UnknownPackError(
            f"unknown pack {name!r}{did_you_mean(name, packs)} (available: {', '.join(packs)})"
        )
    text = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    # libyaml when it works here: packs are parsed on every run; pure Python costs ~0.1 s.
    data = yaml.load(text, Loader=fast_safe_loader())
    rules = tuple(
        PackRule(
            pack=name,
            name=str(rule["name"]),
            pattern=str(rule["pattern"]),
            match=str(rule.get("match", "line")),
            description=str(rule.get("description", "")),
            examples=tuple(str(e) for e in rule.get("examples", ())),
            ambiguous=bool(rule.get("ambiguous", False)),
            in_runs=bool(rule.get("in_runs", True)),
        )
        for rule in data["rules"]
    )
    return Pack(
        name=name,
        description=str(data.get("description", "")),
        rules=rules,
        in_runs=bool(data.get("in_runs", True)),
    )


# --- Packs given by path (a user's own, such as one written by ``scrapegate templates``) ---


def is_pack_path(entry: str) -> bool:
    """Whether a ``packs`` entry names a file (has a ``/`` or ends in .yaml/.yml), not a pack."""
    return "/" in entry or os.sep in entry or entry.endswith((".yaml", ".yml"))


class PackFileError(ValueError):
    """A pack file that cannot be used; the message says where in it (``file:line:col``)."""


def load_pack_file(path: str) -> Pack:
    """Load and validate a user's pack file; raise :class:`PackFileError` with every problem.

    Parsed with the safe YAML loader the suites use (so problems have line and column), in the
    shipped packs' format; each pattern must compile on RE2 and match each of its examples.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise PackFileError(
            f"cannot read it: {exc.strerror or exc}; check the path (a relative one starts "
            "at the suite's folder)"
        ) from None
    return _load_pack_file(path, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=64)
def _load_pack_file(path: str, mtime_ns: int, size: int) -> Pack:
    from ..errors import ConfigError
    from ..regex import PatternError, compile_pattern
    from ..yamlsource import read_marked

    try:
        doc = read_marked(path)
    except ConfigError as exc:
        raise PackFileError("; ".join(str(p) for p in exc.problems)) from None
    data = doc.data
    problems: list[str] = []

    def problem(where: tuple[str | int, ...], message: str) -> None:
        problems.append(f"{doc.locate(where)}: {message}")

    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise PackFileError(f"{doc.locate(())}: a pack file is a mapping with a 'rules' list")
    name = data.get("pack")
    if not isinstance(name, str) or not name:
        problem(("pack",), "'pack' must name the pack")
        name = os.path.splitext(os.path.basename(path))[0]
    rules: list[PackRule] = []
    for index, raw in enumerate(data["rules"]):
        at: tuple[str | int, ...] = ("rules", index)
        if not isinstance(raw, dict) or not isinstance(raw.get("pattern"), str):
            problem(at, "a rule is a mapping with at least 'name' and 'pattern'")
            continue
        unknown = sorted(set(raw) - _RULE_KEYS)
        if unknown:
            problem((*at, unknown[0]), f"unknown key {unknown[0]!r} in a rule")
        match = str(raw.get("match", "line"))
        if match not in MATCH_KINDS:
            problem((*at, "match"), f"match is 'line' or 'inline', got {match!r}")
            continue
        rule = PackRule(
            pack=name,
            name=str(raw.get("name", f"rules[{index}]")),
            pattern=raw["pattern"],
            match=match,
            description=str(raw.get("description", "")),
            examples=tuple(str(e) for e in raw.get("examples") or ()),
        )
        try:
            compile_pattern(rule.pattern)
            compiled = compile_pattern(rule.compiled_source)
        except PatternError as exc:
            problem((*at, "pattern"), str(exc))
            continue
        for k, example in enumerate(rule.examples):
            if compiled.search(example) is None:
                problem((*at, "examples", k), f"example {example!r} does not match the pattern")
        rules.append(rule)
    if problems:
        raise PackFileError("; ".join(problems))
    return Pack(name=name, description=str(data.get("description", "")), rules=tuple(rules))


_RULE_KEYS = frozenset({"name", "description", "pattern", "match", "examples"})

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
        return rf"(?im)^[ \t]*(?:{pattern})[ \t]*$"
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

"""Imports inside the package flow one way: load, clean, check, result, render.

The graph is read from the source with :mod:`ast`, without importing anything, so a cycle that
an import at run time happens to survive (because one side defers its import) is still caught.

What counts as an import of module A by module B (an edge B -> A):

- every ``import`` and ``from ... import`` statement anywhere in B: at module level, inside a
  function (a deferred import is still a dependency; deferring is how a cycle usually hides),
  under ``if TYPE_CHECKING:`` (the types a module names are part of what it depends on; a
  cycle there means the two modules share a type that belongs lower down), and inside ``try``;
- ``from P import x`` is an edge to the submodule ``P.x`` when ``P.x`` is a module, and to
  ``P`` otherwise; a package ``__init__`` that re-exports from its submodules is therefore an
  edge package -> submodule, and a submodule importing its own package (``from . import x``
  where ``x`` is no submodule) is an edge back to the package, a cycle when the package
  imports that submodule;
- importing ``P.Q.m`` also runs ``P/__init__`` and ``P/Q/__init__``: those packages count as
  imported too, except the importer's own enclosing packages, which are always initialised
  before it anyway;
- modules named only in strings (the check and cleaner registries' ``importlib`` loading of
  their built-in modules, entry points) are not seen: a registry finding its plugins by name is
  the one dependency that points upward by design.

Only modules under ``checks/`` (imported as ``scrapegate``) are nodes; the test finds them by
walking the folder, so it follows any change of the package's shape.
"""

from __future__ import annotations

import ast
import graphlib
import itertools
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "checks"
PACKAGE = "scrapegate"


@dataclass(frozen=True)
class Edge:
    """Module ``source`` imports module ``target`` at ``where`` (``checks/x.py:12``)."""

    source: str
    target: str
    where: str


def _modules(source: Path = SOURCE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(source.rglob("*.py")):
        parts = path.relative_to(source).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE, *parts))] = path
    return found


def _ancestors(name: str) -> list[str]:
    """Enclosing packages of ``name``, outermost first."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[str]:
    """Dotted names that one import statement of ``module`` loads, candidates for targets."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name
        return
    if node.level:
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join([*base, *([node.module] if node.module else [])])
    else:
        prefix = node.module or ""
    yield prefix
    for alias in node.names:
        yield f"{prefix}.{alias.name}"


def import_edges(source: Path = SOURCE) -> list[Edge]:
    """Every intra-package import, by the rules of the module docstring."""
    modules = _modules(source)
    edges: list[Edge] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        own = set(_ancestors(module)) | {module}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = list(_imported(node, module, path.name == "__init__.py"))
            if isinstance(node, ast.ImportFrom):
                # `from P import x`: the submodule P.x when there is one, else P itself.
                subs = [n for n in names[1:] if n in modules]
                names = subs if len(subs) == len(names) - 1 else [names[0], *subs]
            where = f"{path.relative_to(source.parent).as_posix()}:{node.lineno}"
            targets: dict[str, None] = {}
            for name in names:
                if name not in modules:
                    continue
                for package in (*_ancestors(name), name):
                    if package in modules and package not in own:
                        targets[package] = None
                if name in own and name != module:  # a module importing its own package
                    targets[name] = None
            edges.extend(Edge(module, t, where) for t in targets)
    return edges


def _graph(edges: list[Edge], source: Path = SOURCE) -> dict[str, dict[str, str]]:
    """source -> {target: where of its first import}."""
    graph: dict[str, dict[str, str]] = {m: {} for m in _modules(source)}
    for e in sorted(edges, key=lambda e: int(e.where.rsplit(":", 1)[1])):
        graph[e.source].setdefault(e.target, e.where)
    return graph


def strongly_connected(graph: dict[str, dict[str, str]]) -> list[list[str]]:
    """Components of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _path(graph: dict[str, dict[str, str]], start: str, goal: str, within: set[str]) -> list[str]:
    """Shortest import path from ``start`` to ``goal`` staying inside ``within``."""
    came: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        if v == goal:
            break
        for w in sorted(graph[v]):
            if w in within and w not in came:
                came[w] = v
                queue.append(w)
    path = [goal]
    while (prev := came[path[-1]]) is not None:
        path.append(prev)
    return path[::-1]


def describe_cycles(graph: dict[str, dict[str, str]], component: list[str]) -> list[str]:
    """Cycles that between them use every import inside ``component``, with file:line."""
    within = set(component)
    covered: set[tuple[str, str]] = set()
    lines = [f"import cycle among {', '.join(component)}:"]
    for v in component:
        for w in sorted(graph[v]):
            if w not in within or (v, w) in covered:
                continue
            cycle = [v, *_path(graph, w, v, within)]
            hops = list(itertools.pairwise(cycle))
            covered.update(hops)
            lines.append("  " + " -> ".join(cycle))
            lines.extend(f"    {graph[a][b]}: {a} imports {b}" for a, b in hops)
    return lines


def test_the_package_has_no_import_cycles() -> None:
    graph = _graph(import_edges())
    assert len(graph) > 50, "found too few modules: did the package move?"
    report = [line for c in strongly_connected(graph) for line in describe_cycles(graph, c)]
    if report:
        pytest.fail("\n".join(report), pytrace=False)


def test_the_cycle_finder_agrees_with_graphlib() -> None:
    """Tarjan misses no cycle: without the edges inside its components, graphlib orders the rest."""
    graph = _graph(import_edges())
    acyclic = {v: {w for w in targets if w != v} for v, targets in graph.items()}
    for component in strongly_connected(graph):
        for v in component:
            acyclic[v] -= set(component)
    graphlib.TopologicalSorter(acyclic).prepare()  # raises CycleError if we missed one


SMALL_PACKAGE = {
    "__init__.py": "from .a import A\n",
    "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
    "b.py": "def later():\n    from . import a\n",
    "c.py": "from .sub.m import x\n",
    "d.py": "from . import VERSION\n",
    "sub/__init__.py": "from . import m\n",
    "sub/m.py": "from .. import c\n",
}


def test_the_edge_rules_on_a_small_package(tmp_path: Path) -> None:
    """TYPE_CHECKING and deferred imports are edges; ``from . import`` and parents resolve."""
    source = tmp_path / "checks"
    for name, text in SMALL_PACKAGE.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text, encoding="utf-8")
    graph = _graph(import_edges(source), source)
    edges = {f"{v} -> {w}" for v, targets in graph.items() for w in targets}
    assert {e.replace(f"{PACKAGE}.", "") for e in edges} == {
        f"{PACKAGE} -> a",
        "a -> b",  # under TYPE_CHECKING
        "b -> a",  # deferred, and `from . import a` names the submodule
        "c -> sub",  # importing sub.m runs sub/__init__.py
        "c -> sub.m",
        f"d -> {PACKAGE}",  # a name from its own package's __init__
        "sub -> sub.m",
        "sub.m -> c",
    }
    cycles = strongly_connected(graph)
    assert cycles == [
        [f"{PACKAGE}.a", f"{PACKAGE}.b"],
        [f"{PACKAGE}.c", f"{PACKAGE}.sub", f"{PACKAGE}.sub.m"],
    ]
    assert describe_cycles(graph, cycles[0])[1:] == [
        f"  {PACKAGE}.a -> {PACKAGE}.b -> {PACKAGE}.a",
        f"    checks/a.py:3: {PACKAGE}.a imports {PACKAGE}.b",
        f"    checks/b.py:2: {PACKAGE}.b imports {PACKAGE}.a",
    ]


# Lower layers (the core, up to RunResult) and what they may never reach, directly or not.
CORE = (
    "documents",
    "errors",
    "yamlsource",
    "loaders",
    "cleaners",
    "registry",
    "library",
    "suite",
    "schema",
    "engine",
    "result",
)
# The package layer by layer, lowest first: a module imports only from its own layer and the
# layers before it. Entries are top-level modules or subpackages of ``scrapegate`` ("" is the
# package's own ``__init__``). Every module must be in one layer: a new one fails the test
# until it is placed. The docs' code-layout page (docs/gen_pages.py) is generated from this.
LAYERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Foundations",
        "Models and utilities every stage uses: documents, results, errors, RE2, safe YAML, "
        "dates, digests, atomic writes, the one text escaping.",
        (
            "",
            "errors",
            "finite",
            "wording",
            "escaping",
            "atomic",
            "regexrelax",
            "regex",
            "textnorm",
            "digests",
            "dates",
            "documents",
            "grouping",
            "docindex",
            "result",
            "failurespool",
            "resultfile",
            "yamlsource",
            "timings",
        ),
    ),
    ("Load", "Files, folders and stdin to a stream of documents.", ("loaders",)),
    (
        "Check types",
        "The check registry, the boilerplate packs and the built-in checks, one module each.",
        ("registry", "packs", "library"),
    ),
    (
        "Clean",
        "Cleaners (pure str -> str functions) and the writers of cleaned files. Cleaners share "
        "the date parser and the pack scanner with the checks, so they sit above them.",
        ("cleaners", "cleaning_output"),
    ),
    (
        "Suites",
        "The YAML a user writes: parsed with line and column, validated against the registries "
        "(a file validated before is remembered by digest); its waivers, applied to any "
        "engine's result.",
        ("schema", "suite", "validcache", "waivers", "lint"),
    ),
    (
        "Run",
        "The one-pass engine over a document stream (or one document at a time, as a crawl "
        "scrapes them), its parallel workers, the routing of "
        "records to quarantine and passing files, the glue from suite and paths to a "
        "result (for checking and for cleaning), the same scan in Spark tasks, and the suite "
        "suggested from a corpus, measured by that engine.",
        (
            "fieldnames",
            "sitegroups",
            "routing",
            "fingerprints",
            "engine",
            "incremental",
            "parallel",
            "runner",
            "spark",
            "cleaning",
            "suggest",
        ),
    ),
    (
        "Compare and render",
        "A result compared with a baseline, and rendered as terminal text, JSON, HTML, "
        "Markdown, JUnit and annotations; the webhook alert of a failed gate.",
        (
            "siteview",
            "changes",
            "resultdiff",
            "gate",
            "reports",
            "terminal",
            "baseline",
            "notify",
        ),
    ),
    (
        "Drivers",
        "How users run all of it: the command line, the pytest plugin, Great Expectations, "
        "the hypothesis strategies, the Scrapy pipeline and extension, the helpers of "
        "extractor regression tests, and the script spark-submit runs.",
        ("plugin", "gx", "strategies", "testing", "scrapy", "cli", "spark_submit"),
    ),
)

# Layers downstream of RunResult, the drivers that run the core over files, and the entry
# points; matched as prefixes, so the CLI may change shape (a module or a package).
UPPER = (
    "reports",
    "baseline",
    "resultdiff",
    "gate",
    "terminal",
    "runner",
    "parallel",
    "spark",
    "cleaning",
    "cli",
    "spark_submit",
    "commands",
    "plugin",
    "gx",
    "strategies",
)
# Each layer may not reach the ones listed (load, clean, check, result, render).
LATER = {
    "loaders": ("cleaners", "cleaning", "suite", "engine", "registry", "library", "result"),
    # The suite validates its cleaner steps; the cleaners never need to know what a suite is.
    "cleaners": ("suite", "schema", "engine", "result", "runner", "parallel"),
    "result": ("engine", "suite", "loaders", "cleaners", "resultdiff", "reports"),
    # A renderer depends on the diff model, never the reverse.
    "resultdiff": ("reports", "baseline", "terminal", "gate"),
}


def _is_in(module: str, layer: str) -> bool:
    name = f"{PACKAGE}.{layer}"
    return module == name or module.startswith(name + ".")


def _reach(graph: dict[str, dict[str, str]], start: str) -> dict[str, list[str]]:
    """Every module ``start`` depends on, with one import chain (file:line) leading to it."""
    chains: dict[str, list[str]] = {start: []}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w, where in sorted(graph[v].items()):
            if w not in chains:
                chains[w] = [*chains[v], f"{where}: {v} imports {w}"]
                queue.append(w)
    return chains


def _violations(lower: tuple[str, ...], upper: tuple[str, ...]) -> list[str]:
    graph = _graph(import_edges())
    found = []
    for module in sorted(graph):
        if not any(_is_in(module, layer) for layer in lower):
            continue
        for target, chain in _reach(graph, module).items():
            if any(_is_in(target, layer) for layer in upper):
                found.append(f"{module} reaches {target}:\n    " + "\n    ".join(chain))
    return found


def test_the_core_reaches_nothing_downstream_of_the_run_result() -> None:
    """The engine and its inputs never depend on reports, CLI, plugin, GX or the gate."""
    found = _violations(CORE, UPPER)
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def test_each_stage_reaches_no_later_stage() -> None:
    """Loaders know no cleaning or checking, cleaners no engine, results and diffs no report."""
    found = [v for layer, later in LATER.items() for v in _violations((layer,), later)]
    if found:
        pytest.fail("\n".join(found), pytrace=False)


def _layer_of(module: str) -> int | None:
    top = module.split(".")[1] if "." in module else ""
    return next((i for i, (_, _, tops) in enumerate(LAYERS) if top in tops), None)


def test_every_module_is_in_one_layer() -> None:
    """A new module is placed in LAYERS (and so on the docs' code-layout page)."""
    tops = [top for _, _, layer in LAYERS for top in layer]
    assert len(tops) == len(set(tops)), "a module is listed in two layers"
    unplaced = sorted(m for m in _modules() if _layer_of(m) is None)
    assert unplaced == [], f"add these to a layer in LAYERS: {unplaced}"


def test_each_layer_imports_only_itself_and_the_layers_before_it() -> None:
    """No module imports from a layer listed after its own (see LAYERS)."""
    found = []
    for edge in import_edges():
        source, target = _layer_of(edge.source), _layer_of(edge.target)
        if source is not None and target is not None and target > source:
            found.append(
                f"{edge.where}: {edge.source} ({LAYERS[source][0]}) imports {edge.target} "
                f"({LAYERS[target][0]}); move what both need to a lower layer"
            )
    if found:
        pytest.fail("\n".join(found), pytrace=False)

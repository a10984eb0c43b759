"""Generate the reference pages of the docs site from the registries, at build time.

mkdocs-gen-files runs this script on every ``mkdocs build``/``serve``: one page per registered
check, cleaner and pack, the CLI reference and the two JSON Schemas. Each page is built from
what the code itself uses (module docstrings, the JSON Schema of the parameters, the case
files the tests run, the pack data files, the click commands), so the docs cannot drift from
the code. The reference entries of the site's navigation are filled in here too, so a new
check, cleaner or pack appears in the menu without editing ``mkdocs.yml``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import click
import yaml

from scrapegate.cleaners import CleanerType
from scrapegate.cleaners import registry as cleaner_registry
from scrapegate.packs import Pack, PackRule, available_packs, load_pack
from scrapegate.registry import CheckType
from scrapegate.registry import registry as check_registry
from scrapegate.schema import COMMON_PROPERTIES, suite_schema

ROOT = Path(__file__).resolve().parents[1]
CHECKS_DIR = "reference/checks"
CLEANERS_DIR = "reference/cleaners"
PACKS_DIR = "reference/packs"
CLI_PAGE = "reference/cli.md"
RESULT_PAGE = "reference/result-json.md"
SUITE_PAGE = "reference/suite-json.md"
CODE_PAGE = "reference/code.md"

Pages = dict[str, str]


# --- small Markdown helpers ------------------------------------------------------------------


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def code(text: str) -> str:
    """An inline code span that survives any backticks inside ``text``."""
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(text: str, lang: str = "") -> str:
    """A fenced code block long enough not to be closed by fences inside ``text``."""
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}\n"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A Markdown table."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def docstring_markdown(doc: str) -> str:
    """A module docstring as Markdown: ``literal`` spans and ``Label::`` blocks converted.

    The first line (``name: summary``) becomes the summary paragraph without the name.
    """
    lines = textwrap.dedent(doc).strip("\n").split("\n")
    first = lines[0].split(": ", 1)[-1] if ": " in lines[0] else lines[0]
    first = first[:1].upper() + first[1:]
    out: list[str] = []
    block: list[str] | None = None
    for line in [first, *lines[1:]]:
        if block is not None:
            if line.strip() == "" or line.startswith("    "):
                block.append(line[4:])
                continue
            out.append(fenced(textwrap.dedent("\n".join(block)).strip("\n"), "yaml"))
            block = None
        if line.rstrip().endswith("::"):
            out.append(_inline(line.rstrip()[:-1]))
            out.append("")
            block = []
        else:
            out.append(_inline(line))
    if block is not None:
        out.append(fenced(textwrap.dedent("\n".join(block)).strip("\n"), "yaml"))
    return "\n".join(out).strip() + "\n"


def _inline(line: str) -> str:
    return re.sub(r"``(.+?)``", lambda m: code(m.group(1)), line)


# --- JSON Schema as tables ---------------------------------------------------------------------


def schema_type(spec: Mapping[str, Any], ref_link: Callable[[str], str]) -> str:
    """A short, readable type for a JSON Schema node."""
    if "$ref" in spec:
        return ref_link(str(spec["$ref"]))
    if "const" in spec:
        return "const " + code(json.dumps(spec["const"]))
    if "enum" in spec:
        return "one of " + ", ".join(code(json.dumps(v)) for v in spec["enum"])
    for key in ("oneOf", "anyOf"):
        if key in spec and "type" not in spec:
            return " or ".join(schema_type(alt, ref_link) for alt in spec[key])
    kind = spec.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    parts = []
    for k in kinds:
        if k == "array" and isinstance(spec.get("items"), Mapping):
            parts.append("array of " + schema_type(spec["items"], ref_link))
        else:
            parts.append(str(k))
    return " or ".join(parts) or "any"


def schema_default(spec: Mapping[str, Any], fallback: object = dataclasses.MISSING) -> str:
    """The default of a property: the schema's ``default``, else the params dataclass's."""
    if "default" in spec:
        return code(json.dumps(spec["default"], ensure_ascii=False))
    if fallback is dataclasses.MISSING or fallback is None or fallback == "":
        return ""
    if isinstance(fallback, tuple):
        fallback = list(fallback)
    return code(json.dumps(fallback, ensure_ascii=False))


def schema_description(spec: Mapping[str, Any]) -> str:
    """The property's description, plus that of its items when they have one."""
    text = str(spec.get("description", ""))
    items = spec.get("items")
    if isinstance(items, Mapping) and items.get("description"):
        text += f" Each item: {items['description']}"
    return cell(text)


def property_rows(
    schema: Mapping[str, Any],
    ref_link: Callable[[str], str],
    defaults: Mapping[str, object] | None = None,
) -> list[list[str]]:
    """Rows of name, type, default, required, description for an object schema."""
    required = set(schema.get("required", ()))
    rows = []
    for name, spec in schema.get("properties", {}).items():
        fallback = (defaults or {}).get(name, dataclasses.MISSING)
        rows.append(
            [
                code(name),
                cell(schema_type(spec, ref_link)),
                schema_default(spec, fallback),
                "yes" if name in required else "",
                schema_description(spec),
            ]
        )
    return rows


PROPERTY_HEADER = ("key", "type", "default", "required", "description")


def dataclass_defaults(params: type) -> dict[str, object]:
    """Field defaults of a params dataclass (factories called)."""
    if not dataclasses.is_dataclass(params):
        return {}
    defaults: dict[str, object] = {}
    for f in dataclasses.fields(params):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()
    return defaults


def no_ref(ref: str) -> str:
    """Schemas of checks and cleaners carry no $ref; say so loudly if one appears."""
    raise ValueError(f"unexpected $ref {ref!r} in a parameter schema")


# --- case files --------------------------------------------------------------------------------


def case_blocks(text: str) -> list[tuple[dict[str, Any], str]]:
    """Each case of a case file with its exact YAML text, as written (comments included)."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(node, yaml.MappingNode)
    data = yaml.safe_load(text)
    cases_node = next(v for k, v in node.value if k.value == "cases")
    assert isinstance(cases_node, yaml.SequenceNode)
    blocks = []
    for case, item in zip(data["cases"], cases_node.value, strict=True):
        # The item's text runs from its first key to where the next item's "- " starts;
        # its first line gets back the indentation the "- " took.
        raw = " " * item.start_mark.column + text[item.start_mark.index : item.end_mark.index]
        blocks.append((case, textwrap.dedent(raw.rstrip())))
    return blocks


def check_case_verdict(case: Mapping[str, Any]) -> str:
    """passes / fails, as the case file's test asserts it."""
    if "failing" in case:
        failing = case["failing"]
        if not failing:
            return "passes"
        if failing == ["corpus"]:
            return "fails (the corpus)"
        return "fails (document " + ", ".join(str(i) for i in failing) + ", counting from 0)"
    return "passes" if case.get("passes") else "fails"


def cleaner_case_verdict(case: Mapping[str, Any]) -> str:
    """What a cleaner case asserts."""
    if "raises" in case:
        return "refuses the value"
    if case.get("input") == case.get("output"):
        return "leaves the text alone"
    return "cleans"


def cases_section(
    case_file: str, text: str, verdict: Callable[[Mapping[str, Any]], str], noun: str
) -> str:
    """The named cases of a case file, each as its exact YAML."""
    out = [
        "## Cases\n",
        f"Every case below is run by the test suite ({code(case_file)}), so each one is "
        f"true of the {noun} as shipped.\n",
    ]
    for case, raw in case_blocks(text):
        out.append(f"### {cell(str(case['name']))}\n")
        out.append(f"**{verdict(case)}**")
        if case.get("message"):
            out.append(f"; the message contains {code(str(case['message']))}")
        if case.get("raises"):
            out.append(f" with a message that contains {code(str(case['raises']))}")
        out.append("\n\n" + fenced(raw, "yaml"))
    return "\n".join(out)


# --- pages -------------------------------------------------------------------------------------


def check_page(check: CheckType) -> str:
    """The page of one check type."""
    cases_file = f"checks/library/cases/{check.name}.yaml"
    text = (resources.files("scrapegate.library") / "cases" / f"{check.name}.yaml").read_text(
        encoding="utf-8"
    )
    schema = {"properties": dict(check.schema), "required": list(check.required)}
    rows = property_rows(schema, no_ref, dataclass_defaults(check.params))
    kind = "row check"
    if check.corpus:
        kind = "corpus check (sees every document, keeps compact state)"
    out = [
        f"# {check.name}\n",
        docstring_markdown(check.doc),
        "## Parameters\n",
        f"A {kind}; module {code(check.module)}. Besides the keys below, every expectation "
        "takes the [common keys](../../suites.md#common-keys) "
        + (
            "(`name`, `check`, `field`, `where`, `mostly`, `severity`, `description`)."
            if check.needs_field
            else "except `field`: this check looks at the set of documents, not a field."
        ),
        "",
        table(PROPERTY_HEADER, rows) if rows else "This check takes no parameters of its own.\n",
        cases_section(cases_file, text, check_case_verdict, "check"),
    ]
    return "\n".join(out)


def cleaner_page(cleaner: CleanerType) -> str:
    """The page of one cleaner."""
    cases_file = f"checks/cleaners/cases/{cleaner.name}.yaml"
    text = (resources.files("scrapegate.cleaners") / "cases" / f"{cleaner.name}.yaml").read_text(
        encoding="utf-8"
    )
    schema = {"properties": cleaner.keys(), "required": list(cleaner.required)}
    rows = property_rows(schema, no_ref, dataclass_defaults(cleaner.params))
    target = (
        "text cleaner: applies to every text field except the document id, or to `fields`"
        if cleaner.target == "text"
        else "field cleaner: applies to the one `field` it is given"
    )
    promises = [
        p
        for p, on in (
            ("it never lengthens its input", cleaner.removing),
            ("it is deletion-only", cleaner.deletion_only),
        )
        if on
    ]
    out = [
        f"# {cleaner.name}\n",
        docstring_markdown(cleaner.doc),
        "## Parameters\n",
        f"A {target}; module {code(cleaner.module)}"
        + (f"; registered with the promises that {' and '.join(promises)}" if promises else "")
        + ". In a suite: "
        + code(f"- {cleaner.name}")
        + (" or " if not cleaner.required else " is not enough; ")
        + code(f"- {cleaner.name}: {{...}}")
        + " with the keys below ([pipelines](../../cleaning.md)).\n",
        table(PROPERTY_HEADER, rows),
        cases_section(cases_file, text, cleaner_case_verdict, "cleaner"),
    ]
    return "\n".join(out)


MATCH_NOTE = """\
!!! important "What a rule matches"
    A rule with `match: line` (the default) matches **only a whole line**: its pattern is
    scanned as `(?im)^[ \\t]*(?:PATTERN)[ \\t\\r]*$`, so the line may hold nothing but the
    pattern, with spaces or tabs around it. "Comments" alone on a line fails a
    `no_boilerplate` check; "The minister declined to comment on the comments." does not.
    Inside a longer line (a page an extractor flattened into one line, a markdown link
    list) a line rule counts only as part of a **run**: at least `min_run` (3) chrome items
    in a row with nothing but spaces, line breaks, menu separators or link markup between
    them; the failure quotes the whole run. A rule marked **ambiguous** (a word prose also
    puts alone on a line: `Twitter`, `x`, `×`, `Reset`) counts only next to other chrome.
    A rule with `match: inline` matches **anywhere**, also inside a long line; only phrases
    no article contains (`comments powered by Disqus`) are inline rules.
    Every rule is case-insensitive and runs on RE2 over a normalised view of the text (NFKC,
    zero-width characters and soft hyphens removed, no-break spaces as spaces); the failure
    quotes the original text.
"""


def _where(rule: PackRule) -> str:
    """How a rule matches, in a few words."""
    if rule.match == "inline":
        return "anywhere"
    return "whole line, next to other chrome" if rule.ambiguous else "whole line"


def pack_page(pack: Pack) -> str:
    """The page of one pack: every rule with its pattern and examples."""
    line_rules = sum(r.match == "line" for r in pack.rules)
    out = [
        f"# {pack.name}\n",
        cell(pack.description) + "\n",
        f"Data file: {code(f'checks/packs/{pack.name}.yaml')}. "
        f"{len(pack.rules)} rules: {line_rules} of them match whole lines only, "
        f"{len(pack.rules) - line_rules} anywhere (inline). Use it with "
        f"{code(f'packs: [{pack.name}]')} in a [`no_boilerplate`](../checks/no_boilerplate.md) "
        "expectation or a [`strip_boilerplate`](../cleaners/strip_boilerplate.md) cleaner.\n",
        (
            "Opt-in: its rules never take part in runs of chrome, and it is not one of the "
            "page-chrome packs a suite lists by habit.\n"
            if not pack.in_runs
            else ""
        ),
        MATCH_NOTE,
        table(
            ("rule", "matches", "description"),
            (
                [
                    f"[{r.name}](#{r.name})",
                    _where(r),
                    cell(r.description),
                ]
                for r in pack.rules
            ),
        ),
    ]
    for rule in pack.rules:
        out.append(f"## {rule.name} {{#{rule.name}}}\n")
        where = _where(rule)
        out.append(
            f"{cell(rule.description)} Matches: **{where}**. "
            f"Reported as {code(rule.qualified_name)}.\n"
        )
        out.append("Pattern:\n\n" + fenced(rule.pattern, "text"))
        out.append("As scanned:\n\n" + fenced(rule.compiled_source, "text"))
        out.append("Examples (a test proves each one matches):\n")
        out.extend(f"- {code(example)}" for example in rule.examples)
        out.append("")
    return "\n".join(out)


def packs_index(packs: list[Pack]) -> str:
    """The packs overview."""
    rows = []
    for pack in packs:
        line_rules = sum(r.match == "line" for r in pack.rules)
        rows.append(
            [
                f"[{pack.name}]({pack.name}.md)",
                str(line_rules),
                str(len(pack.rules) - line_rules),
                cell(pack.description),
            ]
        )
    return "\n".join(
        [
            "# Boilerplate packs\n",
            "Packs are reviewed lists of patterns for page chrome that scrapers sweep into "
            "article text: comment widgets, contact forms, portal chrome, share buttons, cookie "
            "banners, newsletter promos. The "
            "[`no_boilerplate`](../checks/no_boilerplate.md) check fails a document in which "
            "any rule of its packs matches; the "
            "[`strip_boilerplate`](../cleaners/strip_boilerplate.md) cleaner removes what they "
            "match. Each pack is a data file in `checks/packs/`; this reference is generated "
            "from those files.\n",
            MATCH_NOTE,
            table(("pack", "whole-line rules", "inline rules", "what it covers"), rows),
            "\nA corpus of clean multilingual prose (`fixtures/prose/`) proves that no rule "
            "fires on article text, and every example below is proved to match its rule.\n",
        ]
    )


def registry_index(title: str, intro: str, entries: Iterable[tuple[str, str]]) -> str:
    """An index page: one row per entry, linking to its page."""
    rows = [[f"[{name}]({name}.md)", cell(summary)] for name, summary in entries]
    return f"# {title}\n\n{intro}\n\n" + table(("name", "summary"), rows)


def summary_of(doc: str) -> str:
    """The summary line of a ``name: summary`` docstring."""
    first = doc.strip().split("\n", 1)[0].split(": ", 1)[-1]
    return _inline(first[:1].upper() + first[1:])


# --- CLI ---------------------------------------------------------------------------------------


def cli_commands() -> list[tuple[str, click.Command]]:
    """Every subcommand of the root group, through list_commands/get_command (lazy ones too)."""
    from scrapegate.cli import cli

    ctx = click.Context(cli, info_name="scrapegate", **cli.context_settings)
    assert isinstance(cli, click.Group)
    commands = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        if command is not None and not command.hidden:
            commands.append((name, command))
    return commands


def command_location(command: click.Command) -> tuple[str, str]:
    """The module and attribute that hold ``command``, for a mkdocs-click directive."""
    candidates = [getattr(command.callback, "__module__", None)]
    candidates += sorted(n for n in sys.modules if n.startswith("scrapegate"))
    for module_name in candidates:
        module = sys.modules.get(module_name or "")
        for attr, value in vars(module or object()).items():
            if value is command:
                return str(module_name), attr
    raise LookupError(f"cannot find the module attribute of command {command.name!r}")


def cli_page() -> str:
    """The CLI reference: the root group, then one mkdocs-click block per subcommand."""
    from scrapegate.cli import cli

    ctx = click.Context(cli, info_name="scrapegate", **cli.context_settings)
    commands = cli_commands()
    option_rows = []
    for param in cli.get_params(ctx):
        record = param.get_help_record(ctx)
        if record:
            option_rows.append([code(record[0]), cell(record[1])])
    out = [
        "# Command line\n",
        cell(cli.help or "") + "\n",
        fenced("scrapegate [OPTIONS] COMMAND [ARGS]...", "text"),
        "Options of `scrapegate` itself (given before the command):\n",
        table(("option", "what it does"), option_rows),
        "\n## Commands\n",
        table(
            ("command", "what it does"),
            (
                [f"[`{name}`](#scrapegate-{name})", cell(cmd.get_short_help_str(limit=200))]
                for name, cmd in commands
            ),
        ),
        "\nExit codes, for every command: 0 pass, 1 expectations failed (or a regression), "
        "2 usage or configuration error, 3 internal error (a bug; `--debug` shows the "
        "traceback), 130 interrupted.\n",
    ]
    for name, command in commands:
        module, attr = command_location(command)
        out.append(
            "::: mkdocs-click\n"
            f"    :module: {module}\n"
            f"    :command: {attr}\n"
            f"    :prog_name: scrapegate {name}\n"
            "    :depth: 1\n"
            "    :style: plain\n"
        )
        epilog = "\n".join(line for line in (command.epilog or "").split("\n") if line != "\b")
        if epilog.strip():
            out.append(fenced(textwrap.dedent(epilog).strip("\n"), "text"))
    return "\n".join(out)


# --- schemas -----------------------------------------------------------------------------------


def def_link(ref: str) -> str:
    """A link to the section of a $defs entry on the same page."""
    name = ref.rsplit("/", 1)[-1]
    return f"[{name}](#def-{name})"


def object_sections(
    title: str, anchor: str, schema: Mapping[str, Any], level: int = 2
) -> Iterator[str]:
    """A property table for an object schema, then one for each nested object property."""
    yield f"{'#' * level} {title} {{#{anchor}}}\n"
    if schema.get("description"):
        yield cell(str(schema["description"])) + "\n"
    extra = schema.get("additionalProperties")
    if "properties" in schema:
        yield table(PROPERTY_HEADER, property_rows(schema, def_link))
        if extra is False:
            yield "\nNo other keys are allowed.\n"
    for name, spec in schema.get("properties", {}).items():
        if isinstance(spec, Mapping) and "properties" in spec:
            yield from object_sections(f"{title}.{name}", f"{anchor}-{name}", spec, level + 1)
        elif isinstance(spec, Mapping) and isinstance(spec.get("additionalProperties"), Mapping):
            inner = spec["additionalProperties"]
            if "properties" in inner:
                yield from object_sections(
                    f"{title}.{name}.NAME", f"{anchor}-{name}-entry", inner, level + 1
                )


def result_example() -> str:
    """A real result, from the bundled fixtures, trimmed to one expectation and one failure."""
    script = shutil.which("scrapegate", path=str(Path(sys.executable).parent)) or "scrapegate"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        args = ["check", "fixtures/news", "--suite", "expectations/news.yaml", "--json", str(out)]
        proc = subprocess.run(
            [script, *args, "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        if not out.is_file():
            raise RuntimeError(f"scrapegate {' '.join(args)} wrote no result:\n{proc.stderr}")
        data = json.loads(out.read_text(encoding="utf-8"))
    expectation = next(e for e in data["expectations"] if e["name"] == "no comment widgets")
    expectation["failures"] = [*expectation["failures"][:1], "..."]
    data["expectations"] = ["...", expectation, "..."]
    if "document_index" in data:
        data["document_index"]["digests"] = data["document_index"]["digests"][:16] + "..."
    return json.dumps(data, indent=2, ensure_ascii=False)


def result_page() -> str:
    """The result JSON reference."""
    text = (resources.files("scrapegate") / "schema" / "result.schema.json").read_text("utf-8")
    schema = json.loads(text)
    out = [
        "# Result JSON\n",
        "`scrapegate check --json FILE` writes this document; baselines, "
        "`scrapegate diff`, `scrapegate report` and the CI gate read it back. It is a "
        "contract: keys may be added, never renamed, and a reader refuses a "
        "`schema_version` newer than it knows. `failures` lists every failing document "
        "(the terminal shows the first few per expectation); `start`/`end` are character "
        "offsets of the evidence in the field's value. This page is generated from the "
        "published schema, `checks/schema/result.schema.json` (JSON Schema draft 2020-12), "
        "and its example from a real run.\n",
        "## Example\n",
        "The result of `scrapegate check fixtures/news --suite expectations/news.yaml "
        "--json result.json`, made while these docs were built, cut to one expectation and "
        "one failure:\n",
        fenced(result_example(), "json"),
    ]
    out.extend(object_sections("result", "top-level", schema))
    for name, spec in schema.get("$defs", {}).items():
        out.extend(object_sections(name, f"def-{name}", spec))
    out += [
        "## Raw schema\n",
        '??? note "result.schema.json"\n',
        textwrap.indent(fenced(text, "json"), "    "),
    ]
    return "\n".join(out)


def suite_page() -> str:
    """The suite JSON Schema reference."""
    checks, cleaners = check_registry(), cleaner_registry()
    schema = suite_schema(checks, cleaners)
    props = schema["properties"]
    out = [
        "# Suite JSON Schema\n",
        "Every suite is validated against this schema before anything runs; editors use it "
        "for completion and inline errors (see [editor support](../suites.md#editor-support)). "
        "It is generated from the registered checks and cleaners "
        "(`scrapegate.schema.suite_schema`); the built-in part ships as "
        "`checks/schema/suite.schema.json` and `scrapegate schema` prints it with installed "
        "plugins included. This page is generated from the same function.\n",
    ]
    top = {k: v for k, v in schema.items() if k != "properties"}
    top["properties"] = {k: v for k, v in props.items()}
    out.extend(object_sections("suite", "top-level", top))
    out.append("## expectations[] {#expectation}\n")
    out.append("Each expectation takes the common keys below plus the keys of its check type.\n")
    out.append(
        table(
            PROPERTY_HEADER,
            property_rows(
                {"properties": COMMON_PROPERTIES, "required": ["name", "check"]}, def_link
            ),
        )
    )
    out.append("\n### Keys per check type\n")
    out.append(
        table(
            ("check", "its own keys", "required"),
            (
                [
                    f"[{name}](checks/{name}.md)",
                    ", ".join(code(k) for k in c.schema) or "none",
                    ", ".join(
                        code(k)
                        for k in (
                            "name",
                            "check",
                            *c.required,
                            *(("field",) if c.needs_field else ()),
                        )
                    ),
                ]
                for name, c in sorted(checks.items())
            ),
        )
    )
    out.append("\n### Where {#where}\n")
    out.extend(object_sections("where", "where-keys", COMMON_PROPERTIES["where"], 4))
    out.append("## cleaners[] {#cleaners}\n")
    out.append(
        "A bare cleaner name, or a mapping of one name to its parameters.\n\n"
        + table(
            ("cleaner", "keys", "required"),
            (
                [
                    f"[{name}](cleaners/{name}.md)",
                    ", ".join(map(code, c.keys())),
                    ", ".join(code(k) for k in c.required),
                ]
                for name, c in sorted(cleaners.items())
            ),
        )
    )
    raw = json.dumps(schema, indent=2, ensure_ascii=False)
    out += [
        "\n## Raw schema\n",
        '??? note "suite.schema.json (with installed plugins)"\n',
        textwrap.indent(fenced(raw, "json"), "    "),
    ]
    return "\n".join(out)


# --- code layout -------------------------------------------------------------------------------


def layers() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The package's layers, from the import-graph test that enforces them."""
    import importlib.util

    path = ROOT / "tests" / "unit" / "test_import_graph.py"
    spec = importlib.util.spec_from_file_location("_scrapegate_layers", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    found: tuple[tuple[str, str, tuple[str, ...]], ...] = module.LAYERS
    return found


def package_modules() -> list[tuple[str, Path]]:
    """Every module of the package: import name and source file, sorted by import name."""
    folder = ROOT / "checks"
    out = []
    for path in folder.rglob("*.py"):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(("scrapegate", *parts)), path))
    return sorted(out)


def module_summary(path: Path) -> str:
    """The first line of a module's docstring, as Markdown."""
    import ast

    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    if not doc:
        raise SystemExit(f"{path.relative_to(ROOT)}: a module needs a docstring for the docs")
    first_paragraph = " ".join(doc.split("\n\n")[0].split())
    return _inline(re.sub(r":(?:mod|func|class):`~?([^`]+)`", r"``\\1``", first_paragraph))


def code_page() -> str:
    """The code layout: every module, layer by layer, with the first line of its docstring."""
    stages = layers()
    staged: dict[str, list[tuple[str, Path]]] = {title: [] for title, _, _ in stages}
    for name, path in package_modules():
        top = name.split(".")[1] if "." in name else ""
        stage = next((title for title, _, tops in stages if top in tops), None)
        if stage is None:
            raise SystemExit(f"{name}: place it in LAYERS in tests/unit/test_import_graph.py")
        staged[stage].append((name, path))
    out = [
        "# Code layout\n",
        "The source folder `checks/` installs as the package `scrapegate` (mapped in "
        "`pyproject.toml`). Modules are listed layer by layer, lowest first: a module imports "
        "only from its own layer and the layers above it on this page, and nothing imports in "
        "a cycle. `tests/unit/test_import_graph.py` holds the layers and fails on a cycle, on "
        "an import from a later layer, and on a module placed in no layer. Each line is the "
        "first line of the module's docstring, so this page is regenerated with the code.\n",
        "Where to start: a check type is one module under `checks/library/` with a case file "
        "in `checks/library/cases/`; a cleaner is one module under `checks/cleaners/` with "
        "its cases; a command is one module under `checks/cli/`; a report is one module "
        "under `checks/reports/`; a pack is one YAML file under `checks/packs/`.\n",
    ]
    for title, intro, _ in stages:
        out.append(f"## {title}\n\n{intro}\n")
        rows = [
            [code(name), code(path.relative_to(ROOT).as_posix()), cell(module_summary(path))]
            for name, path in staged[title]
        ]
        out.append(table(("module", "file", "what it holds"), rows))
    return "\n".join(out)


# --- the whole set -----------------------------------------------------------------------------


def pages() -> Pages:
    """Every generated page by path under docs/."""
    checks = check_registry()
    cleaners = cleaner_registry()
    packs = [load_pack(name) for name in available_packs()]
    result: Pages = {}
    result[f"{CHECKS_DIR}/index.md"] = registry_index(
        "Checks",
        "Every check type a suite can name in `check:`. Each page is generated from the "
        "check's module docstring, the JSON Schema of its keys and its case file. Keys every "
        "expectation takes (`where`, `mostly`, `severity`...) are on the "
        "[suites page](../../suites.md#common-keys).",
        ((n, summary_of(c.doc)) for n, c in sorted(checks.items())),
    )
    for name, check in sorted(checks.items()):
        result[f"{CHECKS_DIR}/{name}.md"] = check_page(check)
    result[f"{CLEANERS_DIR}/index.md"] = registry_index(
        "Cleaners",
        "Every cleaner a suite can list under `cleaners:`. Each page is generated from the "
        "cleaner's module docstring (with the properties it keeps), the JSON Schema of its "
        "keys and its case file. How pipelines run: [Cleaning](../../cleaning.md).",
        ((n, summary_of(c.doc)) for n, c in sorted(cleaners.items())),
    )
    for name, cleaner in sorted(cleaners.items()):
        result[f"{CLEANERS_DIR}/{name}.md"] = cleaner_page(cleaner)
    result[f"{PACKS_DIR}/index.md"] = packs_index(packs)
    for pack in packs:
        result[f"{PACKS_DIR}/{pack.name}.md"] = pack_page(pack)
    result[CLI_PAGE] = cli_page()
    result[RESULT_PAGE] = result_page()
    result[SUITE_PAGE] = suite_page()
    result[CODE_PAGE] = code_page()
    return result


def fill_nav(nav: list[Any], generated: Pages) -> None:
    """Expand each ``<dir>/index.md`` entry of the nav into a section of its generated pages."""
    for i, entry in enumerate(nav):
        if not isinstance(entry, dict):
            continue
        for title, target in entry.items():
            if isinstance(target, list):
                fill_nav(target, generated)
            elif isinstance(target, str) and target.endswith("/index.md") and target in generated:
                folder = target[: -len("index.md")]
                children = sorted(p for p in generated if p.startswith(folder) and p != target)
                nav[i] = {title: [target, *({Path(p).stem: p} for p in children)]}


def main() -> None:
    """Write the pages through mkdocs-gen-files and fill the reference part of the nav."""
    import mkdocs_gen_files

    generated = pages()
    for path, text in generated.items():
        with mkdocs_gen_files.open(path, "w") as handle:
            handle.write(text)
    nav = mkdocs_gen_files.config["nav"]
    if nav:
        fill_nav(nav, generated)


if __name__ in {"__main__", "<run_path>"}:
    main()

"""``scrapegate templates``: write the site templates found in the data as a boilerplate pack.

The suite's ``repeated_lines`` expectations are run over the documents (one pass, as
``check`` does); every unit they find, per group, becomes a rule of a pack file that
``no_boilerplate`` and ``strip_boilerplate`` accept by path, for a user to review and commit.
A suite without ``repeated_lines`` gets a default one (default params, the suite's
``documents.group_by``) over ``--field``, else the field of the suite's first
``no_boilerplate`` expectation, else ``text``.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

import click

from ..errors import EXIT_OK
from ..wording import plural
from ._common import (
    HELP_OPTIONS,
    console,
    max_record_bytes_option,
    record_limit,
    suite_format_option,
    suite_option,
)

if TYPE_CHECKING:
    from ..library.repeated_lines import Repeated
    from ..suite import Suite

TEMPLATES_EPILOG = """
\b
Examples:
  scrapegate templates fixtures/news --suite expectations/news.yaml -o site-templates.yaml
  scrapegate templates data.jsonl --suite s.yaml --field body -o expectations/templates.yaml

\b
Then review the file, commit it, and list it by path beside the shipped packs:
  no_boilerplate: {packs: [comment_widgets, ./site-templates.yaml]}

\b
Exit codes: 0 pack written (possibly with no rules), 2 usage or configuration error,
3 internal error.
"""


@click.command(
    "templates",
    context_settings=HELP_OPTIONS,
    epilog=TEMPLATES_EPILOG,
    short_help="Write the lines repeated across a site's documents as a pack file.",
)
@click.argument("paths", nargs=-1, type=str)
@suite_option
@click.option(
    "-o", "--output", "out_path", required=True, metavar="FILE.yaml", help="Pack file to write."
)
@click.option(
    "--field",
    "field_name",
    metavar="NAME",
    help="Text field to read when the suite has no repeated_lines expectation "
    "(default: the field of its first no_boilerplate expectation, else 'text').",
)
@suite_format_option
@max_record_bytes_option
def templates_command(
    paths: tuple[str, ...],
    suite_path: str,
    out_path: str,
    field_name: str | None,
    fmt: str | None,
    max_record_bytes: int | None,
) -> int:
    """Find lines repeated across most documents of a group and write them as a pack."""
    from ..atomic import check_writable, write_text_atomic
    from ..errors import UsageError
    from ..loaders import refuse_overwriting_inputs
    from ..runner import input_paths
    from ..suite import load_suite

    if not out_path.endswith((".yaml", ".yml")):
        raise UsageError(f"-o {out_path}: a pack file name ends in .yaml or .yml")
    suite = with_repeated_lines(load_suite(suite_path), field_name)
    chosen = input_paths(suite, list(paths) or None)
    refuse_overwriting_inputs({"-o": out_path}, chosen, fmt, also=[suite.path])
    check_writable(out_path)
    with record_limit(max_record_bytes):
        found = find_templates(suite, list(paths) or None, fmt)
    name = pack_name(out_path)
    write_text_atomic(out_path, pack_text(name, found, suite, os.path.basename(out_path)))
    out = console()
    out.print(
        f"wrote {plural(len(found), 'repeated line')} as pack {name!r} to {out_path}; "
        "review it, then list it under 'packs' by path",
        markup=False,
        highlight=False,
    )
    return EXIT_OK


def with_repeated_lines(suite: Suite, field_name: str | None) -> Suite:
    """The suite's repeated_lines expectations, or a default one; nothing else is run."""
    from dataclasses import replace

    from ..library.repeated_lines import RepeatedLinesParams
    from ..suite import Expectation

    own = tuple(e for e in suite.expectations if e.check == "repeated_lines")
    if field_name is not None:
        own = tuple(replace(e, field=field_name) for e in own)
    if own:
        return replace(suite, expectations=own)
    if field_name is None:
        field_name = next(
            (e.field for e in suite.expectations if e.check == "no_boilerplate" and e.field),
            "text",
        )
    default = Expectation(
        name="repeated lines",
        check="repeated_lines",
        field=field_name,
        params=RepeatedLinesParams(),
    )
    return replace(suite, expectations=(default,))


def find_templates(suite: Suite, paths: list[str] | None, fmt: str | None) -> list[Repeated]:
    """Every unit the suite's repeated_lines expectations find, once each, in group order."""
    from ..engine import Engine
    from ..loaders import iter_documents, resolve_inputs
    from ..runner import input_paths

    chosen = input_paths(suite, paths)
    inputs = resolve_inputs(chosen, fmt if paths else (fmt or suite.documents.format))
    partial = Engine(suite).scan(iter_documents(inputs, suite.documents.id))
    found: dict[tuple[str | None, str], Repeated] = {}
    for tally in partial.tallies:
        for (group, _), hit in tally.state.repeated().items():
            found.setdefault((group, hit.text.casefold()), hit)
    return sorted(found.values(), key=lambda h: (h.group or "", -h.documents, h.text))


def pack_name(path: str) -> str:
    """``./site-templates.yaml`` -> ``site_templates``."""
    stem = os.path.splitext(os.path.basename(path))[0]
    return re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_") or "templates"


def line_pattern(text: str) -> str:
    """The text RE2-escaped, any run of whitespace as ``[ \\t]+``."""
    return r"[ \t]+".join(re.escape(word) for word in text.split())


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", text.casefold())[:40].strip("_") or "line"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def pack_text(name: str, found: list[Repeated], suite: Suite, file_name: str) -> str:
    """The pack file: a comment, then ``pack``, ``description`` and one rule per unit."""
    import yaml

    taken: set[str] = set()
    rules: list[dict[str, Any]] = []
    patterns: set[tuple[str, str]] = set()
    for hit in found:
        # One rule per pattern: the same footer repeated on two sites is one rule, not two.
        key = (line_pattern(hit.text).casefold(), hit.kind)
        if key in patterns:
            continue
        patterns.add(key)
        where = "the corpus" if hit.group is None else f"group {hit.group!r}"
        rules.append(
            {
                "name": _slug(hit.text, taken),
                "description": (
                    f"{hit.kind} repeated in {hit.documents} of {hit.group_documents} "
                    f"documents ({hit.percent}%) of {where}"
                ),
                "pattern": line_pattern(hit.text),
                # A sentence of a flattened page is not a line of its own: match it anywhere.
                "match": "line" if hit.kind == "line" else "inline",
                "examples": [hit.text],
            }
        )
    data = {
        "pack": name,
        "description": f"Site templates found by scrapegate templates with suite {suite.name!r}",
        "rules": rules,
    }
    header = (
        "# Lines repeated across most documents of a group, found by `scrapegate templates`.\n"
        "# Review every rule (delete what is real content), then list this file by path:\n"
        f"#   no_boilerplate: {{packs: [./{file_name}]}}\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

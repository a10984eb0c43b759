"""Data Docs for a GX run, in a folder the user chose, readable without a network.

GX's pages load Bootstrap, jQuery, Vega and its logo from CDNs. We strip every remote script,
stylesheet and image (the logo is shipped locally in ``static/``), add a small inline
stylesheet, and give ``index.html`` a plain list of the pages, because GX fills its index table
with JavaScript from a CDN. The validation pages themselves are static HTML. Plain links to
greatexpectations.io stay: they load nothing.

A folder is only ever cleared when it holds our marker file, so ``--gx-docs .`` cannot wipe a
project.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

from ..atomic import write_text_atomic
from ..errors import UsageError

MARKER = ".scrapegate-gx-docs"
_GENERATED = ("index.html", "validations", "expectations", "static")
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)
_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.I)
_REMOTE_IMG = re.compile(r"<img\b([^>]*?)\bsrc=\"https?://[^\"]*\"", re.I)
_STYLE = """<style>
body{font-family:system-ui,sans-serif;margin:0 1.5rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
vertical-align:top}nav{margin:.5rem 0}ul.nav{list-style:none;padding:0}
.text-danger{color:#b00020}.text-success{color:#0a7a30}pre,code{white-space:pre-wrap}
#scrapegate-pages{border:1px solid #ccc;padding:.5rem 1rem;margin:1rem 0}
</style>"""


def prepare_docs(docs_dir: str) -> None:
    """Make ``docs_dir`` ready: create it, or clear the pages of a previous run."""
    root = Path(docs_dir)
    if root.exists() and not root.is_dir():
        raise UsageError(f"--gx-docs {docs_dir!r} is a file; give a folder")
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise UsageError(
                f"--gx-docs {docs_dir!r} is not empty and was not written by scrapegate; "
                "choose a new or empty folder"
            )
        for name in _GENERATED:
            target = root / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    root.mkdir(parents=True, exist_ok=True)
    write_text_atomic(str(root / MARKER), "Data Docs written by scrapegate check --engine gx\n")


def _offline(text: str, depth: int) -> str:
    logo = "../" * depth + "static/images/logo-long.png"
    text = _REMOTE_SCRIPT.sub("", text)
    text = _REMOTE_LINK.sub("", text)
    text = _REMOTE_IMG.sub(lambda m: f'<img{m.group(1)}src="{logo}"', text)
    return text.replace("</head>", f"{_STYLE}\n</head>", 1)


def _page_list(root: Path) -> str:
    sections = []
    for title, folder in (
        ("Validation results", "validations"),
        ("Expectation suites", "expectations"),
    ):
        pages = sorted((root / folder).rglob("*.html")) if (root / folder).is_dir() else []
        items = "".join(
            f'<li><a href="{html.escape(p.relative_to(root).as_posix())}">'
            f"{html.escape(str(p.relative_to(root / folder).with_suffix('')))}</a></li>"
            for p in pages
        )
        sections.append(f"<h3>{title}</h3><ul>{items or '<li>none</li>'}</ul>")
    return f'<div id="scrapegate-pages">{"".join(sections)}</div>'


def finish_docs(docs_dir: str) -> str:
    """Make the built pages work offline; return the path of ``index.html``."""
    root = Path(docs_dir)
    # Listed before rewriting: the atomic writes put temp files beside the pages meanwhile.
    for page in sorted(root.rglob("*.html")):
        depth = len(page.relative_to(root).parts) - 1
        text = _offline(page.read_text("utf-8"), depth)
        if page == root / "index.html":
            text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + _page_list(root), text, count=1)
        # Each page is swapped in whole: an interrupted run leaves GX's page, never half of ours.
        write_text_atomic(str(page), text)
    return os.path.join(docs_dir, "index.html")

"""Relative links in README and in the hand-written docs pages point at files that exist.

Links into the generated reference (``docs/reference/``) are checked by the strict site
build in test_site.py; everything else must exist in the repository, and a link to a
Markdown heading must name a heading that exists (GitHub renders these files too).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
HAND_WRITTEN = sorted(DOCS.glob("*.md"))
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _links(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return [
        target
        for target in LINK.findall(text)
        if not re.match(r"[a-z]+:", target)  # http:, https:, mailto:
    ]


def _anchors(path: Path) -> set[str]:
    """Heading ids as GitHub and mkdocs spell them, plus explicit {#id} attributes."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", FENCE.sub("", path.read_text("utf-8")), re.M):
        explicit = re.search(r"\{#([\w-]+)\}\s*$", heading)
        if explicit:
            anchors.add(explicit.group(1))
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchors.add(slug)
    return anchors


@pytest.mark.parametrize("path", [ROOT / "README.md", *HAND_WRITTEN], ids=lambda p: p.name)
def test_relative_links_point_at_existing_files_and_headings(path: Path) -> None:
    links = _links(path)
    for target in links:
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if path.parent == DOCS and file_part.startswith("reference/"):
            continue  # generated at build time; the strict build checks these
        assert resolved.is_relative_to(ROOT), f"{path.name}: {target} leaves the repository"
        assert resolved.exists(), f"{path.name}: link target {target} does not exist"
        if anchor and resolved.suffix == ".md":
            assert anchor in _anchors(resolved), f"{path.name}: no heading #{anchor} in {target}"


def test_the_readme_links_to_every_hand_written_docs_page() -> None:
    linked = {t.partition("#")[0] for t in _links(ROOT / "README.md")}
    for page in HAND_WRITTEN:
        if page.name != "index.md":
            assert f"docs/{page.name}" in linked, f"README does not link to docs/{page.name}"

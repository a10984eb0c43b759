"""``scrapegate save-page``: keep a page as a fixture for extractor regression tests."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import click

from ..errors import EXIT_OK, UsageError
from ._common import HELP_OPTIONS

SAVE_PAGE_EPILOG = """
\b
Examples:
  scrapegate save-page https://news.example/2025/ferry --name ferry
  scrapegate save-page saved/ferry.html --name ferry --url https://news.example/2025/ferry

\b
Writes DIR/NAME.html (the bytes as served) and DIR/NAME.json (the page's URL and
content type, and "expected": null for you to fill in with the item your callback
should extract). A test rebuilds the response with scrapegate.scrapy.testing.
Existing files are kept unless --force. Exit codes: 0 saved, 2 the page could not be
read or the fixture not written.
"""

# A page bigger than this is not a fixture anyone reviews in a diff.
MAX_PAGE_BYTES = 20 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _fetch(url: str, timeout: float) -> tuple[bytes, str | None]:
    """The page's bytes and content type; a UsageError naming the URL when it fails."""
    import urllib.error
    import urllib.request

    from ..escaping import printable

    request = urllib.request.Request(url, headers={"User-Agent": "scrapegate save-page"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body: bytes = answer.read(MAX_PAGE_BYTES + 1)
            content_type = answer.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise UsageError(f"{printable(url)}: the server answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UsageError(
            f"{printable(url)}: could not fetch it: {printable(str(reason))}"
        ) from None
    if len(body) > MAX_PAGE_BYTES:
        raise UsageError(f"{printable(url)}: larger than {MAX_PAGE_BYTES} bytes; not saved")
    return body, content_type


def _read(path: str) -> bytes:
    from ..escaping import printable

    try:
        size = os.path.getsize(path)
        if size > MAX_PAGE_BYTES:
            raise UsageError(f"{printable(path)}: larger than {MAX_PAGE_BYTES} bytes; not saved")
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise UsageError(
            f"{printable(path)}: no such file; give an http(s) URL or the path of a saved page"
        ) from None
    except IsADirectoryError:
        raise UsageError(f"{printable(path)}: is a folder; give one page's file") from None
    except OSError as exc:
        raise UsageError(f"{printable(path)}: cannot read it: {exc.strerror}") from None


@click.command("save-page", context_settings=HELP_OPTIONS, epilog=SAVE_PAGE_EPILOG)
@click.argument("source", metavar="URL_OR_FILE")
@click.option("--name", required=True, help="The fixture's name: DIR/NAME.html and NAME.json.")
@click.option(
    "--dir",
    "folder",
    default="fixtures/pages",
    show_default=True,
    metavar="DIR",
    help="Where to save it.",
)
@click.option(
    "--url",
    "page_url",
    metavar="URL",
    help="With a file: the URL it was served from (the response's URL in tests; relative "
    "links resolve against it). Default: the file's file:// URL.",
)
@click.option("--force", is_flag=True, help="Replace an existing fixture of that name.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=300),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the server.",
)
def save_page_command(
    source: str, name: str, folder: str, page_url: str | None, force: bool, timeout: float
) -> int:
    """Save a live or local page as a fixture for extractor regression tests."""
    from ..atomic import write_bytes_atomic, write_text_atomic
    from ..escaping import printable
    from ..notify import url_problem

    if not _NAME.fullmatch(name):
        raise UsageError(
            f"--name {printable(name)!r}: use letters, digits, '.', '_' and '-' "
            "(starting with a letter or digit), at most 100 characters"
        )
    html_path = Path(folder) / f"{name}.html"
    json_path = Path(folder) / f"{name}.json"
    existing = [str(p) for p in (html_path, json_path) if p.exists()]
    if existing and not force:
        raise UsageError(
            f"{', '.join(map(printable, existing))}: already saved; pass --force to replace, "
            "or choose another --name"
        )
    if url_problem(source) is None:
        if page_url is not None:
            raise UsageError("--url is for a page read from a file; a fetched page keeps its URL")
        body, content_type = _fetch(source, timeout)
        url = source
    else:
        body, content_type = _read(source), None
        url = page_url or Path(os.path.abspath(source)).as_uri()
        if page_url is not None and url_problem(page_url) is not None:
            raise UsageError(f"--url {printable(page_url)!r} is not an http:// or https:// URL")
    meta = {
        "url": url,
        "content_type": content_type or "text/html; charset=utf-8",
        "saved": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expected": None,
    }
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        why = "it is a file, not a folder" if os.path.isfile(folder) else exc.strerror
        raise UsageError(
            f"--dir {printable(folder)}: cannot make the folder ({why}); choose another --dir"
        ) from None
    write_bytes_atomic(str(html_path), body)
    write_text_atomic(str(json_path), json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    click.echo(
        f"saved {printable(str(html_path))} ({len(body)} bytes) and {printable(str(json_path))}; "
        "fill in its 'expected' with the item your callback should extract"
    )
    return EXIT_OK

"""Groups of documents: ``documents.group_by`` (and a check's own ``group_by``).

A group is named by a record field (``{field: site}``) or by the host of a URL field
(``{host: url}``: lower-cased, without a leading ``www.``). Corpus checks that judge documents
against their peers (``repeated_lines``) read it; a document without a usable value is in the
group ``None`` (shown as ``(none)``). Without a ``group_by`` the whole corpus is one group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .documents import Document

GROUP_BY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "How documents are grouped for checks that compare a document with its peers "
        "(repeated_lines): {field: name} groups by a field's value, {host: name} by the host "
        "of a URL field (lower-cased, without 'www.'). Without it the corpus is one group."
    ),
    "examples": [{"host": "url"}, {"field": "site"}],
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
    "properties": {
        "field": {
            "type": "string",
            "minLength": 1,
            "description": "Field whose value names the group (dotted names reach inside).",
        },
        "host": {
            "type": "string",
            "minLength": 1,
            "description": "URL field whose host names the group: 'https://www.Example.org/a' "
            "is in group 'example.org'.",
        },
    },
}

NO_GROUP = "(none)"


@dataclass(frozen=True)
class GroupBy:
    """Either ``field`` or ``host`` is set: the field read, and whether to take its host."""

    field: str
    host: bool = False

    def of(self, doc: Document) -> str | None:
        """The group of ``doc``, or None when its field is missing or holds no host."""
        value = doc.get(self.field)
        if value is None or isinstance(value, dict | list):
            return None
        if self.host:
            return host_of(value) if isinstance(value, str) else None
        return str(value)

    @property
    def label(self) -> str:
        """As written in a suite: ``host: url`` or ``field: site``."""
        return f"{'host' if self.host else 'field'}: {self.field}"


def host_of(url: str) -> str | None:
    """The host of a URL, lower-cased, without ``www.``; None when it has none.

    A URL without a scheme (``example.org/a``) is read as if it had one.
    """
    text = url.strip()
    if not text:
        return None
    if "://" not in text and not text.startswith("//"):
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or any(c.isspace() for c in host):
        return None
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") and len(host) > 4 else host or None


def parse_group_by(raw: Any) -> GroupBy | None:
    """A ``group_by`` mapping already checked by :data:`GROUP_BY_SCHEMA`; None if malformed."""
    if not isinstance(raw, dict) or len(raw) != 1:
        return None
    key, value = next(iter(raw.items()))
    if key not in ("field", "host") or not isinstance(value, str) or not value:
        return None
    return GroupBy(value, host=key == "host")

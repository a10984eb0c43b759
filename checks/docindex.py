"""A compact index of the document ids of a run, so a baseline diff can tell added and removed
documents apart from newly failing and fixed ones.

Ids are stored as sorted 64-bit BLAKE2b digests (8 bytes a document, base64 in JSON) rather
than as strings: a million URLs would add ~80 MB to every result JSON, their digests ~11 MB.
At 64 bits the chance of any collision among a million ids is about 3e-8.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .escaping import utf8_safe

HASH_NAME = "blake2b-64"
KEY = "document_index"


# The last id digested and its digest: the engine digests each document's id twice in a row
# (the id audit as loaded, then the document), so the second costs one string comparison.
_last: tuple[str, int] = ("", 0)


def id_digest(doc_id: str) -> int:
    """The 64-bit digest of one document id."""
    global _last
    last = _last
    if last[0] == doc_id and doc_id:
        return last[1]
    try:
        raw = doc_id.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (an id from a file name that is not UTF-8): the digest of its form
        # in the result JSON, so a baseline read back finds the same document.
        raw = utf8_safe(doc_id).encode("utf-8")
    digest = int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")
    _last = (doc_id, digest)
    return digest


class IndexBuilder:
    """Collects digests during a run in 8 bytes a document (an ``array``, not a set of ints)."""

    def __init__(self) -> None:
        self._digests = array("Q")

    def add(self, doc_id: str) -> None:
        """Record one document id (duplicates are fine)."""
        self._digests.append(id_digest(doc_id))

    def to_json(self) -> dict[str, Any]:
        """The index as stored under ``extra["document_index"]``."""
        return document_index_json(sorted(set(self._digests)))


def document_index_json(digests: Iterable[int]) -> dict[str, Any]:
    """JSON form of a set of digests: hash name, count and base64 of the sorted digests."""
    # Bucketed by the top byte, each bucket sorted on its own: sorting a million digests at
    # once would hold a million int objects (~40 MB); a bucket holds 1/256 of them.
    buckets = [array("Q") for _ in range(256)]
    for digest in digests:
        buckets[digest >> 56].append(digest)
    distinct = array("Q")
    for index, bucket in enumerate(buckets):
        previous = None
        for digest in sorted(bucket):
            if digest != previous:
                distinct.append(digest)
                previous = digest
        buckets[index] = array("Q")
    if sys.byteorder == "little":
        distinct.byteswap()  # stored big-endian, as before
    packed = distinct.tobytes()
    return {
        "hash": HASH_NAME,
        "count": len(distinct),
        "digests": base64.b64encode(packed).decode(),
    }


def build_index(ids: Iterable[str]) -> dict[str, Any]:
    """JSON index of ``ids`` (convenience for tests and small runs)."""
    return document_index_json(id_digest(i) for i in ids)


@dataclass(frozen=True)
class DocumentIndex:
    """The set of document ids of one run, as digests."""

    digests: frozenset[int]

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and id_digest(doc_id) in self.digests

    def __len__(self) -> int:
        return len(self.digests)

    @classmethod
    def from_json(cls, data: Any) -> DocumentIndex | None:
        """Parse a stored index; None when absent or not in a form this version reads."""
        if not isinstance(data, dict) or data.get("hash") != HASH_NAME:
            return None
        raw = data.get("digests")
        if not isinstance(raw, str):
            return None
        try:
            packed = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            return None
        if len(packed) % 8:
            return None
        return cls(
            frozenset(int.from_bytes(packed[i : i + 8], "big") for i in range(0, len(packed), 8))
        )

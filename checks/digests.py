"""A compact hash table from 64-bit digests to 64-bit payloads, for corpus-wide state.

A Python ``set`` or ``dict`` of a million ints costs 60-100 MB (an object per int plus the
table); this keeps the keys and payloads in two ``array('Q')`` with open addressing, about
32 bytes a distinct key at most, so corpus checks (uniqueness, repeated ids) stay small
whatever the corpus size. Digests are already uniformly random, so linear probing on their
low bits is enough.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

_EMPTY = 0  # marks an empty slot, so the digest zero is kept beside the table
_MIN_CAPACITY = 1 << 10


def _zeros(size: int) -> array[int]:
    return array("Q", bytes(8 * size))


class DigestTable:
    """Maps distinct 64-bit digests to a 64-bit payload each (such as a packed location)."""

    def __init__(self) -> None:
        self._keys = _zeros(_MIN_CAPACITY)
        self._values = _zeros(_MIN_CAPACITY)
        self._mask = _MIN_CAPACITY - 1
        self._size = 0
        self._zero: int | None = None

    def __len__(self) -> int:
        return self._size + (self._zero is not None)

    def setdefault(self, digest: int, payload: int) -> int | None:
        """Store ``payload`` under a new ``digest`` and return None; or the stored payload."""
        if digest == _EMPTY:
            if self._zero is None:
                self._zero = payload
                return None
            return self._zero
        slot = self._slot(digest)
        if self._keys[slot] == digest:
            return self._values[slot]
        self._keys[slot] = digest
        self._values[slot] = payload
        self._size += 1
        # Grow at 2/3 full: linear probing stays short, and a resize doubles the capacity.
        if self._size * 3 > len(self._keys) * 2:
            self._grow()
        return None

    def get(self, digest: int) -> int | None:
        """The payload stored under ``digest``, or None."""
        if digest == _EMPTY:
            return self._zero
        slot = self._slot(digest)
        return self._values[slot] if self._keys[slot] == digest else None

    def _slot(self, digest: int) -> int:
        """The slot holding ``digest``, or the empty slot where it would go."""
        keys, mask = self._keys, self._mask
        slot = digest & mask
        while keys[slot] != _EMPTY and keys[slot] != digest:
            slot = (slot + 1) & mask
        return slot

    def items(self) -> Iterator[tuple[int, int]]:
        """Every (digest, payload) pair, in no particular order."""
        if self._zero is not None:
            yield _EMPTY, self._zero
        for key, value in zip(self._keys, self._values, strict=True):
            if key != _EMPTY:
                yield key, value

    def _grow(self) -> None:
        old = zip(self._keys, self._values, strict=True)
        capacity = len(self._keys) * 2
        keys, values = _zeros(capacity), _zeros(capacity)
        mask = capacity - 1
        for key, value in old:
            if key == _EMPTY:
                continue
            slot = key & mask
            while keys[slot] != _EMPTY:
                slot = (slot + 1) & mask
            keys[slot] = key
            values[slot] = value
        self._keys, self._values, self._mask = keys, values, mask


class PlacePacker:
    """Packs ``path:line`` into one 64-bit int (path index and line), and back."""

    LINE_BITS = 40
    LINE_MASK = (1 << LINE_BITS) - 1

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._index: dict[str, int] = {}

    def pack(self, path: str, line: int) -> int:
        """The packed form of a place; lines beyond 2**40 are clamped."""
        index = self._index.get(path)
        if index is None:
            index = self._index[path] = len(self.paths)
            self.paths.append(path)
        return (index << self.LINE_BITS) | min(line, self.LINE_MASK)

    def unpack(self, packed: int) -> tuple[str, int]:
        """The path and line of a packed place."""
        return self.paths[packed >> self.LINE_BITS], packed & self.LINE_MASK

    def remap(self, other: PlacePacker) -> list[int]:
        """For each path index of ``other``, the packed base of that path here."""
        return [self.pack(path, 0) for path in other.paths]

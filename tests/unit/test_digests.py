"""The compact digest table behaves like a dict of first payloads, in a fraction of the memory."""

from __future__ import annotations

import base64

from hypothesis import example, given
from hypothesis import strategies as st

from scrapegate.digests import DigestTable, PlacePacker
from scrapegate.docindex import document_index_json

DIGESTS = st.integers(min_value=0, max_value=(1 << 64) - 1)


@example(pairs=[(0, 5), (1 << 63, 6), (0, 7)])  # zero is a key like any other
@example(pairs=[(k << 10, k) for k in range(2000)])  # equal low bits: long probe chains
@given(pairs=st.lists(st.tuples(DIGESTS, DIGESTS), max_size=300))
def test_setdefault_keeps_the_first_payload_of_every_digest_like_a_dict(
    pairs: list[tuple[int, int]],
) -> None:
    table = DigestTable()
    model: dict[int, int] = {}
    for digest, payload in pairs:
        assert table.setdefault(digest, payload) == model.get(digest)
        model.setdefault(digest, payload)
    assert len(table) == len(model)
    assert dict(table.items()) == model
    for digest, payload in model.items():
        assert table.get(digest) == payload


def test_a_missing_digest_is_none_after_the_table_grew() -> None:
    table = DigestTable()
    for digest in range(1, 5000):
        table.setdefault(digest * 7919, digest)
    assert table.get(7919 * 5001) is None
    assert table.get(7919 * 4999) == 4999


def test_places_round_trip_and_remap_between_packers() -> None:
    earlier, later = PlacePacker(), PlacePacker()
    earlier.pack("a.jsonl", 1)
    packed = later.pack("b.jsonl", 42)
    assert later.unpack(packed) == ("b.jsonl", 42)
    base = earlier.remap(later)[packed >> PlacePacker.LINE_BITS]
    assert earlier.unpack(base | (packed & PlacePacker.LINE_MASK)) == ("b.jsonl", 42)


@given(digests=st.lists(DIGESTS, max_size=500))
def test_the_document_index_holds_each_digest_once_in_ascending_order(digests: list[int]) -> None:
    index = document_index_json(digests)
    packed = base64.b64decode(index["digests"])
    stored = [int.from_bytes(packed[i : i + 8], "big") for i in range(0, len(packed), 8)]
    assert stored == sorted(set(digests))
    assert index["count"] == len(stored)

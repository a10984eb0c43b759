"""What the spool writes for records loaded from formats other than JSON Lines."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from scrapegate.routing import dump_record


def test_values_orjson_cannot_write_are_kept_as_text_not_dropped() -> None:
    fields = {"big": 2**70, "blob": b"\xffab", "price": Decimal("1.50"), "day": date(2025, 7, 4)}
    assert json.loads(dump_record(fields)) == {
        "big": str(2**70),
        "blob": "\ufffdab",
        "price": "1.50",
        "day": "2025-07-04",
    }


def test_plain_records_keep_their_key_order() -> None:
    assert dump_record({"z": 1, "a": [1.5, None, "é"]}) == '{"z":1,"a":[1.5,null,"é"]}'.encode()

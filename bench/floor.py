"""The floor: read a JSON Lines file and parse every line with orjson, nothing else.

    python bench/floor.py bench/data/corpus-100k.jsonl

Prints ``{"records": N, "objects": M}``: what any checker must at least pay for.
"""

from __future__ import annotations

import sys

import orjson


def scan(path: str) -> tuple[int, int]:
    """Records (lines) read and JSON objects among them."""
    loads = orjson.loads
    error = orjson.JSONDecodeError
    records = objects = 0
    with open(path, "rb") as fh:
        for line in fh:
            records += 1
            try:
                obj = loads(line)
            except error:
                continue
            if type(obj) is dict:
                objects += 1
    return records, objects


def main(argv: list[str]) -> int:
    records = objects = 0
    for path in argv:
        r, o = scan(path)
        records += r
        objects += o
    sys.stdout.write(orjson.dumps({"records": records, "objects": objects}).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

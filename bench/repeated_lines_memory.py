"""Memory of the repeated_lines state at scale: ``python bench/repeated_lines_memory.py``.

    python bench/repeated_lines_memory.py                  # 100k and 1M documents
    python bench/repeated_lines_memory.py --sizes 10k,100k

Feeds synthetic pages straight to the check's state (no files, no engine: what is measured
is the state's own memory), each size in a fresh subprocess: 20 sites, every page with 8
lines of its own and a 2-line site footer. Prints one table: documents, units seen, units
still counted, document entries kept, the peak RSS of the process above its start, and the
template units found (40 expected: each site's two footer lines). Exit 1 when the found
templates are wrong.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

SITES = 20
OWN_LINES = 8


def _size(text: str) -> int:
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(text.rstrip("km")) * scale


def _measure(documents: int) -> str:
    from scrapegate.documents import Document
    from scrapegate.grouping import GroupBy
    from scrapegate.library.repeated_lines import RepeatedLinesParams, RepeatedLinesState
    from scrapegate.registry import DocRef

    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    state = RepeatedLinesState(RepeatedLinesParams(), GroupBy("site"))
    started = time.perf_counter()
    units = 0
    for n in range(documents):
        site = f"site{n % SITES}"
        own = [f"Report {n} line {k}: the council met on item {n * 7 + k}" for k in range(8)]
        footer = [f"Follow {site} on Mastodon for more", f"All rights reserved by {site} media"]
        text = "\n".join([*own, *footer])
        units += OWN_LINES + 2
        document = Document(id=f"d{n}", path="bench.jsonl", line=n + 1, fields={"site": site})
        state.observe(text, DocRef(f"d{n}", f"bench.jsonl:{n + 1}"), document)
    found = state.repeated()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss
    counted = sum(len(g.counts) for g in state.groups.values())
    ok = len(found) == 2 * SITES and all(r.documents == documents // SITES for r in found.values())
    return (
        f"| {documents:,} | {units:,} | {counted:,} | {len(state.unit_digests):,} "
        f"| {peak / 1024:,.0f} | {seconds:,.1f} | {len(found)} {'ok' if ok else 'WRONG'} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(_measure(args.one))
        return 0
    print("| documents | units seen | units counted | document entries | peak RSS MB | s | found |")
    print("|---|---|---|---|---|---|---|")
    status = 0
    for size in args.sizes.split(","):
        row = subprocess.run(
            [sys.executable, __file__, "--one", str(_size(size))],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(row, flush=True)
        status |= "WRONG" in row
    return status


if __name__ == "__main__":
    sys.exit(main())

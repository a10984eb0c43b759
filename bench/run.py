"""The scrapegate benchmark: one command, one table, every number verified.

    python bench/run.py                         # 10k and 100k documents, 3 runs each
    python bench/run.py --sizes 10k,100k,1m     # the full run (minutes; data generated once)
    python bench/run.py --soak                  # 1M records, 10% malformed, check + clean
    python bench/run.py --quick                 # smoke run (< 60 s); exit 1 on any mismatch

For every corpus size it runs, each as a fresh subprocess from the repository root:

* ``floor``: read the JSONL and ``orjson.loads`` every line, nothing else (bench/floor.py);
* ``scrapegate -w1`` / ``scrapegate -wall``: ``scrapegate check`` with 1 worker / all cores;
* ``pytest``: ``pytest bench/reference.yaml --docs DATA`` through the pytest plugin;
* ``gx``: ``scrapegate check --engine gx`` (sizes up to ``--gx-max``, and the 20k corpus);
* ``spark``: ``scrapegate check --engine spark --spark-master local[2]`` (only when asked:
  ``--variants ...,spark``), with its start-up (Java, Spark) measured alone on 1 document;
* ``spark1``: the same on ``local[1]``; with ``spark`` it gives a table of how Spark's work
  (wall time less the start-up) grows from one executor core to two;
* ``start-up``: ``scrapegate check`` on a 1-document file.

Each variant's first run checks that it flagged exactly the documents the generator says are
bad (per expectation, by file line); it is not timed. The timed runs follow, interleaved
across variants, and the table shows medians. Wall time is spawn to exit; MB/s counts the
UTF-8 bytes of the body text; peak RSS is the larger of the exact ``ru_maxrss`` of the
biggest process and the sampled sum of RSS over the whole process group (workers included);
the group's summed PSS (shared pages counted once) is shown beside it.
A variant that cannot run says "unavailable" with the reason: no number is ever invented.

Results go to the terminal, to ``bench/RESULTS.md`` (with the machine description) and, raw,
to ``bench/_work/``. Exit status: 0 when every variant that ran flagged exactly the truth.

This file only wires the harness together; ``bench/__init__.py`` lists its modules.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
if not __package__:  # `python bench/run.py`: make the harness importable as the package `bench`
    sys.path.insert(0, str(HERE.parent))

from bench import generate as gen  # noqa: E402
from bench.benchmark import Cell, bench_corpus, bench_startup  # noqa: E402
from bench.machine import load_average, machine  # noqa: E402
from bench.paths import WORK  # noqa: E402
from bench.report import (  # noqa: E402
    COLUMNS,
    SPARK_HEADERS,
    print_table,
    ratio_rows,
    render_soak_md,
    spark_rows,
    write_results,
)
from bench.soak import SoakCell, soak  # noqa: E402
from bench.targets import SAME_DOCS_FOR_GX, targets  # noqa: E402
from bench.variants import variants  # noqa: E402


@dataclass(frozen=True)
class Plan:
    """What to run: corpus sizes, timed runs and the soak corpora (``--quick`` shrinks them)."""

    sizes: list[int]
    repeat: int
    startup_runs: int
    soak_sizes: list[tuple[int, float]]
    gx_max: int


def _at_least_one(text: str) -> int:
    """A run count: 0 would report a variant as verified with no number to show."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of runs") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"{count} runs: at least 1 timed run is needed")
    return count


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """The options, and the variant keys chosen with ``--variants`` (checked)."""
    parser = argparse.ArgumentParser(
        description="scrapegate benchmark", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k", help="corpus sizes (10k,100k,1m)")
    parser.add_argument("--repeat", type=_at_least_one, default=3, help="timed runs per variant")
    parser.add_argument("--variants", default="floor,doc1,w1,wall,pytest,gx",
                        help="subset of floor,doc1,w1,wall,pytest,gx,spark,spark1")  # fmt: skip
    parser.add_argument("--gx-max", default="100k", help="largest corpus run through GX")
    parser.add_argument("--startup-runs", type=_at_least_one, default=10)
    parser.add_argument("--soak", action="store_true", help="run the soak instead")
    parser.add_argument("--soak-size", default="1m")
    parser.add_argument("--soak-malformed", type=float, default=0.10)
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (< 60 s)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="where to write the Markdown results (default bench/RESULTS.md; a --quick run "
        "writes them only when this is given)",
    )
    args = parser.parse_args(argv)
    keys = [k.strip() for k in args.variants.split(",") if k.strip()]
    if unknown := set(keys) - set(variants()):
        parser.error(f"unknown variants: {sorted(unknown)}")
    return args, keys


def make_plan(args: argparse.Namespace) -> Plan:
    """The sizes and counts the options ask for; ``--quick`` is 2k documents, 1 run."""
    if args.quick:
        return Plan([2_000], 1, 3, [(2_000, args.soak_malformed)], 2_000)
    return Plan(
        sizes=[gen.parse_count(s) for s in args.sizes.split(",") if s.strip()],
        repeat=args.repeat,
        startup_runs=args.startup_runs,
        soak_sizes=[(gen.parse_count(args.soak_size), args.soak_malformed)] if args.soak else [],
        gx_max=gen.parse_count(args.gx_max),
    )


def run_benchmark(
    args: argparse.Namespace,
    plan: Plan,
    keys: list[str],
    info: dict[str, str],
    command: str,
    log: Callable[[str], None],
) -> bool:
    """Every size, the 20k GX comparison and start-up; print the tables; True when exact."""
    cells: list[Cell] = []
    sizes = sorted(set(plan.sizes))
    for size in sizes:
        chosen = [k for k in keys if k != "gx" or size <= plan.gx_max]
        cells += bench_corpus(size, chosen, plan.repeat, args.timeout, log)
    if "gx" in keys and not args.quick and SAME_DOCS_FOR_GX not in sizes:
        # The per-document comparison with GX, on the same documents in the same run.
        same: list[str] = [k for k in ("floor", "w1", "gx") if k in keys]
        cells += bench_corpus(SAME_DOCS_FOR_GX, same, plan.repeat, args.timeout, log)
    cells.sort(key=lambda c: c.documents)  # the 20k GX comparison among the sizes
    cells.append(bench_startup(plan.startup_runs, args.timeout, log))
    if {"spark", "spark1"} & set(keys) and not variants()["spark"].unavailable:
        # Spark's fixed cost, apart: each corpus row above includes it once.
        cells.append(bench_startup(min(plan.startup_runs, plan.repeat), args.timeout, log, True))
    ok = all(c.status in ("ok", "unavailable") for c in cells)
    info["load average at end"] = load_average()
    rows = ratio_rows(cells)
    target_rows = targets(cells, sizes)
    print_table(
        f"scrapegate benchmark: medians of {plan.repeat} run(s) ({info['cores']} cores)",
        [h for _, h in COLUMNS],
        [[r.get(k, "") for k, _ in COLUMNS] for r in rows],
    )
    print_table(
        "targets (issue 16)", ["target", "measured", "verdict"], [list(t) for t in target_rows]
    )
    scaling = spark_rows(cells)
    if scaling:
        print_table("Spark: how the work grows with executor cores", SPARK_HEADERS, scaling)
    result = {"command": command, "machine": info, "rows": rows, "targets": target_rows,
              "spark": scaling, "cells": [c.to_json() for c in cells]}  # fmt: skip
    name = "results-benchmark-quick.json" if args.quick else "results-benchmark.json"
    (WORK / name).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    return ok


def run_soak(
    args: argparse.Namespace,
    size: int,
    malformed: float,
    info: dict[str, str],
    command: str,
    log: Callable[[str], None],
) -> bool:
    """The soak on one corpus; print its table; True when every confirmation held."""
    outcome = soak(size, malformed, args.timeout, log)
    info["load average at end"] = load_average()
    soak_cells: list[SoakCell] = outcome.pop("cells")
    ok = all(c.status in ("ok", "unavailable") for c in soak_cells)
    data = {"command": command, "machine": info, **outcome,
            "cells": [c.to_json() for c in soak_cells]}  # fmt: skip
    name = "results-soak-quick.json" if args.quick else "results-soak.json"
    (WORK / name).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    print(render_soak_md(data))
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or ``--soak``); 0 when every variant flagged exactly the truth."""
    args, keys = parse_args(argv)
    command = shlex.join(["python", "bench/run.py", *(sys.argv[1:] if argv is None else argv)])

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    WORK.mkdir(parents=True, exist_ok=True)
    info = machine()
    plan = make_plan(args)
    ok = True
    if not args.soak:
        ok = run_benchmark(args, plan, keys, info, command, log) and ok
    for size, malformed in plan.soak_sizes:
        ok = run_soak(args, size, malformed, info, command, log) and ok
    results = args.results if args.results or args.quick else HERE / "RESULTS.md"
    if results is not None:
        write_results(results, quick=args.quick)
        log(f"wrote {results}")
    log("every variant flagged exactly the truth" if ok else "MISMATCH or ERROR: see the table")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

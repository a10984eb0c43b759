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
* ``start-up``: ``scrapegate check`` on a 1-document file.

Each variant's first run checks that it flagged exactly the documents the generator says are
bad (per expectation, by file line); it is not timed. The timed runs follow, interleaved
across variants, and the table shows medians. Wall time is spawn to exit; MB/s counts the
UTF-8 bytes of the body text; peak RSS is the larger of the exact ``ru_maxrss`` of the
biggest process and the sampled sum of RSS over the whole process group (workers included).
A variant that cannot run says "unavailable" with the reason: no number is ever invented.

Results go to the terminal, to ``bench/RESULTS.md`` (with the machine description) and, raw,
to ``bench/_work/``. Exit status: 0 when every variant that ran flagged exactly the truth.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
if not __package__:  # `python bench/run.py`: make the harness importable as the package `bench`
    sys.path.insert(0, str(HERE.parent))

from bench import generate as gen  # noqa: E402
from bench.benchmark import Cell, bench_corpus, bench_startup  # noqa: E402
from bench.paths import ROOT, WORK  # noqa: E402
from bench.soak import SoakCell, soak  # noqa: E402
from bench.variants import variants  # noqa: E402

SAME_DOCS_FOR_GX = 20_000

# Targets of issue 6 (shown as PASS/MISS; never asserted by tests).
TARGET_MBPS_1W = 150.0
TARGET_SCALING = 1.7
TARGET_VS_GX = 50.0
TARGET_RSS_MB = 200.0
TARGET_RSS_GROWTH = 0.30
TARGET_STARTUP_S = 0.5
TARGET_PYTEST_OVERHEAD = 0.10


# --------------------------------------------------------------------------- reporting


def machine() -> dict[str, str]:
    cpu = "unknown"
    mem = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    versions = {}
    for dist in ("scrapegate", "google-re2", "orjson", "great_expectations", "pandas", "pyarrow"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
        check=False,
    ).stdout.strip()  # fmt: skip
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
        text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        "memory": mem,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "commit": (commit or "unknown") + (" (with uncommitted changes)" if dirty else ""),
        "load average at start": _loadavg(),
    }


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def _ratio_rows(cells: list[Cell]) -> list[dict[str, str]]:
    rows = []
    floor = {c.corpus: c for c in cells if c.variant == "floor" and c.ok}
    gx = {c.corpus: c for c in cells if c.variant == "gx" and c.ok}
    for c in cells:
        row = {"corpus": c.corpus, "variant": c.title}
        if not c.ok:
            status = {"unavailable": "unavailable", "error": "ERROR", "mismatch": "MISMATCH"}
            row["note"] = f"{status.get(c.status, c.status)}: {c.note}"
            rows.append(row)
            continue
        mb = c.body_bytes / 1e6
        row.update(
            wall=f"{c.wall:.2f}" if c.variant != "startup" else f"{c.wall:.3f}",
            rss=f"{c.peak_mb:,.0f}",
            cpu=f"{c.cpu:.2f} ({c.cpu / c.wall:.0%})",
            runs=f"{len(c.runs)} (±{c.spread / 2:.0%})",
        )
        if c.variant != "startup":
            row.update(docs=f"{c.documents / c.wall:,.0f}", mbps=f"{mb / c.wall:,.1f}")
        f = floor.get(c.corpus)
        if f is not None and c.variant != "floor":
            row["vs_floor"] = f"{c.wall / f.wall:.1f}× floor"
        g = gx.get(c.corpus)
        if g is not None and c.variant not in ("gx", "floor"):
            row["vs_gx"] = f"{g.wall / c.wall:.0f}× faster"
        row["note"] = "exact" if c.variant != "startup" else "exit 0"
        rows.append(row)
    return rows


COLUMNS = (
    ("corpus", "docs"),
    ("variant", "variant"),
    ("wall", "wall s"),
    ("docs", "docs/s"),
    ("mbps", "MB/s text"),
    ("rss", "peak RSS MB"),
    ("cpu", "CPU s (of wall)"),
    ("vs_floor", "vs floor"),
    ("vs_gx", "vs GX (per doc)"),
    ("runs", "runs"),
    ("note", "flagged set"),
)


def targets(cells: list[Cell], sizes: list[int]) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/MISS/n.a.) for each target of issue 6."""

    def get(corpus: str, variant: str) -> Cell | None:
        c = next((c for c in cells if c.corpus == corpus and c.variant == variant), None)
        return c if c is not None and c.ok else None

    main = "100k" if 100_000 in sizes else gen.label(max(sizes))
    out: list[tuple[str, str, str]] = []

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    w1 = get(main, "w1")
    if w1:
        mbps = w1.body_bytes / 1e6 / w1.wall
        out.append((f"1 worker ≥ {TARGET_MBPS_1W:.0f} MB/s ({main})", f"{mbps:.1f} MB/s",
                    verdict(mbps >= TARGET_MBPS_1W)))  # fmt: skip
    else:
        out.append((f"1 worker ≥ {TARGET_MBPS_1W:.0f} MB/s ({main})", "not measured", "n/a"))
    wall = get(main, "wall")
    if w1 and wall:
        scale = w1.wall / wall.wall
        out.append((f"all cores ≥ {TARGET_SCALING}× 1 worker ({main})", f"{scale:.2f}×",
                    verdict(scale >= TARGET_SCALING)))  # fmt: skip
    else:
        out.append((f"all cores ≥ {TARGET_SCALING}× 1 worker ({main})", "not measured", "n/a"))
    same = gen.label(SAME_DOCS_FOR_GX) if SAME_DOCS_FOR_GX in sizes else gen.label(min(sizes))
    g, s = get(same, "gx"), get(same, "w1")
    name = f"≥ {TARGET_VS_GX:.0f}× faster per doc than GX ({same}, 1 worker)"
    if g and s:
        ratio = g.wall / s.wall
        out.append((name, f"{ratio:.0f}×", verdict(ratio >= TARGET_VS_GX)))
    else:
        gx_cell = next((c for c in cells if c.variant == "gx"), None)
        why = gx_cell.note if gx_cell and gx_cell.note else "not measured"
        out.append((name, why, "n/a"))
    for key, what in (("w1", "1 worker"), ("wall", "all cores, process group")):
        runs = [c for c in cells if c.variant == key and c.ok]
        if runs:
            worst = max(runs, key=lambda c: c.peak_mb)
            out.append((f"peak RSS < {TARGET_RSS_MB:.0f} MB ({what})",
                        f"{worst.peak_mb:.0f} MB at {worst.corpus}",
                        verdict(worst.peak_mb < TARGET_RSS_MB)))  # fmt: skip
            small = next((c for c in runs if c.corpus == "10k"), None)
            big = max(runs, key=lambda c: c.documents)
            if small is not None and big is not small:
                growth = big.peak_mb / small.peak_mb - 1
                scope = "" if big.corpus == "1m" else " (1m not run)"
                name = f"RSS growth < {TARGET_RSS_GROWTH:.0%} 10k→{big.corpus}{scope} ({what})"
                out.append((name, f"{growth:+.0%}", verdict(growth < TARGET_RSS_GROWTH)))
    start = get("1 doc", "startup")
    if start:
        out.append((f"start-up < {TARGET_STARTUP_S} s (check on 1 document)",
                    f"{start.wall:.3f} s", verdict(start.wall < TARGET_STARTUP_S)))  # fmt: skip
    p, cli = get(main, "pytest"), get(main, "wall")
    if p and cli and w1:
        over = p.wall / cli.wall - 1
        out.append((f"pytest within {TARGET_PYTEST_OVERHEAD:.0%} of the CLI ({main}, CLI default "
                    "= all cores)", f"{over:+.0%} (vs 1 worker: {p.wall / w1.wall - 1:+.0%})",
                    verdict(over <= TARGET_PYTEST_OVERHEAD)))  # fmt: skip
    return out


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_benchmark_md(data: dict[str, Any]) -> str:
    rows = [[r.get(k, "") for k, _ in COLUMNS] for r in data["rows"]]
    parts = [
        f"Command: `{data['command']}` ({data['machine']['date']})",
        "",
        markdown_table([h for _, h in COLUMNS], rows),
        "",
        markdown_table(["target", "measured", "verdict"], [list(t) for t in data["targets"]]),
    ]
    return "\n".join(parts)


def render_soak_md(data: dict[str, Any]) -> str:
    parts = [
        f"Command: `{data['command']}` ({data['machine']['date']}); corpus "
        f"`{data['corpus']}`: {data['records']:,} records ({data['file_mb']:,.0f} MB), "
        f"{data['unreadable']:,} malformed.",
        "",
    ]
    rows = []
    for cell in data["cells"]:
        memory = ", ".join(f"{pct}%: {mb:.0f}" for pct, mb in cell["memory"])
        growth = "" if cell["growth"] is None else f"{cell['growth']:+.0%}"
        verdict = cell["status"] if cell["status"] == "ok" else cell["status"].upper()
        rows.append([
            f"`{cell['command']}`",
            verdict + (f": {cell['note']}" if cell["note"] else ""),
            "" if cell["wall"] is None else f"{cell['wall']:.1f}",
            "" if cell["peak_mb"] is None else f"{cell['peak_mb']:.0f}",
            memory,
            growth,
            "; ".join(cell["checks"]),
        ])  # fmt: skip
    headers = ["command", "verdict", "wall s", "peak RSS MB", "RSS MB over the run",
               "growth 25%→90%", "confirmed"]  # fmt: skip
    parts.append(markdown_table(headers, rows))
    return "\n".join(parts)


def write_results(path: Path) -> None:
    """bench/RESULTS.md from the last benchmark and soak results in bench/_work."""
    bench_data = _load(WORK / "results-benchmark.json")
    soak_data = _load(WORK / "results-soak.json")
    latest = bench_data or soak_data
    if latest is None:
        return
    m = latest["machine"]
    parts = [
        "# Benchmark results",
        "",
        "Written by `python bench/run.py`; see the Benchmarks section of README.md for what "
        "each column means.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in m.items()],
        "",
    ]
    if bench_data:
        parts += ["## Benchmark", "", render_benchmark_md(bench_data), ""]
    if soak_data:
        if soak_data["machine"] != m:
            parts += [f"Soak machine: {soak_data['machine']}", ""]
        parts += ["## Soak", "", render_soak_md(soak_data), ""]
    path.write_text("\n".join(parts), encoding="utf-8")


def _load(path: Path) -> dict[str, Any] | None:
    return orjson.loads(path.read_bytes()) if path.is_file() else None


def print_table(title: str, headers: list[str], rows: list[list[str]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        print(title)
        print(markdown_table(headers, rows))
        return
    table = Table(title=title, show_lines=False)
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(width=max(160, shutil.get_terminal_size().columns)).print(table)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="scrapegate benchmark", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k", help="corpus sizes (10k,100k,1m)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per variant")
    parser.add_argument("--variants", default="floor,w1,wall,pytest,gx",
                        help="subset of floor,w1,wall,pytest,gx")  # fmt: skip
    parser.add_argument("--gx-max", default="100k", help="largest corpus run through GX")
    parser.add_argument("--startup-runs", type=int, default=10)
    parser.add_argument("--soak", action="store_true", help="run the soak instead")
    parser.add_argument("--soak-size", default="1m")
    parser.add_argument("--soak-malformed", type=float, default=0.10)
    parser.add_argument("--quick", action="store_true", help="tiny smoke run (< 60 s)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per run")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    WORK.mkdir(parents=True, exist_ok=True)
    keys = [k.strip() for k in args.variants.split(",") if k.strip()]
    if unknown := set(keys) - set(variants()):
        parser.error(f"unknown variants: {sorted(unknown)}")
    info = machine()
    ok = True
    if args.quick:
        sizes, repeat, startup_runs = [2_000], 1, 3
        soak_sizes: list[tuple[int, float]] = [(2_000, args.soak_malformed)]
        gx_max = 2_000
    else:
        sizes = [gen.parse_count(s) for s in args.sizes.split(",") if s.strip()]
        repeat, startup_runs = args.repeat, args.startup_runs
        soak_sizes = [(gen.parse_count(args.soak_size), args.soak_malformed)] if args.soak else []
        gx_max = gen.parse_count(args.gx_max)

    if not args.soak:
        cells: list[Cell] = []
        plan = sorted(set(sizes))
        for size in plan:
            chosen = [k for k in keys if k != "gx" or size <= gx_max]
            cells += bench_corpus(size, chosen, repeat, args.timeout, log)
        if "gx" in keys and not args.quick and SAME_DOCS_FOR_GX not in plan:
            # The per-document comparison with GX, on the same documents in the same run.
            same = [k for k in ("floor", "w1", "gx") if k in keys]
            cells += bench_corpus(SAME_DOCS_FOR_GX, same, repeat, args.timeout, log)
            plan.append(SAME_DOCS_FOR_GX)
        cells.sort(key=lambda c: c.documents)  # the 20k GX comparison among the sizes
        cells.append(bench_startup(startup_runs, args.timeout, log))
        ok = ok and all(c.status in ("ok", "unavailable") for c in cells)
        info["load average at end"] = _loadavg()
        rows = _ratio_rows(cells)
        target_rows = targets(cells, plan)
        print_table(
            f"scrapegate benchmark: medians of {repeat} run(s) ({info['cores']} cores)",
            [h for _, h in COLUMNS],
            [[r.get(k, "") for k, _ in COLUMNS] for r in rows],
        )
        print_table(
            "targets (issue 6)", ["target", "measured", "verdict"], [list(t) for t in target_rows]
        )
        result = {"command": command, "machine": info, "rows": rows, "targets": target_rows,
                  "cells": [c.to_json() for c in cells]}  # fmt: skip
        name = "results-benchmark-quick.json" if args.quick else "results-benchmark.json"
        (WORK / name).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))

    for size, malformed in soak_sizes:
        outcome = soak(size, malformed, args.timeout, log)
        info["load average at end"] = _loadavg()
        soak_cells: list[SoakCell] = outcome.pop("cells")
        ok = ok and all(c.status in ("ok", "unavailable") for c in soak_cells)
        data = {"command": command, "machine": info, **outcome,
                "cells": [c.to_json() for c in soak_cells]}  # fmt: skip
        name = "results-soak-quick.json" if args.quick else "results-soak.json"
        (WORK / name).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        print(render_soak_md(data))

    if not args.quick:
        write_results(args.results)
        log(f"wrote {args.results}")
    log("every variant flagged exactly the truth" if ok else "MISMATCH or ERROR: see the table")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

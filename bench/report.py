"""The tables: on the terminal, in bench/RESULTS.md, and the rows of the raw result JSON.

``COLUMNS`` names the benchmark table's columns (docs/benchmarks.md, The columns, explains
each one); ``ratio_rows`` turns the cells into rows of formatted strings; the terminal tables
use rich, and RESULTS.md is Markdown built from the last result files in bench/_work.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson

from bench.benchmark import Cell
from bench.paths import WORK

STARTUP = ("startup", "spark-startup")
SPARK_VARIANTS = (("spark1", 1), ("spark", 2))
SPARK_HEADERS = ["docs", "executor cores", "wall s", "start-up s", "work s (wall − start-up)",
                 "docs/s of work", "work vs 1 core", "vs native, same cores"]  # fmt: skip


def spark_rows(cells: list[Cell]) -> list[list[str]]:
    """How ``--engine spark``'s work grows with executor cores (``SPARK_HEADERS``).

    The work is the wall time minus Spark's start-up measured alone on 1 document, which
    every run pays once whatever its size; the native row with as many processes (``w1``
    for one core, ``wall`` for all cores) is the comparison.
    """
    start = next((c for c in cells if c.variant == "spark-startup" and c.ok), None)
    if start is None:
        return []
    by_key = {(c.corpus, c.variant): c for c in cells if c.ok}
    rows = []
    for corpus in dict.fromkeys(c.corpus for c in cells if c.variant in ("spark", "spark1")):
        one = by_key.get((corpus, "spark1"))
        for key, cores in SPARK_VARIANTS:
            c = by_key.get((corpus, key))
            if c is None:
                continue
            work = max(c.wall - start.wall, 1e-9)
            scale = ""
            if one is not None:
                scale = f"{max(one.wall - start.wall, 1e-9) / work:.2f}×"
            native = by_key.get((corpus, "w1" if cores == 1 else "wall"))
            versus = f"{c.wall / native.wall:.1f}× native wall" if native else ""
            rows.append([corpus, str(cores), f"{c.wall:.2f}", f"{start.wall:.1f}",
                         f"{work:.2f}", f"{c.documents / work:,.0f}", scale, versus])  # fmt: skip
    return rows


def ratio_rows(cells: list[Cell]) -> list[dict[str, str]]:
    """One row per cell, keyed by the ``COLUMNS`` keys: medians, ratios and the verdict."""
    rows = []
    floor = {c.corpus: c for c in cells if c.variant == "floor" and c.ok}
    one_worker = {c.corpus: c for c in cells if c.variant == "w1" and c.ok}
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
            wall=f"{c.wall:.2f}" if c.variant not in STARTUP else f"{c.wall:.3f}",
            rss=f"{c.peak_mb:,.0f}",
            pss=f"{c.pss_mb:,.0f}" if c.pss_mb else "n/a",
            cpu=f"{c.cpu:.2f} ({c.cpu / c.wall:.0%})",
            runs=f"{len(c.runs)} (±{c.spread / 2:.0%})",
        )
        if c.variant not in STARTUP:
            row.update(docs=f"{c.documents / c.wall:,.0f}", mbps=f"{mb / c.wall:,.1f}")
        f = floor.get(c.corpus)
        if f is not None and c.variant != "floor":
            row["vs_floor"] = f"{c.wall / f.wall:.1f}× floor"
        w1, serial = one_worker.get(c.corpus), c.serial
        if w1 is not None and serial is not None:
            # Wall time outside the scanning of records, as a share of the 1-worker time:
            # Amdahl's cap on what more workers can buy, visible on a 2-core machine.
            row["serial"] = f"{serial / w1.wall:.0%} ({serial:.2f} s)"
        g = gx.get(c.corpus)
        if g is not None and c.variant not in ("gx", "floor"):
            row["vs_gx"] = f"{g.wall / c.wall:.0f}× faster"
        row["note"] = "exact" if c.variant not in STARTUP else "exit 0"
        rows.append(row)
    return rows


COLUMNS = (
    ("corpus", "docs"),
    ("variant", "variant"),
    ("wall", "wall s"),
    ("docs", "docs/s"),
    ("mbps", "MB/s text"),
    ("rss", "peak RSS MB"),
    ("pss", "peak PSS MB (group)"),
    ("cpu", "CPU s (of wall)"),
    ("vs_floor", "vs floor"),
    ("serial", "serial share"),
    ("vs_gx", "vs GX (per doc)"),
    ("runs", "runs"),
    ("note", "flagged set"),
)


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (``|`` in cells escaped)."""

    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render_benchmark_md(data: dict[str, Any]) -> str:
    """The benchmark section of RESULTS.md: the command, the table and the targets."""
    rows = [[r.get(k, "") for k, _ in COLUMNS] for r in data["rows"]]
    parts = [
        f"Command: `{data['command']}` ({data['machine']['date']})",
        "",
        markdown_table([h for _, h in COLUMNS], rows),
        "",
        markdown_table(["target", "measured", "verdict"], [list(t) for t in data["targets"]]),
    ]
    if data.get("spark"):
        parts += ["", "Spark: how the work grows with executor cores", "",
                  markdown_table(SPARK_HEADERS, data["spark"])]  # fmt: skip
    return "\n".join(parts)


def render_soak_md(data: dict[str, Any]) -> str:
    """The soak section of RESULTS.md (also printed by a soak run)."""
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


def write_results(path: Path, quick: bool = False) -> None:
    """bench/RESULTS.md from the last benchmark and soak results in bench/_work."""
    suffix = "-quick" if quick else ""
    bench_data = _load(WORK / f"results-benchmark{suffix}.json")
    soak_data = _load(WORK / f"results-soak{suffix}.json")
    latest = bench_data or soak_data
    if latest is None:
        return
    m = latest["machine"]
    parts = [
        "# Benchmark results",
        "",
        "Written by `python bench/run.py`; see docs/benchmarks.md for what each column means.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in m.items()],
        "",
    ]
    if bench_data:
        parts += ["## Benchmark", "", render_benchmark_md(bench_data), ""]
    if soak_data:
        parts += ["## Soak", ""]
        # A soak run on its own has its own date and load average (at least): list what
        # differs from the machine above, one line each, rather than the whole description.
        differs = [(k, v) for k, v in soak_data["machine"].items() if m.get(k) != v]
        if differs:
            parts += ["The soak ran separately; its machine description where it differs:", ""]
            parts += [*[f"- {k}: {v}" for k, v in differs], ""]
        parts += [render_soak_md(soak_data), ""]
    path.write_text("\n".join(parts), encoding="utf-8")


def _load(path: Path) -> dict[str, Any] | None:
    return orjson.loads(path.read_bytes()) if path.is_file() else None


def print_table(title: str, headers: list[str], rows: list[list[str]]) -> None:
    """A table on the terminal (rich; plain Markdown without it)."""
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

"""Canned query speed: every query on the demo organisation at scale 1 and 20.

Prints the median of several runs per query (the denominator query included), with
the targets from the issue: at most 50 ms at scale 1 and 2 s at scale 20. The import
runs first and is not timed here (bench/ingest.py times it).

    .venv/bin/python bench/queries.py [--scales 1 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest import demo, writers
from lianfang.ingest.load import load
from lianfang.queries.runner import run
from lianfang.queries.spec import library

TARGET_MS = {1: 50.0, 20: 2000.0}
AS_OF = "2026-01-31"


def median_ms(store: EmbeddedFalkorStore, query_id: str, runs: int) -> tuple[float, int]:
    spec = library()[query_id]
    params = {"as_of": AS_OF} if "as_of" in {p.name for p in spec.parameters} else {}
    timings, count = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        count = run(store, query_id, params).count
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), count


def bench_scale(scale: int, runs: int, workdir: Path) -> dict[str, float]:
    workbook = writers.write_workbook(workdir / f"demo{scale}.xlsx", demo.generate(scale, 2024))
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        load(workbook, store)
        return {qid: median_ms(store, qid, runs)[0] for qid in library()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-bench-", dir="/tmp"))
    try:
        results = {scale: bench_scale(scale, args.runs, workdir) for scale in args.scales}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    header = "".join(f"{f'scale {s} (ms)':>16}" for s in args.scales)
    print(f"{'query':<45}{header}")
    for query_id in library():
        cells = ""
        for scale in args.scales:
            ms = results[scale][query_id]
            flag = " !" if ms > TARGET_MS.get(scale, float("inf")) else "  "
            cells += f"{ms:14.1f}{flag}"
        print(f"{query_id:<45}{cells}")
    for scale in args.scales:
        slowest = max(results[scale].values())
        target = TARGET_MS.get(scale)
        verdict = (
            ""
            if target is None
            else (" (within target)" if slowest <= target else " (OVER TARGET)")
        )
        print(f"scale {scale}: slowest {slowest:.1f} ms{verdict}")


if __name__ == "__main__":
    main()

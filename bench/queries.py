"""Canned query speed: every query on the demo organisation at scales 1, 20 and 100.

Per query, the median of several runs (the denominator query included) twice: cold,
with the result cache emptied before each run, so the engine computes it; and warm,
as the workbench answers it again until the next import changes the graph. Flags
mark a cold median over the target (50 ms at scale 1, 2 s at 20 and 100). Then
unit-risk-profile for one county, cold. The import runs first and is not timed here
(bench/ingest.py times it).

    .venv/bin/python bench/queries.py [--scales 1 20 100] [--runs 5]
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
from lianfang.queries.cache import RESULTS
from lianfang.queries.runner import run
from lianfang.queries.spec import library

TARGET_MS = {1: 50.0, 20: 2000.0, 100: 2000.0}
AS_OF = "2026-01-31"


def median_ms(store: EmbeddedFalkorStore, query_id: str, runs: int, cold: bool) -> float:
    spec = library()[query_id]
    params = {"as_of": AS_OF} if "as_of" in {p.name for p in spec.parameters} else {}
    run(store, query_id, params)  # warm the engine's plan cache either way
    timings = []
    for _ in range(runs):
        if cold:
            RESULTS.clear()
        started = time.perf_counter()
        run(store, query_id, params)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def bench_scale(scale: int, runs: int, workdir: Path) -> dict[str, tuple[float, float]]:
    """query id → (cold ms, warm ms); "one county" → unit-risk-profile for C01, cold."""
    workbook = writers.write_workbook(workdir / f"demo{scale}.xlsx", demo.generate(scale, 2024))
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        load(workbook, store)
        found = {
            qid: (median_ms(store, qid, runs, True), median_ms(store, qid, runs, False))
            for qid in library()
        }
        timings = []
        for _ in range(runs):
            RESULTS.clear()
            started = time.perf_counter()
            run(store, "unit-risk-profile", {"unit": "C01", "as_of": AS_OF})
            timings.append((time.perf_counter() - started) * 1000)
        found["one county"] = (statistics.median(timings), float("nan"))
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20, 100])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-bench-", dir="/tmp"))
    try:
        results = {scale: bench_scale(scale, args.runs, workdir) for scale in args.scales}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    header = "".join(f"{f'scale {s} cold / warm (ms)':>30}" for s in args.scales)
    print(f"{'query':<45}{header}")
    for query_id in [*library(), "one county"]:
        cells = ""
        for scale in args.scales:
            cold, warm = results[scale][query_id]
            flag = " !" if cold > TARGET_MS.get(scale, float("inf")) else "  "
            cells += f"{cold:16.1f}{flag}{warm:10.1f}  "
        label = "unit-risk-profile --unit C01" if query_id == "one county" else query_id
        print(f"{label:<45}{cells}")
    for scale in args.scales:
        cold = max(c for q, (c, _w) in results[scale].items() if q != "one county")
        warm = max(w for q, (_c, w) in results[scale].items() if q != "one county")
        target = TARGET_MS.get(scale)
        verdict = "" if target is None else (" (within)" if cold <= target else " (OVER)")
        print(f"scale {scale}: slowest cold {cold:.1f} ms{verdict}, slowest warm {warm:.1f} ms")


if __name__ == "__main__":
    main()

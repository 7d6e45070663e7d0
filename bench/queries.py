"""Canned query speed: every query on the demo organisation at scales 1, 20 and 100.

Per query, the median of several runs (the denominator query included) twice: cold,
with the result cache emptied before each run, so the engine computes it; and warm,
as the workbench answers it again until the next import changes the graph. Beside
them, how far the engine's memory rose over its resident size while the query ran
cold (the server's peak resident memory, reset before the query through
/proc/PID/clear_refs, less what it held before; freed memory is returned to the system
first with MEMORY PURGE, so the query's allocations are not hidden in pages kept from
earlier work). Flags mark a cold median over the
target (50 ms at scale 1, 2 s at 20 and 100) or a rise over 300 MB. Then
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
RISE_MB = 300.0
AS_OF = "2026-01-31"


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def rise_mb(store: EmbeddedFalkorStore, query_id: str) -> float:
    """How far the engine's resident memory rises above where it stood while the query
    runs cold once: the peak (VmHWM, reset first) less the resident size before."""
    pid = store.server.pid()
    # What earlier work freed goes back to the system first, so that a query's own
    # allocations raise the resident size rather than reuse pages already counted.
    store.db.connection.execute_command("MEMORY", "PURGE")
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak starts again from now
    before = _status_kb(pid, "VmRSS")
    spec = library()[query_id]
    params = {"as_of": AS_OF} if "as_of" in {p.name for p in spec.parameters} else {}
    RESULTS.clear()
    run(store, query_id, params)
    return max(0, _status_kb(pid, "VmHWM") - before) / 1024


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


Figures = tuple[float, float, float]  # cold ms, warm ms, engine memory rise MB


def bench_scale(scale: int, runs: int, workdir: Path) -> dict[str, Figures]:
    """query id → (cold ms, warm ms, rise MB); "one county" → unit-risk-profile for
    C01, cold."""
    workbook = writers.write_workbook(workdir / f"demo{scale}.xlsx", demo.generate(scale, 2024))
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        load(workbook, store)
        found = {
            qid: (
                median_ms(store, qid, runs, True),
                median_ms(store, qid, runs, False),
                rise_mb(store, qid),
            )
            for qid in library()
        }
        timings = []
        for _ in range(runs):
            RESULTS.clear()
            started = time.perf_counter()
            run(store, "unit-risk-profile", {"unit": "C01", "as_of": AS_OF})
            timings.append((time.perf_counter() - started) * 1000)
        found["one county"] = (statistics.median(timings), float("nan"), float("nan"))
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
    header = "".join(f"{f'scale {s} cold ms / warm ms / rise MB':>42}" for s in args.scales)
    print(f"{'query':<45}{header}")
    for query_id in [*library(), "one county"]:
        cells = ""
        for scale in args.scales:
            cold, warm, rise = results[scale][query_id]
            flag = " !" if cold > TARGET_MS.get(scale, float("inf")) else "  "
            high = " !" if rise > RISE_MB else "  "
            cells += f"{cold:16.1f}{flag}{warm:10.1f}{rise:10.0f}{high}"
        label = "unit-risk-profile --unit C01" if query_id == "one county" else query_id
        print(f"{label:<45}{cells}")
    for scale in args.scales:
        mine = {q: f for q, f in results[scale].items() if q != "one county"}
        cold = max(f[0] for f in mine.values())
        warm = max(f[1] for f in mine.values())
        rise = max(f[2] for f in mine.values())
        target = TARGET_MS.get(scale)
        verdict = "" if target is None else (" (within)" if cold <= target else " (OVER)")
        print(
            f"scale {scale}: slowest cold {cold:.1f} ms{verdict}, slowest warm {warm:.1f} ms, "
            f"largest rise {rise:.0f} MB{' (within)' if rise <= RISE_MB else ' (OVER)'}; "
            f"all {len(mine)} queries cold {sum(f[0] for f in mine.values()):.0f} ms"
        )


if __name__ == "__main__":
    main()

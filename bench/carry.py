"""What one office's import costs in a province's graph: a one-row source and a county.

For each scale, the demo organisation is imported as source `province` (timed, the
baseline of this run), then, each as the ordinary importer runs them:
- a one-row source (one unit and one post) imported, then imported again;
- one county's workbook (scale 1, another seed, numbered from C01 as every county
  numbers its own) imported as its own source, which makes every code it shares with
  the province qualified, then re-imported unchanged.
Each line gives the wall time and its ratio to the full import of the same run, and
the number of rows written, so the cost can be read as O(rows) rather than O(graph).
Then offices in turn: N counties' workbooks (scale 1, each its own seed, all numbered
from C01), each imported as its own source into one store, against one import of the
same number of rows at scale N.

    .venv/bin/python bench/carry.py [--scales 20 100] [--offices 20]
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
from lianfang.ingest.load import Report, load

# The required registers are there, empty but for one unit and its post.
ONE_ROW: dict[str, list[dict[str, str]]] = {
    "units": [{"unit_id": "X01", "name": "云州市审计局", "kind": "机关"}],
    "posts": [{"post_id": "X01P01", "name": "审计科科员", "unit_id": "X01"}],
    **{name: [] for name in ("people", "assignments", "powers", "risks", "controls")},
}


def timed(workbook: Path, store: EmbeddedFalkorStore, source: str) -> tuple[float, Report]:
    started = time.perf_counter()
    report = load(workbook, store, source=source)
    return time.perf_counter() - started, report


def rows(report: Report) -> int:
    return sum(report.nodes.values()) + sum(report.edges.values())


def bench_scale(scale: int, workdir: Path) -> None:
    province = writers.write_workbook(workdir / f"p{scale}.xlsx", demo.generate(scale, 2024))
    one_row = writers.write_workbook(workdir / "one-row.xlsx", ONE_ROW)
    county = writers.write_workbook(workdir / "county.xlsx", demo.generate(1, 7))
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        full, report = timed(province, store, "province")
        nodes = sum(store.counts().nodes.values())
        print(f"scale {scale}: full import {full:6.1f} s ({rows(report)} rows, {nodes} nodes)")
        for label, workbook, source in (
            ("one-row source, first import", one_row, "audit"),
            ("one-row source, re-import", one_row, "audit"),
            ("one county, first import", county, "county"),
            ("one county, re-import", county, "county"),
        ):
            seconds, report = timed(workbook, store, source)
            print(
                f"  {label:<30} {seconds:6.2f} s  {seconds / full:6.3f}x the full import"
                f"  ({rows(report)} rows)"
            )


def offices_in_turn(count: int, workdir: Path) -> None:
    books = [
        writers.write_workbook(workdir / f"county{n}.xlsx", demo.generate(1, 100 + n))
        for n in range(count)
    ]
    whole = writers.write_workbook(workdir / f"whole{count}.xlsx", demo.generate(count, 2024))
    with EmbeddedFalkorStore(workdir / "offices", "bench") as store:
        times = [timed(book, store, f"county{n}")[0] for n, book in enumerate(books)]
    with EmbeddedFalkorStore(workdir / "whole", "bench") as store:
        once, _report = timed(whole, store, "province")
    total = sum(times)
    print(
        f"{count} counties in turn, each its own source: {total:6.1f} s in all "
        f"({total / once:.1f}x one import of scale {count}: {once:.1f} s); first "
        f"{times[0]:.2f} s, second {times[1]:.2f} s (qualifies the first's codes), "
        f"median {statistics.median(times):.2f} s, last {times[-1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--offices", type=int, default=20, help="counties imported in turn")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-carry-", dir="/tmp"))
    try:
        for scale in args.scales:
            bench_scale(scale, workdir)
        if args.offices > 1:
            offices_in_turn(args.offices, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

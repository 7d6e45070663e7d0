"""Import speed: the demo organisation at scale 1 and 20, and batched vs row-by-row writes.

Prints, per scale: the time to read and check the workbook, the time to write, and
nodes/s and edges/s of the write; then the ratio of batched `UNWIND $rows` writes to
one query per row, both measured in this run on the same subset of the scale-1 plan.

    .venv/bin/python bench/ingest.py [--scales 1 20] [--subset 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from lianfang.graph import collector
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import DEFAULT_BATCH, Change
from lianfang.ingest import demo, writers
from lianfang.ingest.load import Quiet, check


@collector.paused()  # as load() does
def planned(workbook: Path, store: EmbeddedFalkorStore) -> tuple[list[Change], int, int, float]:
    """The import's change set, its node and edge counts, and the read+check time."""
    started = time.perf_counter()
    checked = check(workbook, store, "bench", Quiet(), dt.date.today())
    nodes = sum(len(n) for n in checked.batch.nodes.values())
    changes = checked.changes("bench")
    return changes, nodes, len(checked.edges), time.perf_counter() - started


def import_scale(scale: int, workdir: Path) -> list[Change]:
    workbook = writers.write_workbook(workdir / f"demo{scale}.xlsx", demo.generate(scale, 2024))
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        changes, nodes, edges, checking = planned(workbook, store)
        started = time.perf_counter()
        store.apply(changes, replacing="bench")
        writing = time.perf_counter() - started
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:  # a later command
        carrying = timed_small_source(store)
    total = checking + writing
    print(
        f"scale {scale:>2}: {nodes:>7} nodes {edges:>7} edges | read+check {checking:6.1f} s"
        f" | write {writing:6.1f} s ({nodes / writing:8.0f} nodes/s, {edges / writing:8.0f}"
        f" edges/s) | total {total:6.1f} s"
    )
    print(
        f"          one-row import of another source into it: {carrying:5.2f} s"
        f" (carries the rest over), {carrying / writing:.2f}x the full write"
    )
    return changes


def timed_small_source(store: EmbeddedFalkorStore) -> float:
    """A second source's one-row import: on FalkorDB the staging graph carries every
    other record over, so this is the cost of that carry."""
    unit = Change(
        "UNWIND $rows AS row MERGE (u:Unit {uid: row.uid}) SET u.source = $source",
        {"source": "bench-other"},
        [{"uid": "bench-other-unit"}],
    )
    started = time.perf_counter()
    store.apply([unit], replacing="bench-other")
    return time.perf_counter() - started


def subset(changes: list[Change], size: int) -> list[Change]:
    """The first `size` rows of every batched change (node merges and edge creates)."""
    return [Change(c.cypher, c.params, list(c.rows[:size])) for c in changes if c.rows]


def timed_batched(changes: list[Change], store: EmbeddedFalkorStore) -> float:
    started = time.perf_counter()
    for change in changes:
        for params in change.batches(DEFAULT_BATCH):
            store.write(change.cypher, params)
    return time.perf_counter() - started


def timed_row_by_row(changes: list[Change], store: EmbeddedFalkorStore) -> float:
    started = time.perf_counter()
    for change in changes:
        for params in change.batches(1):
            store.write(change.cypher, params)
    return time.perf_counter() - started


def compare(changes: list[Change], size: int, workdir: Path) -> None:
    sample = subset(changes, size)
    rows = sum(len(c.rows or []) for c in sample)
    with EmbeddedFalkorStore(workdir / "batched", "bench") as store:
        batched = timed_batched(sample, store)
    with EmbeddedFalkorStore(workdir / "single", "bench") as store:
        single = timed_row_by_row(sample, store)
    print(
        f"subset of {rows} rows: batched {batched:.2f} s ({rows / batched:.0f} rows/s), "
        f"row-by-row {single:.2f} s ({rows / single:.0f} rows/s): {single / batched:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--subset", type=int, default=300, help="rows per change in the A/B")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-bench-", dir="/tmp"))
    try:
        first = None
        for scale in args.scales:
            changes = import_scale(scale, workdir)
            first = first or changes
        compare(first or [], args.subset, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Import speed and memory: the demo organisation at several scales, against the bare engine.

Each scale runs in a child process of its own, so that its peak memory is its own:
- read (the workbook into records), check (against each other and the graph), plan and
  write are timed apart, as `lianfang ingest` runs them, into an empty embedded store;
- the peak resident memory of this Python process and of the FalkorDB server;
- the bare engine, in the same run: the same nodes and edges written into an empty
  graph of a server of its own with plain batched `UNWIND … CREATE`, with the indexes
  lianfang's graph has; the ratios are lianfang's write and whole import to that.
- the path users take, in the same run: `lianfang ingest` of the workbook end to end
  (a process of its own, into an empty data directory, starting the embedded server),
  and `load()` with Python's cycle collector left on, as it ran before it paused the
  collector itself, with the collections it made.
Then, once, batched `UNWIND $rows` writes against one query per row, on a subset of
the scale-1 plan.

    .venv/bin/python bench/ingest.py [--scales 1 20 100] [--subset 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lianfang.graph import collector, model
from lianfang.graph.falkor_params import with_params
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import DEFAULT_BATCH, Change
from lianfang.ingest import demo, writers
from lianfang.ingest.load import Quiet, check_records, load, read_records
from lianfang.ingest.plan import merge_nodes

SOURCE = "bench"


def _server_peak_mb(store: EmbeddedFalkorStore) -> float:
    pid = store.server.pid()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare(changes: list[Change]) -> list[Change]:
    """The same nodes and edges as plain CREATEs: what the engine does with no checks,
    no merge by id, no sweep of stale records."""
    created = []
    for change in changes:
        if not change.rows:
            continue
        if change.cypher.startswith("UNWIND $rows AS row MERGE (n:"):
            label = next(lab for lab in model.labels() if change.cypher == merge_nodes(lab))
            cypher = f"UNWIND $rows AS row CREATE (n:{label}) SET n = row.props, n.uid = row.uid"
            created.append(Change(cypher, {}, change.rows))
        else:
            created.append(change)  # edges: already MATCH, MATCH, CREATE
    return created


def timed_batches(
    changes: list[Change], store: EmbeddedFalkorStore, size: int = DEFAULT_BATCH
) -> float:
    """Plain queries straight to the engine: no lock, no version token, nothing else."""
    graph = store.db.select_graph(store.graph_name)
    started = time.perf_counter()
    for change in changes:
        for params in change.batches(size):
            graph.query(with_params(change.cypher, params))
    return time.perf_counter() - started


@collector.paused()  # as load() does
def one_scale(scale: int, workdir: Path) -> dict[str, Any]:
    """Every figure of one scale (run in a child process)."""
    workbook = writers.write_workbook(workdir / f"demo{scale}.xlsx", demo.generate(scale, 2024))
    figures: dict[str, Any] = {"scale": scale}
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        started = time.perf_counter()
        reading = read_records(workbook, Quiet())
        records, issues, unreadable = reading.records, reading.issues, reading.unreadable
        figures["read"] = time.perf_counter() - started
        started = time.perf_counter()
        checked = check_records(records, issues, unreadable, store, SOURCE, dt.date.today())
        figures["check"] = time.perf_counter() - started
        del records
        started = time.perf_counter()
        changes = checked.changes(SOURCE, store)
        figures["plan"] = time.perf_counter() - started
        started = time.perf_counter()
        store.apply(changes, replacing=SOURCE)
        figures["write"] = time.perf_counter() - started
        figures["nodes"] = sum(len(n) for n in checked.batch.nodes.values())
        figures["edges"] = len(checked.edges)
        figures["python_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["server_mb"] = _server_peak_mb(store)
    with EmbeddedFalkorStore(workdir / f"bare{scale}", "bare") as other:  # a server of its own
        figures["bare"] = timed_batches(bare(changes), other)
    del changes, checked
    figures["cli"] = _cli_ingest(workbook, workdir / f"cli{scale}")
    figures["collected"], figures["collections"] = _collector_on(workbook, workdir / f"gc{scale}")
    return figures


def _cli_ingest(workbook: Path, data: Path) -> float:
    """Seconds for `lianfang ingest` from the shell to its exit."""
    command = [sys.executable, "-m", "lianfang", "--data-dir", str(data), "ingest", str(workbook)]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def _collector_on(workbook: Path, data: Path) -> tuple[float, int]:
    """Seconds for `load()` with the cycle collector on throughout, and its collections."""
    was = gc.isenabled()
    gc.enable()
    counted = gc.get_stats()[2]["collections"]
    try:
        with EmbeddedFalkorStore(data, "bench") as store:
            started = time.perf_counter()
            load.__wrapped__(workbook, store, SOURCE)  # past the pause load() makes
            took = time.perf_counter() - started
    finally:
        if not was:
            gc.disable()
    return took, gc.get_stats()[2]["collections"] - counted


def print_scale(f: dict[str, Any]) -> None:
    total = f["read"] + f["check"] + f["plan"] + f["write"]
    print(
        f"scale {f['scale']:>3}: {f['nodes']:>7} nodes {f['edges']:>8} edges | read "
        f"{f['read']:6.1f} s | check {f['check']:6.1f} s | plan {f['plan']:5.1f} s | write "
        f"{f['write']:6.1f} s | total {total:6.1f} s"
    )
    print(
        f"           peak memory: python {f['python_mb']:6.0f} MB, FalkorDB "
        f"{f['server_mb']:6.0f} MB | bare batched CREATE {f['bare']:6.1f} s: write "
        f"{f['write'] / f['bare']:.2f}x, whole import {total / f['bare']:.2f}x of it"
    )
    print(
        f"           lianfang ingest end to end {f['cli']:6.1f} s | load() with the "
        f"collector on {f['collected']:6.1f} s ({f['collections']} full collections)"
    )


def compare(size: int, workdir: Path) -> None:
    """Batched writes against one query per row, on the first `size` rows of each change."""
    workbook = writers.write_workbook(workdir / "ab.xlsx", demo.generate(1, 2024))
    with collector.paused():
        reading = read_records(workbook, Quiet())
        records, issues, unreadable = reading.records, reading.issues, reading.unreadable
        checked = check_records(records, issues, unreadable, None, SOURCE, dt.date.today())
    planned = checked.changes(SOURCE, None)
    sample = [Change(c.cypher, c.params, c.rows[:size]) for c in planned if c.rows]
    rows = sum(len(c.rows or []) for c in sample)
    with EmbeddedFalkorStore(workdir / "batched", "bench") as store:
        batched = timed_batches(sample, store)
    with EmbeddedFalkorStore(workdir / "single", "bench") as store:
        single = timed_batches(sample, store, size=1)
    print(
        f"subset of {rows} rows: batched {batched:.2f} s ({rows / batched:.0f} rows/s), "
        f"row-by-row {single:.2f} s ({rows / single:.0f} rows/s): {single / batched:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 20, 100])
    parser.add_argument("--subset", type=int, default=300, help="rows per change in the A/B")
    parser.add_argument("--one-scale", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-bench-", dir="/tmp"))
    try:
        if args.one_scale is not None:
            print(json.dumps(one_scale(args.one_scale, workdir)))
            return
        for scale in args.scales:
            child = [sys.executable, __file__, "--one-scale", str(scale)]
            output = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            print_scale(json.loads(output.strip().splitlines()[-1]))
        compare(args.subset, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

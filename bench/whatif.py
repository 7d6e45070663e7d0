"""What a what-if costs: one appointment simulated on the demo organisation, against
one full `check` (every canned query, result cache emptied) in the same run.

The simulation copies the graph into a scratch graph, applies the change, runs every
query there, and compares with the live answers (which `check` has just computed, as
they are in a running server). Median of five.

    .venv/bin/python bench/whatif.py [--scales 1 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.demo import load_demo
from lianfang.loop import whatif
from lianfang.queries.cache import RESULTS
from lianfang.queries.runner import run
from lianfang.queries.spec import library

AS_OF = dt.date(2025, 12, 31)
RUNS = 5


def check(store: EmbeddedFalkorStore) -> float:
    RESULTS.clear()
    began = time.perf_counter()
    for spec in library().values():
        run(store, spec.id, {"as_of": AS_OF})
    return time.perf_counter() - began


def appointment(store: EmbeddedFalkorStore) -> whatif.Change:
    """A person holding one post, appointed to a key post of another unit."""
    [pick] = store.read(
        "MATCH (e:Person)-[h:HOLDS]->(:Post) WHERE h.end_date IS NULL "
        "WITH e, count(h) AS posts WHERE posts = 1 "
        "MATCH (p:Post {key_post: true}) WHERE NOT (e)-[:HOLDS]->(p) "
        "RETURN e.uid AS person, p.uid AS post ORDER BY person, post LIMIT 1"
    )
    return whatif.parse("appoint", f"{pick['person']}@{pick['post']}")


def measure(scale: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="lf-whatif-", dir="/tmp"))
    try:
        with EmbeddedFalkorStore(root / "data", "lianfang") as store:
            load_demo(store, scale=scale)
            change = appointment(store)
            checks, simulations = [], []
            for _ in range(RUNS):
                checks.append(check(store))  # leaves the live answers cached
                began = time.perf_counter()
                whatif.simulate(store, [change], AS_OF)
                simulations.append(time.perf_counter() - began)
            nodes = sum(store.counts().nodes.values())
        full, simulated = statistics.median(checks), statistics.median(simulations)
        print(
            f"scale {scale} ({nodes:,} nodes): check {full:.2f} s, what-if {simulated:.2f} s, "
            f"{simulated / full:.2f}x check"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 5])
    for scale in parser.parse_args().scales:
        measure(scale)


if __name__ == "__main__":
    main()

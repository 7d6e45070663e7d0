"""What a what-if costs: one appointment simulated on the demo organisation, against
one full `check` (every canned query, result cache emptied) in the same run.

The simulation copies the region the change can reach into a scratch graph, runs every
query there before and after applying the change, and compares (median of five). Beside
it, in the same run, the way it was done before: the whole graph copied, the change
applied, every query run there and compared with the live answers, which `check` has
just computed as a running server has them (once at scales of 20 and more). The two
give the same answers (tests/test_whatif.py).

    .venv/bin/python bench/whatif.py [--scales 1 5 20 100]
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
            checks, simulations, wholes = [], [], []
            for run_number in range(RUNS):
                checks.append(check(store))  # leaves the live answers cached
                began = time.perf_counter()
                whatif.simulate(store, [change], AS_OF)
                simulations.append(time.perf_counter() - began)
                if scale < 20 or run_number == 0:
                    began = time.perf_counter()
                    whatif.simulate(store, [change], AS_OF, whole=True)
                    wholes.append(time.perf_counter() - began)
            nodes = sum(store.counts().nodes.values())
            region = sum(len(u) for u in whatif.changed_region(store, [change]).values())
        full, simulated = statistics.median(checks), statistics.median(simulations)
        whole = statistics.median(wholes)
        print(
            f"scale {scale} ({nodes:,} nodes): check {full:.2f} s | what-if on its region "
            f"({region:,} nodes) {simulated:.2f} s, {simulated / full:.2f}x check | on a copy "
            f"of the whole graph {whole:.2f} s, {whole / simulated:.0f}x the region's"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 5, 20, 100])
    for scale in parser.parse_args().scales:
        measure(scale)


if __name__ == "__main__":
    main()

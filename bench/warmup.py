"""What the web app's warm-up costs after an import: the whole of it, then after one row.

For each scale, the demo organisation is imported, and the warmer (api/warmer.py)
prepares every answer once, timed by part: the headline figures, the canned library,
today's warning levels and the scores. Then one-row sources are imported in turn, and
the warm-up that follows each is timed the same way, answers the import did not touch
kept first as the warmer keeps them (queries/readsets.py): one unit and its post
(bench/carry.py's), which nearly every query reads, then one control, then one rule.
This is the engine time a served province spends after the smallest imports.

    .venv/bin/python bench/warmup.py [--scales 20 100]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from lianfang.api.warmer import PARTS
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import GraphStore
from lianfang.ingest import demo, writers
from lianfang.ingest.load import load
from lianfang.queries.cache import carry_over

sys.path.insert(0, str(Path(__file__).parent))
from carry import ONE_ROW  # a sibling script, found through the path above

# One row each, naming records of the demo's first county (there at every scale).
EMPTY: dict[str, list[dict[str, str]]] = {name: [] for name in ONE_ROW}
CONTROL = {
    "control_id": "X-C01",
    "description": "重大事项集体研究决定",
    "kind": "制度防控",
    "risks": "C01B01-K0001",
    "owner_posts": "C01B01L-P01",
    "status": "已落实",
}
RULE = {"rule_id": "X-R01", "title": "经费审批办法", "status": "现行", "governs": "C01B01-Q0015"}


def warm_up(store: GraphStore) -> dict[str, float]:
    """Each of the warmer's parts' seconds, in its order (each answer cached for the next),
    after keeping what the last change left as it was."""
    started = time.perf_counter()
    kept = carry_over(store, store.state_change())
    spent = {f"keeping {kept} answers": time.perf_counter() - started}
    never = threading.Event()
    for name, part in PARTS:
        started = time.perf_counter()
        part(store, never)
        spent[name] = time.perf_counter() - started
    return spent


def said(spent: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in spent.items())
    return f"{sum(spent.values()):6.1f} s ({parts})"


def bench_scale(scale: int, workdir: Path) -> None:
    province = writers.write_workbook(workdir / f"p{scale}.xlsx", demo.generate(scale, 2024))
    one_row = writers.write_workbook(workdir / "one-row.xlsx", ONE_ROW)
    control = writers.write_workbook(workdir / "control.xlsx", {**EMPTY, "controls": [CONTROL]})
    rule = writers.write_workbook(workdir / "rule.xlsx", {**EMPTY, "rules": [RULE]})
    with EmbeddedFalkorStore(workdir / f"data{scale}", "bench") as store:
        load(province, store, source="province")
        print(f"scale {scale}: the whole warm-up          {said(warm_up(store))}", flush=True)
        for what, workbook, source in (
            ("unit and post", one_row, "audit"),
            ("control", control, "controls"),
            ("rule", rule, "rules"),
        ):
            started = time.perf_counter()
            load(workbook, store, source=source)
            imported = time.perf_counter() - started
            print(f"  one {what:13} ({imported:.2f} s), then {said(warm_up(store))}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[20, 100])
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lf-warm-", dir="/tmp"))
    try:
        for scale in args.scales:
            bench_scale(scale, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""FalkorDB's atomic apply of a large import: the staging graph carries the live one over
without forking, keeps everything of every other source, and refuses to drop what it
cannot carry. These imports are small, so the stores are told to stage them; where
the in-place path must keep the same promise, it is run too."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from graph_dump import dump
from registers_data import DEPARTMENT, write_workbook

from lianfang.graph.falkor_store import EmbeddedFalkorStore, external_falkor_store
from lianfang.graph.store import StoreError
from lianfang.ingest.load import load
from lianfang.reports import snapshots


def test_imports_into_two_graphs_of_one_server_at_once_complete(
    falkordb_port: int, tmp_path: Path
) -> None:
    """Two copies forking at once made GRAPH.COPY hang the whole server: the fork that
    lost was retried with Redis's module lock still held. Imports must never fork."""
    workbook = write_workbook(tmp_path / "org.xlsx")
    finished: list[str] = []
    failed: list[BaseException] = []

    def import_repeatedly(graph: str) -> None:
        store = external_falkor_store("127.0.0.1", falkordb_port, graph)
        store.in_place_rows = 0
        try:
            for _ in range(4):
                load(workbook, store)
            finished.append(graph)
        except BaseException as exc:  # reported by the assertion below
            failed.append(exc)
        finally:
            store.close()

    workers = [
        threading.Thread(target=import_repeatedly, args=(f"parallel{n}",), daemon=True)
        for n in range(3)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 120
    for worker in workers:
        worker.join(timeout=max(0.0, deadline - time.monotonic()))
    assert failed == []
    assert sorted(finished) == ["parallel0", "parallel1", "parallel2"], "an import hung"


@pytest.mark.parametrize("in_place_rows", [0, 100_000], ids=["staged", "in-place"])
def test_another_source_keeps_everything_including_dates_and_snapshots(
    data_dir: Path, tmp_path: Path, in_place_rows: int
) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        store.in_place_rows = in_place_rows
        load(write_workbook(tmp_path / "org.xlsx"), store)
        snapshots.save(store, "2025 年度", dt.date(2025, 12, 31))
        nodes, edges = dump(store)
        load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), store)
        after_nodes, after_edges = dump(store)
        assert nodes <= after_nodes
        kept = [e for e in after_edges if "稽查大队" not in e[3]]
        assert kept == edges
        held = store.read("MATCH ()-[h:HOLDS]->() RETURN h.start_date AS d LIMIT 1")
        assert isinstance(held[0]["d"], dt.date)
        assert snapshots.load(store, "2025 年度").as_of == "2025-12-31"


def test_a_node_outside_the_schema_stops_the_import_and_changes_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    with EmbeddedFalkorStore(data_dir, "lianfang") as store:
        store.in_place_rows = 0
        load(write_workbook(tmp_path / "org.xlsx"), store)
        store.write("CREATE (:Visitor {uid: 'v1'})")
        before = dump(store)
        with pytest.raises(StoreError, match="1 nodes outside lianfang's schema"):
            load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), store)
        assert dump(store) == before
        # Written in place, the import carries nothing, so it leaves the stranger be.
        store.in_place_rows = 100_000
        load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), store)
        assert store.read("MATCH (v:Visitor) RETURN v.uid AS uid") == [{"uid": "v1"}]

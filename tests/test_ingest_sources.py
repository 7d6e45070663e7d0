"""Re-importing: idempotent, a source replaces what it said before, other sources stay."""

from __future__ import annotations

import copy
from pathlib import Path

from graph_dump import dump, node
from registers_data import DEPARTMENT, SHEETS, write_workbook

from lianfang.graph.store import GraphStore
from lianfang.ingest.load import load


def test_the_same_registers_twice_give_the_same_graph(store: GraphStore, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx")
    load(path, store)
    first = dump(store)
    report = load(path, store)
    assert dump(store) == first
    assert sum(report.removed.values()) == 0


def test_reimport_replaces_what_the_source_said(store: GraphStore, tmp_path: Path) -> None:
    load(write_workbook(tmp_path / "org.xlsx"), store)
    sheets = copy.deepcopy(SHEETS)
    sheets["risks"] = [r for r in sheets["risks"] if r["risk_id"] != "K4"]
    sheets["controls"] = [c for c in sheets["controls"] if c["control_id"] != "C3"]
    sheets["incidents"][0].pop("risk_id")
    sheets["units"][1]["name"] = "登记注册与许可科"
    sheets["posts"][2].pop("duties")
    report = load(write_workbook(tmp_path / "org.xlsx", sheets), store)
    assert report.removed["RiskPoint"] == 1 and report.removed["Control"] == 1
    assert store.read("MATCH (r:RiskPoint {uid: 'K4'}) RETURN r") == []
    assert store.read("MATCH (:Incident)-[:POINTS_TO]->(r) RETURN r") == []
    assert node(store, "Unit", "U2")["name"] == "登记注册与许可科"
    assert "duties" not in node(store, "Post", "P3")  # a blanked cell clears the property
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    from lianfang.graph.falkor_store import EmbeddedFalkorStore

    with EmbeddedFalkorStore(fresh / "data", "fresh") as clean:
        load(write_workbook(tmp_path / "org.xlsx", sheets), clean)
        assert dump(clean) == dump(store)  # exactly what a first import would give


def test_other_sources_are_left_alone(store: GraphStore, tmp_path: Path) -> None:
    load(write_workbook(tmp_path / "org.xlsx"), store)
    load(write_workbook(tmp_path / "稽查大队.xlsx", DEPARTMENT), store)
    assert node(store, "Unit", "U9")["source"] == "稽查大队"
    with_department = dump(store)
    load(write_workbook(tmp_path / "org.xlsx"), store)
    assert dump(store) == with_department
    edges = store.read(
        "MATCH (:Control {uid: 'C9'})-[r:OWNED_BY]->(:Post {uid: 'P1'}) RETURN r.origin AS o"
    )
    assert edges == [{"o": "稽查大队"}]


def test_source_name_defaults_to_the_file_or_folder_name(store: GraphStore, tmp_path: Path) -> None:
    report = load(write_workbook(tmp_path / "城关所 2025.xlsx"), store)
    assert report.source == "城关所 2025"
    assert node(store, "Unit", "U1")["source"] == "城关所 2025"


def test_dry_run_checks_everything_and_writes_nothing(store: GraphStore, tmp_path: Path) -> None:
    before = dump(store)
    report = load(write_workbook(tmp_path / "org.xlsx"), store, dry_run=True)
    assert report.dry_run and report.nodes["RiskPoint"] == 4
    assert dump(store) == before

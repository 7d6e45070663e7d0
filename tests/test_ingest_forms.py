"""Every cell form REGISTERS.md allows, in a workbook and in GBK CSVs: one graph."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from graph_dump import dump, node, targets
from registers_data import write_csv_folder, write_workbook

from lianfang.graph.store import GraphStore
from lianfang.ingest.load import load


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "青山县市场监管局.xlsx")


def test_workbook_and_gbk_csvs_give_the_identical_graph(
    store: GraphStore, workbook: Path, tmp_path: Path
) -> None:
    load(workbook, store, source="org")
    from_workbook = dump(store, with_provenance=False)
    store.clear()
    load(write_csv_folder(tmp_path / "csv"), store, source="org")
    assert dump(store, with_provenance=False) == from_workbook
    assert len(from_workbook[0]) == 30 and len(from_workbook[1]) == 51


def test_cell_forms_are_normalised(store: GraphStore, workbook: Path) -> None:
    load(workbook, store)
    levels = {uid: node(store, "RiskPoint", uid)["level"] for uid in ("K1", "K2", "K3", "K4")}
    assert levels == {"K1": "high", "K2": "medium", "K3": "high", "K4": "low"}
    assert targets(store, "Post", "P3", "EXERCISES") == {"Q1"}  # 、-separated list
    assert targets(store, "Post", "P2", "EXERCISES") == {"Q2", "Q3"}  # ；-separated list
    assert targets(store, "Rule", "R3", "GOVERNS") == {"Q2", "F2"}  # newline-separated
    assert targets(store, "Post", "P4", "IN_UNIT") == {"U2"}  # stray full-width space
    holds = store.read(
        "MATCH (:Person {uid: 'E2'})-[h:HOLDS]->(p:Post) "
        "RETURN p.uid AS post, h.start_date AS start, h.concurrent AS concurrent"
    )
    assert sorted(holds, key=lambda h: h["post"]) == [
        {"post": "P2", "start": dt.date(2021, 7, 15), "concurrent": False},  # 2021年7月15日
        {"post": "P3", "start": dt.date(2024, 7, 1), "concurrent": True},  # a real date cell
    ]
    ended = store.read("MATCH (:Person {uid: 'E3'})-[h:HOLDS]->(:Post {uid: 'P3'}) RETURN h")
    assert ended[0]["h"]["end_date"] == dt.date(2024, 6, 30)  # 2024.6.30
    assert node(store, "RiskPoint", "K1")["assessed"] == dt.date(2023, 3, 1)
    post = node(store, "Post", "P3")
    assert post["key_post"] is True and post["rotation_years"] == 5
    assert node(store, "Post", "P4")["key_post"] is False
    assert node(store, "Rule", "R3")["status"] == "现行"  # blank = 现行
    assert node(store, "Control", "C3")["status"] == "已落实"  # blank = 已落实
    assert node(store, "Power", "Q3")["major_matter"] is False  # N
    assert node(store, "Step", "F2#2")["seq"] == 2


def test_extra_columns_are_kept_as_attributes(store: GraphStore, workbook: Path) -> None:
    report = load(workbook, store)
    assert json.loads(node(store, "Post", "P1")["extra"]) == {"备注": "班子成员"}
    assert "extra" not in node(store, "Post", "P2")
    [warning] = [w for w in report.warnings if w.column == "备注"]
    assert warning.sheet == "岗位" and warning.row == 2 and not warning.is_error


def test_every_node_remembers_where_it_came_from(store: GraphStore, workbook: Path) -> None:
    load(workbook, store)
    post = node(store, "Post", "P3")
    assert (post["source"], post["prov_file"], post["prov_sheet"], post["prov_row"]) == (
        "青山县市场监管局",
        "青山县市场监管局.xlsx",
        "岗位",
        5,  # title row, header row, then P1, P2, P3
    )
    edge_origins = store.read("MATCH ()-[r]->() RETURN collect(DISTINCT r.origin) AS o")
    assert edge_origins == [{"o": ["青山县市场监管局"]}]


def test_csv_in_utf8_with_bom_reads_the_same(store: GraphStore, tmp_path: Path) -> None:
    from registers_data import SHEETS

    from lianfang.ingest import writers

    folder = writers.write_csv_folder(tmp_path / "utf8", SHEETS, "zh", "utf-8-sig")
    assert (folder / "岗位.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    load(folder, store, source="x")
    assert node(store, "Unit", "U2")["name"] == "登记注册科"

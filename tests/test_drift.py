"""Snapshots and drift: save, change the registers (close one gap, open another),
re-import, and get the exact new, closed and persisting findings."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from registers_data import SHEETS, write_workbook
from servers import cli
from web import LOCAL

from lianfang.api.main import create_app
from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.load import load
from lianfang.reports import snapshots
from lianfang.reports.drift import by_query, compare

AS_OF = dt.date(2025, 6, 30)


def unmitigated_after_changes(sheets: dict) -> dict:
    """K3 gets a control in effect (closes a gap); K1's only control lapses (opens one)."""
    changed = copy.deepcopy(sheets)
    for control in changed["controls"]:
        if control["control_id"] == "C2":  # on K3, planned
            control["status"] = "已落实"
        if control["control_id"] == "C1":  # on K1 and K2
            control["status"] = "失效"
    changed["risks"].append(
        {
            "risk_id": "K6",
            "description": "新增高风险",
            "category": "外部环境",
            "level": "高",
            "post_ids": "P2",
        }
    )
    return changed


@pytest.fixture
def store(data_dir: Path, tmp_path: Path) -> EmbeddedFalkorStore:
    opened = EmbeddedFalkorStore(data_dir, "lianfang")
    load(write_workbook(tmp_path / "org.xlsx", SHEETS), opened)
    yield opened
    opened.close()


def test_drift_after_a_reimport(store: EmbeddedFalkorStore, tmp_path: Path) -> None:
    before = snapshots.save(store, "2024年度", AS_OF)
    assert set(before.findings("unmitigated-high-risks")) == {("K3",)}
    load(write_workbook(tmp_path / "org.xlsx", unmitigated_after_changes(SHEETS)), store)
    drifts = by_query(
        compare(snapshots.load(store, "2024年度"), snapshots.take(store, "now", AS_OF))
    )
    unmitigated = drifts["unmitigated-high-risks"]
    assert [k for k, _ in unmitigated.new] == [("K1",), ("K6",)]
    assert [k for k, _ in unmitigated.closed] == [("K3",)]
    assert unmitigated.persisting == []
    without = drifts["risks-without-controls"]
    assert ([k for k, _ in without.new], [k for k, _ in without.closed]) == ([("K6",)], [])
    assert [k for k, _ in without.persisting] == []
    untouched = drifts["unsupervised-processes"]
    assert untouched.new == untouched.closed == [] and [k for k, _ in untouched.persisting] == [
        ("F1",)
    ]
    assert dict(unmitigated.new)[("K6",)] == "新增高风险"  # the readable label travels along


def test_snapshots_persist_in_the_graph_and_replace_by_name(store: EmbeddedFalkorStore) -> None:
    token = store.version()
    snapshots.save(store, "A", AS_OF)
    snapshots.save(store, "A", AS_OF)
    snapshots.save(store, "B", dt.date(2025, 12, 31))
    assert [(s["name"], s["as_of"]) for s in snapshots.listing(store)] == [
        ("A", AS_OF),
        ("B", dt.date(2025, 12, 31)),
    ]
    assert snapshots.load(store, "A").profile[0]["unit_id"] == "U1"
    assert store.counts().nodes["Unit"] == 3  # snapshots are not register data
    snapshots.delete(store, "B")
    # No answer reads a snapshot: saving and deleting them keep every cached answer.
    assert store.version() == token and "B" not in str(snapshots.listing(store))
    with pytest.raises(snapshots.SnapshotError, match="no snapshot 'C'"):
        snapshots.load(store, "C")


def test_drift_command_and_api(store: EmbeddedFalkorStore, data_dir: Path, tmp_path: Path) -> None:
    snapshots.save(store, "old", dt.date.today())
    load(write_workbook(tmp_path / "org.xlsx", unmitigated_after_changes(SHEETS)), store)
    snapshots.save(store, "new", dt.date.today())
    with TestClient(create_app(store=store), base_url=LOCAL) as client:
        body = client.get("/api/drift", params={"from": "old", "to": "new"}).json()
        unmitigated = next(d for d in body if d["query_id"] == "unmitigated-high-risks")
        assert [f["key"] for f in unmitigated["closed"]] == [["K3"]]
        assert client.get("/api/drift", params={"from": "nope"}).status_code == 404
        listed = client.get("/api/snapshots").json()
        assert [s["name"] for s in listed] == ["old", "new"]
        page = client.get("/queries/unmitigated-high-risks", params={"compare": "old"}).text
        assert 'id="compare"' in page and "change-new" in page and "K3" in page
        saved = client.post("/api/snapshots", json={"name": "api", "as_of": "2025-06-30"})
        assert saved.status_code == 201 and saved.json()["as_of"] == "2025-06-30"
        assert client.post("/api/snapshots", json={"name": ""}).status_code == 422
    store.close()
    result = cli(data_dir, "drift", "old", "new", "--format", "json")
    assert result.returncode == 0, result.stderr
    drift = json.loads(result.stdout)["unmitigated-high-risks"]
    assert [f["key"] for f in drift["new"]] == [["K1"], ["K6"]]
    listing = cli(data_dir, "snapshot", "list")
    assert "old" in listing.stdout and "api" in listing.stdout
    deleted = cli(data_dir, "snapshot", "delete", "api")
    assert deleted.returncode == 0, deleted.stderr
    assert "api" not in cli(data_dir, "snapshot", "list").stdout
    missing = cli(data_dir, "snapshot", "delete", "api")
    assert missing.returncode == 2 and "no snapshot 'api'" in missing.stderr
    logged = cli(data_dir, "audit", "--format", "json")
    assert any(
        e["action"] == "snapshot delete" and e["target"] == "api" for e in json.loads(logged.stdout)
    ), logged.stdout[-500:]
    assert cli(data_dir, "drift", "nope").returncode == 2
    table = cli(data_dir, "drift", "old")
    assert table.returncode == 0 and "unmitigated-high" in table.stdout

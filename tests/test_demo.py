"""The bundled demo organisation: deterministic, county-sized, clean to import."""

from __future__ import annotations

import collections
from pathlib import Path

from lianfang.graph.store import GraphStore
from lianfang.ingest import demo, writers
from lianfang.ingest.load import load


def test_same_seed_same_registers_other_seed_other_registers() -> None:
    assert demo.generate(1, 5) == demo.generate(1, 5)
    assert demo.generate(1, 5) != demo.generate(1, 6)


def test_scale_one_is_county_sized() -> None:
    sheets = demo.generate(1, 2024)
    assert 1700 <= len(sheets["risks"]) <= 2300
    assert 2200 <= len(sheets["controls"]) <= 2800
    assert 260 <= len(sheets["rules"]) <= 340
    assert 40 <= len(sheets["processes"]) <= 60
    assert 3 <= len(sheets["incidents"]) <= 30


def test_it_covers_every_category_level_kind_and_status() -> None:
    sheets = demo.generate(1, 2024)
    from lianfang.graph import schema

    categories = {r.get("category") for r in sheets["risks"]}
    assert categories == {*schema.RISK_CATEGORIES, None}  # None: unclassified
    assert {r.get("level") for r in sheets["risks"]} == {"高", "中", "低", None}  # None: ungraded
    assert {c["kind"] for c in sheets["controls"]} == set(schema.CONTROL_KINDS)
    assert {c["status"] for c in sheets["controls"]} == set(schema.CONTROL_STATUSES)
    assert {p["domain"] for p in sheets["powers"] if p.get("domain")} >= {
        "经费管理",
        "基础建设",
        "物资采购",
        "对外投资",
        "干部任免",
    }
    assert len({p["category"] for p in sheets["powers"]}) >= 10
    assert any(a.get("end_date") for a in sheets["assignments"])
    assert any(a.get("concurrent") == "是" for a in sheets["assignments"])


def test_scale_multiplies_counties() -> None:
    one, three = demo.generate(1, 1), demo.generate(3, 1)
    counties = collections.Counter(
        u["unit_id"][:3] for u in three["units"] if u["unit_id"] != "CITY"
    )
    assert len(counties) == 3
    assert 2.5 * len(one["risks"]) < len(three["risks"]) < 3.5 * len(one["risks"])


def test_demo_imports_cleanly_from_xlsx_and_csv(store: GraphStore, tmp_path: Path) -> None:
    sheets = demo.generate(1, 2024)
    report = load(writers.write_workbook(tmp_path / "demo.xlsx", sheets), store)
    assert report.nodes["RiskPoint"] == len(sheets["risks"])
    assert all(not w.is_error for w in report.warnings)
    counts = store.counts()
    assert counts.nodes["Control"] == len(sheets["controls"])
    assert counts.edges["MITIGATED_BY"] == sum(
        len(c["risks"].split("、")) for c in sheets["controls"]
    )
    csv_report = load(writers.write_csv_folder(tmp_path / "csv", sheets), None)
    assert csv_report.nodes == report.nodes

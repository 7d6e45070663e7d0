"""Eight real published registers (tests/fixtures/real), imported office after office
into one store, as offices submit them: each lands on the first try, a second round
changes nothing, shared codes stay apart, and the queries answer through powers and
steps."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from graph_dump import dump
from servers import cli

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.graph.store import GraphStore
from lianfang.ingest.issues import IngestFailed
from lianfang.ingest.load import Report, load
from lianfang.queries.runner import run
from lianfang.reports.disclosure import disclosure_rows
from lianfang.viz.layout import layered
from lianfang.viz.subgraph import unit_map

REAL = Path(__file__).parent / "fixtures" / "real"
OFFICES = (
    "亳州市住建局.xlsx",
    "宝安市场监管局.xlsx",
    "宝安区委办",
    "宝安区公共资源交易中心",
    "平川区黄峤中学.xlsx",
    "企业领导班子",
    "街道劳动保障中心",
    "村级小微权力.xlsx",
)


def import_all(store: GraphStore) -> list[Report]:
    return [load(REAL / office, store) for office in OFFICES]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    folder = Path(tmp_path_factory.mktemp("real", numbered=True))
    with EmbeddedFalkorStore(folder / "data", "real") as store:
        store.reports = import_all(store)  # type: ignore[attr-defined]
        yield store


def test_every_office_lands_on_the_first_try(province: GraphStore) -> None:
    reports = province.reports  # type: ignore[attr-defined]
    assert [r.source for r in reports] == [Path(o).stem for o in OFFICES]
    assert all(sum(r.nodes.values()) > 0 for r in reports)
    assert sum(r.nodes["RiskPoint"] for r in reports) == 31


def test_importing_them_all_again_changes_nothing(province: GraphStore) -> None:
    before = dump(province)
    again = import_all(province)
    assert all(sum(r.removed.values()) == 0 for r in again)
    assert dump(province) == before


def test_offices_with_the_same_codes_stay_apart(province: GraphStore) -> None:
    posts = province.read(
        "MATCH (p:Post {code: 'GW01'}) RETURN p.uid AS uid, p.source AS source ORDER BY uid"
    )
    assert len(posts) == 5
    assert all(row["uid"] == f"{row['source']}:GW01" for row in posts)
    # A code one office alone holds keeps its bare form.
    [lone] = province.read("MATCH (p:Post {code: '3'}) RETURN p.uid AS uid, p.source AS s")
    assert lone == {"uid": "3", "s": "村级小微权力"}
    # Each office's controls are owned by its own posts, never another office's.
    crossed = province.read(
        "MATCH (c:Control)-[:OWNED_BY]->(p:Post) WHERE c.source <> p.source RETURN count(*) AS n"
    )
    assert crossed == [{"n": 0}]


def test_a_person_named_for_a_post_stands_for_the_posts_they_hold(
    province: GraphStore,
) -> None:
    owners = province.read(
        "MATCH (c:Control {uid: '亳州市住建局:1'})-[:OWNED_BY]->(p:Post) "
        "RETURN p.name AS name ORDER BY name"
    )
    assert [row["name"] for row in owners] == ["责任领导", "部门负责人"]
    [school] = province.read(
        "MATCH (r:RiskPoint {source: '平川区黄峤中学', code: '1'})-[:AT_POST]->(p:Post) "
        "RETURN r.level AS level, p.name AS post"
    )
    assert school == {"level": "high", "post": "主管领导"}  # Ⅰ级


def test_the_office_scales_read_as_declared(province: GraphStore) -> None:
    levels = province.read(
        "MATCH (r:RiskPoint {source: '村级小微权力'}) RETURN r.code AS code, r.level AS level "
        "ORDER BY code"
    )
    assert [(row["code"], row["level"]) for row in levels] == [
        ("1", "medium"),
        ("2", "high"),
        ("3", "low"),
        ("8", "high"),
        ("9", "high"),
    ]
    [power] = province.read(
        "MATCH (q:Power {source: '村级小微权力', code: '1'}) "
        "RETURN q.category AS category, q.major_matter AS major"
    )
    assert power == {"category": "其他行政权力", "major": True}


def test_query_answers_on_the_real_registers(province: GraphStore) -> None:
    as_of = {"as_of": "2025-12-31"}
    assert run(province, "posts-without-risks", as_of).rows == []  # covered via powers
    ungraded = run(province, "ungraded-risks", as_of)
    sources = province.read(
        "MATCH (r:RiskPoint) WHERE r.uid IN $ids RETURN r.source AS s",
        {"ids": [row["risk_id"] for row in ungraded.rows]},
    )
    assert sorted(row["s"] for row in sources) == sorted(["宝安区委办"] * 5 + ["企业领导班子"] * 4)
    # A code two offices share names its office; one only this office uses stays bare.
    assert {row["risk_id"] for row in ungraded.rows} >= {"宝安区委办:FX01", "FX05"}
    assert {row["name"] for row in ungraded.rows if row["risk_id"].startswith("企业")} >= {
        "不讲廉洁党课或不提要求"
    }
    assert run(province, "unmitigated-high-risks", as_of).rows == []
    # The village's 三重一大 power has no flowchart, so no collective-decision step.
    major = run(province, "major-matters-without-collective-decision", as_of).rows
    assert {row["power_id"] for row in major} == {"1", "QL05"}  # codes no other office uses
    profile = {
        row["unit_id"]: row
        for row in run(province, "unit-risk-profile", as_of).rows
        if row["unit_id"] in ("宝安市场监管局:DW02", "宝安市场监管局:DW01")
    }
    assert profile["宝安市场监管局:DW02"]["risks"] == 3  # through the powers of its post
    assert profile["宝安市场监管局:DW01"]["risks"] == 3  # rolled up
    assert profile["宝安市场监管局:DW02"]["high_risks"] == 1


def test_the_disclosure_lists_risks_reached_through_powers(province: GraphStore) -> None:
    rows = [r for r in disclosure_rows(province) if r["post"] == "科室主要负责人"]
    assert len(rows) == 3 and {r["level"] for r in rows} == {"高", "中", "低"}
    ungraded = [r for r in disclosure_rows(province) if r["level"] == "未定级"]
    assert len(ungraded) == 9


def test_an_undeclared_scale_fails_with_the_way_out(tmp_path: Path, data_dir: Path) -> None:
    """Without its 值映射 sheet the village's A/B/C is an error naming the mapping; the
    same declaration given as --map FILE imports it."""
    bare = tmp_path / "村级小微权力.xlsx"
    shutil.copy(REAL / "村级小微权力.xlsx", bare)
    book = openpyxl.load_workbook(bare)
    del book["值映射"]
    book.save(bare)
    with EmbeddedFalkorStore(data_dir, "bare") as store, pytest.raises(IngestFailed) as failed:
        load(bare, store)
    levels = [i for i in failed.value.issues if i.is_error]
    assert len(levels) == 5 and all(i.column == "风险等级" for i in levels)
    assert "值映射" in levels[0].message and "原值 B、标准值(高/中/低 之一)" in levels[0].message
    assert "标准值 高" not in levels[0].message  # no example value that might be wrong
    mapping = tmp_path / "等级.yaml"
    mapping.write_text("风险等级: {A: 高, B: 中, C: 低}\n", encoding="utf-8")
    done = cli(data_dir, "ingest", str(bare), "--map", str(mapping), "-f", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"ok": true' in done.stdout


def test_a_village_map_shows_the_risks_of_its_powers(province: GraphStore) -> None:
    """The village register states its risks against powers only: on the village's map
    each sits beside its power, with its controls (none hangs loose)."""
    [village] = province.read(
        "MATCH (u:Unit {source: '村级小微权力'})<-[:IN_UNIT]-(:Post) RETURN DISTINCT u.uid AS uid"
    )
    graph = unit_map(province, village["uid"], dt.date(2026, 1, 31))
    risks = {key for key in graph.nodes if key[0] == "RiskPoint"}
    assert len(risks) == 5
    beside = {start for start, type_, _ in graph.edges if type_ == "OF_POWER"}
    assert beside == risks
    assert any(key[0] == "Control" for key in graph.nodes)
    placed = layered(graph).positions
    power_x = {placed[key][0] for key in graph.nodes if key[0] == "Power"}
    assert all(placed[risk][0] > max(power_x) for risk in risks)

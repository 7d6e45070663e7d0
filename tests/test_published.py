"""An office's own published table, imported as it printed it: the real ones in
tests/fixtures/published (their sources in its README), and the other shapes real
tables take, written here in those shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graph_dump import dump
from published_tables import write_docx, write_html, write_xlsx
from servers import cli

from lianfang.graph.falkor_store import EmbeddedFalkorStore
from lianfang.ingest.issues import IngestFailed
from lianfang.ingest.load import load
from lianfang.ingest.mapping import ValueMap
from lianfang.queries.runner import run

FIXTURES = Path(__file__).parent / "fixtures" / "published"
TAX = FIXTURES / "张掖市国家税务局一览表.docx"
SCHOOL = FIXTURES / "平川区黄峤中学汇总表.docx"
COMPANY = FIXTURES / "葛洲坝第二工程有限公司.xlsx"
BOZHOU = FIXTURES / "亳州市住建局.html"


def nodes(store, label: str) -> dict[str, dict]:
    return {
        row["n"]["code"]: row["n"]
        for row in store.read(f"MATCH (n:{label}) RETURN properties(n) AS n")
    }


def risks_by_description(store) -> dict[str, dict]:
    return {n["description"]: n for n in nodes(store, "RiskPoint").values()}


@pytest.fixture
def store(data_dir: Path):
    with EmbeddedFalkorStore(data_dir, "lianfang") as opened:
        yield opened


# -- the real tables ---------------------------------------------------------------------------
def test_a_tax_bureaus_word_table(store) -> None:
    """职权名称 merged down over its two risks, several posts on lines of one cell, 一级,
    and the power class printed in a line above the table (执法类别:税收执法权)."""
    report = load(TAX, store)
    assert report.published is not None and report.published.derived.tables == ["表1"]
    assert report.nodes == {"Unit": 1, "Post": 5, "Power": 2, "RiskPoint": 3, "Control": 3}
    [unit] = nodes(store, "Unit").values()
    assert unit["name"] == "张掖市国家税务局"
    powers = {p["name"]: p for p in nodes(store, "Power").values()}
    assert set(powers) == {"资格认定管理权", "行政处罚权"}
    assert {p["category"] for p in powers.values()} == {"其他行政权力"}
    assert {p["category_printed"] for p in powers.values()} == {"税收执法权"}
    risks = store.read(
        "MATCH (r:RiskPoint)-[:OF_POWER]->(q:Power) "
        "RETURN r.level AS level, q.name AS power, r.category AS category, "
        "r.prov_sheet AS table, r.prov_row AS row ORDER BY row"
    )
    assert [r["power"] for r in risks] == ["资格认定管理权", "资格认定管理权", "行政处罚权"]
    assert {r["level"] for r in risks} == {"high"} and {r["category"] for r in risks} == {None}
    assert [(r["table"], r["row"]) for r in risks] == [("表1", 2), ("表1", 3), ("表1", 4)]
    posts = store.read(
        "MATCH (r:RiskPoint {prov_row: 3})-[:AT_POST]->(p:Post) RETURN p.name AS name"
    )
    assert {p["name"] for p in posts} == {"政策法规科(股)长", "税务分局长", "税收管理员"}
    controls = store.read(
        "MATCH (r:RiskPoint)-[:MITIGATED_BY]->(c:Control) RETURN r.prov_row AS row, "
        "c.description AS text ORDER BY row"
    )
    assert controls[0]["text"].startswith("1.查验纳税人出示的证件") and len(controls) == 3
    warned = [w.zh for w in report.warnings]
    assert sum("税收执法权" in w for w in warned) == 2
    assert sum("未分类" in w for w in warned) == 3


def test_a_schools_table_with_no_numbering_column(store) -> None:
    """Numbers printed inside the risk cell (`1、…`), Ⅰ级/Ⅱ级, and one person under both
    主管领导 and 分管领导: that person stands for two posts named after the columns."""
    load(SCHOOL, store)
    risks = risks_by_description(store)
    assert set(risks) == {
        "学校发展决议,没有充足调研,决议不科学、不实际,给工作带来被动。",
        "学校干部培养、推荐和任用",
    }
    assert risks["学校干部培养、推荐和任用"]["level"] == "medium"
    posts = {p["name"]: p for p in nodes(store, "Post").values()}
    assert set(posts) == {"主管领导", "分管领导"}
    assert posts["分管领导"]["leadership"] == "分管领导"
    assert json.loads(posts["主管领导"]["extra"]) == {"表中所列人员": "李寿国"}
    assert not nodes(store, "Person")  # a printed name is not a roster
    owners = store.read(
        "MATCH (c:Control)-[:OWNED_BY]->(p:Post) RETURN c.code AS c, collect(p.name) AS posts"
    )
    assert all(sorted(o["posts"]) == ["主管领导", "分管领导"] for o in owners)
    assert len(owners) == 2


def test_a_companys_workbook_with_a_merged_category(store) -> None:
    """风险点 beside 风险情况描述 (name and description), 类别 merged down three rows as
    三重一大决策, 一级风险, a title row above, a 序号 column."""
    report = load(COMPANY, store)
    [unit] = nodes(store, "Unit").values()
    assert unit["name"] == "葛洲坝第二工程有限公司"
    risks = {r["name"]: r for r in nodes(store, "RiskPoint").values()}
    assert set(risks) == {"重大事项决策", "重要干部任免", "重要项目安排"}
    assert {r["category"] for r in risks.values()} == {"三重一大"}
    assert {r["level"] for r in risks.values()} == {"high"}
    assert (
        risks["重要干部任免"]["description"] == "未按程序随意更换股东代表、推荐董事会、监事会成员"
    )
    read = {r["printed"]: r["read_as"] for r in report.published.derived.read_as}
    assert read["风险点"] == "风险名称" and read["风险情况描述"] == "风险点"
    assert read["序号"].startswith("不保存")


def test_a_saved_web_page_with_merged_units_and_people(store) -> None:
    """The 亳州 page: the unit and the two responsible people merged down (rowspan),
    categories with their 风险 suffix, headers broken over two lines."""
    load(BOZHOU, store)
    [unit] = nodes(store, "Unit").values()
    assert unit["name"] == "市重点工程建设管理服务中心"
    risks = {r["name"]: r for r in nodes(store, "RiskPoint").values()}
    assert {n: r["level"] for n, r in risks.items()} == {
        "公车管理": "low",
        "重大经济事项决策制度不健全或未按制度执行": "high",
        "工程设计": "medium",
        "工程招标": "medium",
    }
    assert risks["公车管理"]["category"] == "岗位职责"
    posts = {p["name"]: p for p in nodes(store, "Post").values()}
    assert set(posts) == {"部门负责人", "责任领导"}
    assert posts["责任领导"]["leadership"] == "分管领导"
    people = {json.loads(p["extra"])["表中所列人员"] for p in posts.values()}
    assert people == {"徐千", "李彬"}


def test_every_real_table_into_one_store_and_again_changes_nothing(store) -> None:
    """Office after office: each a source of its own, ids kept apart (all four number
    their risks R1…); a second import of the same file changes nothing."""
    for path in (TAX, SCHOOL, COMPANY, BOZHOU):
        load(path, store)
    assert len(nodes(store, "Unit")) == 4
    r1 = store.read("MATCH (n:RiskPoint {code: 'R1'}) RETURN properties(n) AS n")
    r1 = [row["n"] for row in r1]
    assert len(r1) == 4 and len({n["uid"] for n in r1}) == 4
    before = dump(store)
    load(SCHOOL, store)
    assert dump(store) == before
    assert run(store, "unclassified-risks").count == 5  # the tax bureau's 3, the school's 2


# -- the shapes real tables take ------------------------------------------------------------
def test_a_header_in_two_rows(tmp_path: Path, store) -> None:
    """`责任主体` printed over `经办人 | 部门负责人 | 分管领导`."""
    rows = [
        ["序号", "风险点", "风险等级", "防控措施", "责任主体", None, None],
        [None, None, None, None, "经办人", "部门负责人", "分管领导"],
        ["1", "违规审批", "高", "集体研究", "经办岗", "科长", "副局长"],
    ]
    merges = [(0, 4, 0, 6), (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3)]
    path = write_docx(tmp_path / "two.docx", ["某某局廉政风险防控一览表"], [(rows, merges)])
    report = load(path, store)
    read = {r["printed"]: r["read_as"] for r in report.published.derived.read_as}
    assert read["经办人"] == read["部门负责人"] == read["分管领导"] == "责任人"
    owners = store.read(
        "MATCH (:Control)-[:OWNED_BY]->(p:Post) RETURN p.name AS n, p.leadership AS l"
    )
    assert {(o["n"], o["l"]) for o in owners} == {
        ("经办岗", "无"),
        ("科长", "部门负责人"),
        ("副局长", "分管领导"),
    }


def test_a_flowchart_table_with_numbered_risks_in_a_box(tmp_path: Path, store) -> None:
    """`环节 | 风险点 | 风险等级 | 防控措施 | 责任人`: each numbered risk of a box is a risk
    point, `1中2低` grades them in turn, and the steps make the power's flowchart."""
    rows = [
        ["环节", "风险点", "风险等级", "防控措施", "责任人"],
        ["受理", "1.不按规定受理;\n2.故意刁难", "1中2低", "一次性告知", "受理岗"],
        ["审查", "审查不严", "高", "双人审查", "审查岗\n科长"],
        ["决定", "风险等级:中 未经集体研究", "", "集体研究", "分管领导"],
    ]
    path = write_xlsx(tmp_path / "flow.xlsx", [["行政处罚权力运行流程廉政风险防控图"], *rows])
    load(path, store, unit="某某执法局")
    risks = risks_by_description(store)
    assert {d: r["level"] for d, r in risks.items()} == {
        "不按规定受理": "medium",
        "故意刁难": "low",
        "审查不严": "high",
        "未经集体研究": "medium",
    }
    steps = store.read(
        "MATCH (f:Process)-[:IMPLEMENTS]->(q:Power), (f)-[:HAS_STEP]->(s:Step)"
        "-[:HANDLED_BY]->(p:Post) RETURN q.name AS power, s.seq AS seq, s.name AS step, "
        "collect(p.name) AS posts ORDER BY seq"
    )
    assert [(s["power"], s["seq"], s["step"]) for s in steps] == [
        ("行政处罚", 1, "受理"),
        ("行政处罚", 2, "审查"),
        ("行政处罚", 3, "决定"),
    ]
    assert sorted(steps[1]["posts"]) == ["审查岗", "科长"]
    at_step = store.read("MATCH (r:RiskPoint)-[:AT_STEP]->(s:Step {seq: 1}) RETURN count(r) AS n")
    assert at_step == [{"n": 2}]


@pytest.mark.parametrize(
    ("printed", "mapping", "expected"),
    [
        ("A", None, None),  # a scale nobody defined is not guessed
        ("★★★", None, None),
        ("", None, None),
        ("A", {"风险等级": {"A": "高"}}, "high"),
    ],
)
def test_levels_as_printed(tmp_path: Path, store, printed, mapping, expected) -> None:
    rows = [["风险点", "等级", "防控措施"], ["违规发放补贴", printed, "公示"]]
    path = write_xlsx(tmp_path / "levels.xlsx", [["某某所廉政风险点一览表"], *rows])
    declared = ValueMap()
    for column, values in (mapping or {}).items():
        for original, standard in values.items():
            declared.add(column, original, standard)
    report = load(path, store, mapping=declared)
    [risk] = nodes(store, "RiskPoint").values()
    assert risk.get("level") == expected
    if printed and expected is None:
        assert json.loads(risk["extra"])["风险等级(原文)"] == printed
        assert any("没有说明" in w.zh for w in report.warnings)


def test_no_level_column_and_no_numbering_column(tmp_path: Path, store) -> None:
    rows = [["岗位", "廉政风险", "防控措施"], ["1.出纳、", "挪用公款", "定期对账"]]
    path = write_html(
        tmp_path / "page.html",
        "某某中心岗位廉政风险防控表",
        [[(c, 1, 1) for c in row] for row in rows],
    )
    report = load(path, store)
    [risk] = nodes(store, "RiskPoint").values()
    assert risk["description"] == "挪用公款" and risk.get("level") is None
    assert [p["name"] for p in nodes(store, "Post").values()] == ["出纳"]
    assert any("未评定等级" in w.zh for w in report.warnings)


def test_a_power_catalogue_then_the_risks(tmp_path: Path, store) -> None:
    """Two tables in one document: the catalogue gives each power its class, basis and
    post; the risks table names the powers."""
    catalogue = [
        ["序号", "职权名称", "职权类别", "行使依据", "承办岗位"],
        ["1", "公共场所卫生许可", "行政许可", "《公共场所卫生管理条例》", "许可岗"],
    ]
    risks = [
        ["职权名称", "风险点", "风险等级", "防控措施"],
        ["公共场所卫生许可", "违规发证", "中", "网上公示"],
    ]
    path = write_docx(
        tmp_path / "two-tables.docx",
        ["某某县卫生健康局职权目录及廉政风险点一览表"],
        [(catalogue, []), (risks, [])],
    )
    report = load(path, store)
    assert report.published.derived.tables == ["表1", "表2"]
    [power] = nodes(store, "Power").values()
    assert power["category"] == "行政许可" and power["basis"] == "《公共场所卫生管理条例》"
    linked = store.read(
        "MATCH (:RiskPoint)-[:OF_POWER]->(q:Power)<-[:EXERCISES]-(p:Post) "
        "RETURN q.name AS q, p.name AS p"
    )
    assert linked == [{"q": "公共场所卫生许可", "p": "许可岗"}]


def test_a_table_naming_no_unit_is_a_located_error(tmp_path: Path, store) -> None:
    rows = [["风险点", "防控措施"], ["违规报销", "审核"]]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    before = dump(store)
    with pytest.raises(IngestFailed) as failed:
        load(path, store)
    [error] = [i for i in failed.value.issues if i.is_error]
    assert error.sheet == "Sheet" and error.row == 1 and "--unit" in error.zh
    assert dump(store) == before
    load(path, store, unit="某某办")
    assert [u["name"] for u in nodes(store, "Unit").values()] == ["某某办"]


def test_a_file_with_no_table_it_recognises(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "memo.docx", ["会议纪要"], [([["时间", "地点"], ["周一", "会议室"]], [])]
    )
    with pytest.raises(IngestFailed) as failed:
        load(path, None)
    [error] = failed.value.issues
    assert "风险点" in error.zh and error.file == "memo.docx"


# -- the CLI ---------------------------------------------------------------------------------
def test_the_cli_says_what_it_read_and_writes_the_registers(data_dir: Path, tmp_path: Path) -> None:
    done = cli(data_dir, "ingest", str(TAX), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "published table" in done.stdout and "预警等级" in done.stdout
    out = tmp_path / "登记表.xlsx"
    written = cli(data_dir, "ingest", str(TAX), "--to-registers", str(out))
    assert written.returncode == 0, written.stderr
    assert "risks 3" in written.stdout
    again = cli(data_dir, "ingest", str(out), "--source", "张掖", "-f", "json")
    assert again.returncode == 0, again.stderr
    body = json.loads(again.stdout)
    assert body["nodes"]["RiskPoint"] == 3 and "published" not in body
    unknown = cli(data_dir, "ingest", str(COMPANY), "--to-registers", str(tmp_path / "x.csv"))
    assert unknown.returncode == 2


# -- the web app -----------------------------------------------------------------------------
def test_the_api_imports_a_published_table_and_says_how_it_read_it(store) -> None:
    from fastapi.testclient import TestClient
    from web import LOCAL

    from lianfang.api.main import create_app
    from lianfang.api.settings import AppSettings

    app = create_app(store=store, settings=AppSettings(warm_seconds=0))
    with TestClient(app, base_url=LOCAL) as client:
        checked = client.post(
            "/api/ingest",
            files={"file": (TAX.name, TAX.read_bytes())},
            data={"dry_run": "true"},
        )
        assert checked.status_code == 200, checked.text
        body = checked.json()
        assert body["dry_run"] and body["nodes"]["RiskPoint"] == 3
        assert {r["printed"]: r["read_as"] for r in body["published"]}["预警等级"] == "风险等级"
        assert not nodes(store, "RiskPoint")
        done = client.post("/api/ingest", files={"file": (TAX.name, TAX.read_bytes())})
        assert done.status_code == 200 and len(nodes(store, "RiskPoint")) == 3


def test_a_page_whose_merged_cells_expand_without_end_is_refused(tmp_path: Path) -> None:
    """A small page declaring colspan and rowspan on every cell is bounded: refused once
    its cells pass the cap, never expanded into memory."""
    row = "<tr>" + '<td rowspan="100000" colspan="100000">x</td>' * 3 + "</tr>"
    page = tmp_path / "wide.html"
    page.write_text(f"<table>{row * 5000}</table>", encoding="utf-8")
    assert page.stat().st_size < 2_000_000
    with pytest.raises(IngestFailed) as failed:
        load(page, None)
    [error] = failed.value.issues
    assert "cells" in error.en and error.file == "wide.html"

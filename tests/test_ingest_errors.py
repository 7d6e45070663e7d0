"""One test per error kind of REGISTERS.md: each error is pinned to sheet, row and
column, every error is reported, and the graph keeps its previous state."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from graph_dump import dump
from registers_data import DEPARTMENT, SHEETS, write_csv_folder, write_workbook

from lianfang.graph.store import GraphStore
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.load import load

Sheets = dict[str, list[dict[str, Any]]]
FIRST_ROW = 3  # a title row, then the header row


def edited(edit: Callable[[Sheets], None]) -> Sheets:
    sheets = copy.deepcopy(SHEETS)
    edit(sheets)
    return sheets


def row_of(sheets: Sheets, register: str, key: str, value: str) -> dict[str, Any]:
    return next(r for r in sheets[register] if r.get(key) == value)


@pytest.fixture
def imported(store: GraphStore, tmp_path: Path) -> GraphStore:
    """A graph that already holds the good registers, as source 'org'."""
    load(write_workbook(tmp_path / "org.xlsx"), store)
    return store


def failing(store: GraphStore, path: Path, source: str = "org") -> list[Issue]:
    """Import a bad workbook; return its errors after checking nothing changed."""
    before = dump(store)
    with pytest.raises(IngestFailed) as failed:
        load(path, store, source=source)
    assert dump(store) == before
    return [i for i in failed.value.issues if i.is_error]


def bad_workbook(tmp_path: Path, edit: Callable[[Sheets], None]) -> Path:
    return write_workbook(tmp_path / "org.xlsx", edited(edit))


def where(issue: Issue) -> tuple[str | None, int | None, str | None, str | None]:
    return issue.sheet, issue.row, issue.column, issue.value


def test_missing_required_register(imported: GraphStore, tmp_path: Path) -> None:
    [error] = failing(imported, bad_workbook(tmp_path, lambda s: s.pop("risks")))
    assert (error.sheet, error.row, error.column) == (None, None, None)
    assert "风险点" in error.message and error.file == "org.xlsx"


def test_missing_required_column(imported: GraphStore, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx")
    book = openpyxl.load_workbook(path)
    book["岗位"].delete_cols(3)  # 所属单位编号
    book.save(path)
    [error] = failing(imported, path)
    assert (error.sheet, error.row, error.column) == ("岗位", 2, "所属单位编号")
    assert "缺少必需的列" in error.message


def test_blank_required_cell(imported: GraphStore, tmp_path: Path) -> None:
    def blank_name(s: Sheets) -> None:
        row_of(s, "posts", "post_id", "P2")["name"] = "\u3000 "

    [error] = failing(imported, bad_workbook(tmp_path, blank_name))
    assert where(error) == ("岗位", FIRST_ROW + 1, "岗位名称", None)
    assert "必填" in error.message


def test_id_not_unique(imported: GraphStore, tmp_path: Path) -> None:
    def duplicate(s: Sheets) -> None:
        s["posts"].append({**row_of(s, "posts", "post_id", "P2"), "name": "另一个副局长"})

    [error] = failing(imported, bad_workbook(tmp_path, duplicate))
    assert where(error) == ("岗位", FIRST_ROW + 4, "岗位编号", "P2")
    assert f"第 {FIRST_ROW + 1} 行" in error.message


def test_reference_to_an_id_nobody_holds(imported: GraphStore, tmp_path: Path) -> None:
    def dangle(s: Sheets) -> None:
        row_of(s, "posts", "post_id", "P4")["unit_id"] = "U9"
        row_of(s, "controls", "control_id", "C1")["risks"] = "K1、K9"

    errors = failing(imported, bad_workbook(tmp_path, dangle))
    assert {where(e) for e in errors} == {
        ("岗位", FIRST_ROW + 3, "所属单位编号", "U9"),
        ("防控措施", FIRST_ROW, "针对风险点", "K9"),
    }
    assert all("不存在" in e.message for e in errors)


def test_reference_resolves_against_another_source_in_the_graph(
    imported: GraphStore, tmp_path: Path
) -> None:
    controls = [{"control_id": "C9", "description": "双人检查", "risks": "K9、K1"}]
    department = {**DEPARTMENT, "controls": controls}  # K1 belongs to source 'org'
    report = load(write_workbook(tmp_path / "稽查大队.xlsx", department), imported)
    assert report.nodes["Post"] == 1
    linked = imported.read(
        "MATCH (r:RiskPoint)-[:MITIGATED_BY]->(:Control {uid: 'C9'}) RETURN r.uid AS uid"
    )
    assert {row["uid"] for row in linked} == {"K9", "K1"}


def test_value_outside_its_vocabulary(imported: GraphStore, tmp_path: Path) -> None:
    def bad_level(s: Sheets) -> None:
        row_of(s, "risks", "risk_id", "K1")["level"] = "很高"
        row_of(s, "controls", "control_id", "C2")["status"] = "进行中"

    errors = failing(imported, bad_workbook(tmp_path, bad_level))
    assert {where(e) for e in errors} == {
        ("风险点", FIRST_ROW, "风险等级", "很高"),
        ("防控措施", FIRST_ROW + 1, "状态", "进行中"),
    }
    assert "高/中/低" in errors[0].message or "高/中/低" in errors[1].message


def test_a_date_that_is_not_a_date(imported: GraphStore, tmp_path: Path) -> None:
    def bad_date(s: Sheets) -> None:
        s["assignments"][1]["start_date"] = "2021年2月30日"

    [error] = failing(imported, bad_workbook(tmp_path, bad_date))
    assert where(error) == ("任职", FIRST_ROW + 1, "任职日期", "2021年2月30日")
    assert "日期" in error.message


def test_end_date_before_start_date(imported: GraphStore, tmp_path: Path) -> None:
    def reversed_dates(s: Sheets) -> None:
        s["assignments"][2]["end_date"] = "2017-12-31"

    [error] = failing(imported, bad_workbook(tmp_path, reversed_dates))
    assert where(error) == ("任职", FIRST_ROW + 2, "离任日期", "2017-12-31")


@pytest.mark.parametrize("step", ["F1-1", "F1#9", "F7#1"])
def test_step_that_is_not_a_known_process_seq(
    imported: GraphStore, tmp_path: Path, step: str
) -> None:
    def bad_step(s: Sheets) -> None:
        row_of(s, "risks", "risk_id", "K2")["step"] = step

    [error] = failing(imported, bad_workbook(tmp_path, bad_step))
    assert where(error) == ("风险点", FIRST_ROW + 1, "流程环节", step)


def test_cycle_in_the_unit_hierarchy(imported: GraphStore, tmp_path: Path) -> None:
    def cycle(s: Sheets) -> None:
        row_of(s, "units", "unit_id", "U1")["parent_id"] = "U3"

    [error] = failing(imported, bad_workbook(tmp_path, cycle))
    assert error.sheet == "单位" and error.column == "上级单位编号"
    assert "循环" in error.message and "U1" in error.message and "U3" in error.message


def test_power_in_conflict_with_itself(imported: GraphStore, tmp_path: Path) -> None:
    def self_conflict(s: Sheets) -> None:
        s["conflicts"].append({"power_a": "Q1", "power_b": "Q1"})

    [error] = failing(imported, bad_workbook(tmp_path, self_conflict))
    assert where(error) == ("不相容职权", FIRST_ROW + 1, "职权B", "Q1")


def test_risk_point_that_names_nothing(imported: GraphStore, tmp_path: Path) -> None:
    def unanchored(s: Sheets) -> None:
        s["risks"].append(
            {"risk_id": "K5", "description": "无归属", "category": "外部环境", "level": "低"}
        )

    [error] = failing(imported, bad_workbook(tmp_path, unanchored))
    assert (error.sheet, error.row) == ("风险点", FIRST_ROW + 4)


def test_a_code_several_sources_hold_must_name_its_source(
    imported: GraphStore, tmp_path: Path
) -> None:
    """'org' and 'other' both hold P1; a third source's reference to P1 is ambiguous, and
    the error asks for `来源:编号` (never to import under another office's name)."""
    load(write_workbook(tmp_path / "other.xlsx"), imported, source="other")
    third = copy.deepcopy(DEPARTMENT)
    errors = failing(imported, write_workbook(tmp_path / "third.xlsx", third), source="third")
    assert {where(e) for e in errors} == {
        ("单位", FIRST_ROW, "上级单位编号", "U1"),
        ("防控措施", FIRST_ROW, "责任岗位", "P1"),
    }
    error = next(e for e in errors if e.sheet == "防控措施")
    assert "org、other" in error.message and "org:P1" in error.message
    third["units"][0]["parent_id"] = "org:U1"
    third["controls"][0]["owner_posts"] = "other:P1"
    load(write_workbook(tmp_path / "third.xlsx", third), imported, source="third")
    owners = imported.read(
        "MATCH (:Control {uid: 'C9'})-[:OWNED_BY]->(p:Post) RETURN p.uid AS uid, p.source AS s"
    )
    assert owners == [{"uid": "other:P1", "s": "other"}]


def test_a_code_many_sources_hold_is_read_back_by_count_not_by_every_holder(
    imported: GraphStore, tmp_path: Path
) -> None:
    """Five sources hold P1: an import reads back two of them by name and how many
    there are, yet a reference to any one of them by `来源:编号` resolves, an unnamed
    reference says how many sources share the code, and the holders stay qualified."""
    for source in ("b", "c", "d", "e"):
        load(write_workbook(tmp_path / f"{source}.xlsx"), imported, source=source)
    third = copy.deepcopy(DEPARTMENT)
    errors = failing(imported, write_workbook(tmp_path / "third.xlsx", third), source="third")
    error = next(e for e in errors if e.sheet == "防控措施")
    assert "等5个来源" in error.message and ":P1" in error.message
    for source in ("org", "b", "c", "d", "e"):
        third["units"][0]["parent_id"] = f"{source}:U1"
        third["controls"][0]["owner_posts"] = f"{source}:P1"
        load(write_workbook(tmp_path / "third.xlsx", third), imported, source="third")
        owners = imported.read(
            "MATCH (:Control {uid: 'C9'})-[:OWNED_BY]->(p:Post) RETURN p.uid AS uid"
        )
        assert owners == [{"uid": f"{source}:P1"}]
    held = imported.read("MATCH (p:Post {code: 'P1'}) RETURN p.uid AS uid ORDER BY uid")
    assert [row["uid"] for row in held] == [f"{s}:P1" for s in ("b", "c", "d", "e", "org")]
    report = load(write_workbook(tmp_path / "f.xlsx"), imported, source="f")
    assert any("已由来源" in w.message for w in report.warnings)  # the same registers again


def test_a_bad_level_and_a_dangling_post_on_one_row_are_both_reported_once(
    imported: GraphStore, tmp_path: Path
) -> None:
    def both(s: Sheets) -> None:
        row_of(s, "risks", "risk_id", "K1").update(level="很高", post_ids="P404")

    errors = failing(imported, bad_workbook(tmp_path, both))
    assert sorted(where(e)[2] for e in errors) == sorted(["风险等级", "所在岗位"])
    assert all(e.row == FIRST_ROW for e in errors)
    assert "值映射" in next(e for e in errors if where(e)[2] == "风险等级").message


def test_every_error_is_reported_not_just_the_first(imported: GraphStore, tmp_path: Path) -> None:
    def three(s: Sheets) -> None:
        row_of(s, "risks", "risk_id", "K1")["level"] = "很高"
        row_of(s, "posts", "post_id", "P4")["unit_id"] = "U9"
        s["assignments"][0]["start_date"] = "昨天"

    errors = failing(imported, bad_workbook(tmp_path, three))
    assert {e.sheet for e in errors} == {"风险点", "岗位", "任职"}


def test_english_headers_get_english_errors(imported: GraphStore, tmp_path: Path) -> None:
    sheets = edited(lambda s: row_of(s, "risks", "risk_id", "K1").update(level="very high"))
    [error] = failing(imported, write_csv_folder(tmp_path / "csv", sheets))
    assert where(error) == ("risks", 2, "level", "very high")
    assert error.message.startswith(
        "'very high' is not valid; expected "
        "high/medium/low, H/M/L, 高/中/低, 一级/二级/三级, 高风险, 一级风险 or Ⅰ级/1级. "
    )
    assert (
        "sheet: a row with column level, from very high, and to one of high/medium/low"
        in error.message
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"post_id,name\nP1,x\n", "不是 Excel 工作簿"),
        (b"", "空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "加密"),
        (b"PK\x03\x04broken zip", "不是 Excel 工作簿"),
    ],
    ids=["renamed-text", "empty", "password-protected", "damaged"],
)
def test_a_file_that_is_not_a_workbook(
    imported: GraphStore, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "org.xlsx"
    path.write_bytes(content)
    [error] = failing(imported, path)
    assert error.file == "org.xlsx" and expected in error.zh


def test_a_password_protected_workbook(imported: GraphStore, tmp_path: Path) -> None:
    """Encrypted as Excel does it (an OLE2 container around the encrypted package)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_workbook(tmp_path / "plain.xlsx")
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    [error] = failing(imported, locked)
    assert error.file == "locked.xlsx" and "密码" in error.zh and "password" in error.en


def test_unknown_sheets_are_ignored_with_a_warning(store: GraphStore, tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("草稿").append(["随便写写"])
    book.save(path)
    report = load(path, store)
    [warning] = [w for w in report.warnings if w.sheet == "草稿"]
    assert "忽略" in warning.message

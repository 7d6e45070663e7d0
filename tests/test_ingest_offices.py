"""What real offices bring: people named for posts, several posts per risk and control,
year-only dates, their own scales, and codes that other offices use too."""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from graph_dump import dump, node, targets
from registers_data import DEPARTMENT, SHEETS, write_csv_folder, write_workbook
from servers import cli

from lianfang.graph.store import GraphStore
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.load import load

Sheets = dict[str, list[dict[str, Any]]]
TODAY = dt.date(2025, 6, 30)


def sheets_with(**changes: Any) -> Sheets:
    sheets = copy.deepcopy(SHEETS)
    for key, value in changes.items():
        register, row_id, column = key.split("__")
        id_column = next(k for k in sheets[register][0] if k.endswith("_id"))
        row = next(r for r in sheets[register] if r[id_column] == row_id)
        row[column] = value
    return sheets


def errors_of(store: GraphStore, path: Path) -> list[Issue]:
    before = dump(store)
    with pytest.raises(IngestFailed) as failed:
        load(path, store, today=TODAY)
    assert dump(store) == before
    return [i for i in failed.value.issues if i.is_error]


def test_a_person_named_for_a_post_stands_for_the_posts_they_hold(
    store: GraphStore, tmp_path: Path
) -> None:
    sheets = sheets_with(controls__C1__owner_posts="李红", risks__K4__post_ids="E3")
    report = load(write_workbook(tmp_path / "org.xlsx", sheets), store, today=TODAY)
    assert targets(store, "Control", "C1", "OWNED_BY") == {"P2", "P3"}  # 李红 holds both
    assert targets(store, "RiskPoint", "K4", "AT_POST") == {"P4"}  # E3 left P3 in 2024
    stood = [w for w in report.warnings if "是人员" in w.zh]
    assert {(w.sheet, w.value) for w in stood} == {("防控措施", "李红"), ("风险点", "E3")}
    assert "P2、P3" in next(w for w in stood if w.value == "李红").zh


def test_a_shared_name_or_a_person_without_a_post_is_an_error(
    store: GraphStore, tmp_path: Path
) -> None:
    sheets = sheets_with(controls__C1__owner_posts="李红", controls__C2__owner_posts="赵钱")
    sheets["people"] += [
        {"person_id": "E4", "name": "李红", "unit_id": "U2"},
        {"person_id": "E5", "name": "赵钱"},
    ]
    errors = errors_of(store, write_workbook(tmp_path / "org.xlsx", sheets))
    by_value = {e.value: e for e in errors}
    assert set(by_value) == {"李红", "赵钱"}
    assert "org:E2" in by_value["李红"].zh and "org:E4" in by_value["李红"].zh
    assert "不在任何岗位上" in by_value["赵钱"].zh


def test_several_posts_per_risk_point_and_owners_per_control(
    store: GraphStore, tmp_path: Path
) -> None:
    sheets = sheets_with(risks__K4__post_ids="P3、P4", controls__C3__owner_posts="P1;P3")
    load(write_workbook(tmp_path / "org.xlsx", sheets), store, today=TODAY)
    assert targets(store, "RiskPoint", "K4", "AT_POST") == {"P3", "P4"}
    assert targets(store, "Control", "C3", "OWNED_BY") == {"P1", "P3"}


def test_the_old_english_headers_are_still_read(store: GraphStore, tmp_path: Path) -> None:
    folder = write_csv_folder(tmp_path / "csv")
    for name, old in (("risks.csv", "post_id"), ("controls.csv", "owner_post")):
        path = folder / name
        rows = list(csv.reader(path.open(encoding="gbk")))
        rows[0] = [old if h == f"{old}s" else h for h in rows[0]]
        with path.open("w", encoding="gbk", newline="") as out:
            csv.writer(out).writerows(rows)
    load(folder, store, today=TODAY)
    assert targets(store, "RiskPoint", "K1", "AT_POST") == {"P3"}
    assert targets(store, "Control", "C1", "OWNED_BY") == {"P3"}


def test_a_year_stands_for_an_assessment_or_issue_date(store: GraphStore, tmp_path: Path) -> None:
    sheets = sheets_with(risks__K1__assessed="2015年", rules__R1__issued="2015年3月")
    report = load(write_workbook(tmp_path / "org.xlsx", sheets), store, today=TODAY)
    assert node(store, "RiskPoint", "K1")["assessed"] == dt.date(2015, 1, 1)
    assert node(store, "Rule", "R1")["issued"] == dt.date(2015, 3, 1)
    partial = [w for w in report.warnings if "只有年份" in w.zh]
    assert {w.column for w in partial} == {"评定日期", "发布日期"}
    # Elsewhere a day is needed: tenure is counted in days.
    sheets["assignments"][0]["start_date"] = "2015年"
    [error] = errors_of(store, write_workbook(tmp_path / "org.xlsx", sheets))
    assert (error.sheet, error.column, error.value) == ("任职", "任职日期", "2015年")


def _with_mapping(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet("值映射")
    sheet.append(["本单位等级说明"])  # a title row, as offices add them
    sheet.append(["列", "原值", "标准值"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_a_value_mapping_sheet_declares_an_office_scale(store: GraphStore, tmp_path: Path) -> None:
    sheets = sheets_with(risks__K1__level="★★★", risks__K4__level="★", controls__C1__kind="技防")
    path = write_workbook(tmp_path / "org.xlsx", sheets)
    errors = errors_of(store, path)
    assert {e.value for e in errors} == {"★★★", "★", "技防"}
    _with_mapping(
        path,
        [("风险等级", "★★★", "高"), ("level", "★", "低"), ("措施类型", "技防", "科技防控")],
    )
    report = load(path, store, today=TODAY)
    assert node(store, "RiskPoint", "K1")["level"] == "high"
    assert node(store, "RiskPoint", "K4")["level"] == "low"
    assert node(store, "Control", "C1")["kind"] == "科技防控"
    assert not [w for w in report.warnings if w.sheet == "值映射"]  # not "ignored"


def test_a_mapping_that_names_no_register_column_is_an_error(
    store: GraphStore, tmp_path: Path
) -> None:
    path = _with_mapping(write_workbook(tmp_path / "org.xlsx"), [("风险颜色", "红", "高")])
    [error] = errors_of(store, path)
    assert (error.sheet, error.row, error.value) == ("值映射", 3, "风险颜色")


def test_a_code_another_office_takes_up_is_renamed_and_keeps_its_edges(
    store: GraphStore, tmp_path: Path
) -> None:
    """org holds P1; a department that also states a P1 makes both `source:P1`, and org's
    edges stay on its record; when the department drops P1, org's is bare again."""
    load(write_workbook(tmp_path / "org.xlsx"), store, today=TODAY)
    alone = dump(store)
    department = copy.deepcopy(DEPARTMENT)
    department["posts"].append({"post_id": "P1", "name": "大队长", "unit_id": "U9"})
    department["controls"][0]["owner_posts"] = "P9"
    load(write_workbook(tmp_path / "dept.xlsx", department), store, source="dept", today=TODAY)
    assert node(store, "Post", "org:P1")["name"] == "局长"
    assert node(store, "Post", "dept:P1")["name"] == "大队长"
    assert targets(store, "Person", "E1", "HOLDS") == {"org:P1"}  # org's edge, kept
    assert store.read("MATCH (p:Post {uid: 'P1'}) RETURN p") == []
    load(write_workbook(tmp_path / "dept.xlsx", DEPARTMENT), store, source="dept", today=TODAY)
    assert node(store, "Post", "P1")["source"] == "org"
    store.write("MATCH (n) WHERE n.source = 'dept' DETACH DELETE n")
    assert dump(store) == alone


def test_the_cli_lists_warnings_apart_and_keeps_bars_out_of_pipes(
    tmp_path: Path, data_dir: Path
) -> None:
    sheets = sheets_with(risks__K1__level="很高", risks__K2__level="")
    path = write_workbook(tmp_path / "org.xlsx", sheets)
    shown = cli(data_dir, "ingest", str(path))
    assert shown.returncode == 1
    assert "1 error(s) 错误" in shown.stdout and "warning(s) 警告" in shown.stdout
    assert shown.stdout.index("error(s) 错误") < shown.stdout.index("warning(s) 警告")
    assert "读取 reading" not in shown.stderr and "━" not in shown.stderr  # no progress bars
    as_csv = cli(data_dir, "ingest", str(path), "-f", "csv")
    table = list(csv.DictReader(as_csv.stdout.splitlines()))
    assert table[0]["severity"] == "error" and table[-1]["severity"] == "warning"
    assert {row["severity"] for row in table} == {"error", "warning"}

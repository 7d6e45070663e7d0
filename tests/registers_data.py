"""A small hand-written organisation, written out as real registers in two forms.

`SHEETS` holds the rows as an office would type them (every cell form REGISTERS.md
allows), keyed by column name; the writers turn them into an .xlsx with Chinese
headers under a title row, or a folder of GBK CSVs with English headers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lianfang.ingest import writers

D = dt.date

SHEETS: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"unit_id": "U1", "name": "县市场监督管理局", "kind": "机关"},
        {"unit_id": "U2", "name": "登记注册科", "parent_id": "U1", "kind": "内设机构"},
        {"unit_id": "U3", "name": "城关市场监管所", "parent_id": "U1", "kind": "派出机构"},
    ],
    "posts": [
        {
            "post_id": "P1",
            "name": "局长",
            "unit_id": "U1",
            "key_post": "是",
            "leadership": "主要领导",
        },
        {
            "post_id": "P2",
            "name": "副局长",
            "unit_id": "U1",
            "key_post": "√",
            "leadership": "分管领导",
        },
        {
            "post_id": "P3",
            "name": "登记科科长",
            "unit_id": "U2",
            "key_post": "Y",
            "leadership": "部门负责人",
            "rotation_years": 5,
            "duties": "负责企业登记审核",
        },
        {
            "post_id": "P4",
            "name": "登记员",
            "unit_id": "\u3000U2 ",
            "key_post": "否",
            "leadership": "无",
        },
    ],
    "people": [
        {"person_id": "E1", "name": "王建国", "rank": "正科级", "unit_id": "U1"},
        {"person_id": "E2", "name": "李红", "rank": "副科级", "unit_id": "U1"},
        {"person_id": "E3", "name": "张伟", "rank": "科员", "unit_id": "U2"},
    ],
    "assignments": [
        {"person_id": "E1", "post_id": "P1", "start_date": D(2019, 3, 1)},
        {"person_id": "E2", "post_id": "P2", "start_date": "2021年7月15日"},
        {"person_id": "E3", "post_id": "P3", "start_date": "2018/1/2", "end_date": "2024.6.30"},
        {"person_id": "E3", "post_id": "P4", "start_date": "2024-07-01", "concurrent": "否"},
        {"person_id": "E2", "post_id": "P3", "start_date": D(2024, 7, 1), "concurrent": "是"},
    ],
    "powers": [
        {
            "power_id": "Q1",
            "name": "企业设立登记",
            "category": "行政许可",
            "domain": "其他",
            "major_matter": "否",
            "discretion": "小",
            "basis": "《市场主体登记管理条例》",
            "time_limit": "3个工作日",
            "posts": "P3、P4",
        },
        {
            "power_id": "Q2",
            "name": "大额经费支出审批",
            "category": "财务管理",
            "domain": "经费管理",
            "major_matter": "是",
            "discretion": "大",
            "posts": "P1；P2",
        },
        {
            "power_id": "Q3",
            "name": "行政处罚决定",
            "category": "行政处罚",
            "major_matter": "N",
            "discretion": "大",
            "posts": "P2",
        },
    ],
    "conflicts": [
        {"power_a": "Q2", "power_b": "Q3", "reason": "审批与处罚分离"},
    ],
    "processes": [
        {"process_id": "F1", "name": "企业设立登记流程", "power_id": "Q1", "kind": "外部"},
        {"process_id": "F2", "name": "大额支出审批流程", "power_id": "Q2", "kind": "内部"},
    ],
    "steps": [
        {"process_id": "F1", "seq": 1, "name": "受理申请", "post_ids": "P4", "role": "受理"},
        {
            "process_id": "F1",
            "seq": 2,
            "name": "审核材料",
            "post_ids": "P3",
            "role": "审核",
            "time_limit": "2日",
        },
        {"process_id": "F2", "seq": 1, "name": "集体研究", "post_ids": "P1", "role": "集体决策"},
        {"process_id": "F2", "seq": "2", "name": "监督检查", "post_ids": "P2", "role": "监督"},
    ],
    "rules": [
        {
            "rule_id": "R1",
            "title": "企业登记工作规程",
            "doc_no": "市监〔2020〕1号",
            "issued": D(2020, 5, 1),
            "status": "现行",
            "governs": "Q1, F1",
        },
        {
            "rule_id": "R2",
            "title": "财务报销管理办法(旧)",
            "issued": "2015年1月1日",
            "status": "废止",
            "governs": "Q2",
        },
        {"rule_id": "R3", "title": "三重一大集体决策制度", "governs": "Q2\nF2"},
    ],
    "risks": [
        {
            "risk_id": "K1",
            "description": "对不符合条件的申请违规登记",
            "category": "岗位职责",
            "level": "一级",
            "post_ids": "P3",
            "power_id": "Q1",
            "likelihood": 3,
            "impact": "4",
            "found_by": "自己找",
            "assessed": "2023年3月1日",
        },
        {
            "risk_id": "K2",
            "description": "受理环节吃拿卡要",
            "category": "业务流程",
            "level": "二级",
            "step": "F1#1",
            "found_by": "群众提",
            "assessed": D(2022, 1, 10),
        },
        {
            "risk_id": "K3",
            "description": "班子决策走过场",
            "category": "三重一大",
            "level": "H",
            "unit_id": "U1",
            "found_by": "组织评",
        },
        {
            "risk_id": "K4",
            "description": "廉洁自律意识淡薄",
            "category": "思想道德",
            "level": "低",
            "post_ids": "P4",
        },
    ],
    "controls": [
        {
            "control_id": "C1",
            "description": "实行登记审核双人复核",
            "kind": "流程防控",
            "risks": "K1、K2",
            "owner_posts": "P3",
            "status": "已落实",
            "rule_id": "R1",
        },
        {
            "control_id": "C2",
            "description": "重大支出集体研究并公示",
            "kind": "机制防控",
            "risks": "K3",
            "owner_posts": "P1",
            "status": "计划",
            "due": "2025/12/31",
        },
        {
            "control_id": "C3",
            "description": "开展廉政教育",
            "kind": "教育防控",
            "risks": "K4",
            "owner_posts": "P3",
        },
    ],
    "incidents": [
        {
            "incident_id": "X1",
            "date": "2024年5月20日",
            "kind": "信访举报",
            "person_id": "E3",
            "post_id": "P4",
            "risk_id": "K4",
            "description": "群众反映办事拖延",
            "disposal": "提醒",
        },
    ],
}

# A second source: a department's own workbook, referring to the organisation's units.
DEPARTMENT = {
    "units": [{"unit_id": "U9", "name": "稽查大队", "parent_id": "U1", "kind": "内设机构"}],
    "posts": [{"post_id": "P9", "name": "稽查员", "unit_id": "U9", "key_post": "是"}],
    "people": [{"person_id": "E9", "name": "赵六"}],
    "assignments": [{"person_id": "E9", "post_id": "P9", "start_date": "2024-01-01"}],
    "powers": [{"power_id": "Q9", "name": "现场检查", "category": "行政检查", "posts": "P9"}],
    "risks": [
        {
            "risk_id": "K9",
            "description": "检查走过场",
            "category": "岗位职责",
            "level": "中",
            "post_ids": "P9",
            "power_id": "Q9",
        }
    ],
    "controls": [
        {"control_id": "C9", "description": "双人检查", "risks": "K9", "owner_posts": "P1"}
    ],
}

EXTRA = {"P1": "班子成员", "P3": "试点岗位"}


def with_extra_column(sheets: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The posts sheet gains a 备注 column that is not a register column."""
    posts = [{**row, "备注": EXTRA.get(row["post_id"])} for row in sheets["posts"]]
    return {**sheets, "posts": posts}


def write_workbook(path: Path, sheets: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """Chinese sheet names and headers, a title row above each header, real date cells."""
    return writers.write_workbook(path, with_extra_column(sheets or SHEETS), "zh", title_rows=True)


def write_csv_folder(folder: Path, sheets: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """English file names and headers, saved in GBK as Chinese Excel does."""
    return writers.write_csv_folder(folder, with_extra_column(sheets or SHEETS), "en", "gbk")

"""`lianfang template`: derived from the registers, fillable, and importable as filled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from graph_dump import node

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.ingest.load import load
from lianfang.ingest.registers import registers
from lianfang.ingest.template import write_template


def _validations(sheet) -> dict[str, list[str]]:
    """Column letter → the dropdown's values."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        letter = str(validation.sqref).split(":")[0].rstrip("0123456789")
        found[letter] = validation.formula1.strip('"').split(",")
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_has_a_sheet_per_register_with_marked_headers(tmp_path: Path, lang: str) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", lang))
    assert book.sheetnames[0] == ("说明" if lang == "zh" else "instructions")
    mapping = "值映射" if lang == "zh" else "mappings"
    assert book.sheetnames[1:] == [*(r.title(lang) for r in registers()), mapping]
    assert [c.value for c in book[mapping][2]] == (
        ["列", "原值", "标准值"] if lang == "zh" else ["column", "from", "to"]
    )
    for register in registers():
        headers = [c.value for c in book[register.title(lang)][1]]
        assert headers == [c.header(lang) + ("*" if c.required else "") for c in register.columns]


def test_every_vocabulary_has_a_dropdown_from_the_schema(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "zh"))
    risks = _validations(book["风险点"])
    assert risks["C"] == list(model.node("RiskPoint").prop("category").choices)
    assert risks["D"] == ["高", "中", "低"]
    assert _validations(book["防控措施"])["F"] == ["计划", "已落实", "失效"]
    assert _validations(book["岗位"])["D"] == ["是", "否"]
    dropdowns = sum(len(_validations(book[r.title("zh")])) for r in registers())
    vocabularies = sum(
        c.kind in ("choice", "level", "bool") for r in registers() for c in r.columns
    )
    assert dropdowns == vocabularies


def test_date_columns_are_date_formatted(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx", "zh"))
    assert book["任职"]["C2"].number_format == "yyyy-mm-dd"
    headers = [c.value for c in book["风险点"][1]]
    assessed = headers.index("评定日期") + 1
    assert book["风险点"].cell(row=500, column=assessed).number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_template_imports_without_edits(
    store: GraphStore, tmp_path: Path, lang: str
) -> None:
    path = write_template(tmp_path / "t.xlsx", lang)
    book = openpyxl.load_workbook(path)
    yes = "是" if lang == "zh" else "yes"
    high = "高" if lang == "zh" else "high"
    fill = {
        "units": [["U1", "县审计局", None, "机关"]],
        "posts": [["P1", "局长", "U1", yes, "主要领导", None, None]],
        "people": [["E1", "周敏", "正科级", "U1"]],
        "assignments": [["E1", "P1", dt.date(2022, 1, 4), None, None]],
        "powers": [["Q1", "审计项目计划审批", "其他行政权力", None, yes, "大", None, None, "P1"]],
        "risks": [
            [
                "K1",
                "审计计划受人情干扰",
                "岗位职责",
                high,
                "审计计划风险",
                "计划执行率",
                "P1",
                "Q1",
                None,
                None,
                2,
                4,
                "自己找",
                dt.date(2025, 2, 1),
            ]
        ],
        "controls": [["C1", "审计计划集体研究", "机制防控", "K1", "P1", "已落实", None, None]],
    }
    for name, rows in fill.items():
        sheet = book[next(r for r in registers() if r.name == name).title(lang)]
        for offset, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                sheet.cell(row=offset, column=column, value=value)
    book.save(path)
    report = load(path, store, source="template")
    assert [w for w in report.warnings if "instructions" in w.en or "说明" in w.zh] == []
    assert node(store, "RiskPoint", "K1")["level"] == "high"
    assert node(store, "Post", "P1")["key_post"] is True

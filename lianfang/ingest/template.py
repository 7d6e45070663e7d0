"""`lianfang template`: an empty register workbook an office can fill and import as is.

Everything in it comes from the register definitions and, through them, the schema:
the sheets, the headers (required ones marked *), the dropdowns of every vocabulary
and the date formats.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.graph import vocab
from lianfang.ingest.registers import Column, Register, registers

TEMPLATE_ROWS = 1000
DATE_FORMAT = "yyyy-mm-dd"
REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

KIND_HELP = {
    "zh": {
        "id": "编号(本表内唯一)",
        "text": "文字",
        "refs": "多个编号,用 ; , 、 或换行分隔",
        "ref": "编号",
        "bool": "是/否",
        "date": "日期,如 2024-03-01",
        "level": "高/中/低",
        "int": "整数",
        "choice": "从下拉列表选择",
        "step": "流程编号#序号,如 LC01#2",
    },
    "en": {
        "id": "id (unique in this sheet)",
        "text": "text",
        "refs": "several ids, separated by ; , 、 or newlines",
        "ref": "an id",
        "bool": "yes/no",
        "date": "a date such as 2024-03-01",
        "level": "high/medium/low",
        "int": "a whole number",
        "choice": "pick from the dropdown",
        "step": "process_id#seq, such as LC01#2",
    },
}


def dropdown(column: Column, lang: str) -> list[str] | None:
    """The values a column's dropdown offers, in the template's language."""
    if column.kind == "bool":
        return ["是", "否"] if lang == "zh" else ["yes", "no"]
    if column.kind == "level":
        return list(vocab.LEVEL_ZH.values()) if lang == "zh" else list(vocab.LEVELS)
    if column.kind == "choice" and column.choices:
        return list(column.choices)
    return None


def _validation(column: Column, lang: str, values: list[str]) -> DataValidation:
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=not column.required
    )
    validation.showErrorMessage = True
    validation.errorTitle = "无效的值" if lang == "zh" else "Invalid value"
    validation.error = ("请从列表中选择:" if lang == "zh" else "Pick one of: ") + "/".join(values)
    return validation


def _register_sheet(sheet: Worksheet, register: Register, lang: str) -> None:
    for position, column in enumerate(register.columns, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(
            row=1, column=position, value=column.header(lang) + ("*" if column.required else "")
        )
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        sheet.column_dimensions[letter].width = max(12, len(cell.value) * 2 + 4)
        cells = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        values = dropdown(column, lang)
        if values:
            validation = _validation(column, lang, values)
            sheet.add_data_validation(validation)
            validation.add(cells)
        if column.kind == "date":
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=position).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"


def _instructions(sheet: Worksheet, lang: str) -> None:
    zh = lang == "zh"
    sheet.append(
        ["廉政风险防控登记表 填表说明" if zh else "Integrity-risk registers: how to fill them"]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "带 * 的列必填;必需的登记表:单位、岗位、人员、任职、职权、风险点、防控措施。"
            "各表之间用编号互相引用。填好后用 `lianfang ingest 文件.xlsx` 导入。"
            if zh
            else "Columns marked * are required; required registers: units, posts, people, "
            "assignments, powers, risks, controls. Registers refer to each other by id. "
            "Import the filled workbook with `lianfang ingest FILE.xlsx`."
        ]
    )
    sheet.append([])
    sheet.append(
        ["登记表", "列", "必填", "填写说明"]
        if zh
        else ["register", "column", "required", "how to fill"]
    )
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for register in registers():
        for column in register.columns:
            values = dropdown(column, lang)
            help_text = "/".join(values) if values else KIND_HELP[lang][column.kind]
            required = ("是" if zh else "yes") if column.required else ""
            sheet.append([register.title(lang), column.header(lang), required, help_text])
    for letter, width in zip("ABCD", (14, 16, 8, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=2):
        row[0].alignment = Alignment(wrap_text=True)


def write_template(path: Path, lang: str = "zh") -> Path:
    """The empty workbook: an instructions sheet, then one sheet per register."""
    if lang not in ("zh", "en"):
        raise ValueError(f"--lang must be zh or en, not {lang!r}")
    book = Workbook()
    _instructions(book.active, lang)
    book.active.title = "说明" if lang == "zh" else "instructions"
    for register in registers():
        _register_sheet(book.create_sheet(register.title(lang)), register, lang)
    book.save(path)
    return path

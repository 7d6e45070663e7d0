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


def accepted_forms(column: Column, label: str | None) -> list[str]:
    """Every form the import reads for a column, standard words first: what its note
    and the instructions list, so a clerk need not guess what an office's print means."""
    if column.kind == "bool":
        return ["是", "否", "√", "Y", "N", "yes", "no", "true", "false", "1", "0"]
    if column.kind == "level":
        forms = {v: None for v in vocab.LEVEL_ZH.values()}
        forms.update({v: None for v in ("一级", "二级", "三级", "高风险", "中风险", "低风险")})
        forms.update({v: None for v in ("一级风险", "Ⅰ级", "Ⅱ级", "Ⅲ级", "1级", "2级", "3级")})
        forms.update({v: None for v in (*vocab.LEVELS, "H", "M", "L")})
        return list(forms)
    if column.kind == "choice" and column.choices:
        printed = vocab.choice_forms(label or "", column.prop or "", column.choices)
        extra = [f for f in printed if printed[f] not in (f,) and f not in column.choices]
        return [*column.choices, *extra]
    return []


def _validation(column: Column, lang: str, values: list[str], forms: list[str]) -> DataValidation:
    """A dropdown that warns but lets any value through: an office's own form (A/B/C,
    ★) is typed as printed and declared in the 值映射 sheet."""
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=not column.required
    )
    validation.showErrorMessage = True
    validation.errorStyle = "warning"
    validation.errorTitle = "不在列表中" if lang == "zh" else "Not in the list"
    listed = "/".join(forms)[:200]
    validation.error = (
        f"可填写:{listed}。本单位的其他写法请在“值映射”表中说明。"
        if lang == "zh"
        else f"Accepted: {listed}. Declare your office's own forms in the 值映射 sheet."
    )
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
            validation = _validation(column, lang, values, accepted_forms(column, register.label))
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
            forms = accepted_forms(column, register.label)
            help_text = "/".join(forms) if forms else KIND_HELP[lang][column.kind]
            required = ("是" if zh else "yes") if column.required else ""
            sheet.append([register.title(lang), column.header(lang), required, help_text])
    for letter, width in zip("ABCD", (14, 16, 8, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, max_row=2):
        row[0].alignment = Alignment(wrap_text=True)


MAPPING_NOTE = {
    "zh": (
        "值映射:本单位若用自己的等级或写法(如 A/B/C、★、红/黄/蓝),在此逐行写明含义,"
        "例如“风险等级 | A | 高”。列填登记表的列名(中文或英文),原值填表中写法,"
        "标准值填上面各表可接受的写法。导入时按此读取,不作猜测。"
    ),
    "en": (
        "Value mapping: where your office uses its own scale or words (A/B/C, ★, 红/黄/蓝), "
        "say what each means here, one row each, e.g. 'level | A | high'. Column is a "
        "register column's header (Chinese or English), from is the form written, to is a "
        "form the registers accept. The import reads them so and never guesses."
    ),
}


def _mapping_sheet(sheet: Worksheet, lang: str) -> None:
    """The empty 值映射 sheet: a note, then its three headers."""
    sheet.append([MAPPING_NOTE[lang]])
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A1:C1")
    sheet.row_dimensions[1].height = 60
    sheet.append(["列", "原值", "标准值"] if lang == "zh" else ["column", "from", "to"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for letter in "ABC":
        sheet.column_dimensions[letter].width = 30
    sheet.freeze_panes = "A3"


def write_template(path: Path, lang: str = "zh") -> Path:
    """The empty workbook: an instructions sheet, one sheet per register, and an empty
    value mapping."""
    if lang not in ("zh", "en"):
        raise ValueError(f"--lang must be zh or en, not {lang!r}")
    book = Workbook()
    _instructions(book.active, lang)
    book.active.title = "说明" if lang == "zh" else "instructions"
    for register in registers():
        _register_sheet(book.create_sheet(register.title(lang)), register, lang)
    _mapping_sheet(book.create_sheet("值映射" if lang == "zh" else "mappings"), lang)
    book.save(path)
    return path

"""The review as a workbook: one sheet per section, frozen headers and autofilters."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.graph import vocab
from lianfang.queries.exports import safe_cell
from lianfang.queries.headings import shown
from lianfang.queries.spec import profile as profile_spec
from lianfang.reports.chart import TITLE
from lianfang.reports.punctuation import full_width
from lianfang.reports.reading import FINDING_ID_ZH
from lianfang.reports.review import PROFILE_COLUMNS, Review, Section, counted, summary_sentence
from lianfang.viz.style import LEVEL_COLOURS

SEVERITY_ZH = vocab.LEVEL_ZH


def add_table(
    sheet: Worksheet, header_row: int, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """A table whose header is frozen and filtered, starting at `header_row`."""
    for column, name in enumerate(names, start=1):
        sheet.cell(row=header_row, column=column, value=name).font = Font(bold=True)
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            sheet.cell(
                row=header_row + offset,
                column=column,
                value=value if isinstance(value, int | float) else safe_cell(value),
            )
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    last = sheet.cell(row=header_row + max(len(rows), 1), column=max(len(names), 1))
    sheet.auto_filter.ref = f"A{header_row}:{last.coordinate}"
    for column, name in enumerate(names, start=1):
        values = [name, *(str(r[column - 1] or "") for r in rows[:500])]
        width = max(_display_width(v) for v in values) + 2  # room for the filter arrow
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = min(max(width, 8), MAX_WIDTH)


MAX_WIDTH = 60  # characters; longer text wraps in the cell


def _display_width(text: str) -> float:
    """Columns a text takes in Excel: two for a Chinese character, one for the rest."""
    return sum(2 if ord(ch) > 0x2E80 else 1.1 for ch in text)


def _sheet_title(section: Section, taken: set[str]) -> str:
    title = section.spec.title_zh[:28]
    while title in taken:
        title += "'"
    taken.add(title)
    return title


def _cover(sheet: Worksheet, review: Review) -> None:
    sheet.title = "封面"
    lines = [
        (f"{review.organisation}{review.as_of.year}年度廉政风险防控工作报告", None),
        ("单位", review.organisation),
        ("范围", review.scope),
        ("截止日期", review.as_of.isoformat()),
        ("生成时间", review.generated.replace("T", " ")),
        ("概述", summary_sentence(review)),
    ]
    if review.compared_with:
        lines.append(
            ("对比快照", f"{review.compared_with.name}（截至{review.compared_with.as_of}）")
        )
    for row, (label, value) in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=safe_cell(label)).font = Font(
            bold=True, size=14 if row == 1 else 11
        )
        # The organisation, the scope and a snapshot's name are register or user text.
        cell = sheet.cell(row=row, column=2, value=None if value is None else safe_cell(value))
        cell.alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90


def _section(sheet: Worksheet, section: Section) -> None:
    spec = section.spec
    meta = [
        spec.title_zh,
        full_width(spec.description_zh),
        f"严重程度：{SEVERITY_ZH[spec.severity]}；发现{counted(section)}",
        f"整改建议：{spec.remedy}",
    ]
    if section.drift:
        d = section.drift
        meta.append(f"新增{len(d.new)}项，已整改{len(d.closed)}项，持续{len(d.persisting)}项")
    for row, text in enumerate(meta, start=1):
        sheet.cell(row=row, column=1, value=safe_cell(text)).font = Font(bold=row == 1)
    columns = [c.name for c in spec.columns]
    names = [FINDING_ID_ZH, *(spec.heading(c, "zh") for c in columns)]
    rows = [[spec.finding_id(r), *(_value(c, r.get(c)) for c in columns)] for r in section.rows]
    add_table(sheet, len(meta) + 2, names, rows)


def _value(column: str, value: Any) -> Any:
    """Numbers stay numbers (to sum and sort); coded values and flags read in Chinese."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return shown(column, value, "zh")


def _chart(sheet: Worksheet, categories: int) -> None:
    """A native stacked bar chart over the distribution table: Excel draws it, in
    Excel's own fonts, so no font is needed here."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = TITLE
    chart.y_axis.title = "风险点数量"
    levels = Reference(sheet, min_col=2, max_col=4, min_row=1, max_row=categories + 1)
    chart.add_data(levels, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=categories + 1))
    for series, level in zip(chart.series, vocab.LEVELS, strict=True):
        series.graphicalProperties.solidFill = LEVEL_COLOURS[level].lstrip("#")
    chart.width, chart.height = 18, 9
    sheet.add_chart(chart, "F2")


def write_xlsx(review: Review) -> bytes:
    book = Workbook()
    _cover(book.active, review)
    profile = book.create_sheet("单位概况")
    spec = profile_spec()
    add_table(
        profile,
        1,
        [spec.heading(c, "zh") for c in PROFILE_COLUMNS],
        [[_value(c, r.get(c)) for c in PROFILE_COLUMNS] for r in review.profile],
    )
    spread = book.create_sheet("风险分布")
    add_table(
        spread,
        1,
        ["类别", "高", "中", "低"],
        [[c, v["high"], v["medium"], v["low"]] for c, v in review.distribution.items()],
    )
    _chart(spread, len(review.distribution))
    taken = {"封面", "单位概况", "风险分布"}
    for section in review.sections:
        _section(book.create_sheet(_sheet_title(section, taken)), section)
    for table in review.loop:  # a sheet each, named by the table's title up to any bracket
        sheet = book.create_sheet(table.title.split("（")[0][:31])
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True)
        add_table(sheet, 2, table.names, table.rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

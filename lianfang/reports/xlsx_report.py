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
from lianfang.reports.review import PROFILE_COLUMNS, Review, Section, summary_sentence
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
    for column in range(1, len(names) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = 18


def _sheet_title(section: Section, taken: set[str]) -> str:
    title = section.spec.title_zh[:28]
    while title in taken:
        title += "'"
    taken.add(title)
    return title


def _cover(sheet: Worksheet, review: Review) -> None:
    sheet.title = "封面"
    lines = [
        ("廉政风险防控工作年度报告", None),
        ("单位 Organisation", review.organisation),
        ("范围 Scope", review.scope),
        ("截止日期 As of", review.as_of.isoformat()),
        ("生成 Generated", review.generated),
        ("概述 Summary", summary_sentence(review)),
    ]
    if review.compared_with:
        lines.append(
            ("对比 Compared with", f"{review.compared_with.name}({review.compared_with.as_of})")
        )
    for row, (label, value) in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=label).font = Font(
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
        f"{spec.title_zh} {spec.title_en}",
        spec.description_zh,
        f"严重程度 {SEVERITY_ZH[spec.severity]} · {section.ratio}",
        f"整改建议:{spec.remedy}",
    ]
    if section.drift:
        d = section.drift
        meta.append(f"新增 {len(d.new)} · 已整改 {len(d.closed)} · 持续 {len(d.persisting)}")
    for row, text in enumerate(meta, start=1):
        sheet.cell(row=row, column=1, value=safe_cell(text)).font = Font(bold=row == 1)
    names = [c.name for c in spec.columns]
    add_table(sheet, len(meta) + 2, names, [[r.get(n) for n in names] for r in section.rows])


def _chart(sheet: Worksheet, categories: int) -> None:
    """A native stacked bar chart over the distribution table: Excel draws it, in
    Excel's own fonts, so no font is needed here."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "廉政风险点分布(按类别、等级)"
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
    add_table(
        profile, 1, PROFILE_COLUMNS, [[r.get(c) for c in PROFILE_COLUMNS] for r in review.profile]
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
        sheet = book.create_sheet(table.title.split("(")[0][:31])
        sheet.cell(row=1, column=1, value=table.title).font = Font(bold=True)
        add_table(sheet, 2, table.names, table.rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""The review as a Word document (python-docx), Chinese set in an East Asian font."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from lianfang.graph import vocab
from lianfang.queries.exports import cell
from lianfang.reports.chart import NO_FONT, FontMissing, distribution_png
from lianfang.reports.review import PROFILE_COLUMNS, Review, Section, summary_sentence

EAST_ASIAN_FONT = "SimSun"  # 宋体, the usual face of official documents; viewers substitute
SEVERITY_ZH = vocab.LEVEL_ZH
MAX_ROWS = 200  # per section in the document; the workbook has every row


def set_fonts(document: DocumentObject) -> None:
    for style in document.styles:
        if style.type == 1 and style.font is not None:  # paragraph styles
            style.font.name = style.font.name or "Calibri"
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def add_table(document: DocumentObject, names: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(names))
    table.style = "Table Grid"
    for cell_, name in zip(table.rows[0].cells, names, strict=True):
        cell_.text = name
        cell_.paragraphs[0].runs[0].bold = True
    for values in rows:
        for cell_, value in zip(table.add_row().cells, values, strict=True):
            cell_.text = value
    for row in table.rows:
        for cell_ in row.cells:
            for paragraph in cell_.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _section(document: DocumentObject, section: Section) -> None:
    spec = section.spec
    document.add_heading(f"{spec.title_zh}({SEVERITY_ZH[spec.severity]}):{section.ratio}", level=3)
    document.add_paragraph(spec.description_zh)
    if section.drift:
        d = section.drift
        document.add_paragraph(
            f"与上次对比:新增 {len(d.new)},已整改 {len(d.closed)},持续 {len(d.persisting)}"
        )
    if section.rows:
        names = [c.name for c in spec.columns]
        shown = section.rows[:MAX_ROWS]
        add_table(document, names, [[cell(r.get(n)) for n in names] for r in shown])
        if len(section.rows) > MAX_ROWS:
            document.add_paragraph(
                f"(仅列出前 {MAX_ROWS} 条,共 {len(section.rows)} 条,完整清单见 XLSX 报告)"
            )
    else:
        document.add_paragraph("未发现问题。")
    document.add_paragraph(f"整改建议:{spec.remedy}")


def write_docx(review: Review) -> bytes:
    document = Document()
    set_fonts(document)
    title = document.add_heading("廉政风险防控工作年度报告", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (
        f"单位:{review.organisation}",
        f"范围:{review.scope}",
        f"截止日期:{review.as_of.isoformat()}",
        f"生成时间:{review.generated}",
    ):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if review.compared_with:
        document.add_paragraph(
            f"对比快照:{review.compared_with.name}({review.compared_with.as_of})"
        )
    document.add_page_break()
    document.add_paragraph(summary_sentence(review))
    document.add_heading("一、单位廉政风险概况", level=1)
    add_table(
        document,
        list(PROFILE_COLUMNS),
        [[cell(r.get(c)) for c in PROFILE_COLUMNS] for r in review.profile],
    )
    document.add_heading("二、风险点分布", level=1)
    try:
        document.add_picture(io.BytesIO(distribution_png(review.distribution)), width=Cm(16))
    except FontMissing:
        document.add_paragraph(f"(图表未生成:本机缺少中文字体,以下表格列出同样的数字。{NO_FONT})")
    add_table(
        document,
        ["类别", "高", "中", "低"],
        [
            [c, str(v["high"]), str(v["medium"]), str(v["low"])]
            for c, v in review.distribution.items()
        ],
    )
    document.add_heading("三、发现的问题及整改建议", level=1)
    for severity, heading in (
        ("high", "(一)高严重度"),
        ("medium", "(二)中严重度"),
        ("low", "(三)低严重度"),
    ):
        document.add_heading(heading, level=2)
        for section in review.by_severity(severity):
            _section(document, section)
    document.add_heading("四、预警、整改与考核", level=1)
    for table in review.loop:
        document.add_heading(table.title, level=2)
        if table.rows:
            add_table(document, table.names, table.rows[:MAX_ROWS])
        else:
            document.add_paragraph("无。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

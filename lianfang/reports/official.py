"""Word documents in the form of a government document (GB/T 9704-2012).

What the standard sets and this module follows: A4 paper; margins of 37 mm (top), 35 mm
(bottom), 28 mm (left) and 26 mm (right); the body in 3号 仿宋, the title in 2号 宋体
(bold, where 方正小标宋 is not to be assumed); first-level headings in 黑体, second-level
in 楷体, third-level in bold 仿宋; page numbers in 4号 宋体 as "— 1 —", odd pages on the
right and even pages on the left; the issuing body and the date at the end. The
document's language is zh-CN and every run names its East Asian font, so that Word and
LibreOffice choose a Simplified Chinese face (not a Japanese one) where the named font
is missing. A report sets its wide tables on landscape pages (`landscape`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Length, Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from lianfang.reports.punctuation import full_width

# Faces every Chinese edition of Windows has; LibreOffice maps them through fontconfig.
SONG, FANGSONG, HEITI, KAITI = "宋体", "仿宋", "黑体", "楷体"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
PAGE_NUMBER_PT = 14  # 四号
TABLE_PT = 9  # small enough for a dozen columns in landscape
LINE_PT = 28  # 22 lines to the page
CELL_PADDING_EM = 1.0  # a cell's left and right margins, in characters
RED = RGBColor(0xC0, 0x00, 0x00)
PORTRAIT = (Mm(210), Mm(297))
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
HEADING_FACES = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True)}


@dataclass(frozen=True)
class Issue:
    """Who issues the document, and its number (发文字号), if it has one."""

    issuer: str = ""
    doc_no: str = ""


def chinese_date(day: dt.date) -> str:
    """The date as the standard writes it: "2026年12月3日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def _fonts(element: Any, face: str) -> None:
    """Name `face` for East Asian text, and for Latin text too, so digits in a table do
    not fall back to a Latin face of another height."""
    fonts = element.get_or_add_rFonts()
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), face)


def _language(document: DocumentObject) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), "zh-CN")
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        settings.append(theme)
    theme.set(qn("w:val"), "zh-CN")
    theme.set(qn("w:eastAsia"), "zh-CN")


def _style(style: ParagraphStyle, face: str, size: float, bold: bool = False) -> None:
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element.get_or_add_rPr(), face)
    layout = style.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(LINE_PT)
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)


def new_document() -> DocumentObject:
    """An empty document on A4 with the standard's margins, styles and page numbers."""
    document = Document()
    _language(document)
    styles = document.styles
    _style(styles["Normal"], FANGSONG, BODY_PT)
    styles["Normal"].paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    _style(styles["Title"], SONG, TITLE_PT, bold=True)
    title_layout = styles["Title"].paragraph_format
    title_layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title_layout.line_spacing = Pt(TITLE_PT * 1.6)
    title_layout.first_line_indent = Pt(0)
    title_layout.space_after = Pt(LINE_PT)
    _no_rule_under_title(styles["Title"])
    for level, (face, bold) in HEADING_FACES.items():
        style = styles[f"Heading {level}"]
        _style(style, face, BODY_PT, bold=bold)
        style.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        style.paragraph_format.keep_with_next = True
    section = document.sections[0]
    section.page_width, section.page_height = PORTRAIT
    _margins(section)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    return document


def _no_rule_under_title(style: ParagraphStyle) -> None:
    """Word's Title style draws a coloured rule under the title; an official one has none."""
    properties = style.element.get_or_add_pPr()
    for border in properties.findall(qn("w:pBdr")):
        properties.remove(border)


def _margins(section: Section) -> None:
    section.top_margin = MARGINS["top"]
    section.bottom_margin = MARGINS["bottom"]
    section.left_margin = MARGINS["left"]
    section.right_margin = MARGINS["right"]
    section.footer_distance = Mm(28) - Mm(7)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (a page number, a contents list) with the text shown until updated."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    paragraph.add_run(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _page_number(paragraph: Paragraph, side: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.alignment = side
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    indent = Pt(PAGE_NUMBER_PT)  # 空一字 from the edge
    if side == WD_ALIGN_PARAGRAPH.RIGHT:
        layout.right_indent = indent
    else:
        layout.left_indent = indent
    paragraph.add_run("— ")
    _field(paragraph, " PAGE ", "1")
    paragraph.add_run(" —")
    for run in paragraph.runs:
        run.font.size = Pt(PAGE_NUMBER_PT)
        _fonts(run._r.get_or_add_rPr(), SONG)


def masthead(document: DocumentObject, issue: Issue) -> None:
    """The issuing body in red, the document number, and the red rule under them."""
    if not issue.issuer and not issue.doc_no:
        return
    if issue.issuer:
        head = document.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        head.paragraph_format.first_line_indent = Pt(0)
        head.paragraph_format.line_spacing = Pt(TITLE_PT * 2.2)
        run = head.add_run(issue.issuer)
        run.font.size = Pt(TITLE_PT * 1.6)
        run.font.bold = True
        run.font.color.rgb = RED
        _fonts(run._r.get_or_add_rPr(), SONG)
    number = document.add_paragraph(full_width(issue.doc_no))
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.first_line_indent = Pt(0)
    number.paragraph_format.space_after = Pt(LINE_PT)
    _red_rule(number)


def _red_rule(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attribute, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6")):
        bottom.set(qn(attribute), value)
    bottom.set(qn("w:color"), "C00000")
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def title(document: DocumentObject, text: str, subtitle: str = "") -> None:
    document.add_paragraph(full_width(text), style="Title")
    if subtitle:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.first_line_indent = Pt(0)
        line.paragraph_format.space_after = Pt(LINE_PT)
        run = line.add_run(full_width(subtitle))
        _fonts(run._r.get_or_add_rPr(), KAITI)


def addressee(document: DocumentObject, name: str) -> None:
    """The recipient (主送机关), flush left, followed by a full-width colon."""
    line = document.add_paragraph(full_width(name) + "：")
    line.paragraph_format.first_line_indent = Pt(0)


def heading(document: DocumentObject, text: str, level: int) -> Paragraph:
    return document.add_paragraph(full_width(text), style=f"Heading {level}")


def prose(document: DocumentObject, text: str) -> Paragraph:
    """A body paragraph: 仿宋, indented two characters, Chinese punctuation."""
    return document.add_paragraph(full_width(text))


def note(document: DocumentObject, text: str) -> Paragraph:
    """A small unindented line under a table (what it leaves out, where the rest is)."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(0)
    run = paragraph.add_run(full_width(text))
    run.font.size = Pt(TABLE_PT + 1.5)
    return paragraph


def contents(document: DocumentObject, entries: Sequence[tuple[int, str]]) -> None:
    """A contents list: a Word TOC field over the headings (updated with F9 in Word, page
    numbers then filled in), showing the headings themselves until then."""
    heading_line = document.add_paragraph()
    heading_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading_line.paragraph_format.first_line_indent = Pt(0)
    run = heading_line.add_run("目  录")
    _fonts(run._r.get_or_add_rPr(), HEITI)
    field = document.add_paragraph()
    field.paragraph_format.first_line_indent = Pt(0)
    _field(field, ' TOC \\o "1-2" \\h \\z \\u ', "")
    # The entries as the field's shown text would be lost on update; as paragraphs of
    # their own they stay readable in any viewer.
    for level, text in entries:
        line = document.add_paragraph()
        layout = line.paragraph_format
        layout.first_line_indent = Pt(0)
        layout.left_indent = Pt(BODY_PT * 2 * (level - 1))
        line.add_run(full_width(text))
    document.add_page_break()


def picture_line(paragraph: Paragraph) -> None:
    """The paragraph holding a picture: centred, and not clipped to the body's exact
    line height."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE


def attachments(document: DocumentObject, names: Sequence[str]) -> None:
    """The attachment note after the body: "附件：1．… 2．…", aligned under the first."""
    for index, name in enumerate(names, start=1):
        line = document.add_paragraph()
        layout = line.paragraph_format
        if index == 1:
            line.add_run(f"附件：1．{full_width(name)}")
        else:
            layout.left_indent = Pt(BODY_PT * 5)
            layout.first_line_indent = Pt(0)
            line.add_run(f"{index}．{full_width(name)}")


def appendix_heading(document: DocumentObject, number: int, name: str) -> None:
    """ "附件1" in 黑体 flush left, then the appendix's title centred, on a new page."""
    if document.paragraphs and document.paragraphs[-1].text:
        document.add_page_break()
    mark = document.add_paragraph(f"附件{number}", style="Heading 1")
    mark.paragraph_format.first_line_indent = Pt(0)
    official_title = document.add_paragraph(full_width(name))
    official_title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    official_title.paragraph_format.first_line_indent = Pt(0)
    official_title.paragraph_format.space_after = Pt(LINE_PT / 2)
    run = official_title.runs[0]
    run.font.size = Pt(TITLE_PT)
    run.font.bold = True
    _fonts(run._r.get_or_add_rPr(), SONG)


def landscape(document: DocumentObject) -> None:
    """Start a landscape section (for a wide table)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PORTRAIT[1], PORTRAIT[0]
    _margins(section)


def _text_width(text: str) -> float:
    """Width in em: a Chinese character is one, a Latin letter or digit about half."""
    return sum(
        1.0 if ord(ch) > 0x2E80 else 0.65 if ch.isupper() or ch.isdigit() else 0.5 for ch in text
    )


def column_widths(names: Sequence[str], rows: Sequence[Sequence[str]], room: float) -> list[float]:
    """Widths in points, summing to `room`, that follow what each column holds: never
    less than its longest unbreakable word (a number, an id) and four characters of its
    heading; what is left goes to the columns of long text."""
    em = TABLE_PT * 1.1
    floors, wants = [], []
    for index, name in enumerate(names):
        cells = [row[index] for row in rows[:200]]
        words = [_text_width(w) for cell in cells for w in cell.split() if w.isascii()]
        floor = max([*words, min(_text_width(name), 4.0), 2.0]) + CELL_PADDING_EM
        typical = max([min(_text_width(c), 24.0) for c in cells] + [_text_width(name) / 2])
        floors.append(floor * em)
        wants.append(max(typical + CELL_PADDING_EM, floor) * em)
    if sum(wants) <= room:
        return [w * room / sum(wants) for w in wants]
    spare = max(room - sum(floors), 0.0)
    extra = [w - f for w, f in zip(wants, floors, strict=True)]
    return [f + spare * e / (sum(extra) or 1.0) for f, e in zip(floors, extra, strict=True)]


def table(
    document: DocumentObject, names: Sequence[str], rows: Sequence[Sequence[str]], room: float
) -> Table:
    """A ruled table in small 仿宋, its heading row repeated on every page, its columns
    as wide as what they hold (`room`: the text width in points)."""
    grid = document.add_table(rows=1, cols=len(names))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = column_widths(names, rows, room)
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, name in zip(header.cells, names, strict=True):
        _cell_text(cell, name, bold=True)
    for values in rows:
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            _cell_text(cell, value)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Pt(width)  # the grid, which LibreOffice reads
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Pt(width)  # and each cell, which Word reads
    return grid


def _cell_text(cell: _Cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if bold:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.font.size = Pt(TABLE_PT)
    run.font.bold = bold
    _fonts(run._r.get_or_add_rPr(), HEITI if bold else FANGSONG)


def text_room(landscaped: bool) -> float:
    """The width between the margins, in points."""
    width = PORTRAIT[1] if landscaped else PORTRAIT[0]
    return Length(width - MARGINS["left"] - MARGINS["right"]).pt


def signature(document: DocumentObject, issuer: str, day: dt.date) -> None:
    """The issuing body and the date, right-aligned, four characters from the edge."""
    document.add_paragraph()
    for text in (issuer, chinese_date(day)):
        if not text:
            continue
        line = document.add_paragraph(full_width(text))
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.paragraph_format.first_line_indent = Pt(0)
        line.paragraph_format.right_indent = Pt(BODY_PT * 4)

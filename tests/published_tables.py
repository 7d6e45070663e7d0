"""Writing published tables in the shapes offices print them, for the tests: a Word
table with merged cells, a saved web page, a workbook with merged ranges."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from docx import Document

Rows = list[list[str | None]]


def write_docx(path: Path, lines: list[str], tables: list[tuple[Rows, list[tuple]]]) -> Path:
    """Paragraphs, then each table: (rows, merges), a merge being (row, col, row2, col2).
    A None cell is left empty (a merge fills it)."""
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    for rows, merges in tables:
        table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    table.cell(r, c).text = value
        for r1, c1, r2, c2 in merges:
            table.cell(r1, c1).merge(table.cell(r2, c2))
        doc.add_paragraph("")
    doc.save(path)
    return path


def write_xlsx(path: Path, rows: Rows, merges: list[str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for merge in merges or []:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def write_html(path: Path, title: str, rows: list[list[tuple[str, int, int]]]) -> Path:
    """Rows of (text, rowspan, colspan) cells, as a saved page holds them."""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td rowspan="{rs}" colspan="{cs}">{text.replace(chr(10), "<br>")}</td>'
            for text, rs, cs in row
        )
        + "</tr>"
        for row in rows
    )
    path.write_text(
        f'<html><head><meta charset="gbk"></head><body><h2>{title}</h2>'
        f'<table border="1">{body}</table></body></html>',
        encoding="gbk",
    )
    return path

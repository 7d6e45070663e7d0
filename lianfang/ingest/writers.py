"""Writing registers (rows keyed by column name) out as a workbook or a CSV folder.

The demo generator writes its organisation through these, and so do the tests; a key
of a row that is not a register column becomes an extra column.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lianfang.ingest.registers import Register, register

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def _headers(
    spec: Register, rows: Sequence[Mapping[str, Any]], lang: str
) -> tuple[list[str], list[str]]:
    """(column keys, header texts): the register's columns, then any extra keys."""
    keys = [c.name for c in spec.columns]
    extras = list(dict.fromkeys(k for row in rows for k in row if k not in keys))
    texts = [c.header(lang) + ("*" if c.required else "") for c in spec.columns]
    return keys + extras, texts + extras


def write_workbook(path: Path, sheets: Rows, lang: str = "zh", title_rows: bool = False) -> Path:
    """One sheet per register, named and headed in `lang`; dates as real date cells."""
    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        spec = register(name)
        sheet = book.create_sheet(spec.title(lang))
        if title_rows:
            sheet.append([f"{spec.zh}登记表" if lang == "zh" else f"Register of {spec.name}"])
        keys, texts = _headers(spec, rows, lang)
        header = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(key) for key in keys])
    book.save(path)
    return path


def csv_text(value: Any) -> str:
    """A value as Chinese Excel would save it to CSV (dates as 2024/3/1)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def write_csv_folder(
    folder: Path, sheets: Rows, lang: str = "en", encoding: str = "utf-8-sig"
) -> Path:
    """One CSV per register, named after it in `lang`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        spec = register(name)
        keys, texts = _headers(spec, rows, lang)
        with (folder / f"{spec.title(lang)}.csv").open("w", encoding=encoding, newline="") as out:
            writer = csv.writer(out)
            writer.writerow(texts)
            writer.writerows([csv_text(row.get(key)) for key in keys] for row in rows)
    return folder

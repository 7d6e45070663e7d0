"""Query rows as JSON, CSV and XLSX: one writer for the CLI, the API and the reports,
so every export neutralises spreadsheet formulas the same way."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

Row = dict[str, Any]


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(rows: Sequence[Row]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=_json_default)


def cell(value: Any) -> str:
    """One value as text: dates in ISO form, lists joined, maps as JSON."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)


def columns(rows: Sequence[Row]) -> list[str]:
    """Column names in first-seen order across all rows."""
    return list(dict.fromkeys(name for row in rows for name in row))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell for CSV/XLSX that a spreadsheet will never run as a formula."""
    text = cell(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(rows: Sequence[Row], names: Sequence[str] | None = None) -> str:
    """CSV with a header row, every cell neutralised against formula injection."""
    out = io.StringIO()
    names = list(names) if names is not None else columns(rows)
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        writer.writerow([safe_cell(row.get(name)) for name in names])
    return out.getvalue()


def to_xlsx(rows: Sequence[Row], names: Sequence[str], title: str) -> bytes:
    """One sheet with a frozen, filtered header; cells neutralised like CSV's."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(names))
    for header in sheet[1]:
        header.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(row.get(name)) for name in names])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

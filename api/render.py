"""Rows to terminal tables, JSON and CSV, shared by every CLI command that prints rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

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


def to_csv(rows: Sequence[Row]) -> str:
    out = io.StringIO()
    names = columns(rows)
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in names])
    return out.getvalue()


def to_table(rows: Sequence[Row], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False)
    names = columns(rows)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows:
        # Text, not str: register contents must never be read as rich markup.
        table.add_row(*(Text(cell(row.get(name))) for name in names))
    return table

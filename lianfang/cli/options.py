"""The options several commands share, declared once so they read and check alike."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lianfang.graph import calendar


def _check_date(value: str | None) -> str | None:
    """A one-line error (exit 2) for a date that is not one, before any store is opened."""
    if value is None:
        return None
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        from lianfang.cli.support import fail

        fail(f"--as-of: {value!r} is not a date (YYYY-MM-DD)", code=2)
    return value.strip()


def as_of_date(value: str | None) -> dt.date:
    """The --as-of day, or today."""
    return dt.date.fromisoformat(value) if value else calendar.today()


class RowsFormat(StrEnum):
    """Rows printed: a table on the terminal, or JSON/CSV for a pipe."""

    table = "table"
    json = "json"
    csv = "csv"


class ExportFormat(StrEnum):
    """Rows printed or exported: RowsFormat, plus an Excel file."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


# The one way every command is asked for its output form.
RowsFormatOpt = Annotated[
    RowsFormat, typer.Option("--format", "-f", help="table, json or csv.", show_default=True)
]
ExportFormatOpt = Annotated[
    ExportFormat,
    typer.Option(
        "--format", "-f", help="table, json, csv, or xlsx (with -o FILE).", show_default=True
    ),
]


class DocumentFormat(StrEnum):
    """The annual review's documents."""

    docx = "docx"
    xlsx = "xlsx"
    html = "html"


class DisclosureFormat(StrEnum):
    """The public disclosure: a sheet to print or a page to publish."""

    xlsx = "xlsx"
    html = "html"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Review date YYYY-MM-DD (default today).",
        callback=_check_date,
        show_default=False,
    ),
]
Params = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="Parameter name=value (repeatable).", show_default=False),
]
Unit = Annotated[
    str | None,
    typer.Option("--unit", help="A unit id: that unit and its sub-units.", show_default=False),
]
Output = Annotated[Path, typer.Option("--output", "-o", help="The file to write.")]
OptionalOutput = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file.", show_default=False)
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of sheet names and headers.")]


class MapLayout(StrEnum):
    layered = "layered"
    force = "force"


LayoutOpt = Annotated[
    MapLayout, typer.Option("--layout", help="Columns (layered) or a force simulation.")
]
LimitOpt = Annotated[
    int, typer.Option("--limit", min=0, help="Fold detail above this many nodes (0: never).")
]

"""`lianfang queries`, `lianfang query` and `lianfang check`: the canned gap queries."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from api.cli_support import console, fail, opened, split_params
from api.render import cell, to_csv, to_json, to_xlsx
from graph.store import GraphStore
from queries.params import ParameterError
from queries.runner import QueryResult, UnknownQuery, find, run
from queries.spec import library

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of: {value!r} is not a date (YYYY-MM-DD)", code=2)


def query_params(as_of: str | None, pairs: list[str]) -> dict[str, Any]:
    """`name=value` pairs as text (the runner types and checks them), plus `--as-of`."""
    params: dict[str, Any] = split_params(pairs)
    if as_of is not None:
        parse_as_of(as_of)
        params["as_of"] = as_of
    return params


def run_or_fail(store: GraphStore, query_id: str, params: dict[str, Any]) -> QueryResult:
    try:
        return run(store, query_id, params)
    except (UnknownQuery, ParameterError) as exc:
        fail(str(exc), code=2)


def result_table(result: QueryResult) -> Table:
    spec = result.spec
    table = Table(title=f"{spec.title_zh} {spec.title_en} ({result.ratio()})", show_lines=False)
    for column in spec.columns:
        table.add_column(column.name, overflow="fold")
    for row in result.rows:
        table.add_row(*(Text(cell(row.get(c.name))) for c in spec.columns))
    return table


def write_output(result: QueryResult, fmt: QueryFormat, out: Path | None) -> None:
    names = [c.name for c in result.spec.columns]
    if fmt is QueryFormat.xlsx:
        if out is None:
            fail("--format xlsx needs -o FILE.xlsx", code=2)
        out.write_bytes(to_xlsx(result.rows, names, result.spec.id))
        console.print(f"wrote {len(result.rows)} row(s) to {out}", highlight=False)
        return
    if fmt is QueryFormat.table:
        console.print(result_table(result))
        console.print(f"整改建议 remedy: {result.spec.remedy}", highlight=False)
        return
    text = to_json(result.rows) + "\n" if fmt is QueryFormat.json else to_csv(result.rows, names)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if fmt is QueryFormat.csv else "utf-8")


QueryId = Annotated[str, typer.Argument(help="A query id from `lianfang queries`.")]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Review date YYYY-MM-DD (default today).")
]
Params = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="Parameter name=value (repeatable).")
]
FormatOpt = Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")]
OutOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]


def query(
    ctx: typer.Context,
    query_id: QueryId,
    as_of: AsOf = None,
    param: Params = None,
    fmt: FormatOpt = QueryFormat.table,
    out: OutOpt = None,
) -> None:
    """Run one canned gap query."""
    params = query_params(as_of, param or [])
    try:
        find(query_id)
    except UnknownQuery as exc:
        fail(str(exc), code=2)
    with opened(ctx) as store:
        result = run_or_fail(store, query_id, params)
    write_output(result, fmt, out)


def queries(ctx: typer.Context, as_of: AsOf = None) -> None:
    """List the canned queries with their current number of findings."""
    summary(ctx, as_of, title="canned queries 预置查询")


def check(ctx: typer.Context, as_of: AsOf = None) -> None:
    """Run every query and print a one-screen gap summary (exit 0 even with gaps)."""
    summary(ctx, as_of, title="gap check 风险防控缺口检查")


def summary(ctx: typer.Context, as_of: str | None, title: str) -> None:
    params = query_params(as_of, [])
    table = Table(title=title)
    for name in ("id", "中文", "severity", "findings"):
        table.add_column(name, justify="right" if name == "findings" else "left")
    with opened(ctx) as store:
        for spec in library().values():
            wanted = {k: v for k, v in params.items() if k in {p.name for p in spec.parameters}}
            result = run_or_fail(store, spec.id, wanted)
            table.add_row(
                spec.id,
                spec.title_zh,
                Text(spec.severity, style=SEVERITY_STYLE[spec.severity]),
                result.ratio(),
            )
    console.print(table)

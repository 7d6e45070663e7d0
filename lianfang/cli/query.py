"""`lianfang queries`, `lianfang query` and `lianfang check`: the canned gap queries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from lianfang.cli.options import (
    AsOf,
    ExportFormat,
    ExportFormatOpt,
    Lang,
    LangOpt,
    OptionalOutput,
    Params,
    as_of_date,
)
from lianfang.cli.support import console, fail, opened, printable, split_params
from lianfang.graph.store import GraphStore
from lianfang.loop import acceptance
from lianfang.queries.exports import to_csv, to_json, to_xlsx
from lianfang.queries.headings import shown
from lianfang.queries.params import ParameterError
from lianfang.queries.runner import QueryResult, UnknownQuery, find, run
from lianfang.queries.spec import library

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}


def query_params(as_of: str | None, pairs: list[str]) -> dict[str, Any]:
    """`name=value` pairs as text (the runner types and checks them), plus `--as-of`."""
    params: dict[str, Any] = split_params(pairs)
    if as_of is not None:
        params["as_of"] = as_of
    return params


def run_or_fail(store: GraphStore, query_id: str, params: dict[str, Any]) -> QueryResult:
    try:
        return run(store, query_id, params)
    except (UnknownQuery, ParameterError) as exc:
        fail(str(exc), code=2)


UNDATED = "本查询不读取日期,按登记表现状作答 (reads no dates: the registers as they stand)"


UNDATED_EN = "reads no dates: the registers as they stand"


def result_table(result: QueryResult, lang: Lang = Lang.zh) -> Table:
    """The rows as a reader of `lang` reads them: headings, coded values, short ids."""
    spec = result.spec
    zh = lang is Lang.zh
    day = result.params["as_of"]
    if zh:
        title = f"{spec.title_zh}:{result.ratio_zh()}"
        caption = f"截至 {day}" + ("" if spec.dated else f";{UNDATED.split(' (')[0]}")
    else:
        title = f"{spec.title_en} ({result.ratio()})"
        caption = f"as_of {day}" + ("" if spec.dated else f": {UNDATED_EN}")
    table = Table(title=title, caption=caption, show_lines=False)
    if spec.identified:
        table.add_column("问题编号" if zh else "finding", no_wrap=True)
    for column in spec.columns:
        table.add_column(spec.heading(column.name, lang.value), overflow="fold")
    for row in result.rows:
        cells = [printable(shown(c.name, row.get(c.name), lang.value)) for c in spec.columns]
        if spec.identified:
            cells.insert(0, Text(spec.finding_id(row)))
        table.add_row(*cells)
    return table


def write_output(
    result: QueryResult, fmt: ExportFormat, out: Path | None, lang: Lang = Lang.zh
) -> None:
    names, rows = result.exported()
    if fmt is ExportFormat.xlsx:
        if out is None:
            fail("--format xlsx needs -o FILE.xlsx", code=2)
        out.write_bytes(to_xlsx(rows, names, result.spec.id))
        console.print(f"wrote {len(rows)} row(s) to {out}", highlight=False)
        return
    if fmt is ExportFormat.table:
        console.print(result_table(result, lang))
        remedy = "整改建议:" if lang is Lang.zh else "Remedy (整改建议): "
        console.print(f"{remedy}{result.spec.remedy}", highlight=False)
        return
    text = to_json(result.rows) + "\n" if fmt is ExportFormat.json else to_csv(rows, names)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8-sig" if fmt is ExportFormat.csv else "utf-8")


QueryId = Annotated[str, typer.Argument(help="A query id from `lianfang queries`.")]


def query(
    ctx: typer.Context,
    query_id: QueryId,
    as_of: AsOf = None,
    param: Params = None,
    fmt: ExportFormatOpt = ExportFormat.table,
    out: OptionalOutput = None,
    lang: Annotated[
        Lang, typer.Option("--lang", help="Language of the table's headings and values.")
    ] = Lang.zh,
) -> None:
    """Run one canned gap query (each finding with its short id, for `rectify` and `accept`)."""
    params = query_params(as_of, param or [])
    try:
        find(query_id)
    except UnknownQuery as exc:
        fail(str(exc), code=2)
    with opened(ctx) as store:
        result = run_or_fail(store, query_id, params)
    write_output(result, fmt, out, lang)


def queries(ctx: typer.Context, as_of: AsOf = None, lang: LangOpt = Lang.zh) -> None:
    """List the canned queries, what each finds, and their current number of findings."""
    summary(ctx, as_of, title="canned queries 预置查询", lang=lang)


def check(ctx: typer.Context, as_of: AsOf = None) -> None:
    """Run every query and print a one-screen gap summary (exit 0 even with gaps)."""
    summary(ctx, as_of, title="gap check 风险防控缺口检查")


def summary(ctx: typer.Context, as_of: str | None, title: str, lang: Lang | None = None) -> None:
    """One row per query; with a language, its title and description in that language."""
    params = query_params(as_of, [])
    table = Table(title=title, show_lines=lang is not None)
    names = ["id", "中文" if lang is None else "title", "severity", "findings"]
    if lang is not None:
        names.insert(2, "description")
    widest = max(len(spec_id) for spec_id in library())
    for name in names:
        # An id is never cut or broken, in a pipe's 80 columns either: it is what one
        # types next.
        if name == "id":
            table.add_column(name, no_wrap=True, min_width=widest)
        else:
            table.add_column(
                name, justify="right" if name == "findings" else "left", overflow="fold"
            )
    with opened(ctx) as store:
        accepted = acceptance.active(store, as_of_date(as_of))
        for spec in library().values():
            result = acceptance.split(run_or_fail(store, spec.id, params), accepted)
            cells: list[str | Text] = [
                spec.id,
                spec.title_en if lang is Lang.en else spec.title_zh,
                Text(spec.severity, style=SEVERITY_STYLE[spec.severity]),
                result.ratio(),
            ]
            if lang is not None:
                cells.insert(2, Text(spec.describe(lang.value)))
            table.add_row(*cells)
    console.print(table)

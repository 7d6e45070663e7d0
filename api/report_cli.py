"""`lianfang report`, `snapshot`, `drift` and `disclose`: the annual review's documents."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from api.cli_support import console, fail, opened
from api.query_cli import parse_as_of
from queries.spec import library
from reports.chart import FontMissing
from reports.drift import QueryDrift, compare
from reports.snapshots import SnapshotError

snapshot_app = typer.Typer(help="Saved reviews, kept in the graph.", no_args_is_help=True)


class ReportFormat(StrEnum):
    docx = "docx"
    xlsx = "xlsx"
    html = "html"


class DiscloseFormat(StrEnum):
    xlsx = "xlsx"
    html = "html"


AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Review date YYYY-MM-DD (default today).")
]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="Only this unit and its sub-units.")]
Out = Annotated[Path, typer.Option("--output", "-o", help="The file to write.")]


def _format(out: Path, given: StrEnum | None, allowed: type[StrEnum]) -> str:
    """The format given, else the output file's suffix."""
    chosen = given.value if given else out.suffix.lower().lstrip(".")
    if chosen not in {f.value for f in allowed}:
        fail(f"--format: give one of {', '.join(f.value for f in allowed)} (or name -o FILE so)", 2)
    return chosen


def report(
    ctx: typer.Context,
    out: Out,
    fmt: Annotated[ReportFormat | None, typer.Option("--format", "-f")] = None,
    as_of: AsOf = None,
    unit: UnitOpt = None,
    compare_with: Annotated[str | None, typer.Option("--compare", help="A saved snapshot.")] = None,
) -> None:
    """Write the annual review: profile, findings by severity, distribution chart, drift."""
    from reports import docx_report, html_report, review, xlsx_report

    chosen = _format(out, fmt, ReportFormat)
    day = parse_as_of(as_of) or dt.date.today()
    with opened(ctx) as store:
        try:
            built = review.build(store, day, unit, compare_with)
            if chosen == "docx":
                out.write_bytes(docx_report.write_docx(built))
            elif chosen == "xlsx":
                out.write_bytes(xlsx_report.write_xlsx(built))
            else:
                out.write_text(html_report.render_html(built), encoding="utf-8")
        except (LookupError, SnapshotError, FontMissing) as exc:
            fail(str(exc))
    console.print(f"wrote {out}: {review.summary_sentence(built)}", highlight=False)


def disclose(
    ctx: typer.Context,
    out: Out,
    fmt: Annotated[DiscloseFormat | None, typer.Option("--format", "-f")] = None,
    unit: UnitOpt = None,
) -> None:
    """Write the public disclosure (公示): posts, powers, risks, controls; no people."""
    from reports import disclosure

    chosen = _format(out, fmt, DiscloseFormat)
    with opened(ctx) as store:
        try:
            rows = disclosure.disclosure_rows(store, unit)
        except LookupError as exc:
            fail(str(exc))
    title = "岗位廉政风险点及防控措施公示表"
    if chosen == "xlsx":
        out.write_bytes(disclosure.write_xlsx(rows, title))
    else:
        out.write_text(disclosure.write_html(rows, title), encoding="utf-8")
    console.print(f"wrote {out}: {len(rows)} row(s)", highlight=False)


@snapshot_app.command("save")
def snapshot_save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name, e.g. 2025年度.")],
    as_of: AsOf = None,
) -> None:
    """Record every query's findings (and the profile) under NAME, in the graph."""
    from reports import snapshots

    day = parse_as_of(as_of) or dt.date.today()
    with opened(ctx) as store:
        try:
            saved = snapshots.save(store, name, day)
        except SnapshotError as exc:
            fail(str(exc), 2)
    total = sum(len(q["findings"]) for q in saved.queries.values())
    console.print(
        f"saved snapshot {saved.name!r} as of {saved.as_of}: {total} findings", highlight=False
    )


@snapshot_app.command("list")
def snapshot_list(ctx: typer.Context) -> None:
    """The saved snapshots."""
    from reports import snapshots

    with opened(ctx) as store:
        saved = snapshots.listing(store)
    if not saved:
        console.print("no snapshots yet: `lianfang snapshot save NAME`")
        return
    table = Table("name", "as_of", "created")
    for row in saved:
        table.add_row(Text(row["name"]), str(row["as_of"]), row["created"])
    console.print(table)


def drift_json(drifts: list[QueryDrift]) -> str:
    body = {
        d.query_id: {
            kind: [{"key": list(k), "label": label} for k, label in getattr(d, kind)]
            for kind in ("new", "closed", "persisting")
        }
        for d in drifts
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


def drift(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="A saved snapshot.")],
    new: Annotated[str, typer.Argument(help="Another snapshot, or now.")] = "now",
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table",
) -> None:
    """New, closed and persisting findings per query since a snapshot."""
    from reports import snapshots

    with opened(ctx) as store:
        try:
            before = snapshots.load(store, old)
            after = snapshots.resolve(store, new, dt.date.today())
        except SnapshotError as exc:
            fail(str(exc), 2)
    drifts = compare(before, after)
    if fmt == "json":
        sys.stdout.write(drift_json(drifts) + "\n")
        return
    titles = {spec.id: spec.title_zh for spec in library().values()}
    table = Table(title=f"{old} → {new}")
    for name in ("query", "中文", "new 新增", "closed 已整改", "persisting 持续"):
        table.add_column(name)
    for d in drifts:
        table.add_row(
            d.query_id,
            titles[d.query_id],
            str(len(d.new)),
            str(len(d.closed)),
            str(len(d.persisting)),
        )
    console.print(table)

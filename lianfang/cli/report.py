"""`lianfang report`, `snapshot`, `drift` and `disclose`: the annual review's documents."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from lianfang.cli.options import (
    AsOf,
    DisclosureFormat,
    DocumentFormat,
    Output,
    RowsFormat,
    RowsFormatOpt,
    Unit,
    as_of_date,
)
from lianfang.cli.support import (
    console,
    errors,
    fail,
    opened,
    print_rows,
    printable,
    record,
)
from lianfang.graph import calendar
from lianfang.queries.spec import library
from lianfang.reports.chart import NO_FONT, has_cjk_font
from lianfang.reports.drift import QueryDrift, compare
from lianfang.reports.official import Issue
from lianfang.reports.snapshots import SnapshotError

snapshot_app = typer.Typer(help="Saved reviews, kept in the graph.", no_args_is_help=True)


def _format(out: Path, given: StrEnum | None, allowed: type[StrEnum]) -> str:
    """The format given, else the output file's suffix."""
    chosen = given.value if given else out.suffix.lower().lstrip(".")
    if chosen not in {f.value for f in allowed}:
        fail(f"--format: give one of {', '.join(f.value for f in allowed)} (or name -o FILE so)", 2)
    return chosen


def report(
    ctx: typer.Context,
    out: Output,
    fmt: Annotated[DocumentFormat | None, typer.Option("--format", "-f")] = None,
    as_of: AsOf = None,
    unit: Unit = None,
    compare_with: Annotated[str | None, typer.Option("--compare", help="A saved snapshot.")] = None,
    issuer: Annotated[
        str, typer.Option("--issuer", help="The issuing body, printed as the masthead (DOCX).")
    ] = "",
    doc_no: Annotated[
        str, typer.Option("--doc-no", help="The document number, e.g. 县纪发〔2026〕3号 (DOCX).")
    ] = "",
) -> None:
    """Write the annual review: profile, findings by severity, distribution chart, drift."""
    from lianfang.reports import docx_report, html_report, review, xlsx_report

    chosen = _format(out, fmt, DocumentFormat)
    day = as_of_date(as_of)
    with opened(ctx) as store:
        try:
            built = review.build(store, day, unit, compare_with)
            if chosen == "docx":
                if not has_cjk_font():
                    errors.print(f"[yellow]warning:[/] {NO_FONT}", highlight=False)
                out.write_bytes(docx_report.write_docx(built, Issue(issuer, doc_no)))
            elif chosen == "xlsx":
                out.write_bytes(xlsx_report.write_xlsx(built))
            else:
                out.write_text(html_report.render_html(built), encoding="utf-8")
        except (LookupError, SnapshotError) as exc:
            fail(str(exc))
    console.print(f"wrote {out}: {review.summary_sentence(built)}", highlight=False)


def disclose(
    ctx: typer.Context,
    out: Output,
    fmt: Annotated[DisclosureFormat | None, typer.Option("--format", "-f")] = None,
    unit: Unit = None,
) -> None:
    """Write the public disclosure (公示): posts, powers, risks, controls; no people."""
    from lianfang.reports import disclosure

    chosen = _format(out, fmt, DisclosureFormat)
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
    from lianfang.reports import snapshots

    day = as_of_date(as_of)
    with opened(ctx) as store:
        try:
            saved = snapshots.save(store, name, day)
        except SnapshotError as exc:
            fail(str(exc), 2)
    total = sum(len(q["findings"]) for q in saved.queries.values())
    console.print(
        f"saved snapshot {saved.name!r} as of {saved.as_of}: {total} findings", highlight=False
    )


@snapshot_app.command("delete")
def snapshot_delete(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The snapshot's name.")]
) -> None:
    """Remove a saved snapshot (audited)."""
    from lianfang.reports import snapshots

    with opened(ctx) as store:
        try:
            snapshots.delete(store, name)
        except SnapshotError as exc:
            fail(str(exc), 2)
        record(store, "snapshot delete", name)
    console.print(f"deleted snapshot {name!r}", highlight=False)


@snapshot_app.command("list")
def snapshot_list(ctx: typer.Context) -> None:
    """The saved snapshots."""
    from lianfang.reports import snapshots

    with opened(ctx) as store:
        saved = snapshots.listing(store)
    if not saved:
        console.print("no snapshots yet: `lianfang snapshot save NAME`")
        return
    table = Table("name", "as_of", "created", "by", "units")
    for row in saved:
        table.add_row(
            printable(row["name"]),
            str(row["as_of"]),
            row["created"],
            printable(row["created_by"] or "(cli)"),
            printable(", ".join(row["units"]) or "(all)"),
        )
    console.print(table)


DRIFT_KINDS = ("new", "closed", "persisting")


def drift_json(drifts: list[QueryDrift]) -> str:
    body = {
        d.query_id: {
            kind: [{"key": list(k), "label": label} for k, label in getattr(d, kind)]
            for kind in DRIFT_KINDS
        }
        for d in drifts
    }
    return json.dumps(body, ensure_ascii=False, indent=2)


def drift_rows(drifts: list[QueryDrift]) -> list[dict[str, Any]]:
    """One row per finding that changed or persisted, for CSV."""
    return [
        {"query": d.query_id, "change": kind, "key": "|".join(key), "label": label}
        for d in drifts
        for kind in DRIFT_KINDS
        for key, label in getattr(d, kind)
    ]


def drift(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(help="A saved snapshot.")],
    new: Annotated[str, typer.Argument(help="Another snapshot, or now.")] = "now",
    fmt: RowsFormatOpt = RowsFormat.table,
) -> None:
    """New, closed and persisting findings per query since a snapshot."""
    from lianfang.reports import snapshots

    with opened(ctx) as store:
        try:
            before = snapshots.load(store, old)
            after = snapshots.resolve(store, new, calendar.today())
        except SnapshotError as exc:
            fail(str(exc), 2)
    drifts = compare(before, after)
    if fmt is RowsFormat.json:
        sys.stdout.write(drift_json(drifts) + "\n")
        return
    if fmt is RowsFormat.csv:
        print_rows(drift_rows(drifts), fmt)
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

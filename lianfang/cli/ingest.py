"""`lianfang ingest`, `lianfang template` and `lianfang demo-data`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lianfang.cli.options import Lang, LangOpt, RowsFormat, RowsFormatOpt
from lianfang.cli.support import console, errors, fail, opened, print_rows, printable, record
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.load import Report, load
from lianfang.ingest.mapping import ValueMap
from lianfang.ingest.mapping import from_yaml as mapping_from_yaml

PHASES = {"reading": "读取 reading", "checking": "校验 checking", "writing": "写入 writing"}


class RichProgress:
    """The import's phases as rich progress bars on stderr."""

    def __init__(self, enabled: bool) -> None:
        self.bars = Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=errors,
            disable=not enabled,
        )
        self.task: Any = None

    def phase(self, name: str, total: int) -> None:
        if self.task is not None:
            self.bars.update(self.task, completed=self.bars.tasks[-1].total)
        self.task = self.bars.add_task(PHASES.get(name, name), total=total or None)

    def advance(self, steps: int) -> None:
        self.bars.advance(self.task, steps)

    def __enter__(self) -> RichProgress:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.__exit__(None, None, None)


def issues_table(issues: list[Issue], title: str) -> Table:
    zh = sum(i.lang == "zh" for i in issues) >= len(issues) / 2
    names = (
        ("文件", "工作表", "行", "列", "值", "问题")
        if zh
        else ("file", "sheet", "row", "column", "value", "problem")
    )
    table = Table(title=title, show_lines=True)
    for name in names:
        table.add_column(name, overflow="fold")
    for issue in issues:
        cells = (issue.file, issue.sheet, issue.row, issue.column, issue.value, issue.message)
        table.add_row(*(printable(c) for c in cells))
    return table


def report_json(report: Report | None, issues: list[Issue], error_count: int = 0) -> str:
    body: dict[str, Any] = {
        "ok": report is not None,
        "error_count": error_count,
        "errors": [i.as_dict() for i in issues if i.is_error],
        "warnings": [i.as_dict() for i in issues if not i.is_error],
    }
    if report is not None:
        body.update(
            source=report.source,
            dry_run=report.dry_run,
            nodes=report.nodes,
            edges=report.edges,
            removed=report.removed,
        )
        if report.published is not None:
            body["published"] = {
                "tables": report.published.derived.tables,
                "read_as": report.published.derived.read_as,
            }
    return json.dumps(body, ensure_ascii=False, indent=2)


def print_issues(issues: list[Issue], error_count: int | None = None) -> None:
    """Errors and warnings as two tables, errors first: a warning never reads as a cause."""
    errs = [i for i in issues if i.is_error]
    warnings = [i for i in issues if not i.is_error]
    if errs:
        count = len(errs) if error_count is None else error_count
        console.print(issues_table(errs, f"{count} error(s) 错误"))
    if warnings:
        console.print(issues_table(warnings, f"{len(warnings)} warning(s) 警告"))


def print_issues_csv(issues: list[Issue]) -> None:
    """Every issue as one CSV row, errors first, with its severity in a column."""
    ordered = sorted(issues, key=lambda i: not i.is_error)
    print_rows([i.as_dict() for i in ordered], RowsFormat.csv)


def print_read_as(report: Report) -> None:
    """For a published table: one line saying so, and what each printed column became."""
    published = report.published
    if published is None:
        return
    tables = "、".join(published.derived.tables)
    console.print(
        f"读作单位公开的风险点表(read as an office's published table): "
        f"{Path(report.path).name} 中的 {tables}",
        highlight=False,
    )
    table = Table(title="表中的列 → 读作 (printed column → read as)")
    for name in ("表 table", "表中的列 printed", "读作 read as"):
        table.add_column(name, overflow="fold")
    for row in published.derived.read_as:
        table.add_row(*(printable(row[k]) for k in ("table", "printed", "read_as")))
    console.print(table)


def print_report(report: Report) -> None:
    print_read_as(report)
    print_issues(report.warnings)
    summary = Table(title=f"source 来源: {report.source}")
    summary.add_column("type")
    summary.add_column("count", justify="right")
    summary.add_column("removed 删除", justify="right")
    for label, n in report.nodes.items():
        summary.add_row(label, str(n), str(report.removed.get(label, 0)))
    for type_, n in report.edges.items():
        summary.add_row(type_, str(n), "")
    console.print(summary)
    verb = "would be imported (dry run, nothing written)" if report.dry_run else "imported"
    nodes, edges = sum(report.nodes.values()), sum(report.edges.values())
    console.print(f"{nodes} nodes and {edges} edges {verb}.", highlight=False)


PathArg = Annotated[
    Path,
    typer.Argument(
        help="An .xlsx workbook or a folder of .csv files; or an office's published table "
        "(.docx, .xlsx, .csv or a saved .html page)."
    ),
]
UnitOpt = Annotated[
    str | None,
    typer.Option(
        "--unit",
        help="A published table's unit, when its title does not name it.",
        show_default=False,
    ),
]
ToRegistersOpt = Annotated[
    Path | None,
    typer.Option(
        "--to-registers",
        help="Write the registers a published table states to this .xlsx (nothing is "
        "imported), for the office to complete and import from then on.",
        show_default=False,
    ),
]
SourceOpt = Annotated[
    str | None,
    typer.Option("--source", help="Source name; default: the workbook's or folder's name."),
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="A YAML value mapping for your office's own scales, e.g. 风险等级: {A: 高, B: 中}.",
        show_default=False,
    ),
]


def ingest(
    ctx: typer.Context,
    path: PathArg,
    source: SourceOpt = None,
    dry_run: DryRun = False,
    fmt: RowsFormatOpt = RowsFormat.table,
    mapping_file: MapOpt = None,
    unit: UnitOpt = None,
    to_registers: ToRegistersOpt = None,
) -> None:
    """Import registers, or an office's published table as it printed it; any error is
    reported with its place, and nothing is written."""
    if source is not None and not source.strip():
        fail("--source must not be blank", code=2)
    if unit is not None and not unit.strip():
        fail("--unit must not be blank", code=2)
    declared = None
    if mapping_file is not None:
        declared, problems = mapping_from_yaml(mapping_file)
        if problems:
            fail(f"--map {mapping_file}: {problems[0].message}", code=2)
    if to_registers is not None:
        write_registers(path, to_registers, unit, declared)
        return
    # Bars only on a terminal: in a log or a pipe they are noise between the results.
    show_progress = fmt is RowsFormat.table and errors.is_terminal
    with opened(ctx) as store:
        target = source or path.name
        record(store, "import", target, "started", file=path.name, dry_run=dry_run)
        try:
            with RichProgress(enabled=show_progress) as progress:
                report = load(path, store, source, dry_run, progress, mapping=declared, unit=unit)
        except IngestFailed as failed:
            count = failed.error_count
            record(store, "import", target, "failed", file=path.name, errors=count)
            if fmt is RowsFormat.json:
                sys.stdout.write(report_json(None, failed.issues, count) + "\n")
            elif fmt is RowsFormat.csv:
                print_issues_csv(failed.issues)
            else:
                print_issues(failed.issues, count)
                errors.print(
                    f"[bold red]error:[/] {count} error(s) in {path.name}; nothing was written",
                    highlight=False,
                )
            raise typer.Exit(1) from None
        except Exception as exc:
            record(store, "import", target, "failed", file=path.name, reason=str(exc))
            raise
        record(
            store,
            "import",
            report.source,
            file=path.name,
            dry_run=dry_run,
            nodes=report.nodes,
            edges=report.edges,
            removed=report.removed,
        )
    if fmt is RowsFormat.json:
        sys.stdout.write(report_json(report, report.warnings) + "\n")
    elif fmt is RowsFormat.csv:
        print_issues_csv(report.warnings)
    else:
        print_report(report)


def write_registers(path: Path, out: Path, unit: str | None, declared: ValueMap | None) -> None:
    """`--to-registers`: the registers a published table states, as the template's sheets."""
    from lianfang.ingest.containers import ContainerError
    from lianfang.ingest.published.reader import read_any

    if out.suffix.lower() != ".xlsx":
        fail(f"--to-registers {out}: the registers are an Excel workbook; name it *.xlsx", code=2)
    try:
        published = read_any(path, unit, declared)
    except ContainerError as exc:
        fail(f"{path.name}: {exc.issue.message}", code=1)
    try:
        published.to_registers(out)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})")
    counts = ", ".join(
        f"{name} {len(rows)}" for name, rows in published.derived.rows.items() if rows
    )
    console.print(
        f"wrote {out} from the published table in {path.name}: {counts}. Complete what the "
        f"table does not say, then import it: lianfang ingest {out}",
        highlight=False,
    )


OutPath = Annotated[Path, typer.Argument(help="Where to write the workbook (.xlsx).")]


def template(out: OutPath, lang: LangOpt = Lang.zh) -> None:
    """Write an empty register workbook, with dropdowns, for an office to fill."""
    from lianfang.ingest.template import write_template

    if out.suffix.lower() != ".xlsx":
        fail(f"{out}: the template is an Excel workbook; name it *.xlsx", code=2)
    try:
        write_template(out, lang.value)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})")
    console.print(f"wrote {out}", highlight=False)


DemoOut = Annotated[
    Path, typer.Argument(help="A .xlsx workbook, or a folder to fill with CSV files.")
]
ScaleOpt = Annotated[int, typer.Option("--scale", min=1, help="Counties: 1 ≈ one county.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Same seed, same registers.")]


def demo_data(
    out: DemoOut, scale: ScaleOpt = 1, seed: SeedOpt = 2024, lang: LangOpt = Lang.zh
) -> None:
    """Write the demo organisation's registers (with planted gaps) as xlsx or CSV."""
    from lianfang.ingest import demo, writers

    sheets = demo.generate(scale, seed)
    try:
        if out.suffix.lower() == ".xlsx":
            writers.write_workbook(out, sheets, lang.value)
        else:
            writers.write_csv_folder(out, sheets, lang.value)
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror})")
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in sheets.items())
    console.print(f"wrote {out}: {counts}", highlight=False)

"""One import end to end: read → normalise → validate → plan → write, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lianfang.graph import calendar, collector
from lianfang.graph.store import Change, GraphStore, touching
from lianfang.ingest.batch import Batch, Edge, build
from lianfang.ingest.checks import check_references, check_unit_cycles, warn_unheld_posts
from lianfang.ingest.containers import ContainerError, Sheet, read_container
from lianfang.ingest.issues import WARNING, IngestFailed, Issue
from lianfang.ingest.mapping import ValueMap, is_mapping_sheet
from lianfang.ingest.mapping import from_sheet as mapping_from_sheet
from lianfang.ingest.plan import plan
from lianfang.ingest.published.grids import read_grids
from lianfang.ingest.published.reader import (
    Published,
    from_grids,
    looks_published,
    read_published,
)
from lianfang.ingest.registers import registers
from lianfang.ingest.resolve import Resolver
from lianfang.ingest.rows import read_rows
from lianfang.ingest.tables import Record, Table, locate_header, match_sheets, sheet_register
from lianfang.ingest.touched import touched


class Progress(Protocol):
    """What a long import reports: a phase with its size, then steps of it."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, steps: int) -> None: ...


class Quiet:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, steps: int) -> None:
        pass


@dataclass
class Report:
    """What an import stated and did (or, for a dry run, would do)."""

    source: str
    path: str
    dry_run: bool
    nodes: dict[str, int] = field(default_factory=dict)
    edges: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    # For an office's published table: its tables and "printed column → read as".
    published: Published | None = None


def default_source(path: Path) -> str:
    """A workbook's or folder's name, as REGISTERS.md says."""
    return path.stem if path.is_file() else path.resolve().name


def value_map(sheets: list[Sheet], declared: ValueMap | None) -> tuple[ValueMap, list[Issue]]:
    """The workbook's own 值映射 sheet, with a `--map` file's entries over it."""
    combined, issues = ValueMap(), []
    for sheet in sheets:
        if is_mapping_sheet(sheet.name):
            found, problems = mapping_from_sheet(sheet)
            combined = combined.merged(found)
            issues.extend(problems)
    return (combined.merged(declared) if declared else combined), issues


@dataclass
class Reading:
    """Every readable register's rows as records, every problem found reading them, the
    labels whose register is missing or unreadable (references to them go unchecked, as
    their register's own error says what is wrong), and, for an office's published
    table, what it was read as."""

    records: dict[str, list[Record]]
    issues: list[Issue]
    unreadable: set[str]
    published: Published | None = None


def read_records(
    path: Path, progress: Progress, declared: ValueMap | None = None, unit: str | None = None
) -> Reading:
    """Registers, or an office's published table (a Word document, a saved page, a single
    CSV, or a workbook with no register sheet whose table has recognised headers)."""
    progress.phase("reading", 0)
    try:
        if looks_published(path) or _single_csv(path):
            return published_records(read_published(path, unit, declared), declared)
        sheets = read_container(path)
        if not _holds_registers(sheets):
            published = published_workbook(path, unit, declared)
            if published is not None:
                return published_records(published, declared)
        values, issues = value_map(sheets, declared)
        found, problems = match_sheets(sheets)
        issues.extend(problems)
        unreadable = {
            r.label for r in registers() if r.label and r.required and r.name not in found
        }
        progress.phase("checking", 0)
        records: dict[str, list[Record]] = {}
        for register in registers():
            sheet = found.get(register.name)
            if sheet is None:
                continue
            table, problems = locate_header(register, sheet)
            issues.extend(problems)
            if table is None:
                unreadable.add(register.label or register.name)
            else:
                records[register.name], problems = read_rows(table, values)
                issues.extend(problems)
            progress.advance(len(sheet.rows))
            sheet.rows = []  # the records hold what is needed
    except ContainerError as exc:  # a sheet is read when it is first needed
        return Reading({}, [exc.issue], set())
    return Reading(records, issues, unreadable)


def _single_csv(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".csv"


def _holds_registers(sheets: list[Sheet]) -> bool:
    return any(sheet_register(sheet.name) for sheet in sheets)


def is_published_file(path: Path) -> bool:
    """Whether a file would be read as an office's published table (a Word document, a
    saved page, one CSV file, or a workbook with no register sheet)."""
    if looks_published(path) or _single_csv(path):
        return True
    if not path.is_file() or path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        return not _holds_registers(read_container(path))
    except ContainerError:
        return False


def published_workbook(path: Path, unit: str | None, declared: ValueMap | None) -> Published | None:
    """A workbook with no register sheet read as a published table, if it holds one."""
    try:
        return from_grids(path.name, read_grids(path), unit, declared)
    except ContainerError:
        return None


def published_records(published: Published, declared: ValueMap | None) -> Reading:
    """The registers a published table states, read and checked as any register is; its
    columns named as printed in every message."""
    issues = list(published.derived.issues)
    records: dict[str, list[Record]] = {}
    for sheet, printed in published.sheets():
        spec = sheet_register(sheet.name)
        assert spec is not None
        table, problems = locate_header(spec, sheet)
        if table is None:  # cannot happen: the header is written from the register
            issues.extend(problems)
            continue
        table.headers.update(printed)
        table.extras = {}  # printed extras are the record's extra fields, said once
        rows, problems = read_rows(table, declared)
        _keep_extras(table, sheet, rows)
        records.setdefault(spec.name, []).extend(rows)
        issues.extend(problems)
    return Reading(records, issues, set(), published)


def _keep_extras(table: Table, sheet: Sheet, rows: list[Record]) -> None:
    """Columns of a derived sheet that are not register columns: the printed table's
    other columns, kept on each record as its extra fields. (Every derived row has an
    id, so none was skipped as blank: records and rows are in step.)"""
    header = sheet.rows[0][1] if sheet.rows else []
    known = {c.zh for c in table.register.columns}
    positions = {i: name for i, name in enumerate(header) if name not in known}
    for record, (_, values) in zip(rows, sheet.rows[1:], strict=True):
        extra = {
            positions[i]: str(values[i])
            for i in positions
            if i < len(values) and values[i] not in (None, "")
        }
        if extra:
            record.extra = extra


@dataclass
class Checked:
    """Registers read and checked against the graph, ready to plan: what the import
    states, the edges to write, where each code lives, and every issue found."""

    batch: Batch
    edges: list[Edge]
    resolver: Resolver
    issues: list[Issue]
    published: Published | None = None

    def changes(self, source: str, store: GraphStore | None) -> list[Change]:
        """The change set for `store`, led by what it writes (ingest/touched.py), which
        only the graph it is applied to can tell (the edges the source holds there). For
        no store, the change set says nothing of what it writes: it may be anything."""
        said = []
        if store is not None:
            writes = touched(store, source, self.batch, self.edges, self.resolver.before)
            said = [touching(writes)]
        return [*said, *plan(self.batch, self.edges, source, self.resolver.renames())]


def check(
    path: Path,
    store: GraphStore | None,
    source: str,
    progress: Progress,
    today: dt.date,
    mapping: ValueMap | None = None,
    unit: str | None = None,
) -> Checked:
    """Read, normalise and check every row; raise IngestFailed on any error."""
    reading = read_records(path, progress, mapping, unit)
    checked = check_records(
        reading.records, reading.issues, reading.unreadable, store, source, today
    )
    checked.published = reading.published
    return checked


def check_records(
    records: dict[str, list[Record]],
    issues: list[Issue],
    unreadable: set[str],
    store: GraphStore | None,
    source: str,
    today: dt.date,
) -> Checked:
    """Check read records against each other and the graph; raise IngestFailed on any
    error (those found reading included)."""
    batch = build(records, unreadable)
    resolver = Resolver(batch, store, source, today)
    resolver.own_keys()
    edges = check_references(batch, resolver)
    check_unit_cycles(batch, edges, store, source)
    warn_unheld_posts(batch, edges, today)
    issues = [*issues, *batch.issues]
    if any(issue.is_error for issue in issues):
        raise IngestFailed(issues)
    return Checked(batch, edges, resolver, issues)


# Share of an import's codes another single source already holds past which the same
# registers are taken to be imported again under a second source name.
SAME_REGISTERS = 0.8


def _file_warning(path: Path, zh: str, en: str) -> Issue:
    return Issue(WARNING, path.name, None, None, None, None, zh, en)


def _said_twice(path: Path, source: str, checked: Checked) -> list[Issue]:
    """An empty import, or registers another source already stated: said, since both
    import without error and neither is usually meant. The resolver has already read who
    holds each code stated."""
    codes = {label: set(nodes) for label, nodes in checked.batch.nodes.items() if nodes}
    if not codes:
        return [
            _file_warning(
                path,
                f"登记表中没有任何数据行:来源“{source}”没有导入任何记录(该来源原有的记录将被删除)",
                f"the registers hold no rows: nothing is imported under source {source!r} "
                "(whatever it held before is removed)",
            )
        ]
    total = sum(len(stated) for stated in codes.values())
    most = checked.resolver.most_shared()
    if most is None:
        return []
    other, shared = most
    if total < 5 or shared < SAME_REGISTERS * total:
        return []
    return [
        _file_warning(
            path,
            f"{shared} 个编号(共 {total} 个)已由来源“{other}”导入:同一套登记表以新来源"
            f"“{source}”导入,记录会重复一份,并改以“来源:编号”区分。若是更新,请用 "
            f"--source {other}",
            f"{shared} of the {total} ids are already held by source {other!r}: the same "
            f"registers under a second source ({source!r}) are held twice, and every shared "
            f"id becomes `source:code`. To update them, import with --source {other}",
        )
    ]


@collector.paused()  # where `lianfang ingest` and the upload enter: see graph/collector.py
def load(
    path: Path,
    store: GraphStore | None,
    source: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    mapping: ValueMap | None = None,
    unit: str | None = None,
) -> Report:
    """Import registers into the store; raise IngestFailed (writing nothing) on any error.

    With no store, only the registers themselves are checked (references must then
    resolve within the import).
    """
    progress = progress or Quiet()
    source = source or default_source(path)
    checked = check(path, store, source, progress, today or calendar.today(), mapping, unit)
    batch = checked.batch
    report = Report(source, str(path), dry_run or store is None, published=checked.published)
    report.warnings = [i for i in checked.issues if not i.is_error]
    report.nodes = {label: len(nodes) for label, nodes in batch.nodes.items()}
    report.edges = dict(Counter(edge.type for edge in checked.edges))
    if store is None:
        return report
    report.removed = {
        label: len(codes - set(batch.nodes.get(label, {})))
        for label, codes in checked.resolver.before.items()
    }
    report.warnings += _said_twice(path, source, checked)
    if not dry_run:
        changes = checked.changes(source, store)
        progress.phase("writing", sum(change.weight() for change in changes))
        store.apply(changes, progress=progress.advance, replacing=source)
    return report

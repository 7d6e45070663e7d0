"""One import end to end: read → normalise → validate → plan → write, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lianfang.graph import collector
from lianfang.graph.store import Change, GraphStore
from lianfang.ingest.batch import Batch, Edge, build
from lianfang.ingest.containers import ContainerError, Sheet, read_container
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.mapping import ValueMap, is_mapping_sheet
from lianfang.ingest.mapping import from_sheet as mapping_from_sheet
from lianfang.ingest.plan import plan
from lianfang.ingest.registers import registers
from lianfang.ingest.resolve import (
    Resolver,
    check_references,
    check_unit_cycles,
    warn_unheld_posts,
)
from lianfang.ingest.rows import read_rows
from lianfang.ingest.tables import Record, locate_header, match_sheets


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


def read_records(
    path: Path, progress: Progress, declared: ValueMap | None = None
) -> tuple[dict[str, list[Record]], list[Issue], set[str]]:
    """Every readable register's rows as records, every problem found reading them, and
    the labels whose register is missing or unreadable (references to them go unchecked,
    as their register's own error says what is wrong)."""
    progress.phase("reading", 0)
    try:
        sheets = read_container(path)
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
        return {}, [exc.issue], set()
    return records, issues, unreadable


@collector.paused()
@dataclass
class Checked:
    """Registers read and checked against the graph, ready to plan: what the import
    states, the edges to write, where each code lives, and every issue found."""

    batch: Batch
    edges: list[Edge]
    resolver: Resolver
    issues: list[Issue]

    def changes(self, source: str) -> list[Change]:
        return plan(self.batch, self.edges, source, self.resolver.renames())


def check(
    path: Path,
    store: GraphStore | None,
    source: str,
    progress: Progress,
    today: dt.date,
    mapping: ValueMap | None = None,
) -> Checked:
    """Read, normalise and check every row; raise IngestFailed on any error."""
    records, issues, unreadable = read_records(path, progress, mapping)
    return check_records(records, issues, unreadable, store, source, today)


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


def load(
    path: Path,
    store: GraphStore | None,
    source: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    mapping: ValueMap | None = None,
) -> Report:
    """Import registers into the store; raise IngestFailed (writing nothing) on any error.

    With no store, only the registers themselves are checked (references must then
    resolve within the import).
    """
    progress = progress or Quiet()
    source = source or default_source(path)
    checked = check(path, store, source, progress, today or dt.date.today(), mapping)
    batch = checked.batch
    report = Report(source, str(path), dry_run or store is None)
    report.warnings = [i for i in checked.issues if not i.is_error]
    report.nodes = {label: len(nodes) for label, nodes in batch.nodes.items()}
    report.edges = dict(Counter(edge.type for edge in checked.edges))
    if store is None:
        return report
    report.removed = {
        label: len(codes - set(batch.nodes.get(label, {})))
        for label, codes in checked.resolver.before.items()
    }
    if not dry_run:
        changes = checked.changes(source)
        progress.phase("writing", sum(change.weight() for change in changes))
        store.apply(changes, progress=progress.advance, replacing=source)
    return report

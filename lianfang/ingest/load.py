"""One import end to end: read → normalise → validate → plan → write, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lianfang.graph import collector, model
from lianfang.graph.store import GraphStore
from lianfang.ingest.batch import build
from lianfang.ingest.containers import ContainerError, read_container
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.plan import plan
from lianfang.ingest.registers import registers
from lianfang.ingest.resolve import (
    Resolver,
    check_ownership,
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


def read_records(
    path: Path, progress: Progress
) -> tuple[dict[str, list[Record]], list[Issue], set[str]]:
    """Every readable register's rows as records, every problem found reading them, and
    the labels whose register is missing or unreadable (references to them go unchecked,
    as their register's own error says what is wrong)."""
    progress.phase("reading", 0)
    try:
        sheets = read_container(path, on_rows=progress.advance)
    except ContainerError as exc:
        return {}, [exc.issue], set()
    found, issues = match_sheets(sheets)
    unreadable = {r.label for r in registers() if r.label and r.required and r.name not in found}
    progress.phase("checking", sum(len(s.rows) for s in found.values()))
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
            records[register.name], problems = read_rows(table)
            issues.extend(problems)
        progress.advance(len(sheet.rows))
    return records, issues, unreadable


def source_uids(store: GraphStore, source: str, labels: list[str]) -> dict[str, set[str]]:
    """The ids each label holds from this source now: what a re-import may remove."""
    return {
        label: {
            row["uid"]
            for row in store.read(
                f"MATCH (n:{model.node(label).label}) WHERE n.source = $source RETURN n.uid AS uid",
                {"source": source},
            )
        }
        for label in labels
    }


@collector.paused()
def load(
    path: Path,
    store: GraphStore | None,
    source: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> Report:
    """Import registers into the store; raise IngestFailed (writing nothing) on any error.

    With no store, only the registers themselves are checked (references must then
    resolve within the import).
    """
    progress = progress or Quiet()
    source = source or default_source(path)
    records, issues, unreadable = read_records(path, progress)
    batch = build(records, unreadable)
    resolver = Resolver(batch, store, source)
    check_ownership(batch, resolver)
    edges = check_references(batch, resolver)
    check_unit_cycles(batch, edges, store, source)
    warn_unheld_posts(batch, edges, today or dt.date.today())
    issues = [*issues, *batch.issues]
    if any(issue.is_error for issue in issues):
        raise IngestFailed(issues)
    report = Report(source, str(path), dry_run or store is None)
    report.warnings = [i for i in issues if not i.is_error]
    report.nodes = {label: len(nodes) for label, nodes in batch.nodes.items()}
    report.edges = dict(Counter(edge.type for edge in edges))
    if store is None:
        return report
    before = source_uids(store, source, [r.label for r in registers() if r.label])
    report.removed = {
        label: len(uids - set(batch.nodes.get(label, {}))) for label, uids in before.items()
    }
    if not dry_run:
        changes = plan(batch, edges, source)
        progress.phase("writing", sum(change.weight() for change in changes))
        store.apply(changes, progress=progress.advance, replacing=source)
    return report

"""An import in memory: the nodes and edges the registers state, before any check
against the graph. Building it finds what one row shows on its own (an end date
before the start, a power in conflict with itself) and ids repeated in a register.

Every row is checked whatever else is wrong with it: a row that cannot be written
(a bad level, a repeated id) still states its references, as edges marked not to be
written, so that a dangling post on the same row is reported in the same pass."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lianfang.ingest.issues import WARNING, Issue
from lianfang.ingest.registers import Column
from lianfang.ingest.rows import node_properties
from lianfang.ingest.tables import Record

REFERENCE_KINDS = ("ref", "refs", "step")
RISK_ANCHORS = ("post_ids", "power_id", "step", "unit_id")


# Shared by every edge without properties and every record once built; never written
# to (a dict each was 80 MB of a province's import).
NO_PROPS: dict[str, Any] = {}
NO_VALUES: dict[str, Any] = {}


@dataclass(slots=True)
class NodeRow:
    """A record to write. `uid` is the office's code; `key` the graph uid it gets (the
    code, or `source:code` where another source holds the same code), once resolved."""

    label: str
    uid: str
    props: dict[str, Any]
    record: Record
    key: str | None = None


@dataclass(slots=True)
class End:
    """One end of an edge: a node of this import, or an id a cell names (`column` set)."""

    labels: tuple[str, ...]
    uid: str
    column: Column | None = None
    label: str | None = None  # set once resolved
    key: str | None = None  # the graph uid it resolved to

    def __post_init__(self) -> None:
        if self.column is None:
            self.label = self.labels[0]


@dataclass(slots=True)
class Edge:
    """An edge a row states; it is written once both ends resolve."""

    type: str
    start: End
    end: End
    props: dict[str, Any]
    record: Record
    written: bool = True  # False: stated by a row with errors, only checked


@dataclass
class Batch:
    """What one import states."""

    nodes: dict[str, dict[str, NodeRow]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    # Ids stated on rows with errors, and labels whose register could not be read:
    # references to them are not reported, since the real error is reported already.
    broken: dict[str, set[str]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)

    def has(self, label: str, uid: str) -> bool:
        return uid in self.nodes.get(label, {}) or uid in self.broken.get(label, set())


def node_uid(record: Record) -> str | None:
    """A node's register id; a step has none of its own and is `process_id#seq`."""
    if record.table.register.name == "steps":
        if record["process_id"] is None or record["seq"] is None:
            return None
        return f"{record['process_id']}#{record['seq']}"
    id_column = next(c for c in record.table.register.columns if c.kind == "id")
    return record[id_column.name]


def _named_ids(record: Record, column: Column) -> list[str]:
    value = record[column.name]
    if value is None:
        return []
    if column.kind == "step":
        return [f"{value[0]}#{value[1]}"]
    return list(value) if column.kind == "refs" else [value]


def id_column(record: Record) -> str:
    """The column that holds a register's own id (a step's is made of `seq`)."""
    return next((c.name for c in record.table.register.columns if c.kind == "id"), "seq")


def add_references(batch: Batch, record: Record, label: str, uid: str, written: bool) -> None:
    """The edges a node row's reference columns state. They share the row's own end,
    which resolves the same for each of them (one per edge was 0.2 GB in a province)."""
    here = End((label,), uid)
    for column in record.table.register.columns:
        if column.kind not in REFERENCE_KINDS or column.edge is None:
            continue
        type_, reverse = column.edge
        for named in _named_ids(record, column):
            there = End(column.ref, named, column)
            start, end = (there, here) if reverse else (here, there)
            batch.edges.append(Edge(type_, start, end, NO_PROPS, record, written))


def _ungraded(record: Record) -> Issue:
    return record.table.issue(
        record.row,
        "level",
        None,
        "风险等级为空:该风险点尚未评定等级,列入“风险点未评定等级”(ungraded-risks),"
        "评定前不参与按等级的查询",
        "no level: the risk point is ungraded until graded (ungraded-risks lists it) "
        "and takes part in no level-based query",
        WARNING,
    )


def _unclassified(record: Record) -> Issue:
    return record.table.issue(
        record.row,
        "category",
        None,
        "风险类别为空:该风险点记为未分类,列入“风险点未分类”(unclassified-risks),请补填",
        "no category: the risk point is unclassified (unclassified-risks lists it) until "
        "one is given",
        WARNING,
    )


def add_node(batch: Batch, record: Record, first_rows: dict[tuple[str, str], int]) -> None:
    register = record.table.register
    label = register.label
    uid = node_uid(record)
    assert label is not None and uid is not None
    if (label, uid) in first_rows:
        first = first_rows[(label, uid)]
        batch.issues.append(
            record.table.issue(
                record.row,
                id_column(record),
                uid,
                f"编号“{uid}”重复(第 {first} 行已使用)",
                f"id {uid!r} is not unique (already used on row {first})",
            )
        )
        add_references(batch, record, label, uid, written=False)
        return
    first_rows[(label, uid)] = record.row
    if register.name == "risks" and not any(record[c] for c in RISK_ANCHORS):
        batch.issues.append(
            record.table.issue(
                record.row,
                "post_ids",
                None,
                "风险点须至少填写所在岗位、关联职权、流程环节或所在单位之一",
                "a risk point must name at least one of post_ids, power_id, step, unit_id",
            )
        )
        batch.broken.setdefault(label, set()).add(uid)
        return
    if register.name == "risks" and record["level"] is None:
        batch.issues.append(_ungraded(record))
    if register.name == "risks" and record["category"] is None:
        batch.issues.append(_unclassified(record))
    props = node_properties(record)
    if record.extra:
        props["extra"] = json.dumps(record.extra, ensure_ascii=False)
    batch.nodes.setdefault(label, {})[uid] = NodeRow(label, uid, props, record)
    add_references(batch, record, label, uid, written=True)


def _edge_row(
    batch: Batch,
    record: Record,
    start: str,
    end: str,
    type_: str,
    props: dict,
    written: bool = True,
) -> None:
    """An edge register's row: both ends are ids named in its cells."""
    register = record.table.register
    first, second = register.column(start), register.column(end)
    if record[start] is None or record[end] is None:
        return
    batch.edges.append(
        Edge(
            type_,
            End(first.ref, record[start], first),
            End(second.ref, record[end], second),
            props,
            record,
            written,
        )
    )


def add_assignment(batch: Batch, record: Record, seen: dict[tuple[Any, ...], int]) -> None:
    table = record.table
    start, end = record["start_date"], record["end_date"]
    if end is not None and end < start:
        batch.issues.append(
            table.issue(
                record.row,
                "end_date",
                end.isoformat(),
                f"离任日期早于任职日期({start.isoformat()})",
                f"the end date is before the start date ({start.isoformat()})",
            )
        )
        _edge_row(batch, record, "person_id", "post_id", "HOLDS", NO_PROPS, written=False)
        return
    key = (record["person_id"], record["post_id"], start)
    if key in seen:
        batch.issues.append(
            table.issue(
                record.row,
                "post_id",
                record["post_id"],
                f"同一任职记录重复(第 {seen[key]} 行)",
                f"the same assignment is listed twice (also row {seen[key]})",
            )
        )
        return
    seen[key] = record.row
    props = {
        "start_date": start.isoformat(),
        "end_date": end.isoformat() if end else None,
        "concurrent": bool(record["concurrent"]),
    }
    _edge_row(batch, record, "person_id", "post_id", "HOLDS", props)


def add_conflict(batch: Batch, record: Record, seen: dict[frozenset[str], int]) -> None:
    table = record.table
    a, b = record["power_a"], record["power_b"]
    if a == b:
        batch.issues.append(
            table.issue(
                record.row,
                "power_b",
                b,
                f"职权“{a}”不能与自身不相容",
                f"power {a!r} cannot conflict with itself",
            )
        )
        _edge_row(batch, record, "power_a", "power_b", "CONFLICTS_WITH", NO_PROPS, written=False)
        return
    pair = frozenset((a, b))
    if pair in seen:
        batch.issues.append(
            table.issue(
                record.row,
                "power_b",
                b,
                f"这对不相容职权已在第 {seen[pair]} 行列出,本行忽略",
                f"this pair is already listed on row {seen[pair]}; row ignored",
                WARNING,
            )
        )
        return
    seen[pair] = record.row
    _edge_row(batch, record, "power_a", "power_b", "CONFLICTS_WITH", {"reason": record["reason"]})


def build(records: dict[str, list[Record]], unreadable: set[str]) -> Batch:
    """Nodes and edges from every register's valid records.

    `unreadable`: labels whose register is missing or has no usable header.
    """
    batch = Batch(unreadable=unreadable)
    first_rows: dict[tuple[str, str], int] = {}
    assignments: dict[tuple[Any, ...], int] = {}
    conflicts: dict[frozenset[str], int] = {}
    for name, rows in records.items():
        for record in rows:
            label = record.table.register.label
            if not record.valid:
                uid = node_uid(record) if label else None
                if label and uid:
                    batch.broken.setdefault(label, set()).add(uid)
                    add_references(batch, record, label, uid, written=False)
                elif name == "assignments":
                    _edge_row(batch, record, "person_id", "post_id", "HOLDS", NO_PROPS, False)
                elif name == "conflicts":
                    _edge_row(
                        batch, record, "power_a", "power_b", "CONFLICTS_WITH", NO_PROPS, False
                    )
            elif label is not None:
                add_node(batch, record, first_rows)
            elif name == "assignments":
                add_assignment(batch, record, assignments)
            elif name == "conflicts":
                add_conflict(batch, record, conflicts)
            # Its nodes and edges hold what the graph needs; what stays is where the row
            # is, for messages. (A province's cell values were 0.3 GB kept twice.)
            record.values = NO_VALUES
    return batch

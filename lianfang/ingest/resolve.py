"""Checking an import against itself and the graph: references, ownership, cycles.

An id resolves if this import states it, or if the graph holds it from another
source. The graph's nodes of this same source do not count: re-importing the
source replaces them, so a reference to one the new registers dropped is dangling.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.ingest.batch import Batch, Edge, End, id_column
from lianfang.ingest.issues import WARNING, Issue

LOOKUP_CHUNK = 5000


def graph_owners(store: GraphStore | None, label: str, uids: set[str]) -> dict[str, str]:
    """uid → source for the given ids of one label that the graph already holds."""
    if store is None or not uids:
        return {}
    spec = model.node(label)  # the label comes from the schema, never from a cell
    owners: dict[str, str] = {}
    ordered = sorted(uids)
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        rows = store.read(
            f"MATCH (n:{spec.label}) WHERE n.uid IN $uids RETURN n.uid AS uid, n.source AS source",
            {"uids": ordered[start : start + LOOKUP_CHUNK]},
        )
        owners.update({row["uid"]: row["source"] for row in rows})
    return owners


class Resolver:
    """Where each id lives: this import, another source in the graph, or nowhere."""

    def __init__(self, batch: Batch, store: GraphStore | None, source: str) -> None:
        self.batch = batch
        self.source = source
        wanted: dict[str, set[str]] = defaultdict(set)
        for label, nodes in batch.nodes.items():
            wanted[label].update(nodes)
        for edge in batch.edges:
            for end in (edge.start, edge.end):
                if end.column is not None:
                    for label in end.labels:
                        wanted[label].add(end.uid)
        self.owners = {label: graph_owners(store, label, uids) for label, uids in wanted.items()}

    def in_graph(self, label: str, uid: str) -> bool:
        owner = self.owners.get(label, {}).get(uid)
        return owner is not None and owner != self.source

    def resolve(self, end: End) -> bool:
        if self.batch.unreadable.intersection(end.labels):
            end.label = end.labels[0]
            return True
        for label in end.labels:
            if self.batch.has(label, uid=end.uid) or self.in_graph(label, end.uid):
                end.label = label
                return True
        return False


def _dangling(edge: Edge, end: End) -> Issue:
    assert end.column is not None
    column = end.column
    what_zh = "或".join(model.node(label).zh for label in end.labels)
    what_en = " or ".join(end.labels)
    return edge.record.table.issue(
        edge.record.row,
        column.name,
        end.uid,
        f"{what_zh}“{end.uid}”不存在:本次导入和图中都没有",
        f"{what_en} {end.uid!r} does not exist in this import or in the graph",
    )


def check_references(batch: Batch, resolver: Resolver) -> list[Edge]:
    """Resolve every edge's ends; the edges that fully resolve are returned."""
    resolved: list[Edge] = []
    reported: set[tuple[int, str, str, str]] = set()
    for edge in batch.edges:
        ok = True
        for end in (edge.start, edge.end):
            if end.column is None or resolver.resolve(end):
                continue
            ok = False
            key = (edge.record.row, edge.record.table.sheet.name, end.column.name, end.uid)
            if key not in reported:
                reported.add(key)
                batch.issues.append(_dangling(edge, end))
        if ok:
            model.edge(edge.start.label or "", edge.type, edge.end.label or "")
            resolved.append(edge)
    return resolved


def check_ownership(batch: Batch, resolver: Resolver) -> None:
    """An id another source already holds cannot be restated here."""
    for label, nodes in batch.nodes.items():
        owners = resolver.owners.get(label, {})
        for uid, node in nodes.items():
            owner = owners.get(uid)
            if owner is None or owner == resolver.source:
                continue
            table = node.record.table
            column = id_column(node.record)
            batch.issues.append(
                table.issue(
                    node.record.row,
                    column,
                    uid,
                    f"编号“{uid}”已由来源“{owner}”导入;请从本表删除该行,或以来源“{owner}”导入",
                    f"id {uid!r} already belongs to source {owner!r}; remove the row here or "
                    f"import under that source",
                )
            )


def check_unit_cycles(
    batch: Batch, edges: list[Edge], store: GraphStore | None, source: str
) -> None:
    """The unit hierarchy must be a tree: no unit may be its own ancestor."""
    parent: dict[str, str] = {}
    rows: dict[str, Edge] = {}
    for edge in edges:
        if edge.type == "PART_OF":
            parent[edge.start.uid] = edge.end.uid
            rows[edge.start.uid] = edge
    if store is not None and parent:
        for row in store.read(
            "MATCH (c:Unit)-[r:PART_OF]->(p:Unit) WHERE r.origin <> $source "
            "RETURN c.uid AS child, p.uid AS parent",
            {"source": source},
        ):
            parent.setdefault(row["child"], row["parent"])
    reported: set[str] = set()
    for start in rows:
        seen: list[str] = []
        unit: str | None = start
        while unit is not None and unit not in seen:
            seen.append(unit)
            unit = parent.get(unit)
        if unit != start or start in reported:
            continue
        reported.update(seen)
        chain = " → ".join([*seen, start])
        edge = rows[start]
        batch.issues.append(
            edge.record.table.issue(
                edge.record.row,
                "parent_id",
                edge.end.uid,
                f"单位层级出现循环:{chain}",
                f"the unit hierarchy has a cycle: {chain}",
            )
        )


def warn_unheld_posts(batch: Batch, edges: list[Edge], today: dt.date) -> None:
    """Posts nobody in this import currently holds (a warning, never an error)."""
    held = {
        edge.end.uid
        for edge in edges
        if edge.type == "HOLDS"
        and dt.date.fromisoformat(edge.props["start_date"]) <= today
        and (
            edge.props["end_date"] is None or dt.date.fromisoformat(edge.props["end_date"]) > today
        )
    }
    for uid, node in batch.nodes.get("Post", {}).items():
        if uid not in held:
            batch.issues.append(
                node.record.table.issue(
                    node.record.row,
                    "post_id",
                    uid,
                    f"岗位“{uid}”目前无人任职",
                    f"post {uid!r} has no current holder",
                    WARNING,
                )
            )

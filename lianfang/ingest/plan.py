"""An import as a change set: the Cypher that replaces one source's part of the graph.

The source's edges are deleted and stated anew; its nodes whose code the registers no
longer state are deleted before the rest are merged. (Deleting after merging would
need a marker on every merged node, and FalkorDB 4 left deleted nodes behind in its
label index when one query created thousands of nodes and then deleted some.) Where
this import adds or drops a code another source also holds, records are renamed
(`GW01` ↔ `财政局:GW01`): to the qualified uid before the sweep, when a code becomes
shared, and back after it, when it stops being shared, so two records never hold one
uid and a renamed record keeps the edges other sources drew to it. Labels, types and
property names in the Cypher text come from the schema only; every value travels as
a parameter.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import Change, MappedRows
from lianfang.ingest.batch import Batch, Edge, NodeRow
from lianfang.ingest.resolve import Rename


def _date_props(label: str) -> list[str]:
    return [p.name for p in model.node(label).properties if p.kind == "date"]


def node_row(node: NodeRow, source: str) -> dict[str, Any]:
    """One MERGE row: plain props under `props`, dates at the top level for date()."""
    dates = set(_date_props(node.label))
    record = node.record
    props = {k: v for k, v in node.props.items() if k not in dates}
    props.setdefault("extra", None)
    props.update(
        code=node.uid,
        source=source,
        prov_file=record.table.sheet.file,
        prov_sheet=record.table.sheet.shown,
        prov_row=record.row,
    )
    return {"uid": node.key or node.uid, "props": props, **{k: node.props.get(k) for k in dates}}


def merge_nodes(label: str) -> str:
    spec = model.node(label)
    dates = "".join(f", n.{name} = date(row.{name})" for name in _date_props(label))
    return f"UNWIND $rows AS row MERGE (n:{spec.label} {{uid: row.uid}}) SET n += row.props{dates}"


def sweep_nodes(label: str) -> str:
    """The source's records of one label whose code the import no longer states."""
    return (
        f"MATCH (n:{model.node(label).label}) WHERE n.source = $source "
        "AND NOT n.code IN $codes DETACH DELETE n"
    )


def delete_edges(type_: str) -> str:
    assert type_ in model.edge_types()
    return f"MATCH ()-[r:{type_}]->() WHERE r.origin = $source DELETE r"


def create_edges(start: str, type_: str, end: str) -> str:
    spec = model.edge(start, type_, end)
    sets = [
        f"r.{p.name} = date(row.{p.name})" if p.kind == "date" else f"r.{p.name} = row.{p.name}"
        for p in spec.properties
        if p.name != "origin"
    ]
    return (
        f"UNWIND $rows AS row MATCH (a:{spec.start} {{uid: row.a}}) "
        f"MATCH (b:{spec.end} {{uid: row.b}}) CREATE (a)-[r:{spec.type}]->(b) "
        f"SET {', '.join(['r.origin = $source', *sets])}"
    )


def rename_nodes(label: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (n:{model.node(label).label} "
        "{code: row.code, source: row.source}) SET n.uid = row.uid"
    )


def renames(found: list[Rename], shared: bool) -> list[Change]:
    """Renames to `source:code` (shared) or back to the bare code (no longer shared)."""
    by_label: dict[str, list[dict[str, str]]] = defaultdict(list)
    for rename in found:
        if (rename.uid != rename.code) == shared:
            row = {"code": rename.code, "source": rename.source, "uid": rename.uid}
            by_label[rename.label].append(row)
    return [Change(rename_nodes(label), {}, rows) for label, rows in by_label.items()]


def edge_row(edge: Edge) -> dict[str, Any]:
    return {"a": edge.start.key, "b": edge.end.key, **edge.props}


def edge_groups(edges: list[Edge]) -> dict[tuple[str, str, str], list[Edge]]:
    groups: dict[tuple[str, str, str], list[Edge]] = defaultdict(list)
    for edge in edges:
        groups[(edge.start.label or "", edge.type, edge.end.label or "")].append(edge)
    return groups


def plan(
    batch: Batch, edges: list[Edge], source: str, renamed: list[Rename] | None = None
) -> list[Change]:
    """The whole import, in the order that keeps every step valid."""
    params = {"source": source}
    changes = [Change(delete_edges(t), params) for t in model.edge_types()]
    changes += renames(renamed or [], shared=True)
    for label in model.labels():
        codes = sorted(batch.nodes.get(label, {}))
        changes.append(Change(sweep_nodes(label), {**params, "codes": codes}))
    changes += renames(renamed or [], shared=False)
    for label in model.labels():
        nodes = list(batch.nodes.get(label, {}).values())
        if nodes:
            rows = MappedRows(nodes, partial(node_row, source=source))
            changes.append(Change(merge_nodes(label), params, rows))
    for (start, type_, end), group in edge_groups(edges).items():
        changes.append(Change(create_edges(start, type_, end), params, MappedRows(group, edge_row)))
    return changes

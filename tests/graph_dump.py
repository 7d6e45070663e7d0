"""The whole graph as comparable sets, to assert two imports gave the same graph."""

from __future__ import annotations

import json
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore

PROVENANCE = {"prov_file", "prov_sheet", "prov_row"}


def _frozen(props: dict[str, Any], drop: set[str]) -> str:
    kept = {k: v for k, v in props.items() if k not in drop}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False, default=str)


def dump(store: GraphStore, with_provenance: bool = True) -> tuple[set[Any], list[Any]]:
    """(nodes, sorted edges); edges are a list so duplicates would show."""
    drop = set() if with_provenance else PROVENANCE
    nodes = {
        (row["label"], _frozen(row["n"], drop))
        for row in store.read("MATCH (n) RETURN labels(n)[0] AS label, n")
        if row["label"] != model.VERSION_LABEL  # a fresh token per import, by design
    }
    edges = sorted(
        (row["type"], row["a"], row["b"], _frozen(row["r"], set()))
        for row in store.read(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.uid AS a, b.uid AS b, r"
        )
    )
    return nodes, edges


def node(store: GraphStore, label: str, uid: str) -> dict[str, Any]:
    rows = store.read(f"MATCH (n:{model.node(label).label} {{uid: $uid}}) RETURN n", {"uid": uid})
    assert len(rows) == 1, (label, uid, rows)
    return rows[0]["n"]


def targets(store: GraphStore, label: str, uid: str, type_: str) -> set[str]:
    """uids at the end of one node's outgoing edges of a type."""
    from lianfang.graph import model

    assert type_ in model.edge_types()
    rows = store.read(
        f"MATCH (n:{model.node(label).label} {{uid: $uid}})-[:{type_}]->(m) RETURN m.uid AS uid",
        {"uid": uid},
    )
    return {row["uid"] for row in rows}

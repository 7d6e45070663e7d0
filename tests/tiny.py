"""Tiny graphs for query tests, written through the same Cypher the importer uses.

    g = Tiny()
    g.node("Post", "P1", key_post=True)
    g.edge("P1", "IN_UNIT", "U1")
    g.holds("E1", "P1", "2020-01-01")
    g.write(store)

Nodes must be declared before the edges that use them; labels and edge types are
checked against the schema.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import Change, GraphStore
from lianfang.ingest.plan import create_edges, merge_nodes

SOURCE = "tiny"


class Tiny:
    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.nodes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.edges: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)

    def node(self, label: str, uid: str, **props: Any) -> Tiny:
        spec = model.node(label)
        dates = {p.name for p in spec.properties if p.kind == "date"}
        defaults = {p.name: p.default for p in spec.properties if p.default is not None}
        values = {**defaults, **props}
        for name in values:
            spec.prop(name)  # only declared properties
        self.labels[uid] = label
        self.nodes[label].append(
            {
                "uid": uid,
                "props": {"source": SOURCE, **{k: v for k, v in values.items() if k not in dates}},
                **{k: values.get(k) for k in dates},
            }
        )
        return self

    def nodes_of(self, label: str, *uids: str, **props: Any) -> Tiny:
        for uid in uids:
            self.node(label, uid, **props)
        return self

    def edge(self, start: str, type_: str, end: str, **props: Any) -> Tiny:
        key = (self.labels[start], type_, self.labels[end])
        model.edge(*key)
        self.edges[key].append({"a": start, "b": end, **props})
        return self

    def holds(
        self, person: str, post: str, start: str, end: str | None = None, concurrent: bool = False
    ) -> Tiny:
        return self.edge(
            person, "HOLDS", post, start_date=start, end_date=end, concurrent=concurrent
        )

    def write(self, store: GraphStore) -> GraphStore:
        params = {"source": SOURCE}
        changes = [Change(merge_nodes(label), params, rows) for label, rows in self.nodes.items()]
        changes += [
            Change(create_edges(*key), params, [_edge_row(key, row) for row in rows])
            for key, rows in self.edges.items()
        ]
        store.apply(changes)
        return store


def _edge_row(key: tuple[str, str, str], row: dict[str, Any]) -> dict[str, Any]:
    """Every declared edge property present (null when not given), as create_edges reads."""
    spec = model.edge(*key)
    return {**{p.name: None for p in spec.properties if p.name != "origin"}, **row}

"""The three maps the product offers, each as (subgraph, title): shared by the web
routes and `lianfang map`, so both draw exactly the same thing."""

from __future__ import annotations

import datetime as dt

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.runner import QueryResult
from lianfang.viz.subgraph import Subgraph, findings_map, mark_exposed, neighbourhood, unit_map


def unit_view(store: GraphStore, uid: str, as_of: dt.date) -> tuple[Subgraph, str]:
    """A unit's power-risk map; LookupError if there is no such unit."""
    graph = mark_exposed(store, unit_map(store, uid, as_of))
    return graph, f"{graph.nodes[('Unit', uid)].get('name', uid)} 权力风险图 power-risk map"


def node_view(
    store: GraphStore, label: str, uid: str, depth: int, as_of: dt.date
) -> tuple[Subgraph, str]:
    """A node's neighbourhood; LookupError for an unknown label or node."""
    if label not in model.nodes():
        raise LookupError(f"unknown label {label!r}; known: {', '.join(model.labels())}")
    graph = mark_exposed(store, neighbourhood(store, label, uid, depth, as_of))
    return graph, f"{model.node(label).zh} {uid} 邻域 neighbourhood"


def query_view(store: GraphStore, result: QueryResult) -> tuple[Subgraph, str]:
    """The nodes behind a query's findings, on the query's own as_of."""
    as_of = dt.date.fromisoformat(result.params.get("as_of") or dt.date.today().isoformat())
    graph = mark_exposed(store, findings_map(store, result.rows, as_of))
    spec = result.spec
    return graph, f"{spec.title_zh} {spec.title_en} ({result.ratio()})"

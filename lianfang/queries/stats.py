"""The figures an annual review opens with: counts by type and level.

The page, the API and the review all print them, so they are computed in one place,
once per state of the graph (every page of the workbench shows them).
"""

from __future__ import annotations

import copy
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import Counts, GraphStore
from lianfang.queries.cache import cached
from lianfang.queries.scope import Scope


def stats(store: GraphStore, within: Scope | None = None) -> dict[str, Any]:
    """Counts by type and level, and the figures an annual review opens with (the
    caller's own copy); with a scope, of what is in it."""
    if within is None:
        return copy.deepcopy(cached(store, ("stats",), lambda: _computed(store)))
    key = ("stats", within.units)
    return copy.deepcopy(cached(store, key, lambda: _computed_within(store, within)))


def _computed(store: GraphStore) -> dict[str, Any]:
    counts = store.counts()
    rows = store.read("MATCH (r:RiskPoint) RETURN r.level AS level, count(r) AS n")
    return _figures(counts, rows)


def _computed_within(store: GraphStore, within: Scope) -> dict[str, Any]:
    """Nodes in the scope, and the edges whose two ends both are."""
    nodes = {label: len(within.members.get(label, ())) for label in model.labels()}
    edges = dict.fromkeys(model.edge_types(), 0)
    for edge in {(e.start, e.type, e.end): e for e in model.edges()}.values():
        starts = sorted(within.members.get(edge.start, ()))
        if not starts:
            continue
        rows = store.read(
            f"UNWIND $uids AS id MATCH (:{edge.start} {{uid: id}})-[:{edge.type}]->(b:{edge.end}) "
            "RETURN b.uid AS uid",
            {"uids": starts},
        )
        edges[edge.type] += sum(within.contains(edge.end, row["uid"]) for row in rows)
    levels = store.read(
        "MATCH (r:RiskPoint) WHERE r.uid IN $uids RETURN r.level AS level, count(r) AS n",
        {"uids": sorted(within.members.get("RiskPoint", ()))},
    )
    return _figures(Counts(nodes, edges), levels)


def _figures(counts: Counts, level_rows: list[dict[str, Any]]) -> dict[str, Any]:
    levels = {level: 0 for level in model.node("RiskPoint").prop("level").choices or ()}
    for row in level_rows:
        if row["level"] in levels:
            levels[row["level"]] = row["n"]
    headline = {
        "risks": counts.nodes["RiskPoint"],
        "high_risks": levels.get("high", 0),
        "controls": counts.nodes["Control"],
        "rules": counts.nodes["Rule"],
        "processes": counts.nodes["Process"],
    }
    return {
        "nodes": counts.nodes,
        "edges": counts.edges,
        "risks_by_level": levels,
        "headline": headline,
    }

"""The figures an annual review opens with: counts by type and level.

The page, the API and the review all print them, so they are computed in one place,
once per state of the graph (every page of the workbench shows them).
"""

from __future__ import annotations

import copy
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.cache import cached


def stats(store: GraphStore) -> dict[str, Any]:
    """Counts by type and level, and the figures an annual review opens with (the
    caller's own copy)."""
    return copy.deepcopy(cached(store, ("stats",), lambda: _computed(store)))


def _computed(store: GraphStore) -> dict[str, Any]:
    counts = store.counts()
    levels = {level: 0 for level in model.node("RiskPoint").prop("level").choices or ()}
    for row in store.read("MATCH (r:RiskPoint) RETURN r.level AS level, count(r) AS n"):
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

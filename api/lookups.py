"""Read-only lookups the API routes and the page share: figures, search, one node."""

from __future__ import annotations

from typing import Any

from graph import model
from graph.store import GraphStore
from queries.runner import QueryResult, run
from queries.spec import QuerySpec, library

SEARCHED = {  # label → the text property searched besides the id
    "Unit": "name",
    "Post": "name",
    "Person": "name",
    "Power": "name",
    "RiskPoint": "description",
}


def stats(store: GraphStore) -> dict[str, Any]:
    """Counts by type and level, and the figures an annual review opens with."""
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


def search(store: GraphStore, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Units, posts, people, powers and risk points whose id or name contains `text`."""
    needle = text.strip().lower()
    if not needle:
        return []
    hits: list[dict[str, Any]] = []
    for label, prop in SEARCHED.items():
        spec = model.node(label)
        rows = store.read(
            f"MATCH (n:{spec.label}) WHERE toLower(n.uid) CONTAINS $q "
            f"OR toLower(n.{prop}) CONTAINS $q "
            f"RETURN n.uid AS uid, n.{prop} AS name ORDER BY uid LIMIT $limit",
            {"q": needle, "limit": limit},
        )
        hits += [{"label": label, "zh": spec.zh, **row} for row in rows]
    exact = [h for h in hits if h["uid"].lower() == needle]
    return (exact + [h for h in hits if h not in exact])[:limit]


def node_detail(store: GraphStore, label: str, uid: str) -> dict[str, Any] | None:
    """One node's properties and its neighbours, or None if there is no such node."""
    spec = model.node(label)
    rows = store.read(f"MATCH (n:{spec.label} {{uid: $uid}}) RETURN n", {"uid": uid})
    if not rows:
        return None
    neighbours = []
    for edge in model.edges():
        for direction, near, far, pattern in (
            ("out", edge.start, edge.end, f"(n:{edge.start})-[r:{edge.type}]->(m:{edge.end})"),
            ("in", edge.end, edge.start, f"(n:{edge.end})<-[r:{edge.type}]-(m:{edge.start})"),
        ):
            if near != spec.label:
                continue
            for row in store.read(
                f"MATCH {pattern} WHERE n.uid = $uid RETURN m.uid AS uid, m AS m", {"uid": uid}
            ):
                name = row["m"].get("name") or row["m"].get("title") or row["m"].get("description")
                neighbours.append(
                    {
                        "direction": direction,
                        "type": edge.type,
                        "label": far,
                        "uid": row["uid"],
                        "name": name,
                    }
                )
    return {"node": {"label": spec.label, **rows[0]["n"]}, "neighbours": neighbours}


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def catalogue(store: GraphStore) -> list[tuple[QuerySpec, QueryResult]]:
    """Every canned query with its findings now, at default parameters; most severe first."""
    specs = sorted(library().values(), key=lambda spec: SEVERITY_ORDER[spec.severity])
    return [(spec, run(store, spec.id)) for spec in specs]

"""Read-only lookups the API routes and the page share: search and one node."""

from __future__ import annotations

from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore

SEARCHED = {  # label → the text property searched besides the id
    "Unit": "name",
    "Post": "name",
    "Person": "name",
    "Power": "name",
    "RiskPoint": "description",
}


# Labels whose records sit in a unit: a hit names it, since many posts share a name.
IN_A_UNIT = ("Post", "Person")


def search(
    store: GraphStore, text: str, limit: int = 50, labels: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    """Units, posts, people, powers and risk points (or only `labels`) whose id or name
    contains `text`; a post or a person with the name of its unit."""
    needle = text.strip().lower()
    if not needle:
        return []
    hits: list[dict[str, Any]] = []
    for label, prop in SEARCHED.items():
        if labels is not None and label not in labels:
            continue
        spec = model.node(label)
        unit = (
            "OPTIONAL MATCH (n)-[:IN_UNIT]->(u:Unit) WITH n, head(collect(u.name)) AS unit "
            if label in IN_A_UNIT
            else "WITH n, null AS unit "
        )
        rows = store.read(
            f"MATCH (n:{spec.label}) WHERE toLower(n.uid) CONTAINS $q "
            f"OR toLower(n.{prop}) CONTAINS $q WITH n ORDER BY n.uid LIMIT $limit {unit}"
            f"RETURN n.uid AS uid, n.{prop} AS name, unit ORDER BY uid",
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

"""How a person reaches a power, now: through a post of theirs that exercises it, or
through a step of one of its flowcharts that a post of theirs handles. Each route is a
list of nodes and the edges between them, in order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore

_CURRENT = model.held_on()
ROUTES = {
    "post": (
        "MATCH (e:Person {uid: $person})-[h:HOLDS]->(p:Post)-[:EXERCISES]->(q:Power {uid: $power}) "
        f"WHERE {_CURRENT} "
        "RETURN [e, p, q] AS nodes, ['HOLDS', 'EXERCISES'] AS types, [true, true] AS forward "
        "ORDER BY p.uid",
        ("Person", "Post", "Power"),
    ),
    "step": (
        "MATCH (e:Person {uid: $person})-[h:HOLDS]->(p:Post)<-[:HANDLED_BY]-(s:Step)"
        "<-[:HAS_STEP]-(f:Process)-[:IMPLEMENTS]->(q:Power {uid: $power}) "
        f"WHERE {_CURRENT} "
        "RETURN [e, p, s, f, q] AS nodes, "
        "['HOLDS', 'HANDLED_BY', 'HAS_STEP', 'IMPLEMENTS'] AS types, "
        "[true, false, false, true] AS forward ORDER BY p.uid, s.uid",
        ("Person", "Post", "Step", "Process", "Power"),
    ),
}


def _require(store: GraphStore, label: str, uid: str) -> None:
    if not store.read(f"MATCH (n:{label} {{uid: $uid}}) RETURN n.uid AS uid", {"uid": uid}):
        raise LookupError(f"no {label} {uid!r}")


def paths(store: GraphStore, person: str, power: str, as_of: dt.date) -> list[dict[str, Any]]:
    """Every route, post routes first; LookupError for an unknown person or power."""
    _require(store, "Person", person)
    _require(store, "Power", power)
    found = []
    for via, (cypher, labels) in ROUTES.items():
        for row in store.read(cypher, {"person": person, "power": power, "as_of": as_of}):
            nodes = [
                {"label": label, "uid": n["uid"], "name": n.get("name")}
                for label, n in zip(labels, row["nodes"], strict=True)
            ]
            edges = []
            for index, (type_, forward) in enumerate(
                zip(row["types"], row["forward"], strict=True)
            ):
                a, b = nodes[index]["uid"], nodes[index + 1]["uid"]
                edges.append(
                    {"type": type_, "from": a if forward else b, "to": b if forward else a}
                )
            found.append({"via": via, "nodes": nodes, "edges": edges})
    return found

"""The organisation's shape as warnings and scores read it: each post's unit, and each
unit's ancestors and sub-units.

Both are read again for every state of the graph, and at scale 100 they took 4.7 s of
the warm-up after every import (three statements, two of them walking the unit tree).
Kept per state and said what they read, they are carried over an import that writes no
unit, post or edge between them: controls, rules, risk points, people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lianfang.graph.store import GraphStore
from lianfang.queries.cache import Key, cached, reads_as
from lianfang.queries.readsets import reads

_STATEMENTS = {
    "posts": (
        "MATCH (p:Post) OPTIONAL MATCH (p)-[:IN_UNIT]->(u:Unit) "
        "RETURN p.uid AS uid, p.name AS name, u.uid AS unit, u.name AS unit_name ORDER BY uid"
    ),
    "tree": (
        "MATCH (u:Unit) OPTIONAL MATCH (u)-[:PART_OF*0..]->(a:Unit) "
        "RETURN u.uid AS uid, u.name AS name, collect(DISTINCT a.uid) AS up"
    ),
}


@dataclass(frozen=True)
class UnitTree:
    """Unit names, and per unit its ancestors and its sub-units, itself included in both
    (a unit answers for its sub-units)."""

    names: dict[str, str]
    up: dict[str, frozenset[str]]
    under: dict[str, frozenset[str]]


def posts(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Every post by id: its name, and its unit's id and name (None without one).
    Shared: read it only."""
    return cached(store, ("organisation", "posts"), lambda: _posts(store))


def tree(store: GraphStore) -> UnitTree:
    """The unit tree (shared: read it only)."""
    return cached(store, ("organisation", "tree"), lambda: _tree(store))


def _posts(store: GraphStore) -> dict[str, dict[str, Any]]:
    return {row["uid"]: row for row in store.read(_STATEMENTS["posts"])}


def _tree(store: GraphStore) -> UnitTree:
    rows = store.read(_STATEMENTS["tree"])
    up = {row["uid"]: frozenset(row["up"]) | {row["uid"]} for row in rows}
    under: dict[str, set[str]] = {uid: set() for uid in up}
    for uid, above in up.items():
        for ancestor in above:
            under[ancestor].add(uid)
    return UnitTree(
        {row["uid"]: row["name"] for row in rows},
        up,
        {uid: frozenset(found) for uid, found in under.items()},
    )


def _reads(key: Key) -> frozenset[str]:
    return reads(_STATEMENTS[key[1]])


reads_as("organisation", _reads)

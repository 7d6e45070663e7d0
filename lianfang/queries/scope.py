"""A unit scope: what a user given some units may see, and query answers cut down to it.

A scope is the units named and their sub-units, and everything that hangs from them:
their posts and staff, the powers those posts exercise, the steps they handle, the
flowcharts of those steps and powers, the rules over those powers and flowcharts, the
risk points at those posts, units and steps (a risk stated only against a power follows
the power), their controls, and the incidents at those posts or involving those people.

A query row is in scope when an id it names is. Ids of what belongs to a unit (units,
posts, people, steps, risk points, controls, incidents) decide where a row names any;
catalogue entries (powers, flowcharts, rules), which several units may share, decide
only rows that name nothing else, so that a shared power never carries a sibling
unit's people or risks into view. The "n of N" figures are recounted within the scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.cache import cached, frozen
from lianfang.queries.runner import QueryResult
from lianfang.queries.spec import ID_COLUMNS, QuerySpec

CATALOGUE = frozenset({"Power", "Process", "Rule"})

# label → the ways to reach it from labels already scoped: (start, type, end, extra
# condition on n). In this order each label's sources are complete before it is reached.
Reach = tuple[str, str, str, str]
REACH: tuple[tuple[str, tuple[Reach, ...]], ...] = (
    ("Post", (("Post", "IN_UNIT", "Unit", ""),)),
    ("Person", (("Person", "IN_UNIT", "Unit", ""), ("Person", "HOLDS", "Post", ""))),
    ("Power", (("Post", "EXERCISES", "Power", ""),)),
    ("Step", (("Step", "HANDLED_BY", "Post", ""),)),
    ("Process", (("Process", "HAS_STEP", "Step", ""), ("Process", "IMPLEMENTS", "Power", ""))),
    ("Rule", (("Rule", "GOVERNS", "Power", ""), ("Rule", "GOVERNS", "Process", ""))),
    (
        "RiskPoint",
        (
            ("RiskPoint", "AT_POST", "Post", ""),
            ("RiskPoint", "IN_UNIT", "Unit", ""),
            ("RiskPoint", "AT_STEP", "Step", ""),
            (
                "RiskPoint",
                "OF_POWER",
                "Power",
                "NOT (n)-[:AT_POST]->() AND NOT (n)-[:IN_UNIT]->() AND NOT (n)-[:AT_STEP]->()",
            ),
        ),
    ),
    (
        "Control",
        (("RiskPoint", "MITIGATED_BY", "Control", ""), ("Control", "OWNED_BY", "Post", "")),
    ),
    (
        "Incident",
        (
            ("Incident", "AT_POST", "Post", ""),
            ("Incident", "INVOLVES", "Person", ""),
            ("Incident", "POINTS_TO", "RiskPoint", ""),
        ),
    ),
)


@dataclass(frozen=True)
class Scope:
    """The units a user was given, and every id in scope by label."""

    units: tuple[str, ...]
    members: Mapping[str, frozenset[str]]

    def contains(self, label: str, uid: object) -> bool:
        return str(uid) in self.members.get(label, frozenset())

    def keeps(self, named: Mapping[str, Iterable[object]]) -> bool:
        """Whether something named (ids by label) is in scope: ids of what belongs to a
        unit decide where there are any, catalogue ids otherwise."""
        owned = {label: ids for label, ids in named.items() if label not in CATALOGUE}
        deciding = owned if any(owned.values()) else named
        return any(self.contains(label, uid) for label, ids in deciding.items() for uid in ids)

    def keeps_row(self, row: Mapping[str, Any]) -> bool:
        return self.keeps(named_ids(row))


def named_ids(row: Mapping[str, Any]) -> dict[str, list[object]]:
    """The register ids a query row names, by label (list columns included)."""
    named: dict[str, list[object]] = {}
    for column, label in ID_COLUMNS.items():
        value = row.get(column)
        values = value if isinstance(value, list) else [value]
        named.setdefault(label, []).extend(v for v in values if v not in (None, ""))
    return named


def _reach_query(start: str, type_: str, end: str, extra: str, inward: bool) -> str:
    """Ids of `n` joined to a scoped `m`; `inward`: the edge points at `n`."""
    edge = model.edge(start, type_, end)
    n_label, m_label = (edge.end, edge.start) if inward else (edge.start, edge.end)
    pattern = (
        f"(m)-[:{edge.type}]->(n:{n_label})" if inward else f"(n:{n_label})-[:{edge.type}]->(m)"
    )
    # The condition (pattern predicates) comes after a WITH: FalkorDB would otherwise
    # test it on every node of the label before following the edge (14 s for one
    # bureau's powers at scale 20, 2 ms this way).
    where = f" WHERE {extra}" if extra else ""
    return (
        f"UNWIND $uids AS id MATCH (m:{m_label} {{uid: id}}) MATCH {pattern} "
        f"WITH DISTINCT n{where} RETURN n.uid AS uid"
    )


def units_under(store: GraphStore, unit: str) -> set[str]:
    """A unit and its sub-units; empty if there is no such unit."""
    label = model.node("Unit").label
    rows = store.read(
        f"MATCH (d:{label})-[:PART_OF*0..]->(:{label} {{uid: $uid}}) RETURN d.uid AS uid",
        {"uid": unit},
    )
    return {row["uid"] for row in rows}


def compute(store: GraphStore, units: Iterable[str]) -> Scope:
    """Read a scope from the graph (see `scope` for the kept one)."""
    roots = sorted(set(units))
    unit = model.node("Unit").label
    rows = store.read(
        f"UNWIND $roots AS root MATCH (d:{unit})-[:PART_OF*0..]->(:{unit} {{uid: root}}) "
        "RETURN DISTINCT d.uid AS uid",
        {"roots": roots},
    )
    members: dict[str, set[str]] = {"Unit": {row["uid"] for row in rows}}
    for label, ways in REACH:
        found: set[str] = set()
        for start, type_, end, extra in ways:
            inward = end == label and start != label
            source = start if inward else end
            uids = sorted(members.get(source, ()))
            if uids:
                query = _reach_query(start, type_, end, extra, inward)
                found.update(row["uid"] for row in store.read(query, {"uids": uids}))
        members[label] = found
    return Scope(tuple(roots), {label: frozenset(ids) for label, ids in members.items()})


def scope(store: GraphStore, units: Iterable[str]) -> Scope:
    """A scope, kept per state of the graph: every request of a scoped user needs it."""
    roots = tuple(sorted(set(units)))
    return cached(store, ("scope", roots), lambda: compute(store, roots))


# -- query answers within a scope ---------------------------------------------------------
_COUNTED = re.compile(r"RETURN\s+count\(\s*(DISTINCT\s+)?(\w+)\s*\)\s+AS\s+total\s*$", re.I)


def total_items_query(total: str) -> str:
    """A query's denominator rewritten to list what it counts, so that it can be counted
    within a scope: a node as its label and id, an edge as its two ends'."""
    match = _COUNTED.search(total.strip())
    if not match:
        raise ValueError("a total must end in RETURN count([DISTINCT] x) AS total")
    distinct, name = match.group(1) or "", match.group(2)
    if re.search(rf"\[\s*{re.escape(name)}\s*:", total):
        ends = f"startNode({name}) AS a, endNode({name}) AS b"
        listed = (
            f"WITH {distinct}{name}, {ends} RETURN [labels(a)[0], a.uid, labels(b)[0], b.uid] "
            "AS item"
        )
    else:
        listed = f"RETURN {distinct}[labels({name})[0], {name}.uid] AS item"
    return total.strip()[: match.start()] + listed


def _scoped_total(
    store: GraphStore, spec: QuerySpec, sent: Mapping[str, Any], within: Scope
) -> int:
    rows = store.read(total_items_query(spec.total or ""), dict(sent))
    kept = 0
    for row in rows:
        item = row["item"]
        named: dict[str, list[object]] = {}
        for index in range(0, len(item), 2):
            named.setdefault(item[index], []).append(item[index + 1])
        kept += within.keeps(named)
    return kept


def scoped(store: GraphStore, result: QueryResult, within: Scope) -> QueryResult:
    """A query's answer as a scoped user sees it: rows in scope, the total within it."""
    rows = [row for row in result.rows if within.keeps_row(row)]
    total = result.total
    if total is not None and result.spec.total:
        sent = {k: v for k, v in result.params.items() if k in result.spec.sent}
        key = ("scoped total", result.spec.id, result.spec.version, frozen(sent), within.units)
        total = cached(store, key, lambda: _scoped_total(store, result.spec, sent, within))
    return replace(result, rows=rows, total=total)

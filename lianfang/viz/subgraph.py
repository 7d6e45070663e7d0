"""Pieces of the graph to draw: a unit's power-risk map, a node's neighbourhood, the
nodes behind a query's findings.

Expansion walks the schema's declared edges only, one hop per query with the frontier
passed as a parameter, so every label and type in the Cypher comes from the schema.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.spec import ID_COLUMNS
from lianfang.viz.words import Said

Key = tuple[str, str]  # (label, uid)
Edge = tuple[Key, str, Key]


@dataclass(frozen=True)
class Finding:
    """One query row on a map: the nodes and edges that make it."""

    title: str
    nodes: frozenset[Key]
    edges: frozenset[Edge]


@dataclass
class Subgraph:
    """Nodes by (label, uid) with their properties, and typed edges between them."""

    nodes: dict[Key, dict[str, Any]] = field(default_factory=dict)
    edges: set[Edge] = field(default_factory=set)
    highlighted: set[Key] = field(default_factory=set)
    exposed: set[Key] = field(default_factory=set)  # high risks with no control in effect
    unmitigated: set[Key] = field(default_factory=set)  # risks of any level with none
    proposed: set[Edge] = field(default_factory=set)  # what-if edges, dashed
    findings: list[Finding] = field(default_factory=list)
    notes: list[Said] = field(default_factory=list)
    centre: Key | None = None  # the record a neighbourhood is drawn around

    def add(self, label: str, props: dict[str, Any]) -> Key:
        key = (label, str(props["uid"]))
        self.nodes.setdefault(key, props)
        return key

    def uids(self, label: str) -> list[str]:
        return [uid for (lab, uid) in self.nodes if lab == label]

    def within(self, keeps: Callable[[str, str], bool]) -> Subgraph:
        """The map with only the nodes `keeps(label, uid)` allows, and what joins them:
        every marking and every finding cut to those nodes (findings left with none
        are dropped)."""
        nodes = {key: props for key, props in self.nodes.items() if keeps(*key)}
        edges = {e for e in self.edges if e[0] in nodes and e[2] in nodes}
        return replace(
            self,
            nodes=nodes,
            edges=edges,
            highlighted=self.highlighted & nodes.keys(),
            exposed=self.exposed & nodes.keys(),
            unmitigated=self.unmitigated & nodes.keys(),
            proposed=self.proposed & edges,
            findings=[
                Finding(f.title, frozenset(f.nodes & nodes.keys()), frozenset(f.edges & edges))
                for f in self.findings
                if f.nodes & nodes.keys()
            ],
            notes=list(self.notes),
        )


def fetch_nodes(store: GraphStore, label: str, uids: Iterable[str]) -> list[dict[str, Any]]:
    spec = model.node(label)
    wanted = sorted(set(uids))
    if not wanted:
        return []
    rows = store.read(f"MATCH (n:{spec.label}) WHERE n.uid IN $uids RETURN n", {"uids": wanted})
    return [row["n"] for row in rows]


def _current(edge: dict[str, Any], as_of: dt.date) -> bool:
    start, end = edge.get("start_date"), edge.get("end_date")
    return (start is None or start <= as_of) and (end is None or end > as_of)


def expand(
    store: GraphStore,
    graph: Subgraph,
    frontier: dict[str, list[str]],
    edges: Iterable[model.EdgeSpec],
    as_of: dt.date,
) -> dict[str, list[str]]:
    """Follow the given declared edges (either direction) from the frontier; return the
    nodes reached that were not in the graph before, by label. Past assignments (HOLDS
    not current on as_of) are not followed."""
    reached: dict[str, set[str]] = {}
    for edge in edges:
        for near, far, forward, pattern in (
            (edge.start, edge.end, True, f"(a:{edge.start})-[r:{edge.type}]->(b:{edge.end})"),
            (edge.end, edge.start, False, f"(a:{edge.end})<-[r:{edge.type}]-(b:{edge.start})"),
        ):
            uids = frontier.get(near)
            if not uids:
                continue
            rows = store.read(
                f"MATCH {pattern} WHERE a.uid IN $uids RETURN a.uid AS a, r, b", {"uids": uids}
            )
            for row in rows:
                if edge.type == "HOLDS" and not _current(row["r"], as_of):
                    continue
                new = (far, str(row["b"]["uid"])) not in graph.nodes
                b = graph.add(far, row["b"])
                a = (near, str(row["a"]))
                start, end = (a, b) if forward else (b, a)  # Unit PART_OF Unit: both ends alike
                graph.edges.add((start, edge.type, end))
                if new:
                    reached.setdefault(far, set()).add(b[1])
    return {label: sorted(uids) for label, uids in reached.items()}


# (frontier label, edges to follow from it), in order: a unit map's layers.
Steps = tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]
UNIT_STEPS: Steps = (
    ("Unit", (("Post", "IN_UNIT", "Unit"), ("RiskPoint", "IN_UNIT", "Unit"))),
    (
        "Post",
        (
            ("Person", "HOLDS", "Post"),
            ("Post", "EXERCISES", "Power"),
            ("RiskPoint", "AT_POST", "Post"),
        ),
    ),
)
# Once the risks of the powers are on the map: their controls, and the powers' rules.
LATER_STEPS: Steps = (
    ("RiskPoint", (("RiskPoint", "MITIGATED_BY", "Control"),)),
    ("Power", (("Rule", "GOVERNS", "Power"),)),
)
# A risk point stated against a power and nothing unit-bound belongs with the power
# (as in a unit scope); one at another unit's post or step stays on that unit's map.
_POWER_RISKS = (  # the condition after a WITH, as in queries.scope (FalkorDB's planner)
    "MATCH (r:RiskPoint)-[:OF_POWER]->(q:Power) WHERE q.uid IN $powers WITH q, r "
    "WHERE r.uid IN $risks OR (NOT (r)-[:AT_POST]->() AND NOT (r)-[:IN_UNIT]->() "
    "AND NOT (r)-[:AT_STEP]->()) "
    "RETURN q.uid AS power, r"
)


def power_risks(store: GraphStore, graph: Subgraph) -> None:
    """The risk points of the map's powers: those of no unit, and the OF_POWER edges of
    those already on the map (so a risk sits beside its power)."""
    params = {"powers": graph.uids("Power"), "risks": graph.uids("RiskPoint")}
    if not params["powers"]:
        return
    for row in store.read(_POWER_RISKS, params):
        risk = graph.add("RiskPoint", row["r"])
        graph.edges.add((risk, "OF_POWER", ("Power", str(row["power"]))))


def unit_map(store: GraphStore, unit: str, as_of: dt.date, sub_units: bool = True) -> Subgraph:
    """A unit and its sub-units (or the unit alone): posts, current holders, powers,
    risk points, controls and the rules that govern the powers."""
    reach = "*0.." if sub_units else "*0..0"
    rows = store.read(
        f"MATCH (d:Unit)-[:PART_OF{reach}]->(u:Unit {{uid: $uid}}) RETURN d", {"uid": unit}
    )
    if not rows:
        raise LookupError(f"no unit {unit!r}")
    graph = Subgraph()
    for row in rows:
        graph.add("Unit", row["d"])
    graph.highlighted.add(("Unit", unit))
    units = graph.uids("Unit")
    parts = store.read(
        "MATCH (c:Unit)-[:PART_OF]->(p:Unit) WHERE c.uid IN $uids AND p.uid IN $uids "
        "RETURN c.uid AS c, p.uid AS p",
        {"uids": units},
    )
    graph.edges.update((("Unit", r["c"]), "PART_OF", ("Unit", r["p"])) for r in parts)
    _follow(store, graph, UNIT_STEPS, as_of)
    power_risks(store, graph)
    _follow(store, graph, LATER_STEPS, as_of)
    return graph


def _follow(
    store: GraphStore,
    graph: Subgraph,
    steps: Steps,
    as_of: dt.date,
) -> None:
    for label, declared in steps:
        edges = [model.edge(*edge) for edge in declared]
        expand(store, graph, {label: graph.uids(label)}, edges, as_of)


def neighbourhood(store: GraphStore, label: str, uid: str, depth: int, as_of: dt.date) -> Subgraph:
    """A node and everything within `depth` hops along declared edges."""
    found = fetch_nodes(store, label, [uid])
    if not found:
        raise LookupError(f"no {label} {uid!r}")
    graph = Subgraph()
    graph.centre = graph.add(label, found[0])
    graph.highlighted.add(graph.centre)
    frontier = {label: [uid]}
    for _ in range(depth):
        frontier = expand(store, graph, frontier, model.edges(), as_of)
        if not frontier:
            break
    return graph


def finding_keys(rows: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """The register ids named in query rows, by label."""
    named: dict[str, set[str]] = {}
    for row in rows:
        for column, label in ID_COLUMNS.items():
            value = row.get(column)
            values = value if isinstance(value, list) else [value]
            named.setdefault(label, set()).update(str(v) for v in values if v)
    return {label: uids for label, uids in named.items() if uids}


def _named(row: dict[str, Any]) -> list[Key]:
    """The nodes a row names, in the order of its id columns."""
    keys: list[Key] = []
    for column, label in ID_COLUMNS.items():
        value = row.get(column)
        keys += [(label, str(v)) for v in (value if isinstance(value, list) else [value]) if v]
    return list(dict.fromkeys(keys))


def _title(keys: Iterable[Key], graph: Subgraph) -> str:
    """A finding in a line: the names of what it names (the first four; an id only for
    a record with no name)."""
    words = []
    for key in list(keys)[:4]:
        props = graph.nodes.get(key, {})
        name = str(props.get("name") or props.get("title") or "") or key[1]
        words.append(name if len(name) <= 12 else name[:11] + "…")
    return " · ".join(words)


def row_finding(
    row: dict[str, Any], graph: Subgraph, nodes: Iterable[Key] = (), edges: Iterable[Edge] = ()
) -> Finding:
    """What makes one row on the map: the nodes it names and the edges between them,
    with any further nodes and edges that make it (a route, a flowchart's steps)."""
    named = _named(row)
    mine = {k for k in [*named, *nodes] if k in graph.nodes}
    between = {e for e in graph.edges if e[0] in mine and e[2] in mine}
    return Finding(_title(named, graph), frozenset(mine), frozenset(between | set(edges)))


def findings_map(store: GraphStore, rows: list[dict[str, Any]], as_of: dt.date) -> Subgraph:
    """The nodes a query's rows name (highlighted), and their direct neighbours of the
    same kinds (a finding about people, posts and powers shows the posts and powers
    around them, not every risk point of those powers); each row a finding."""
    graph = Subgraph()
    named = finding_keys(rows)
    for label, uids in named.items():
        for props in fetch_nodes(store, label, uids):
            graph.highlighted.add(graph.add(label, props))
    frontier: dict[str, list[str]] = {}
    for label, uid in graph.highlighted:
        frontier.setdefault(label, []).append(uid)
    kinds = [e for e in model.edges() if e.start in named and e.end in named]
    expand(store, graph, frontier, kinds, as_of)
    graph.findings = [row_finding(row, graph) for row in rows]
    return graph


def unmitigated(store: GraphStore, risks: list[str]) -> set[str]:
    """Those of the given risk points that have no control in effect."""
    if not risks:
        return set()
    rows = store.read(
        "MATCH (r:RiskPoint) WHERE r.uid IN $uids OPTIONAL MATCH (r)-[:MITIGATED_BY]->(c) "
        "WITH r, count(CASE WHEN c.status = '已落实' THEN 1 END) AS in_effect "
        "WHERE in_effect = 0 RETURN r.uid AS uid",
        {"uids": risks},
    )
    return {row["uid"] for row in rows}


def mark_exposed(store: GraphStore, graph: Subgraph) -> Subgraph:
    """Flag the map's risks that have no control in effect (the map can show only
    those), and among them the high ones (they get a ring)."""
    found = unmitigated(store, graph.uids("RiskPoint"))
    graph.unmitigated = {("RiskPoint", uid) for uid in found}
    graph.exposed = {key for key in graph.unmitigated if graph.nodes[key].get("level") == "high"}
    return graph

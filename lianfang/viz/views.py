"""The three maps the product offers, each as (subgraph, title): shared by the web
routes and `lianfang map`, so both draw exactly the same thing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lianfang.graph import calendar, model
from lianfang.graph.store import GraphStore
from lianfang.loop import warnings
from lianfang.queries import paths
from lianfang.queries.runner import QueryResult
from lianfang.viz.subgraph import (
    Edge,
    Key,
    Subgraph,
    fetch_nodes,
    findings_map,
    mark_exposed,
    neighbourhood,
    row_finding,
    unit_map,
)


def with_warnings(store: GraphStore, graph: Subgraph, as_of: dt.date) -> Subgraph:
    """Each post and unit on the map says its warning level (and a post its reasons)."""
    state = warnings.compute(store, as_of)
    for (label, uid), props in graph.nodes.items():
        if label == "Post" and uid in state.posts:
            warned = state.posts[uid]
            reasons = "; ".join(r.words() for r in warned.reasons[:5])
            props["_warning"] = state.rules.zh(warned.level) + (f": {reasons}" if reasons else "")
        elif label == "Unit" and uid in state.units:
            props["_warning"] = state.rules.zh(state.units[uid].level)
    return graph


def whatif_view(store: GraphStore, outcome: dict[str, Any], as_of: dt.date) -> tuple[Subgraph, str]:
    """A simulated change: the proposed edges dashed, and what the new findings name
    highlighted (for incompatible duties, the conflicting pair with its conflict)."""
    rows = [row for found in outcome["queries"].values() for row in found["new"]]
    graph = findings_map(store, rows, as_of)
    for change in outcome["changes"]:
        holding = change["kind"] in ("appoint", "end")
        (first, second), type_ = (
            (("Person", "Post"), "HOLDS") if holding else (("Post", "Power"), "EXERCISES")
        )
        for label, uid in ((first, change["a"]), (second, change["b"])):
            for props in fetch_nodes(store, label, [uid]):
                graph.highlighted.add(graph.add(label, props))
        edge = ((first, change["a"]), type_, (second, change["b"]))
        graph.edges.add(edge)
        graph.proposed.add(edge)  # made or ended: either way, what would change
    words = "; ".join(f"{c['kind']} {c['a']} → {c['b']}" for c in outcome["changes"])
    return graph, f"模拟 what-if: {words}"


def path_view(routes: list[dict[str, Any]], title: str) -> tuple[Subgraph, str]:
    """Every route by which a person reaches a power (queries.paths), highlighted."""
    graph = Subgraph()
    for route in routes:
        for node in route["nodes"]:
            props = {"uid": node["uid"], "name": node["name"]}
            graph.highlighted.add(graph.add(node["label"], props))
        labels = {node["uid"]: node["label"] for node in route["nodes"]}
        for edge in route["edges"]:
            start, end = (labels[edge["from"]], edge["from"]), (labels[edge["to"]], edge["to"])
            graph.edges.add((start, edge["type"], end))
    if not routes:
        graph.notes.append("没有路径 no route")
    return graph, title


def unit_view(
    store: GraphStore, uid: str, as_of: dt.date, sub_units: bool = True
) -> tuple[Subgraph, str]:
    """A unit's power-risk map (with its sub-units', unless not asked); LookupError if
    there is no such unit."""
    drawn = unit_map(store, uid, as_of, sub_units)
    graph = with_warnings(store, mark_exposed(store, drawn), as_of)
    return graph, unit_title(graph.nodes[("Unit", uid)], sub_units)


def unit_title(unit: dict[str, Any], sub_units: bool) -> str:
    name = unit.get("name", unit["uid"])
    return f"{name}{'' if sub_units else ' 本级'} 权力风险图 power-risk map"


def node_view(
    store: GraphStore, label: str, uid: str, depth: int, as_of: dt.date
) -> tuple[Subgraph, str]:
    """A node's neighbourhood; LookupError for an unknown label or node."""
    if label not in model.nodes():
        raise LookupError(f"unknown label {label!r}; known: {', '.join(model.labels())}")
    graph = with_warnings(
        store, mark_exposed(store, neighbourhood(store, label, uid, depth, as_of)), as_of
    )
    return graph, f"{model.node(label).zh} {uid} 邻域 neighbourhood"


# Findings drawn as paths (a person reaching powers): the routes by which they do.
_HELD_POWERS = (
    "MATCH (:Person {uid: $person})-[h:HOLDS]->(:Post)-[:EXERCISES]->(q:Power) "
    f"WHERE {model.held_on()} "
    "RETURN DISTINCT q.uid AS uid ORDER BY uid"
)


def paths_of_findings(store: GraphStore, result: QueryResult, as_of: dt.date) -> Subgraph:
    """Each finding's person with every route to its powers (queries.paths); a post
    finding with no holder, the post and the pair it exercises; conflicts between the
    powers drawn too (and, with the routes, what makes each finding)."""
    graph = Subgraph()
    made: list[tuple[dict[str, Any], set[Key], set[Edge]]] = []
    for row in result.rows:
        pair = [p for p in (row.get("power_a"), row.get("power_b")) if p]
        person, post = row.get("person_id"), row.get("post_id")
        nodes: set[Key] = set()
        edges: set[Edge] = set()
        if person:
            powers = pair or [
                r["uid"] for r in store.read(_HELD_POWERS, {"person": person, "as_of": as_of})
            ]
            for power in powers:
                drawn, _ = path_view(paths.paths(store, person, power, as_of), "")
                _merge(graph, drawn)
                nodes |= drawn.nodes.keys()
                edges |= drawn.edges
        elif post:
            for label, uids in (("Post", [post]), ("Power", pair)):
                for props in fetch_nodes(store, label, uids):
                    nodes.add(graph.add(label, props))
            edges |= {(("Post", post), "EXERCISES", ("Power", power)) for power in pair}
        if len(pair) == 2:
            edges.add((("Power", pair[0]), "CONFLICTS_WITH", ("Power", pair[1])))
        graph.highlighted |= nodes
        graph.edges |= {e for e in edges if e[0] in graph.nodes and e[2] in graph.nodes}
        made.append((row, nodes, edges))
    graph.findings = [row_finding(row, graph, nodes, edges) for row, nodes, edges in made]
    return graph


def _merge(graph: Subgraph, drawn: Subgraph) -> None:
    for key, props in drawn.nodes.items():
        graph.add(key[0], props)
    graph.edges |= drawn.edges


_CAPTURED = (
    "MATCH (:Process {uid: $process})-[:HAS_STEP]->(s:Step)-[:HANDLED_BY]->(p:Post)"
    "<-[h:HOLDS]-(:Person {uid: $person}) "
    f"WHERE {model.held_on()} "
    "RETURN s, p ORDER BY s.seq"
)


def captured_steps(store: GraphStore, result: QueryResult, as_of: dt.date) -> Subgraph:
    """Process capture: each finding is the person, the posts they hold and the steps of
    the flowchart those posts handle."""
    graph = findings_map(store, result.rows, as_of)
    graph.findings = []
    for row in result.rows:
        person, process = ("Person", row["person_id"]), ("Process", row["process_id"])
        edges: set[Edge] = set()
        params = {"process": process[1], "person": person[1], "as_of": as_of}
        for found in store.read(_CAPTURED, params):
            step, post = graph.add("Step", found["s"]), graph.add("Post", found["p"])
            edges |= {(process, "HAS_STEP", step), (step, "HANDLED_BY", post)}
            edges.add((person, "HOLDS", post))
        nodes = {key for edge in edges for key in (edge[0], edge[2])}
        graph.highlighted |= nodes
        graph.edges |= edges
        graph.findings.append(row_finding(row, graph, nodes, edges))
    return graph


def query_view(store: GraphStore, result: QueryResult) -> tuple[Subgraph, str]:
    """The nodes behind a query's findings, on the query's own as_of."""
    as_of = dt.date.fromisoformat(result.params.get("as_of") or calendar.today().isoformat())
    if result.spec.map == "paths":
        drawn = paths_of_findings(store, result, as_of)
    elif result.spec.map == "capture":
        drawn = captured_steps(store, result, as_of)
    else:
        drawn = findings_map(store, result.rows, as_of)
    graph = with_warnings(store, mark_exposed(store, drawn), as_of)
    return graph, query_title(result)


def query_title(result: QueryResult) -> str:
    return f"{result.spec.title_zh} {result.spec.title_en} ({result.ratio()})"

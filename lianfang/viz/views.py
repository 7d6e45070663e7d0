"""The three maps the product offers, each as (subgraph, title): shared by the web
routes and `lianfang map`, so both draw exactly the same thing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lianfang.graph import calendar, model
from lianfang.graph.store import GraphStore
from lianfang.loop import warnings, whatif
from lianfang.queries import paths
from lianfang.queries.runner import QueryResult
from lianfang.queries.wording import with_unit
from lianfang.viz.subgraph import (
    Edge,
    Finding,
    Key,
    Subgraph,
    fetch_nodes,
    findings_map,
    mark_exposed,
    neighbourhood,
    row_finding,
    unit_map,
)
from lianfang.viz.words import Said

Titled = tuple[Subgraph, Said]


def with_warnings(store: GraphStore, graph: Subgraph, as_of: dt.date) -> Subgraph:
    """Each post and unit on the map says its warning level (and a post its reasons),
    which the map also colours its border by."""
    state = warnings.compute(store, as_of)
    for (label, uid), props in graph.nodes.items():
        if label == "Post" and uid in state.posts:
            warned = state.posts[uid]
            level, reasons = warned.level, warned.reasons[:5]
            props["_warning"] = Said(
                state.rules.zh(level) + "".join(f"\n· {r.words()}" for r in reasons),
                level + "".join(f"\n· {r.words('en')}" for r in reasons),
            )
            props["_warned"] = level
        elif label == "Unit" and uid in state.units:
            level = state.units[uid].level
            props["_warning"] = Said(state.rules.zh(level), level)
            props["_warned"] = level
    return graph


_UNITS_OF_POSTS = (
    "MATCH (p:Post)-[:IN_UNIT]->(u:Unit) WHERE p.uid IN $posts RETURN p.uid AS post, u.name AS unit"
)


def with_units(store: GraphStore, graph: Subgraph) -> Subgraph:
    """Posts whose name another post on the map shares say their unit beside it: the
    third 科员 on a county's map is otherwise any of them."""
    names: dict[str, list[str]] = {}
    for (label, uid), props in graph.nodes.items():
        if label == "Post":
            names.setdefault(str(props.get("name") or ""), []).append(uid)
    shared = sorted(uid for name, uids in names.items() if name and len(uids) > 1 for uid in uids)
    if shared:
        for row in store.read(_UNITS_OF_POSTS, {"posts": shared}):
            if row["unit"]:
                graph.nodes[("Post", row["post"])]["_unit"] = row["unit"]
    return graph


def finished(store: GraphStore, graph: Subgraph, as_of: dt.date) -> Subgraph:
    """What every map marks: exposed risks, warnings, the units of shared post names."""
    return with_units(store, with_warnings(store, mark_exposed(store, graph), as_of))


def whatif_view(store: GraphStore, outcome: dict[str, Any], as_of: dt.date) -> Titled:
    """A simulated change: the proposed edges dashed, and what the new findings name
    highlighted (for incompatible duties, the conflicting pair with its conflict)."""
    rows = [row for found in outcome["queries"].values() for row in found["new"]]
    graph = findings_map(store, rows, as_of)
    changes = [whatif.Change(**change) for change in outcome["changes"]]
    for change in changes:
        for label, uid in change.ends:
            for props in fetch_nodes(store, label, [uid]):
                graph.highlighted.add(graph.add(label, props))
        edge = (change.ends[0], change.edge_type, change.ends[1])
        graph.edges.add(edge)
        graph.proposed.add(edge)  # made or ended: either way, what would change
    graph = with_units(store, graph)
    names = {key[1]: display_name(graph, key) for change in changes for key in change.ends}
    return graph, Said(
        "模拟：" + "；".join(c.said(names) for c in changes),
        "What-if: " + "; ".join(c.said(names, "en") for c in changes),
    )


def display_name(graph: Subgraph, key: Key) -> str:
    """A node as a reader names it: its name (a post with its unit when shared), else
    its id."""
    props = graph.nodes.get(key, {})
    return with_unit(str(props.get("name") or props.get("title") or key[1]), props.get("_unit"))


def path_view(routes: list[dict[str, Any]], title: Said) -> Titled:
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
        graph.notes.append(Said("没有路径", "no route"))
    return graph, title


def path_title(routes: list[dict[str, Any]], person: str, power: str) -> Said:
    """The path map's title by the names of its two ends."""
    names = {n["uid"]: n.get("name") or n["uid"] for route in routes for n in route["nodes"]}
    a, b = names.get(person, person), names.get(power, power)
    return Said(f"{a}→{b} 路径", f"{a} → {b}: routes")


def unit_view(store: GraphStore, uid: str, as_of: dt.date, sub_units: bool = True) -> Titled:
    """A unit's power-risk map (with its sub-units', unless not asked); LookupError if
    there is no such unit."""
    graph = finished(store, unit_map(store, uid, as_of, sub_units), as_of)
    return graph, unit_title(graph.nodes[("Unit", uid)], sub_units)


def unit_title(unit: dict[str, Any], sub_units: bool) -> Said:
    name = unit.get("name", unit["uid"])
    if sub_units:
        return Said(f"{name}权力风险图", f"{name}: power-risk map")
    return Said(f"{name}本级权力风险图", f"{name} (own posts): power-risk map")


def node_view(store: GraphStore, label: str, uid: str, depth: int, as_of: dt.date) -> Titled:
    """A node's neighbourhood; LookupError for an unknown label or node."""
    if label not in model.nodes():
        raise LookupError(f"unknown label {label!r}; known: {', '.join(model.labels())}")
    graph = finished(store, neighbourhood(store, label, uid, depth, as_of), as_of)
    name = display_name(graph, (label, uid))
    zh = model.node(label).zh
    return graph, Said(f"{zh}“{name}”的关联", f"{label} {name}: neighbourhood")


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
                drawn, _ = path_view(paths.paths(store, person, power, as_of), Said("", ""))
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


def query_view(store: GraphStore, result: QueryResult) -> Titled:
    """The nodes behind a query's findings, on the query's own as_of."""
    as_of = dt.date.fromisoformat(result.params.get("as_of") or calendar.today().isoformat())
    if result.spec.map == "paths":
        drawn = paths_of_findings(store, result, as_of)
    elif result.spec.map == "capture":
        drawn = captured_steps(store, result, as_of)
    else:
        drawn = findings_map(store, result.rows, as_of)
    graph = finished(store, counted(drawn, result), as_of)
    return graph, query_title(result)


def counted(graph: Subgraph, result: QueryResult) -> Subgraph:
    """One finding on the map per finding the query counts: a query that counts pairs
    (`count_by`) lists a pair once, however many rows name its people and posts, so
    the list agrees with the title's figure."""
    if not result.spec.count_by or len(graph.findings) != len(result.rows):
        return graph
    merged: dict[tuple[str, ...], Finding] = {}
    for row, finding in zip(result.rows, graph.findings, strict=True):
        key = tuple(str(row[c]) for c in result.spec.count_by)
        before = merged.get(key)
        merged[key] = (
            finding
            if before is None
            else Finding(before.title, before.nodes | finding.nodes, before.edges | finding.edges)
        )
    graph.findings = list(merged.values())
    return graph


def query_title(result: QueryResult) -> Said:
    spec = result.spec
    return Said(f"{spec.title_zh}（{result.ratio_zh()}）", f"{spec.title_en} ({result.ratio()})")

"""Keeping large maps usable: above a node limit, fold detail into summaries.

In order, until the map fits: people are folded into the posts they hold (named in the
post's details), low risks into one count node per post or unit, then controls into
their risk's details, then medium risks like low ones. Highlighted nodes are never
folded. What was folded is said in the map's notes.
"""

from __future__ import annotations

from collections import defaultdict

from lianfang.graph.vocab import LEVEL_ZH
from lianfang.viz.subgraph import Key, Subgraph
from lianfang.viz.words import Said

DEFAULT_LIMIT = 300


def _drop(graph: Subgraph, keys: set[Key]) -> None:
    for key in keys:
        graph.nodes.pop(key, None)
    graph.edges = {e for e in graph.edges if e[0] not in keys and e[2] not in keys}


def fold_people(graph: Subgraph) -> None:
    people = {k for k in graph.nodes if k[0] == "Person" and k not in graph.highlighted}
    for start, type_, end in graph.edges:
        if type_ == "HOLDS" and start in people and end in graph.nodes:
            holders = graph.nodes[end].setdefault("_holders", [])
            holders.append(str(graph.nodes[start].get("name", start[1])))
    _drop(graph, people)
    if people:
        graph.notes.append(
            Said(
                f"{len(people)}名人员已并入其岗位", f"{len(people)} people folded into their posts"
            )
        )


def _anchors(graph: Subgraph, risks: set[Key]) -> dict[Key, Key]:
    """The post (else unit) each risk point hangs from on the map."""
    found: dict[Key, Key] = {}
    for wanted in ("IN_UNIT", "AT_POST"):  # a post wins over a unit
        for start, type_, end in sorted(graph.edges):
            if type_ == wanted and start in risks:
                found[start] = end
    return found


def fold_risks(graph: Subgraph, level: str) -> None:
    risks = {
        k
        for k, props in graph.nodes.items()
        if k[0] == "RiskPoint"
        and props.get("level") == level
        and k not in graph.highlighted
        and k not in graph.exposed
    }
    anchors = _anchors(graph, risks)
    by_anchor: dict[Key | None, list[Key]] = defaultdict(list)
    for risk in sorted(risks):
        by_anchor[anchors.get(risk)].append(risk)
    mitigates: dict[Key, set[Key]] = defaultdict(set)
    for start, type_, end in graph.edges:
        if type_ == "MITIGATED_BY":
            mitigates[end].add(start)
    only_theirs = {control for control, of in mitigates.items() if of <= risks}
    summaries = {
        anchor: {
            "uid": f"{level}:{anchor[0]}:{anchor[1]}",
            "name": f"{len(members)}个{LEVEL_ZH[level]}风险点",
            "_name_en": f"{len(members)} {level} risks",
            "level": level,
            "members": sorted(uid for _, uid in members),
            # what the map's filters ask of a count: its members' categories, and how
            # many of them have no control in effect
            "categories": sorted({str(graph.nodes[m].get("category") or "") for m in members}),
            "unmitigated": sum(1 for m in members if m in graph.unmitigated),
        }
        for anchor, members in by_anchor.items()
        if anchor is not None
    }
    _drop(graph, risks | {c for c in only_theirs if c not in graph.highlighted})
    for anchor, summary in summaries.items():
        key = ("Aggregate", str(summary["uid"]))
        graph.nodes[key] = summary
        graph.edges.add((key, "AT_POST" if anchor[0] == "Post" else "IN_UNIT", anchor))
    if risks:
        zh = LEVEL_ZH[level]
        graph.notes.append(
            Said(f"{len(risks)}个{zh}风险点已汇总为计数", f"{len(risks)} {level} risks counted")
        )


def fold_controls(graph: Subgraph) -> None:
    controls = {k for k in graph.nodes if k[0] == "Control" and k not in graph.highlighted}
    for start, type_, end in graph.edges:
        if type_ == "MITIGATED_BY" and end in controls and start in graph.nodes:
            listed = graph.nodes[start].setdefault("_controls", [])
            control = graph.nodes[end]
            listed.append(f"{control.get('description', end[1])}({control.get('status', '')})")
    _drop(graph, controls)
    if controls:
        graph.notes.append(
            Said(
                f"{len(controls)}条措施已并入风险点", f"{len(controls)} controls folded into risks"
            )
        )


def fit(graph: Subgraph, limit: int = DEFAULT_LIMIT) -> Subgraph:
    """Fold detail, in order, until the map has at most `limit` nodes."""
    steps = (
        fold_people,
        lambda g: fold_risks(g, "low"),
        fold_controls,
        lambda g: fold_risks(g, "medium"),
    )
    for step in steps:
        if len(graph.nodes) <= limit:
            break
        step(graph)
    if len(graph.nodes) > limit:
        graph.notes.append(
            Said(
                f"地图仍有{len(graph.nodes)}个节点，请缩小范围",
                f"still {len(graph.nodes)} nodes: narrow the scope",
            )
        )
    return graph

"""Overviews for maps too big to draw whole: a county's map opens as its units, a
query's findings as groups by unit, each a node that expands in place on click (the
page fetches the group's own map). Nothing of the detail is sent up front."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from lianfang.graph.store import GraphStore
from lianfang.queries.runner import QueryResult
from lianfang.queries.scope import scope
from lianfang.viz.subgraph import Key, Subgraph, fetch_nodes

Link = Callable[[str, bool], str]  # (unit uid, its own posts only) → the URL of its map
OWN = "own"  # an overview node for the posts of the unit itself, not of its sub-units


def _children(graph: Subgraph) -> dict[Key, list[Key]]:
    below: dict[Key, list[Key]] = defaultdict(list)
    for start, type_, end in graph.edges:
        if type_ == "PART_OF":
            below[end].append(start)
    return below


def _subtree(below: dict[Key, list[Key]], top: Key) -> set[Key]:
    seen, todo = {top}, [top]
    while todo:
        for child in below[todo.pop()]:
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _counts(graph: Subgraph, units: set[Key]) -> dict[str, int]:
    """Posts, current holders, risk points by level and unmitigated high risks of units."""
    posts = {s for s, t, e in graph.edges if t == "IN_UNIT" and s[0] == "Post" and e in units}
    people = {s for s, t, e in graph.edges if t == "HOLDS" and e in posts}
    risks = {
        s
        for s, t, e in graph.edges
        if s[0] == "RiskPoint"
        and ((t == "AT_POST" and e in posts) or (t == "IN_UNIT" and e in units))
    }
    levels = defaultdict(int)
    for risk in risks:
        levels[str(graph.nodes[risk].get("level") or "")] += 1
    return {
        "posts": len(posts),
        "people": len(people),
        "risks": len(risks),
        "high": levels["high"],
        "exposed": len(risks & graph.exposed),
    }


def _summary(counts: dict[str, int]) -> str:
    line = f"{counts['posts']}岗 {counts['risks']}险"
    return line + (f" 高{counts['high']}" if counts["high"] else "")


def _group(props: dict[str, object], counts: dict[str, int], url: str) -> dict[str, object]:
    return {
        **props,
        "_summary": _summary(counts),
        "_counts": counts,
        "_expand": url,
    }


def unit_overview(graph: Subgraph, root: str, link: Link) -> Subgraph:
    """A unit's map as the unit and its direct sub-units (and its own posts, if it has
    any), each with its counts; each expands to its own map."""
    top = ("Unit", root)
    below = _children(graph)
    shown = Subgraph(highlighted={top}, exposed=set())
    shown.add("Unit", dict(graph.nodes[top]))
    for child in sorted(below[top]):
        counts = _counts(graph, _subtree(below, child))
        shown.nodes[child] = _group(graph.nodes[child], counts, link(child[1], False))
        shown.edges.add((child, "PART_OF", top))
    own = _counts(graph, {top})
    if own["posts"] or own["risks"]:
        key = ("Aggregate", f"{OWN}:{root}")
        name = f"本级 {graph.nodes[top].get('name', root)}"
        shown.nodes[key] = _group({"uid": key[1], "name": name}, own, link(root, True))
        shown.edges.add((key, "PART_OF", top))
    shown.notes.append(
        f"共 {len(graph.nodes)} 个节点,先显示单位概览,点击展开 "
        f"{len(graph.nodes)} nodes: showing the units; click one to expand it"
    )
    return shown


def group_units(store: GraphStore, parent: str | None) -> list[str]:
    """The units findings are grouped under: the parent's sub-units, or (with no
    parent) the top units, or the sub-units of the top unit when there is only one."""
    if parent is not None:
        rows = store.read(
            "MATCH (c:Unit)-[:PART_OF]->(:Unit {uid: $uid}) RETURN c.uid AS uid ORDER BY uid",
            {"uid": parent},
        )
        return [row["uid"] for row in rows]
    tops = [
        row["uid"]
        for row in store.read(
            "MATCH (u:Unit) WHERE NOT (u)-[:PART_OF]->(:Unit) RETURN u.uid AS uid ORDER BY uid"
        )
    ]
    return group_units(store, tops[0]) if len(tops) == 1 else tops


def findings_overview(
    store: GraphStore, result: QueryResult, groups: list[str], link: Link
) -> Subgraph:
    """A query's findings grouped by unit: one node per unit that has any (with how
    many), each expanding to the map of that unit's findings."""
    shown = Subgraph()
    units = {props["uid"]: props for props in fetch_nodes(store, "Unit", groups)}
    for uid in groups:
        rows = [row for row in result.rows if scope(store, (uid,)).keeps_row(row)]
        if rows and uid in units:
            props = {
                **units[uid],
                "_summary": f"{len(rows)} 项问题 findings",
                "_expand": link(uid, False),
            }
            shown.nodes[("Unit", uid)] = props
    shown.notes.append(
        f"共 {len(result.rows)} 项问题,按单位分组,点击展开 "
        f"{len(result.rows)} findings, grouped by unit: click one to expand it"
    )
    return shown

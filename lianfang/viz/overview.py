"""Overviews for maps too big to draw whole: a county's map opens as its units, a
query's findings as groups by unit, each a node that expands in place on click (the
page fetches the group's own map). Nothing of the detail is sent up front."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries.runner import QueryResult
from lianfang.queries.scope import scope
from lianfang.viz.subgraph import Subgraph, fetch_nodes, finding_keys, unmitigated
from lianfang.viz.views import Titled, query_title, unit_title, with_warnings
from lianfang.viz.words import Said

Link = Callable[[str, bool], str]  # (unit uid, its own posts only) → the URL of its map
OWN = "own"  # an overview node for the posts of the unit itself, not of its sub-units


def _summary(counts: dict[str, int]) -> Said:
    zh = f"{counts['posts']}岗 {counts['risks']}险" + (
        f" 高{counts['high']}" if counts["high"] else ""
    )
    en = f"{counts['posts']} posts, {counts['risks']} risks" + (
        f", {counts['high']} high" if counts["high"] else ""
    )
    return Said(zh, en)


def _group(props: dict[str, object], counts: dict[str, int], url: str) -> dict[str, object]:
    return {**props, "_summary": _summary(counts), "_counts": counts, "_expand": url}


Drawn = Titled

_SUBTREES = (
    "MATCH (c:Unit)-[:PART_OF]->(:Unit {uid: $root}) "
    "MATCH (u:Unit)-[:PART_OF*0..]->(c) RETURN c.uid AS top, u.uid AS unit"
)
_POSTS = (
    "MATCH (p:Post)-[:IN_UNIT]->(u:Unit) WHERE u.uid IN $units RETURN u.uid AS unit, p.uid AS post"
)
_HOLDERS = (
    "MATCH (e:Person)-[h:HOLDS]->(p:Post) "
    f"WHERE p.uid IN $posts AND {model.held_on()} RETURN p.uid AS at, e.uid AS uid"
)
_RISKS = (
    "MATCH (r:RiskPoint)-[:AT_POST]->(p:Post) WHERE p.uid IN $posts "
    "RETURN p.uid AS at, r.uid AS uid, r.level AS level"
)
_UNIT_RISKS = (
    "MATCH (r:RiskPoint)-[:IN_UNIT]->(u:Unit) WHERE u.uid IN $units "
    "RETURN u.uid AS at, r.uid AS uid, r.level AS level"
)


class UnitOutline:
    """A unit's map as the unit and its direct sub-units (and its own posts, if it has
    any), each with its posts, current holders, risk points, high risks and high risks
    with no control in effect, counted in the graph rather than drawn: a province's
    overview must not cost its whole map. Every sub-unit of a unit in a user's scope is
    in it too, so the counts need no cutting."""

    def __init__(self, store: GraphStore, root: str, as_of: dt.date, link: Link) -> None:
        self.store, self.root, self.as_of, self.link = store, root, as_of, link

    @cached_property
    def _groups(self) -> dict[str, str]:
        """unit → the overview node it is counted under (the root: its own node)."""
        rows = self.store.read(_SUBTREES, {"root": self.root})
        return {self.root: f"{OWN}:{self.root}"} | {row["unit"]: row["top"] for row in rows}

    @cached_property
    def _posts(self) -> dict[str, str]:
        """post → group."""
        rows = self.store.read(_POSTS, {"units": sorted(self._groups)})
        return {row["post"]: self._groups[row["unit"]] for row in rows}

    def certain(self, limit: int) -> bool:
        """Whether the map would exceed `limit` however it folded: units and posts are
        never folded."""
        return len(self._groups) + len(self._posts) > limit

    def _counts(self) -> dict[str, dict[str, int]]:
        posts = sorted(self._posts)
        people: dict[str, set[str]] = defaultdict(set)
        for row in self.store.read(_HOLDERS, {"posts": posts, "as_of": self.as_of}):
            people[self._posts[row["at"]]].add(row["uid"])
        risks: dict[str, dict[str, str]] = defaultdict(dict)  # group → risk → level
        for query, where in ((_RISKS, self._posts), (_UNIT_RISKS, self._groups)):
            for row in self.store.read(query, {"posts": posts, "units": sorted(self._groups)}):
                risks[where[row["at"]]][row["uid"]] = str(row["level"] or "")
        high = {uid for found in risks.values() for uid, level in found.items() if level == "high"}
        exposed = unmitigated(self.store, sorted(high))
        counted: dict[str, dict[str, int]] = {}
        for group in set(self._groups.values()):
            found = risks[group]
            counted[group] = {
                "posts": sum(1 for g in self._posts.values() if g == group),
                "people": len(people[group]),
                "risks": len(found),
                "high": sum(1 for level in found.values() if level == "high"),
                "exposed": len(exposed & found.keys()),
            }
        return counted

    def draw(self) -> Drawn:
        counts = self._counts()
        units = {props["uid"]: props for props in fetch_nodes(self.store, "Unit", self._groups)}
        top = ("Unit", self.root)
        shown = Subgraph(highlighted={top})
        shown.add("Unit", dict(units[self.root]))
        for child in sorted(set(self._groups.values()) - {f"{OWN}:{self.root}"}):
            key = ("Unit", child)
            shown.nodes[key] = _group(units[child], counts[child], self.link(child, False))
            shown.edges.add((key, "PART_OF", top))
        own = counts[f"{OWN}:{self.root}"]
        if own["posts"] or own["risks"]:
            key = ("Aggregate", f"{OWN}:{self.root}")
            name = units[self.root].get("name", self.root)
            own_posts: dict[str, object] = {
                "uid": key[1],
                "name": f"{name}本级",
                "_name_en": f"{name} (own posts)",
            }
            shown.nodes[key] = _group(own_posts, own, self.link(self.root, True))
            shown.edges.add((key, "PART_OF", top))
        with_warnings(self.store, shown, self.as_of)
        units_n, posts_n = len(self._groups), len(self._posts)
        shown.notes.append(
            Said(
                f"共{units_n}个单位、{posts_n}个岗位，先显示下级单位，双击展开",
                f"{units_n} units, {posts_n} posts: the sub-units first; double-click one "
                "to open it",
            )
        )
        return shown, unit_title(units[self.root], sub_units=True)


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


class FindingsOutline:
    """A query's findings grouped by unit: one node per unit that has any (with how
    many), each expanding to the map of that unit's findings. The groups are the units
    the user may see."""

    def __init__(
        self, store: GraphStore, result: QueryResult, groups: list[str], link: Link
    ) -> None:
        self.store, self.result, self.groups, self.link = store, result, groups, link

    def certain(self, limit: int) -> bool:
        """Whether the map would exceed `limit` however it folded: what the rows name
        is never folded."""
        named = finding_keys(self.result.rows)
        return sum(len(uids) for uids in named.values()) > limit

    def draw(self) -> Drawn:
        shown = Subgraph()
        units = {p["uid"]: p for p in fetch_nodes(self.store, "Unit", self.groups)}
        for uid in self.groups:
            within = scope(self.store, (uid,))
            rows = sum(1 for row in self.result.rows if within.keeps_row(row))
            if rows and uid in units:
                shown.nodes[("Unit", uid)] = {
                    **units[uid],
                    "_summary": Said(f"{rows}项问题", f"{rows} findings"),
                    "_counts": {"findings": rows},
                    "_expand": self.link(uid, False),
                }
        found = len(self.result.rows)
        shown.notes.append(
            Said(
                f"共{found}项问题，按单位分组，双击展开",
                f"{found} findings, grouped by unit: double-click one to open it",
            )
        )
        return shown, query_title(self.result)


Outline = UnitOutline | FindingsOutline

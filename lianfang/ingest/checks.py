"""The checks an import makes once every reference can be resolved: that each names a
record (a person standing for the posts they hold, where a printed table names one), that
units form no cycle, and which posts nobody holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.ingest.batch import Batch, Edge, End
from lianfang.ingest.issues import WARNING, Issue
from lianfang.ingest.resolve import Found, Resolver, holds_on, qualified


def _unresolved(edge: Edge, end: End, found: Found) -> Issue:
    """Why a named id names no record, and what to write instead."""
    assert end.column is not None
    record, column, named = edge.record, end.column, end.uid
    listed_zh, listed_en = "、".join(found.candidates), ", ".join(found.candidates)
    if found.problem == "shared code":
        example = qualified(found.candidates[0], named)
        if found.more:  # many offices share it: a few are named, and how many more
            listed_zh += f"等{len(found.candidates) + found.more}个来源"
            listed_en += f" and {found.more} more"
        zh = f"编号“{named}”在多个来源中都有({listed_zh}),请写明来源,如“{example}”"
        en = f"id {named!r} is held by several sources ({listed_en}); name one, as in {example!r}"
    elif found.problem == "several people":
        zh = f"“{named}”不是岗位编号;按人员姓名它对应多人({listed_zh}),请改填人员编号或岗位编号"
        en = (
            f"{named!r} is not a post id, and as a person's name it fits several people "
            f"({listed_en}): write the person's id or the post's"
        )
    elif found.problem == "person without post":
        zh = f"“{named}”是人员({listed_zh}),但目前不在任何岗位上,无法代表岗位;请填写岗位编号"
        en = (
            f"{named!r} is a person ({listed_en}) who holds no post now, so cannot stand "
            "for one; write the post's id"
        )
    else:
        what_zh = "或".join(model.node(label).zh for label in end.labels)
        what_en = " or ".join(end.labels)
        zh = f"{what_zh}“{named}”不存在:本次导入和图中都没有"
        en = f"{what_en} {named!r} does not exist in this import or in the graph"
    return record.table.issue(record.row, column.name, named, zh, en)


def _stands_for(edge: Edge, end: End, found: Found) -> Issue:
    posts = "、".join(uid for _label, uid in found.targets)
    return edge.record.table.issue(
        edge.record.row,
        end.column.name if end.column else None,
        end.uid,
        f"“{end.uid}”是人员,按其现任岗位({posts})计",
        f"{end.uid!r} is a person; read as the post(s) they hold now ({posts})",
        WARNING,
    )


def _expanded(edge: Edge, end: End, found: Found) -> list[Edge]:
    """The edge once per record the end names (a person may stand for several posts).

    One record (nearly always): the end is resolved in place, since copying a
    province's million edges cost a fifth of the import's memory. An end object is
    shared only by copies of one edge, and resolves the same for each of them."""
    if len(found.targets) == 1:
        [(end.label, end.key)] = found.targets
        return [edge]
    copies = []
    for label, key in found.targets:
        resolved = End(end.labels, end.uid, end.column, label, key)
        start, stop = (resolved, edge.end) if end is edge.start else (edge.start, resolved)
        copies.append(replace(edge, start=start, end=stop))
    return copies


def check_references(batch: Batch, resolver: Resolver) -> list[Edge]:
    """Resolve every edge's ends; the edges to write (both ends resolved, from rows
    without errors) are returned. Every unresolved end is reported once."""
    resolved: list[Edge] = []
    reported: set[tuple[int, str, str, str]] = set()
    for edge in batch.edges:
        ready = [edge]
        for side in ("start", "end"):
            next_ready = []
            for candidate in ready:
                end = getattr(candidate, side)
                if end.column is None:  # the row's own end, shared by its edges
                    if end.key is None:
                        end.key = resolver.key(end.label or end.labels[0], resolver.source, end.uid)
                    next_ready.append(candidate)
                    continue
                found = resolver.resolve(end)
                key = (edge.record.row, edge.record.table.sheet.name, end.column.name, end.uid)
                if not found.targets:
                    if key not in reported:
                        reported.add(key)
                        batch.issues.append(_unresolved(edge, end, found))
                    continue
                if found.via_person and key not in reported:
                    reported.add(key)
                    batch.issues.append(_stands_for(edge, end, found))
                next_ready += _expanded(candidate, end, found)
            ready = next_ready
        for candidate in ready:
            model.edge(candidate.start.label or "", candidate.type, candidate.end.label or "")
            if candidate.written:
                resolved.append(candidate)
    return resolved


def check_unit_cycles(
    batch: Batch, edges: list[Edge], store: GraphStore | None, source: str
) -> None:
    """The unit hierarchy must be a tree: no unit may be its own ancestor."""
    parent: dict[str, str] = {}
    rows: dict[str, Edge] = {}
    for edge in edges:
        if edge.type == "PART_OF" and edge.start.key and edge.end.key:
            parent[edge.start.key] = edge.end.key
            rows[edge.start.key] = edge
    if store is not None and parent:
        for row in store.read(
            "MATCH (c:Unit)-[r:PART_OF]->(p:Unit) WHERE r.origin <> $source "
            "RETURN c.uid AS child, p.uid AS parent",
            {"source": source},
        ):
            parent.setdefault(row["child"], row["parent"])
    reported: set[str] = set()
    for start in rows:
        seen: list[str] = []
        unit: str | None = start
        while unit is not None and unit not in seen:
            seen.append(unit)
            unit = parent.get(unit)
        if unit != start or start in reported:
            continue
        reported.update(seen)
        chain = " → ".join([*seen, start])
        edge = rows[start]
        batch.issues.append(
            edge.record.table.issue(
                edge.record.row,
                "parent_id",
                edge.end.uid,
                f"单位层级出现循环:{chain}",
                f"the unit hierarchy has a cycle: {chain}",
            )
        )


def warn_unheld_posts(batch: Batch, edges: list[Edge], today: dt.date) -> None:
    """Posts nobody in this import currently holds (a warning, never an error)."""
    held = {edge.end.key for edge in edges if edge.type == "HOLDS" and holds_on(edge.props, today)}
    for uid, node in batch.nodes.get("Post", {}).items():
        if node.key not in held:
            batch.issues.append(
                node.record.table.issue(
                    node.record.row,
                    "post_id",
                    uid,
                    f"岗位“{uid}”目前无人任职",
                    f"post {uid!r} has no current holder",
                    WARNING,
                )
            )

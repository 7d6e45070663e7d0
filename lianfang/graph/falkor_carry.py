"""Carrying the live graph into FalkorDB's staging graph, through Cypher.

An atomic apply builds the new state in a staging graph and renames it over the live
one. The staging graph starts empty and is filled here rather than by GRAPH.COPY:
that command forks, and when the fork fails (another copy, an append-only rewrite or
a snapshot is running, or the system refuses a process) FalkorDB retries while still
holding the lock it then takes again, and the whole server hangs for good (seen here
under gdb). Reading and writing through Cypher never forks.

When an import replaces one source, what that source said is not carried at all: the
import states it anew. Nodes are carried before the import's own writes and edges
after them, so an edge another source drew to a node this import states again
survives, exactly as it would if the import ran in place. Labels, types and property
names come from the schema only; a node or edge the schema does not declare stops the
apply rather than being left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from lianfang.graph import collector, model
from lianfang.graph.store import DEFAULT_BATCH, Row, StoreError

Reader = Callable[[str, Mapping[str, Any]], list[Row]]
Writer = Callable[[str, Mapping[str, Any]], None]

_KEPT_NODE = "($source IS NULL OR n.source IS NULL OR n.source <> $source)"
_KEPT_EDGE = "($source IS NULL OR r.origin IS NULL OR r.origin <> $source)"


def read_nodes(label: str, region: bool = False) -> str:
    within = f" AND n.uid IN ${_region_param(label)}" if region else ""
    return f"MATCH (n:{label}) WHERE {_KEPT_NODE}{within} RETURN properties(n) AS p"


def _region_param(label: str) -> str:
    """The parameter naming a region's uids of one label (labels are the schema's)."""
    return f"in_{label}"


def create_nodes(label: str, dates: tuple[str, ...]) -> str:
    sets = "".join(f", n.{name} = date(row.{name})" for name in dates)
    return f"UNWIND $rows AS row CREATE (n:{label}) SET n = row.p{sets}"


# Edges find their ends by the office's code and source, which an import never changes,
# not by uid: an import may qualify another source's uid (GW01 → 财政局:GW01) once it
# states the same code, after that source's nodes were carried.
# A whole copy with no import in it (a what-if scratch graph) renames nothing, so its
# edges find their ends by uid, which every node has.
def read_edges(edge: model.EdgeSpec, by_uid: bool = False, region: bool = False) -> str:
    ends = (
        "[a.uid] AS a, [b.uid] AS b"
        if by_uid
        else "[a.code, a.source] AS a, [b.code, b.source] AS b"
    )
    if region:  # both ends in the region, found from the start's uids by index
        return (
            f"MATCH (a:{edge.start}) WHERE a.uid IN ${_region_param(edge.start)} "
            f"MATCH (a)-[r:{edge.type}]->(b:{edge.end}) "
            f"WHERE b.uid IN ${_region_param(edge.end)} AND {_KEPT_EDGE} "
            f"RETURN {ends}, properties(r) AS p"
        )
    return (
        f"MATCH (a:{edge.start})-[r:{edge.type}]->(b:{edge.end}) WHERE {_KEPT_EDGE} "
        f"RETURN {ends}, properties(r) AS p"
    )


def create_edges(edge: model.EdgeSpec, by_uid: bool = False) -> str:
    sets = "".join(f", r.{name} = date(row.{name})" for name in _date_names(edge))
    a, b = (
        ("{uid: row.a[0]}", "{uid: row.b[0]}")
        if by_uid
        else ("{code: row.a[0], source: row.a[1]}", "{code: row.b[0], source: row.b[1]}")
    )
    return (
        f"UNWIND $rows AS row MATCH (a:{edge.start} {a}) MATCH (b:{edge.end} {b}) "
        f"CREATE (a)-[r:{edge.type}]->(b) SET r = row.p{sets}"
    )


COUNT_NODES = f"MATCH (n) WHERE {_KEPT_NODE} RETURN count(n) AS n"
COUNT_EDGES = f"MATCH ()-[r]->() WHERE {_KEPT_EDGE} RETURN count(r) AS n"


def _date_names(edge: model.EdgeSpec) -> tuple[str, ...]:
    return tuple(p.name for p in edge.properties if p.kind == "date")


def _split(props: Mapping[str, Any], dates: tuple[str, ...], **ends: Any) -> dict[str, Any]:
    """One row to write: plain properties under `p`, dates beside them for date()."""
    plain = {k: v for k, v in props.items() if k not in dates}
    return {"p": plain, **{name: props.get(name) for name in dates}, **ends}


@dataclass
class Carry:
    """Copies what the live graph keeps (all of it, or all but one source's part)."""

    read: Reader
    write: Writer
    replacing: str | None
    by_uid: bool = False  # a whole copy: edges find their ends by uid
    # Only these nodes (uids by label) and the edges between them: a what-if's region.
    region: Mapping[str, list[str]] | None = None

    def _params(self) -> dict[str, Any]:
        if self.region is None:
            return {"source": self.replacing}
        return {
            "source": self.replacing,
            **{_region_param(label): self.region.get(label, []) for label in model.labels()},
        }

    def _write_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), DEFAULT_BATCH):
            self.write(cypher, {"rows": rows[start : start + DEFAULT_BATCH]})

    def _check(self, what: str, cypher: str, carried: int) -> None:
        if self.region is not None:
            return  # a region is a part of the graph by design
        [row] = self.read(cypher, self._params())
        if row["n"] != carried:
            raise StoreError(
                f"the graph holds {row['n'] - carried} {what} outside lianfang's schema "
                "(written by another tool?); an import cannot carry them over, so nothing "
                "was changed. Give lianfang a graph of its own (LIANFANG_GRAPH)."
            )

    def _copy(self, parts: list[_Part]) -> int:
        """Copy part by part, reading the next part while this one is written: the two
        graphs differ, so the server runs both at once. Returns the rows carried."""
        carried = 0
        if not parts:
            return carried
        with collector.paused(), ThreadPoolExecutor(max_workers=1) as reader:
            ahead = reader.submit(self.read, parts[0].read, self._params())
            for index, part in enumerate(parts):
                found = ahead.result()
                if index + 1 < len(parts):
                    ahead = reader.submit(self.read, parts[index + 1].read, self._params())
                self._write_rows(part.write, [part.row(item) for item in found])
                carried += len(found)
        return carried

    def nodes(self) -> None:
        parts = [
            _Part(
                read_nodes(label, self.region is not None),
                create_nodes(label, dates),
                partial(_node_row, dates),
            )
            for label, dates in model.stored_labels().items()
            if self.region is None or self.region.get(label)
        ]
        self._check("nodes", COUNT_NODES, self._copy(parts))

    def edges(self) -> None:
        # Once per (start, type, end): two attributes declaring one relationship would
        # otherwise copy its edges twice.
        parts = [
            _Part(
                read_edges(edge, self.by_uid, self.region is not None),
                create_edges(edge, self.by_uid),
                partial(_edge_row, _date_names(edge)),
            )
            for edge in {(e.start, e.type, e.end): e for e in model.edges()}.values()
            if self.region is None or (self.region.get(edge.start) and self.region.get(edge.end))
        ]
        self._check("edges", COUNT_EDGES, self._copy(parts))


@dataclass(frozen=True)
class _Part:
    """One label's nodes or one declared edge's instances: how to read and rewrite them."""

    read: str
    write: str
    row: Callable[[Row], dict[str, Any]]


def _node_row(dates: tuple[str, ...], found: Row) -> dict[str, Any]:
    return _split(found["p"], dates)


def _edge_row(dates: tuple[str, ...], found: Row) -> dict[str, Any]:
    return _split(found["p"], dates, a=found["a"], b=found["b"])

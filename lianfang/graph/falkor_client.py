"""A FalkorDB graph through the `falkordb` client: queries, indexes, and carrying one
graph's contents into another."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import redis
from falkordb import Edge, FalkorDB, Graph, Node, QueryResult
from falkordb import Path as FalkorPath
from redis.backoff import NoBackoff
from redis.retry import Retry

from lianfang.graph import falkor_values, model
from lianfang.graph.falkor_carry import Carry
from lianfang.graph.falkor_params import with_params
from lianfang.graph.settings import IN_PLACE_ROWS
from lianfang.graph.store import (
    SCALARS,
    USER_QUERY_TIMEOUT_MS,
    ConnectionLost,
    GraphStore,
    QueryError,
    Row,
    StoreError,
    WriteRefused,
    changes_version,
    version_bump,
)

LOCK_TIMEOUT = 300
SCRATCH = "__scratch_"  # what-if copies: <graph>__scratch_<pid>_<random>
# What a write query reports when it changed the graph.
_CHANGES = (
    "nodes_created",
    "nodes_deleted",
    "properties_set",
    "properties_removed",
    "relationships_created",
    "relationships_deleted",
    "labels_added",
    "labels_removed",
)
# redis-py retries a failed command by default; a write must never silently run twice.
NO_RETRY = Retry(NoBackoff(), 0)
Index = tuple[str, str, str, bool]  # NODE or RELATIONSHIP, label or type, property, unique


def _unless_there(create: Callable[[str, str], Any], label: str, prop: str) -> None:
    """Create an index or a constraint that another process may have created since the
    list was read (two processes opening one store for the first time)."""
    try:
        create(label, prop)
    except redis.exceptions.ResponseError as exc:
        if "already indexed" not in str(exc) and "already exists" not in str(exc):
            raise


def schema_indexes() -> list[Index]:
    """The register schema's indexed properties (node and edge), unique ones marked."""
    wanted: list[Index] = [
        ("NODE", spec.label, prop.name, prop.unique)
        for spec in model.nodes().values()
        for prop in spec.properties
        if prop.indexed
    ]
    wanted += [
        ("RELATIONSHIP", edge.type, prop.name, False)
        for edge in model.edges()
        for prop in edge.properties
        if prop.indexed
    ]
    return list(dict.fromkeys(wanted))


def plain(value: Any) -> Any:
    """A FalkorDB result value as plain Python: nodes and edges become property dicts."""
    if isinstance(value, SCALARS):  # most values, first (ids, names, counts)
        return value
    if isinstance(value, (Node, Edge)):
        return {k: plain(v) for k, v in value.properties.items()}
    if isinstance(value, FalkorPath):
        return {
            "nodes": [plain(n) for n in value.nodes()],
            "edges": [plain(e) for e in value.edges()],
        }
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _rows(result: Any) -> list[Row]:
    names = [column[1] for column in result.header]
    return [dict(zip(names, map(plain, record), strict=True)) for record in result.result_set]


class FalkorClient(GraphStore):
    """A FalkorDB graph reached through the `falkordb` client: running queries, the
    schema's indexes, and carrying a graph's contents into another (what imports and
    what-if copies build on). The store itself is FalkorStore (falkor_store.py)."""

    kind = "falkordb"
    in_place_rows = IN_PLACE_ROWS

    def __init__(
        self,
        db: FalkorDB,
        graph: str,
        location: str,
        write_lock: Callable[[], contextlib.AbstractContextManager[None]],
        reconnect: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.graph_name = graph
        self.location = location
        self._write_lock = write_lock
        self._reconnect = reconnect
        self._office_indexed = False
        self._office_lock = threading.Lock()
        self.ensure_schema()

    # -- running queries -----------------------------------------------------------
    def _graph(self, name: str | None = None) -> Graph:
        return self.db.select_graph(name or self.graph_name)

    def _run(
        self,
        run: Callable[[], Any],
        retry: bool = False,
        decode: Callable[[Any], list[Row]] = _rows,
    ) -> list[Row]:
        try:
            return decode(self._retrying(run) if retry else self._once(run))
        except redis.exceptions.ResponseError as exc:
            message = str(exc)
            if "read-only" in message:
                raise WriteRefused(
                    f"refused: the query writes, and this entry point is read-only ({message})"
                ) from None
            raise QueryError(message) from None

    def _retrying(self, run: Callable[[], Any]) -> Any:
        """For reads: if the embedded server died, bring it back and run again."""
        try:
            return run()
        except redis.exceptions.ConnectionError:
            if self._reconnect is None:
                raise StoreError(f"lost the connection to FalkorDB at {self.location}") from None
            self._reconnect()
            return run()

    def _once(self, run: Callable[[], Any]) -> Any:
        """For writes: never run twice, since a write cut off mid-reply may have landed."""
        try:
            return run()
        except redis.exceptions.ConnectionError:
            reason = self._why_lost()
            if self._reconnect is not None:
                with contextlib.suppress(StoreError, redis.exceptions.RedisError):
                    self._reconnect()
            if reason:
                raise ConnectionLost(reason) from None
            raise ConnectionLost(
                f"lost the connection to FalkorDB at {self.location} during a write; "
                "nothing of an import is kept, retry it"
            ) from None

    def _why_lost(self) -> str | None:
        """What the server said about going away, where this store can tell."""
        return None

    def _ro_query(self, text: str, timeout: int | None = None) -> Callable[[], Any]:
        """The command the client's `ro_query` sends, with the reply left undecoded, so
        that `_decoded` reads plain rows in one pass."""
        command: list[Any] = ["GRAPH.RO_QUERY", self.graph_name, text, "--compact"]
        if timeout is not None:
            command += ["timeout", timeout]
        execute = self.db.connection.execute_command
        return lambda: execute(*command)

    def _decoded(self, reply: Any) -> list[Row]:
        """Plain values by the project's decoder; a reply holding entities, times or
        points by the client's parser, which knows the graph's names for them."""
        try:
            return falkor_values.rows(reply)
        except falkor_values.NotPlain:
            return _rows(QueryResult(self._graph(), reply))

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        return self._run(self._ro_query(text), retry=True, decode=self._decoded)

    def read_typed(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """A typed query runs once, with a time limit: if the engine dies on it, it is
        restarted for the next query but this one is not run again into a second crash."""
        query = self._ro_query(with_params(cypher, params), timeout=USER_QUERY_TIMEOUT_MS)
        try:
            return self._run(query, retry=False, decode=self._decoded)
        except ConnectionLost:
            raise StoreError(
                f"FalkorDB stopped while running this query, so it was not run again: {cypher}"
            ) from None

    @changes_version
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        changed = False

        def run() -> Any:
            nonlocal changed
            result = self._graph().query(text)
            changed = any(getattr(result, name) for name in _CHANGES)
            return result

        with self._write_lock():
            rows = self._run(run)
            if changed:  # a query of its own: a write's text may end in anything
                bump = version_bump()
                bumped = with_params(bump.cypher, bump.params)
                self._run(lambda: self._graph().query(bumped))
        return rows

    def write_aside(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        with self._write_lock():
            return self._run(lambda: self._graph().query(text))

    # -- atomic change sets -------------------------------------------------------
    def _exists(self, name: str) -> bool:
        return name in self._retrying(self.db.list_graphs)

    def _drop(self, name: str) -> None:
        if self._exists(name):
            self._graph(name).delete()

    def _carry(
        self,
        staging: Graph,
        replacing: str | None,
        by_uid: bool = False,
        region: Mapping[str, list[str]] | None = None,
    ) -> Carry:
        def read(cypher: str, params: Mapping[str, Any]) -> list[Row]:
            query = self._ro_query(with_params(cypher, params))
            return self._run(query, decode=falkor_values.rows)

        def write(cypher: str, params: Mapping[str, Any]) -> None:
            text = with_params(cypher, params)
            self._run(lambda: staging.query(text))

        return Carry(read, write, replacing, by_uid, region)

    # -- schema ---------------------------------------------------------------------
    def _install_indexes(self, graph: Graph, wanted: Iterable[Index] | None = None) -> None:
        """Range indexes for indexed properties, then uniqueness for unique ones."""
        if graph.name not in self._retrying(self.db.list_graphs):
            graph.query("RETURN 1")  # creates the graph key
        existing = {
            (row[6], row[0], prop) for row in graph.list_indices().result_set for prop in row[1]
        }
        constrained = {(c["label"], tuple(c["properties"])) for c in graph.list_constraints()}
        for entity, label, prop, unique in schema_indexes() if wanted is None else wanted:
            if (entity, label, prop) not in existing:
                if entity == "NODE":
                    _unless_there(graph.create_node_range_index, label, prop)
                else:
                    _unless_there(graph.create_edge_range_index, label, prop)
                existing.add((entity, label, prop))
            if unique and (label, (prop,)) not in constrained:
                _unless_there(graph.create_node_unique_constraint, label, prop)

    def ensure_schema(self) -> None:
        with self._write_lock():
            self._retrying(lambda: self._install_indexes(self._graph()))
            # A staging graph outside an apply (which holds this lock) is what a killed
            # import left behind: drop it now rather than at the next import.
            self._drop(f"{self.graph_name}__staging")
        self.fill_codes()

    @changes_version
    def clear(self) -> None:
        with self._write_lock():
            self._drop(self.graph_name)
        self.ensure_schema()

    def close(self) -> None:
        self.db.connection.close()

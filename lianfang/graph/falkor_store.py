"""GraphStore on FalkorDB: the embedded server (default) or an external one.

Atomic change sets: FalkorDB makes each query atomic but not a sequence of them. A
change set of up to IN_PLACE_ROWS rows is sent as one query (falkor_compose), which
lands in place and costs what it states. A larger one (a first import, a province's
re-import) is built in a fresh staging graph, carrying over the live one's other
contents (falkor_carry), and then RENAMEd over the live graph, which Redis does in one
step; a process killed mid-way leaves only a stale staging graph, which the next
import discards.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import redis
from falkordb import Edge, FalkorDB, Graph, Node
from falkordb import Path as FalkorPath
from redis.backoff import NoBackoff
from redis.retry import Retry

from lianfang.graph import falkor_values, model, runaway
from lianfang.graph.embedded import EmbeddedServer, open_private, pid_alive, start_rewrite
from lianfang.graph.falkor_carry import Carry
from lianfang.graph.falkor_compose import compose, rows_in
from lianfang.graph.falkor_params import with_params
from lianfang.graph.settings import IN_PLACE_ROWS
from lianfang.graph.store import (
    DEFAULT_BATCH,
    USER_QUERY_TIMEOUT_MS,
    Change,
    ConfigError,
    ConnectionLost,
    GraphStore,
    Progress,
    QueryError,
    Row,
    Scratch,
    StoreError,
    WriteRefused,
    changes_version,
    version_bump,
)

LOCK_TIMEOUT = 300
SCRATCH = "__scratch_"  # what-if copies: <graph>__scratch_<pid>_<random>
REWRITE_AFTER_ROWS = 10_000  # an import this large is folded into the snapshot at once
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


class FalkorStore(GraphStore):
    """A FalkorDB graph reached through the `falkordb` client."""

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

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        return self._run(lambda: self._graph().ro_query(text), retry=True)

    def read_typed(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """A typed query runs once, with a time limit: if the engine dies on it, it is
        restarted for the next query but this one is not run again into a second crash."""
        text = with_params(cypher, params)
        query = lambda: self._graph().ro_query(text, timeout=USER_QUERY_TIMEOUT_MS)  # noqa: E731
        try:
            return self._run(query, retry=False)
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

    # -- atomic change sets -------------------------------------------------------
    def _exists(self, name: str) -> bool:
        return name in self._retrying(self.db.list_graphs)

    def _drop(self, name: str) -> None:
        if self._exists(name):
            self._graph(name).delete()

    def _stage(self) -> str:
        """An empty staging graph with the schema's indexes, replacing a stale one."""
        staging = f"{self.graph_name}__staging"
        self._drop(staging)
        self._install_indexes(self._graph(staging))
        return staging

    def _carry(self, staging: Graph, replacing: str | None, by_uid: bool = False) -> Carry:
        def read(cypher: str, params: Mapping[str, Any]) -> list[Row]:
            command = ("GRAPH.RO_QUERY", self.graph_name, with_params(cypher, params), "--compact")
            execute = self.db.connection.execute_command
            return self._run(lambda: execute(*command), decode=falkor_values.rows)

        def write(cypher: str, params: Mapping[str, Any]) -> None:
            text = with_params(cypher, params)
            self._run(lambda: staging.query(text))

        return Carry(read, write, replacing, by_uid)

    @changes_version
    def apply(
        self,
        changes: Iterable[Change],
        progress: Progress | None = None,
        replacing: str | None = None,
    ) -> None:
        changes = list(changes)
        with self._write_lock():
            if rows_in(changes) <= self.in_place_rows and self._exists(self.graph_name):
                self._apply_in_place(changes)
                if progress:
                    for change in changes:
                        progress(change.weight())
            else:
                self._apply_staged(changes, progress, replacing)

    def _apply_in_place(self, changes: list[Change]) -> None:
        # Under the write lock, a staging graph is what a killed import left behind.
        self._drop(f"{self.graph_name}__staging")
        text = with_params(*compose([*changes, version_bump()]))
        self._run(lambda: self._graph().query(text))

    def _apply_staged(
        self, changes: list[Change], progress: Progress | None, replacing: str | None
    ) -> None:
        live = self._exists(self.graph_name)
        graph = self._graph(self._stage())
        carry = self._carry(graph, replacing)
        try:
            if live:
                carry.nodes()
                if replacing is None:
                    carry.edges()
            for change in changes:
                for params in change.batches(DEFAULT_BATCH):
                    text = with_params(change.cypher, params)
                    self._run(partial(graph.query, text))
                    if progress:
                        progress(len(params["rows"]) if "rows" in params else 1)
            bump = version_bump()
            self._run(lambda: graph.query(with_params(bump.cypher, bump.params)))
            if live and replacing is not None:
                carry.edges()
        except BaseException:
            with contextlib.suppress(StoreError, redis.exceptions.RedisError):
                self._drop(graph.name)
            raise
        self.db.connection.rename(graph.name, self.graph_name)

    # -- what-if copies ---------------------------------------------------------------
    @contextlib.contextmanager
    def scratch(self) -> Iterator[Scratch]:
        """A copy carried through Cypher (never GRAPH.COPY, which forks), under the write
        lock so that no import lands halfway through it, and dropped afterwards. A copy
        left by a killed process is dropped by the next embedded store to open."""
        name = f"{self.graph_name}{SCRATCH}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        graph = self._graph(name)
        try:
            self._install_indexes(graph)
            with self._write_lock():
                carry = self._carry(graph, None, by_uid=True)
                carry.nodes()
                carry.edges()

            def read(cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
                text = with_params(cypher, params)
                return self._run(lambda: graph.ro_query(text))

            def write(cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
                text = with_params(cypher, params)
                return self._run(lambda: graph.query(text))

            yield Scratch(read, write)
        finally:
            with contextlib.suppress(StoreError, redis.exceptions.RedisError):
                self._drop(name)

    def _drop_stale_scratch(self) -> None:
        """Copies whose process is gone (killed mid what-if)."""
        prefix = f"{self.graph_name}{SCRATCH}"
        for name in self._retrying(self.db.list_graphs):
            pid = name.removeprefix(prefix).split("_", 1)[0] if name.startswith(prefix) else ""
            if pid.isdigit() and not pid_alive(int(pid)):
                self._drop(name)

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

    # -- the office's records: accounts, tokens, sessions, the audit log --------------
    @property
    def office_graph(self) -> str:
        """A graph of their own: imports rebuild and rename the main graph, and a staged
        import would otherwise lose an audit entry written while it ran."""
        return f"{self.graph_name}__office"

    def _office(self) -> Graph:
        """The office graph, its indexes installed on first use (once per store, whichever
        request thread, or the warmer, gets here first)."""
        graph = self._graph(self.office_graph)
        with self._office_lock:
            if not self._office_indexed:
                wanted = [
                    ("NODE", label, prop, unique) for label, prop, unique in model.office_indexes()
                ]
                self._retrying(lambda: self._install_indexes(graph, wanted))
                self._office_indexed = True
        return graph

    def office_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        return self._run(lambda: self._office().ro_query(text), retry=True)

    def office_write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = with_params(cypher, params)
        return self._run(lambda: self._office().query(text))

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


# -- constructors -----------------------------------------------------------------------
@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open_private(path) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class EmbeddedFalkorStore(FalkorStore):
    """The zero-setup default: a private server in the data directory."""

    def __init__(self, data_dir: Path, graph: str) -> None:
        self.server = EmbeddedServer(data_dir)
        self.server.acquire()
        try:
            db = FalkorDB(unix_socket_path=str(self.server.socket), retry=NO_RETRY)
            super().__init__(
                db,
                graph,
                location=str(self.server.data_dir),
                write_lock=lambda: _file_lock(self.server.data_dir / ".write.lock"),
                reconnect=self.server.ensure_running,
            )
        except BaseException:
            self.server.release()
            raise
        self.kind = "falkordb (embedded)"
        self._drop_stale_scratch()

    def apply(
        self,
        changes: Iterable[Change],
        progress: Progress | None = None,
        replacing: str | None = None,
    ) -> None:
        changes = list(changes)
        super().apply(changes, progress, replacing)
        if rows_in(changes) >= REWRITE_AFTER_ROWS:
            # A restart replays an import by running it again (a staged one, its carry
            # too): fold it into a snapshot now, in the background, so a crash later
            # replays a snapshot instead.
            with contextlib.suppress(redis.exceptions.RedisError):
                start_rewrite(self.db.connection)

    def read_typed(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """As for any FalkorDB, and watched from outside (graph/runaway.py): a query past
        its memory or time has the server stopped, and says so in one line."""
        with runaway.watched(self.server.pid(), runaway.Bounds()) as watch:
            try:
                return super().read_typed(cypher, params)
            except (StoreError, QueryError):
                if watch.stopped:
                    raise QueryError(watch.stopped) from None
                raise

    def _why_lost(self) -> str | None:
        """A full disk: with fsync on every write, FalkorDB exits when it cannot write its
        append-only file, and its log says so. Nothing of the write was kept."""
        if self.server.log_mentions(("AOF write error", "No space left on device")):
            return (
                f"the disk holding {self.server.data_dir} is full: the embedded FalkorDB "
                "could not write its append-only file and stopped. Nothing of this import "
                "was kept; free some space there and retry"
            )
        return None

    def close(self) -> None:
        with contextlib.suppress(redis.exceptions.RedisError):
            super().close()
        self.server.release()


def external_falkor_store(host: str, port: int, graph: str) -> FalkorStore:
    """A FalkorDB server somebody else runs (`falkordb://host:port`)."""
    try:
        db = FalkorDB(host=host, port=port, socket_connect_timeout=5, retry=NO_RETRY)
        db.connection.ping()
    except redis.exceptions.RedisError as exc:
        raise ConfigError(
            f"LIANFANG_STORE: cannot reach FalkorDB at {host}:{port} ({exc})"
        ) from None
    lock_name = f"lianfang:{graph}:write-lock"

    @contextlib.contextmanager
    def write_lock() -> Iterator[None]:
        with db.connection.lock(lock_name, timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT):
            yield

    return FalkorStore(db, graph, f"falkordb://{host}:{port}/{graph}", write_lock)

"""GraphStore on Neo4j through the official driver: the production store.

A change set is one transaction, so Neo4j gives atomicity directly. Constraints come
from the neomodel classes through neomodel's own label install.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable
from neo4j.graph import Node, Path, Relationship

from lianfang.graph import model
from lianfang.graph.store import (
    DEFAULT_BATCH,
    USER_QUERY_TIMEOUT_MS,
    Change,
    ConfigError,
    GraphStore,
    Progress,
    QueryError,
    Region,
    Row,
    Scratch,
    StoreError,
    WriteRefused,
    changes_version,
    to_params,
    version_bump,
)

# The driver logs connection failures itself; lianfang reports them once, as ConfigError.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
log = logging.getLogger(__name__)


def plain(value: Any) -> Any:
    """A Neo4j result value as plain Python (neo4j.time types become datetime ones)."""
    if isinstance(value, (Node, Relationship)):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Path):
        return {
            "nodes": [plain(n) for n in value.nodes],
            "edges": [plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


def _rows(records: Iterable[neo4j.Record]) -> list[Row]:
    return [{k: plain(v) for k, v in record.items()} for record in records]


class Neo4jStore(GraphStore):
    """A Neo4j server or cluster (`neo4j://`, `bolt://`, `neo4j+s://` …)."""

    kind = "neo4j"

    def __init__(self, url: str, user: str, password: str, database: str | None) -> None:
        self.location = url
        self.database = database
        # The server's notifications (a property no record has yet, say) are for query
        # authors at a console: logged on every read they would bury the real warnings.
        self.driver = GraphDatabase.driver(
            url,
            auth=(user, password),
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        )
        try:
            self.driver.verify_connectivity()
        except AuthError:
            self.driver.close()
            raise ConfigError(f"NEO4J_USER / NEO4J_PASSWORD: Neo4j at {url} refused them") from None
        except (ServiceUnavailable, OSError, ValueError) as exc:
            self.driver.close()
            reason = " ".join(str(exc).split())
            raise ConfigError(f"LIANFANG_STORE: cannot reach Neo4j at {url} ({reason})") from None
        self.ensure_schema()

    def _session(self, mode: str) -> neo4j.Session:
        return self.driver.session(database=self.database, default_access_mode=mode)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Driver and server errors as the store's own, with one readable message."""
        try:
            yield
        except Neo4jError as exc:
            message = exc.message or str(exc)
            if (exc.code or "").endswith("AccessMode"):
                raise WriteRefused(
                    f"refused: the query writes, and this entry point is read-only ({message})"
                ) from None
            raise QueryError(message) from None
        except DriverError as exc:
            raise StoreError(f"lost the connection to Neo4j at {self.location} ({exc})") from None

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        bound = to_params(params)
        with self._errors(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(lambda tx: _rows(tx.run(cypher, bound)))

    def read_typed(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        bound = to_params(params)

        @neo4j.unit_of_work(timeout=USER_QUERY_TIMEOUT_MS / 1000)
        def typed(tx: neo4j.ManagedTransaction) -> list[Row]:
            return _rows(tx.run(cypher, bound))

        with self._errors(), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(typed)

    @changes_version
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        bound = to_params(params)

        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            result = tx.run(cypher, bound)
            rows = _rows(result)
            if result.consume().counters.contains_updates:
                bump = version_bump()
                tx.run(bump.cypher, to_params(bump.params)).consume()
            return rows

        with self._errors(), self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(work)

    def write_aside(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        bound = to_params(params)

        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            return _rows(tx.run(cypher, bound))

        with self._errors(), self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(work)

    @contextlib.contextmanager
    def scratch(self, region: Region | None = None) -> Iterator[Scratch]:
        """One transaction, rolled back whatever happens: other sessions never see it.
        It holds the whole graph (a region costs nothing to leave out here)."""
        with self._errors(), self._session(neo4j.WRITE_ACCESS) as session:
            tx = session.begin_transaction()
            try:

                def run(cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
                    return _rows(tx.run(cypher, to_params(params)))

                yield Scratch(run, run)
            finally:
                tx.rollback()

    def office_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.read(cypher, params)

    def office_write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        bound = to_params(params)
        with self._errors(), self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(lambda tx: _rows(tx.run(cypher, bound)))

    @changes_version
    def apply(
        self,
        changes: Iterable[Change],
        progress: Progress | None = None,
        replacing: str | None = None,
    ) -> None:
        with (
            self._errors(),
            self._session(neo4j.WRITE_ACCESS) as session,
            session.begin_transaction() as tx,
        ):
            for change in changes:
                for params in change.batches(DEFAULT_BATCH):
                    tx.run(change.cypher, to_params(params)).consume()
                    if progress:
                        progress(len(params["rows"]) if "rows" in params else 1)
            bump = version_bump()
            tx.run(bump.cypher, to_params(bump.params)).consume()
            tx.commit()
        self._replan()

    def _replan(self) -> None:
        """Resample the indexes and drop the plans cached for the graph as it was: after an
        import that changed its size, Neo4j would plan from the old statistics (measured:
        a query planned on a scale-1 graph's samples ran 65 s at scale 20 instead of
        0.35 s). A user without the right to do so keeps the old plans."""
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.run("CALL db.resampleOutdatedIndexes()").consume()
                session.run("CALL db.clearQueryCaches()").consume()
        except Neo4jError as refused:
            log.info("could not clear Neo4j's query caches: %s", refused.message)

    def ensure_schema(self) -> None:
        from neomodel import db

        from lianfang.graph import office_schema, schema

        db.set_connection(driver=self.driver)
        if self.database:
            db._database_name = self.database
        kept = (
            *schema.NODE_CLASSES,
            schema.Snapshot,
            schema.GraphVersion,
            *office_schema.OFFICE_CLASSES,
        )
        said = io.StringIO()  # "an equivalent index already exists", on every start
        for cls in kept:
            db.install_labels(cls, stdout=said)
        self.fill_codes()

    @changes_version
    def clear(self) -> None:
        """Everything but the accounts, tokens, sessions and audit log."""
        self.write(
            "MATCH (n) WHERE none(l IN labels(n) WHERE l IN $kept) DETACH DELETE n",
            {"kept": list(model.office_labels())},
        )

    def close(self) -> None:
        self.driver.close()

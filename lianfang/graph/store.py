"""The GraphStore interface: the only way the rest of lianfang touches a graph.

Queries go in as Cypher of the shared dialect (see docs/cypher-dialect.md) with
parameters; rows come out as plain dicts whose dates are `datetime.date`. Dates go
in as ISO strings, because the FalkorDB client cannot send a `date` parameter, so
queries write `date($d)` and both engines read the same text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, overload

Row = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[int], None]

DEFAULT_BATCH = 5000


class StoreError(RuntimeError):
    """The store failed to run a query or to start; the message is for the user."""


class ConfigError(StoreError):
    """A setting is wrong. The message starts with the setting's name."""


class ConnectionLost(StoreError):
    """The engine went away while a query ran (it may have crashed on it)."""


class QueryError(StoreError):
    """The engine rejected a query (syntax, constraint, read-only violation)."""


class WriteRefused(QueryError):
    """A read-only entry point was given a query that writes."""


class MappedRows(Sequence[Mapping[str, Any]]):
    """Rows made from items when they are sent, batch by batch: a province's import
    never holds every row's dict at once (they were 0.5 GB at scale 100)."""

    def __init__(self, items: Sequence[Any], make: Callable[[Any], Mapping[str, Any]]) -> None:
        self.items = items
        self.make = make

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return map(self.make, self.items)

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[Mapping[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | list[Mapping[str, Any]]:
        if isinstance(index, slice):
            return [self.make(item) for item in self.items[index]]
        return self.make(self.items[index])


@dataclass(frozen=True)
class Change:
    """One step of an atomic change set: a query, run once or once per batch of rows.

    With `rows`, the query reads them as `$rows` (`UNWIND $rows AS row …`).
    """

    cypher: str
    params: Mapping[str, Any] = field(default_factory=dict)
    rows: Sequence[Mapping[str, Any]] | None = None

    def batches(self, size: int) -> Iterator[dict[str, Any]]:
        """The parameter dicts this change runs with."""
        if self.rows is None:
            yield dict(self.params)
            return
        for start in range(0, len(self.rows), size):
            yield {**self.params, "rows": list(self.rows[start : start + size])}

    def weight(self) -> int:
        """How many units of progress it reports: its rows, or 1."""
        return 1 if self.rows is None else len(self.rows)


VERSION_UID = "graph"
VERSION_SECONDS = 0.25


def changes_version(method: F) -> F:
    """For a store's writing methods: the state token read before is forgotten, whether
    the write landed or not."""

    @functools.wraps(method)
    def forgetting(self: GraphStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        finally:
            self._seen_version = None
            self.writes += 1

    return cast(F, forgetting)


def version_bump() -> Change:
    """The step every change set ends with: a new state token (see schema.GraphVersion).
    The token it replaces stays as `after`, with what the change set said it wrote
    (`touching`); a write that said nothing leaves `touched` unset: it may be anything."""
    from lianfang.graph import model

    return Change(
        f"MERGE (v:{model.VERSION_LABEL} {{uid: $uid}}) "
        "SET v.after = v.token, v.touched = v.touching, v.token = $token, v.touching = null",
        {"uid": VERSION_UID, "token": uuid.uuid4().hex},
    )


def touching(names: Collection[str]) -> Change:
    """A change set's first step when it knows what it writes: the schema's labels and
    relationship types whose records it may create, change or delete. The bump that
    ends the change set records them with the new token."""
    from lianfang.graph import model

    return Change(
        f"MERGE (v:{model.VERSION_LABEL} {{uid: $uid}}) SET v.touching = $names",
        {"uid": VERSION_UID, "names": " ".join(sorted(names))},
    )


@dataclass(frozen=True)
class StateChange:
    """The graph's state token, the one before it, and what the change between them
    wrote (None: not said, so anything)."""

    token: str
    after: str | None
    touched: frozenset[str] | None


@dataclass(frozen=True)
class Scratch:
    """A private copy of the graph (or a transaction never committed) to change and
    query: what-if analysis. Whatever is done through it never reaches the graph."""

    read: Callable[[str, Mapping[str, Any] | None], list[Row]]
    write: Callable[[str, Mapping[str, Any] | None], list[Row]]
    partial: bool = False  # holds only a region of the graph, not all of it


# Some nodes of the graph, by label: uids. A what-if copies only the region a change
# can reach, not the whole graph.
Region = Mapping[str, Collection[str]]


@dataclass(frozen=True)
class Counts:
    """Node counts per label and edge counts per relationship type."""

    nodes: dict[str, int]
    edges: dict[str, int]


SCALARS = (str, int, float, bool, type(None))  # values both engines take and give as they are


def to_param(value: Any) -> Any:
    """Make a parameter value acceptable to both engines (dates → ISO strings).

    Hot during imports (every cell of every row), so plain values return first.
    """
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_param(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_param(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_param(v) for k, v in value.items()}
    return value


def to_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: to_param(v) for k, v in (params or {}).items()}


_WRITE_CLAUSE = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b"
    r"|\bCALL\s+(db\.idx|db\.create|dbms\.|apoc\.(create|merge|refactor|periodic))",
    re.IGNORECASE,
)
_LITERALS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def strip_literals(cypher: str) -> str:
    """The query without its strings, comments and quoted names, for keyword checks."""
    return _LITERALS.sub(" ", cypher)


def write_clause(cypher: str) -> str | None:
    """The first write clause in a query, ignoring strings, comments and quoted names."""
    match = _WRITE_CLAUSE.search(strip_literals(cypher))
    return match.group(0).upper() if match else None


# What a typed query may call: the read procedures that list what the graph holds. A
# procedure call passed the write check before and could crash FalkorDB (its name split
# by a comment: `CALL db./**/labels()` aborted the server).
READ_PROCEDURES = ("db.labels", "db.relationshipTypes", "db.propertyKeys")
USER_QUERY_TIMEOUT_MS = 10_000
_STRINGS_AND_NAMES = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`([^`]*)`", re.S)
_PROCEDURE = re.compile(r"\bCALL\s+(?![{(])((?:\w+\s*\.\s*)*\w+)", re.IGNORECASE)


def _bare_name(found: re.Match[str]) -> str:
    """A string as a blank; a back-quoted name as the engine reads it (`dbms.procedures`
    is dbms.procedures), with what could pass for syntax (a comment, a bracket) made
    harmless."""
    name = found.group(1)
    if name is None:
        return " "
    return re.sub(r"[^\w.]", "_", name) or "_"


def user_query_problem(cypher: str) -> str | None:
    """Why a typed query is refused before the engine sees it, or None.

    Allowed is what is known to be safe: reads, subqueries, and the few read procedures
    above. Writes, other procedures and comments (which can hide inside names) are not.
    """
    code = _STRINGS_AND_NAMES.sub(_bare_name, cypher)
    if "//" in code or "/*" in code:
        return "comments are not accepted in a typed query; remove them"
    allowed = {name.lower() for name in READ_PROCEDURES}
    for match in _PROCEDURE.finditer(code):
        name = re.sub(r"\s+", "", match.group(1))
        if name.lower() not in allowed:
            listed = ", ".join(f"{p}()" for p in READ_PROCEDURES)
            return f"procedure {name}() is not allowed here; only {listed}"
    clause = write_clause(cypher)
    if clause:
        return (
            f"{clause} writes to the graph, and this entry point is read-only "
            "(use `lianfang ingest` to change data)"
        )
    return None


def refuse_writes(cypher: str) -> None:
    """Raise WriteRefused for a typed query that writes, calls a procedure other than a
    known read one, or hides anything in comments; the engines refuse writes again."""
    problem = user_query_problem(cypher)
    if problem:
        raise WriteRefused(f"refused: {problem}")


class GraphStore(ABC):
    """A graph engine behind one small interface."""

    kind: str
    location: str

    @abstractmethod
    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read-only query; the engine refuses writes."""

    def read_only(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run user-written Cypher: refuse what is not a plain read before the engine sees
        it, then run it with a time limit and without retrying."""
        refuse_writes(cypher)
        return self.read_typed(cypher, params)

    def read_typed(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """A typed query: an engine with a time limit overrides this."""
        return self.read(cypher, params)

    @abstractmethod
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one query that may write, atomically."""

    def write_aside(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Write a record kept in the graph that no canned query, map or figure reads (a
        saved snapshot): the state token stays, so every answer cached for this state
        stays good. A store that cannot write without a new token writes as `write`."""
        return self.write(cypher, params)

    @abstractmethod
    def apply(
        self,
        changes: Iterable[Change],
        progress: Progress | None = None,
        replacing: str | None = None,
    ) -> None:
        """Apply a change set so that it lands whole or not at all.

        `replacing` names the source whose part of the graph the changes state anew
        (an import): a store that rebuilds the graph to apply it need not carry that
        part over. The changes must still delete it themselves, for stores that don't.
        """

    @abstractmethod
    def office_read(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Read the office's own records: accounts, tokens, sessions, the audit log
        (model.office_labels())."""

    @abstractmethod
    def office_write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Write them, atomically, apart from the graph: no import, carry, snapshot or
        clear touches them, and they do not change the graph's state token."""

    @abstractmethod
    def scratch(self, region: Region | None = None) -> contextlib.AbstractContextManager[Scratch]:
        """The graph as it stands, to change and query privately; discarded on exit. A
        store may hold only `region` in it (the scratch then says it is partial)."""

    _seen_version: tuple[float, str] | None = None
    writes = 0  # this process's writes through the store: its own changes of state

    def version(self) -> str:
        """The graph's state token: results cached under it are results of this state.

        Read at most every VERSION_SECONDS: a page asks for a dozen cached answers, and
        each asked the store again. This process's own writes forget it at once
        (`changes_version`); another process's import is seen within VERSION_SECONDS."""
        seen = self._seen_version
        now = time.monotonic()
        if seen is not None and now - seen[0] < VERSION_SECONDS:
            return seen[1]
        token = self.state_change().token
        self._seen_version = (now, token)
        return token

    def state_change(self) -> StateChange:
        """The last change of state, as the graph recorded it with its token."""
        from lianfang.graph import model

        rows = self.read(
            f"MATCH (v:{model.VERSION_LABEL} {{uid: $uid}}) "
            "RETURN v.token AS token, v.after AS after, v.touched AS touched",
            {"uid": VERSION_UID},
        )
        if not rows:
            return StateChange("", None, None)
        row = rows[0]
        touched = row["touched"]
        return StateChange(
            row["token"] or "",
            row["after"],
            None if touched is None else frozenset(touched.split()),
        )

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes and constraints the schema declares (idempotent)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and edge (tests and demo resets)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and the embedded server, if this was its last user)."""

    def fill_codes(self) -> None:
        """Records written before offices' own codes were kept take their uid as code
        (then still unique, so both agree); a no-op once every record has one."""
        from lianfang.graph import model

        for label in model.labels():
            self.write(
                f"MATCH (n:{model.node(label).label}) WHERE n.code IS NULL SET n.code = n.uid"
            )

    def counts(self) -> Counts:
        """Nodes per schema label and edges per schema type, zeros included.

        One statement per label and type: both engines answer a lone label's or type's
        count from their own tallies (9 ms at scale 100 on FalkorDB), where one pass
        grouping every node by label and every edge by type read them all (2.3 s).
        """
        from lianfang.graph import model

        nodes = {
            label: self.read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
            for label in model.labels()
        }
        edges = {
            type_: self.read(f"MATCH ()-[r:{type_}]->() RETURN count(r) AS n")[0]["n"]
            for type_ in model.edge_types()
        }
        return Counts(nodes, edges)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

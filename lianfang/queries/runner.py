"""The one runner behind the CLI, the API and the reports: find, bind, run, shape.

Each canned query is one read-only query (or a few whose columns it joins on the key)
with its values passed as parameters; the runner adds nothing to its meaning. It checks
parameters before the store sees them, and that the rows carry exactly the columns the
query file declares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from lianfang.graph import calendar
from lianfang.graph.store import GraphStore
from lianfang.graph.vocab import SEVERITY_ORDER
from lianfang.queries.cache import Key, cached, frozen, reads_as
from lianfang.queries.params import ParameterError, bind
from lianfang.queries.readsets import everything, spec_reads
from lianfang.queries.spec import ID_COLUMNS, LibraryError, QuerySpec, library


class UnknownQuery(LookupError):
    """No canned query has this id."""


@dataclass(frozen=True)
class QueryResult:
    """A query's findings, the parameters they were found with, and the denominator."""

    spec: QuerySpec
    params: dict[str, Any]
    rows: list[dict[str, Any]]
    total: int | None

    @property
    def count(self) -> int:
        """Findings, as the denominator counts them: rows, or distinct `count_by` values
        (incompatible duties count pairs, not the people and posts in each)."""
        if not self.spec.count_by:
            return len(self.rows)
        return len({tuple(str(row[c]) for c in self.spec.count_by) for row in self.rows})

    def ratio(self) -> str:
        """ "9 of 41", or just "9" where the query has no denominator."""
        return f"{self.count} of {self.total}" if self.total is not None else str(self.count)

    def ratio_zh(self) -> str:
        """The same in Chinese: "9项（共41项）"."""
        found = f"{self.count}项"
        return f"{found}（共{self.total}项）" if self.total is not None else found

    def exported(self) -> tuple[list[str], list[dict[str, Any]]]:
        """Columns and rows for a download: the query's own, then each finding's short id
        (last, so that a sheet read by position reads as before)."""
        names = [c.name for c in self.spec.columns]
        if not self.spec.identified:
            return names, self.rows
        rows = [{**row, FINDING_ID: self.spec.finding_id(row)} for row in self.rows]
        return [*names, FINDING_ID], rows


# The column a download adds for each finding's short id.
FINDING_ID = "finding_id"


# Denominators and joined statements run here while the first statement runs on the
# caller's thread.
_BESIDE = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lianfang-beside")

Reader = Callable[[str, dict[str, Any]], list[dict[str, Any]]]


def answered(read: Reader, spec: QuerySpec, sent: dict[str, Any]) -> list[dict[str, Any]]:
    """The query's rows: its statement's, with each joined statement's columns added on
    the key. The joined ones run beside the first (the engines answer concurrent reads on
    threads of their own), so the rows cost the longest statement, not the sum."""
    beside = [_BESIDE.submit(read, text, sent) for text in spec.joined]
    rows = read(spec.cypher, sent)
    for number, future in enumerate(beside, 1):
        rows = _join(spec, number, rows, future.result())
    return rows


def _join(
    spec: QuerySpec, number: int, rows: list[dict[str, Any]], more: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """`rows` with the columns of joined statement `number`, in `rows`' order; both must
    answer for the same keys, or the query file is wrong."""
    by_key = {spec.finding_key(row): row for row in more}
    if len(by_key) != len(more) or set(by_key) != {spec.finding_key(row) for row in rows}:
        raise LibraryError(
            f"{spec.path.name}: joined statement {number} answers for other rows than the "
            f"query ({len(more)} rows against {len(rows)}, joined on {', '.join(spec.key)})"
        )
    twice = set(more[0] if more else ()) & set(rows[0] if rows else ()) - set(spec.key)
    if twice:
        raise LibraryError(
            f"{spec.path.name}: joined statement {number} returns {sorted(twice)[0]!r} too"
        )
    names = [c.name for c in spec.columns]
    joined = []
    for row in rows:
        merged = {**row, **by_key[spec.finding_key(row)]}
        # in the declared order; anything undeclared stays, for _shaped to refuse
        ordered = {name: merged[name] for name in names if name in merged}
        joined.append(ordered | merged)
    return joined


def find(query_id: str) -> QuerySpec:
    try:
        return library()[query_id]
    except KeyError:
        raise UnknownQuery(f"unknown query {query_id!r}; `lianfang queries` lists them") from None


def _shaped(spec: QuerySpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as declared, each list of ids in id order: engines collect in orders of
    their own, and an answer must not depend on the engine."""
    names = [c.name for c in spec.columns]
    for row in rows[:1]:
        if list(row) != names:
            raise LibraryError(
                f"{spec.path.name}: the query returns {list(row)}, but declares {names}"
            )
    listed = [n for n in names if n in ID_COLUMNS]
    for row in rows:
        for name in listed:
            value = row[name]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value.sort()
    if spec.order_by:
        rows.sort(key=lambda row: tuple(_sortable(row.get(c)) for c in spec.order_by))
    return rows


def _sortable(value: Any) -> tuple[int, str]:
    """A missing value before any other; the rest as text (ids, kinds, names)."""
    return (0, "") if value is None else (1, str(value))


def run(
    store: GraphStore,
    query_id: str,
    params: dict[str, Any] | None = None,
    today: dt.date | None = None,
    with_total: bool = True,
) -> QueryResult:
    """Run one canned query; raises UnknownQuery or ParameterError before touching the store."""
    spec = find(query_id)
    bound = bind(spec.parameters, dict(params or {}), today or calendar.today())
    sent = {name: bound[name] for name in spec.sent}

    def compute() -> tuple[list[dict[str, Any]], int | None]:
        # The denominator beside the findings: the engine runs reads on a thread each,
        # so the pair costs the longer of the two (0.27 s less for power-exposure at
        # scale 100).
        total = None
        if with_total and spec.total:
            total = _BESIDE.submit(store.read, spec.total, sent)
        rows = _shaped(spec, answered(store.read, spec, sent))
        return rows, None if total is None else total.result()[0]["total"]

    key = ("query", spec.id, spec.version, frozen(sent), with_total)
    kept, total = cached(store, key, compute)
    return QueryResult(spec, bound, [dict(row) for row in kept], total)


def query_reads(key: Key) -> frozenset[str]:
    """What an answer kept under `(kind, query id, query version, …)` reads: the query's
    statements, or everything once the library holds another version of it."""
    spec = library().get(key[1])
    return spec_reads(spec) if spec is not None and spec.version == key[2] else everything()


reads_as("query", query_reads)

__all__ = ["ParameterError", "QueryResult", "UnknownQuery", "find", "run"]


def catalogue(store: GraphStore) -> list[tuple[QuerySpec, QueryResult]]:
    """Every query with its findings now, at default parameters; most severe first.

    Kept per state of the graph as a whole, since every home page and catalogue request
    asks for all of it: the results are shared, so read them only."""
    specs = sorted(library().values(), key=lambda spec: SEVERITY_ORDER[spec.severity])
    today = calendar.today()
    return cached(
        store,
        ("catalogue", today),
        lambda: [(spec, run(store, spec.id, today=today)) for spec in specs],
    )

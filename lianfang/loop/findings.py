"""Findings as the loop follows them: each canned query's rows, identified as snapshots
identify them (query id and key), with the posts and units they concern.

A finding names its posts in its post columns (`post_id`, `post_ids`, owners, key
posts). Where it names none, its posts are those of what it does name: the posts the
people hold on the day, the posts that exercise the powers, the posts that handle the
flowcharts' steps, and the posts the risk points sit at. Units are the ones the posts
are in, and any unit the finding names itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lianfang.graph import model
from lianfang.graph.store import GraphStore
from lianfang.queries import finding_ids
from lianfang.queries.cache import Key, cached, reads_as
from lianfang.queries.readsets import reads, spec_reads
from lianfang.queries.runner import query_reads, run
from lianfang.queries.spec import ID_COLUMNS, QuerySpec, finding_label, library

# label → how its posts are found (Cypher from `id` to `post`), for findings naming no post.
POSTS_OF = {
    "Person": (f"MATCH (:Person {{uid: id}})-[h:HOLDS]->(p:Post) WHERE {model.held_on()}"),
    "Power": "MATCH (p:Post)-[:EXERCISES]->(:Power {uid: id})",
    "Process": "MATCH (:Process {uid: id})-[:HAS_STEP]->(:Step)-[:HANDLED_BY]->(p:Post)",
    "RiskPoint": "MATCH (:RiskPoint {uid: id})-[:AT_POST]->(p:Post)",
}


@dataclass(frozen=True)
class Finding:
    query_id: str
    severity: str
    key: tuple[str, ...]
    label: str
    posts: frozenset[str] = field(default_factory=frozenset)
    units: frozenset[str] = field(default_factory=frozenset)

    @property
    def ident(self) -> tuple[str, tuple[str, ...]]:
        return self.query_id, self.key

    @property
    def finding_id(self) -> str:
        return finding_ids.short_id(self.query_id, self.key)


# The columns naming each label's ids: a province's findings are read a million times.
_COLUMNS_OF: dict[str, tuple[str, ...]] = {}
for _column, _label in ID_COLUMNS.items():
    _COLUMNS_OF[_label] = (*_COLUMNS_OF.get(_label, ()), _column)


def id_columns(spec: QuerySpec) -> dict[str, tuple[str, ...]]:
    """Per label, the columns of this query's rows that name its ids: asked of each of a
    province's rows several times, so only the query's own columns are looked at."""
    own = {c.name for c in spec.columns}
    return {label: tuple(c for c in cols if c in own) for label, cols in _COLUMNS_OF.items()}


def named(row: dict[str, Any], columns: tuple[str, ...]) -> list[str]:
    """The ids a row names in `columns` (a label's, from id_columns), list columns
    included."""
    found: list[str] = []
    for column in columns:
        value = row.get(column)
        if isinstance(value, list):
            found += [str(v) for v in value if v not in (None, "")]
        elif value not in (None, ""):
            found.append(str(value))
    return found


def _ids_of(
    store: GraphStore, match: str, uids: Iterable[str], as_of: dt.date
) -> dict[str, set[str]]:
    """For each id, the ids `match` finds (it binds `id`, and `p` to what it finds).

    What was looked up is kept for the state of the graph, whichever query asked: the
    queries' findings name many of the same posts and risk points (at scale 100, asking
    each query's own took 7.3 s of reads against 4.7 s for all of them at once)."""
    known: dict[str, set[str]] = cached(store, ("finding lookups", match, as_of), dict)
    wanted = sorted(set(uids) - known.keys())
    if wanted:
        found: dict[str, set[str]] = {uid: set() for uid in wanted}
        for row in store.read(
            f"UNWIND $uids AS id {match} RETURN id, collect(DISTINCT p.uid) AS found",
            {"uids": wanted, "as_of": as_of},
        ):
            found[row["id"]] = set(row["found"])
        known.update(found)
    return known


# A risk stated against a unit alone concerns that unit.
UNIT_OF_RISK = "MATCH (:RiskPoint {uid: id})-[:IN_UNIT]->(p:Unit)"
UNIT_OF_POST = "MATCH (:Post {uid: id})-[:IN_UNIT]->(p:Unit)"


# What a query's findings read besides its rows: the lookups above.
LOOKUPS = reads(*POSTS_OF.values(), UNIT_OF_RISK, UNIT_OF_POST)


def _findings_read(key: Key) -> frozenset[str]:
    return query_reads(key) | LOOKUPS


def _all_findings_read(key: Key) -> frozenset[str]:
    return frozenset().union(
        LOOKUPS, *(spec_reads(spec) for spec in library().values() if spec.warns)
    )


def _lookups_read(key: Key) -> frozenset[str]:
    return reads(key[1])


reads_as("query findings", _findings_read)
reads_as("loop findings", _all_findings_read)
# A lookup's ids found so far hold for the next state if it wrote nothing the lookup
# reads; the next state's findings add what they name.
reads_as("finding lookups", _lookups_read)


def findings(store: GraphStore, as_of: dt.date) -> list[Finding]:
    """Every gap finding on `as_of`, with its posts and units (kept per graph state)."""
    return cached(
        store,
        ("loop findings", as_of),
        lambda: [
            finding
            for spec in library().values()
            if spec.warns  # a profile or a ranking: no gaps
            for finding in query_findings(store, spec, as_of)
        ],
    )


def query_findings(store: GraphStore, spec: QuerySpec, as_of: dt.date) -> list[Finding]:
    """One query's findings on `as_of`: kept apart, so that an import leaves those of
    every query it does not concern as they were (api/warmer.py)."""
    key = ("query findings", spec.id, spec.version, as_of)
    return cached(store, key, lambda: _computed(store, spec, as_of))


def _computed(store: GraphStore, spec: QuerySpec, as_of: dt.date) -> list[Finding]:
    found: list[tuple[dict[str, Any], set[str]]] = []
    fallback: dict[str, set[str]] = {label: set() for label in POSTS_OF}
    of = id_columns(spec)
    for row in run(store, spec.id, {"as_of": as_of}).rows:
        posts = set(named(row, of["Post"]))
        if not posts:
            for label in POSTS_OF:
                fallback[label].update(named(row, of[label]))
        found.append((row, posts))
    posts_of = {
        label: _ids_of(store, POSTS_OF[label], uids, as_of) for label, uids in fallback.items()
    }
    risk_units = _ids_of(store, UNIT_OF_RISK, fallback["RiskPoint"], as_of)
    for row, posts in found:
        if not posts:
            for label, table in posts_of.items():
                for uid in named(row, of[label]):
                    posts |= table.get(uid, set())
    units_of = _ids_of(store, UNIT_OF_POST, {post for _, posts in found for post in posts}, as_of)
    made = []
    for row, posts in found:
        units = set(named(row, of["Unit"])).union(*(units_of[p] for p in posts))
        if not posts:
            for uid in named(row, of["RiskPoint"]):
                units |= risk_units.get(uid, set())
        made.append(
            Finding(
                spec.id,
                spec.severity,
                spec.finding_key(row),
                finding_label(row),
                frozenset(posts),
                frozenset(units),
            )
        )
    return made

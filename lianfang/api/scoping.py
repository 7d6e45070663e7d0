"""Everything a unit-scoped user is shown passes through here, and nowhere else.

Routes ask this module for query answers, nodes, search hits, maps, report units and
snapshot findings as the requester may see them. For a user with no units (and in
local mode) each function returns what it was given. Out of scope is answered as not
found (404), never as forbidden: a scoped user learns nothing of what lies outside.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import HTTPException

from lianfang.api.auth import Principal
from lianfang.api.http import run_or_http
from lianfang.graph import calendar, model
from lianfang.graph.store import GraphStore
from lianfang.queries import lookups
from lianfang.queries.cache import cached
from lianfang.queries.runner import QueryResult, catalogue, find
from lianfang.queries.scope import Scope, scoped
from lianfang.queries.spec import ID_COLUMNS, QuerySpec
from lianfang.queries.stats import stats
from lianfang.viz.subgraph import Subgraph


def run(store: GraphStore, who: Principal, query_id: str, params: dict[str, Any]) -> QueryResult:
    """A canned query's answer (404 unknown, 422 bad parameter), cut to the scope."""
    result = run_or_http(store, query_id, params)
    within = who.scope(store)
    return result if within is None else scoped(store, result, within)


def queries(store: GraphStore, who: Principal) -> list[tuple[QuerySpec, QueryResult]]:
    """The catalogue with each query's figures, within the scope."""
    within = who.scope(store)
    listed = catalogue(store)
    if within is None:
        return listed
    key = ("scoped catalogue", calendar.today(), within.units)
    return cached(store, key, lambda: [(s, scoped(store, r, within)) for s, r in listed])


def figures(store: GraphStore, who: Principal) -> dict[str, Any]:
    """Counts by type and level and the headline figures, within the scope."""
    return stats(store, who.scope(store))


def require_node(store: GraphStore, who: Principal, label: str, uid: str) -> None:
    within = who.scope(store)
    if within is not None and not within.contains(label, uid):
        raise HTTPException(404, f"no {label} with id {uid!r}")


def node(store: GraphStore, who: Principal, label: str, uid: str) -> dict[str, Any]:
    """One node and its neighbours, as the requester may see them: a label the schema
    does not know, a node out of scope and a node that does not exist are each a 404."""
    if label not in model.nodes():
        raise HTTPException(404, f"unknown label {label!r}; known: {', '.join(model.labels())}")
    require_node(store, who, label, uid)
    found = lookups.node_detail(store, label, uid)
    if found is None:
        raise HTTPException(404, f"no {label} with id {uid!r}")
    within = who.scope(store)
    if within is None:
        return found
    near = [n for n in found["neighbours"] if within.contains(n["label"], n["uid"])]
    return {**found, "neighbours": near}


SCOPED_SEARCH = 5000  # matches read per label for a scoped user, before the scope cuts


def search(
    store: GraphStore,
    who: Principal,
    text: str,
    limit: int = 50,
    labels: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    """Search hits in scope: read widely, then keep the first `limit` in scope."""
    within = who.scope(store)
    if within is None:
        return lookups.search(store, text, limit, labels)
    found = lookups.search(store, text, SCOPED_SEARCH, labels)
    return [hit for hit in found if within.contains(hit["label"], hit["uid"])][:limit]


def units(store: GraphStore, who: Principal, uids: list[str]) -> list[str]:
    """The given units that the requester may see, in order."""
    within = who.scope(store)
    return [uid for uid in uids if within is None or within.contains("Unit", uid)]


def map_key(store: GraphStore, who: Principal) -> tuple[str, ...]:
    """What a drawn map is kept under besides its own key: the scope's units."""
    within = who.scope(store)
    return () if within is None else within.units


def graph(store: GraphStore, who: Principal, drawn: Subgraph) -> Subgraph:
    """A map with only the nodes in scope, and the edges between them."""
    within = who.scope(store)
    if within is None:
        return drawn
    return drawn.within(within.contains)


def report_unit(store: GraphStore, who: Principal, unit: str | None) -> str | None:
    """The unit a report covers: a scoped user's own (one of them, if given several)."""
    within = who.scope(store)
    if within is None:
        return unit
    if unit is None:
        if len(within.units) == 1:
            return within.units[0]
        raise HTTPException(422, f"choose one of your units: unit={' or '.join(within.units)}")
    if not within.contains("Unit", unit):
        raise HTTPException(404, f"no unit {unit!r}")
    return unit


def findings(
    store: GraphStore, who: Principal, query_id: str, found: Mapping[Any, str]
) -> dict[Any, str]:
    """Findings of a query (key → label) whose key names something in scope; for a
    scoped user, none of a query the library no longer has (an old snapshot's)."""
    keeps = finding_keeper(store, who)
    if keeps is None:
        return dict(found)
    return {key: label for key, label in found.items() if keeps(query_id, key)}


def finding_keeper(
    store: GraphStore, who: Principal
) -> Callable[[str, tuple[str, ...]], bool] | None:
    """Whether a finding (query id, key) is in the requester's scope; None: all are."""
    within = who.scope(store)
    if within is None:
        return None
    scope = within

    def keeps(query_id: str, key: tuple[str, ...]) -> bool:
        try:
            spec = find(query_id)
        except LookupError:
            return False
        return _keeps_key(scope, spec, key)

    return keeps


def _keeps_key(within: Scope, spec: QuerySpec, key: tuple[str, ...]) -> bool:
    named: dict[str, list[object]] = {}
    for column, value in zip(spec.key, key, strict=False):
        if column in ID_COLUMNS and value:
            named.setdefault(ID_COLUMNS[column], []).append(value)
    return within.keeps(named)

"""`lianfang map`: the same maps as the web app, as one self-contained file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.cli_support import fail
from graph import model
from graph.store import GraphStore
from queries.params import ParameterError
from queries.runner import UnknownQuery, run
from viz.render import render
from viz.subgraph import Subgraph, findings_map, mark_exposed, neighbourhood, unit_map


def _graph(
    store: GraphStore,
    unit: str | None,
    node: str | None,
    query: str | None,
    depth: int,
    params: dict[str, Any],
) -> tuple[Subgraph, str]:
    today = dt.date.today()
    if unit:
        graph = unit_map(store, unit, today)
        return graph, f"{graph.nodes[('Unit', unit)].get('name', unit)} 权力风险图"
    if node:
        label, sep, uid = node.partition(":")
        if not sep or label not in model.nodes():
            fail(
                f"--node {node!r}: expected LABEL:UID, LABEL one of {', '.join(model.labels())}",
                2,
            )
        return neighbourhood(store, label, uid, depth, today), f"{model.node(label).zh} {uid}"
    assert query is not None
    try:
        result = run(store, query, {k: str(v) for k, v in params.items()})
    except (UnknownQuery, ParameterError) as exc:
        fail(str(exc), 2)
    as_of = dt.date.fromisoformat(result.params.get("as_of") or today.isoformat())
    return findings_map(store, result.rows, as_of), f"{result.spec.title_zh} ({result.ratio()})"


def build(
    store: GraphStore,
    unit: str | None,
    node: str | None,
    query: str | None,
    depth: int,
    params: dict[str, Any],
) -> str:
    try:
        graph, title = _graph(store, unit, node, query, depth, params)
    except LookupError as exc:
        fail(str(exc), 1)
    return render(mark_exposed(store, graph), title, inline=True)

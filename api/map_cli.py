"""`lianfang map`: the same maps as the web app, as one self-contained file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.cli_support import fail
from graph.store import GraphStore
from queries.params import ParameterError
from queries.runner import run
from viz.render import render
from viz.subgraph import Subgraph
from viz.views import node_view, query_view, unit_view


def _view(
    store: GraphStore,
    unit: str | None,
    node: str | None,
    query: str | None,
    depth: int,
    params: dict[str, Any],
) -> tuple[Subgraph, str]:
    today = dt.date.today()
    if unit:
        return unit_view(store, unit, today)
    if node:
        label, sep, uid = node.partition(":")
        if not sep:
            fail(f"--node {node!r}: expected LABEL:UID, such as Post:P1", 2)
        return node_view(store, label, uid, depth, today)
    try:
        result = run(store, query or "", {k: str(v) for k, v in params.items()})
    except ParameterError as exc:
        fail(str(exc), 2)
    return query_view(store, result)


def build(
    store: GraphStore,
    unit: str | None,
    node: str | None,
    query: str | None,
    depth: int,
    params: dict[str, Any],
) -> str:
    """The map's HTML, with vis-network inlined; one-line errors for unknown things."""
    try:
        graph, title = _view(store, unit, node, query, depth, params)
    except LookupError as exc:
        fail(str(exc), 1)
    return render(graph, title, inline=True)

"""`lianfang map`: the same maps as the web app, as one self-contained file."""

from __future__ import annotations

import datetime as dt

from api.cli_support import fail
from graph.store import GraphStore
from queries.params import ParameterError
from queries.runner import run
from viz.render import render
from viz.views import node_view, query_view, unit_view


def build(
    store: GraphStore,
    unit: str | None,
    node: str | None,
    query: str | None,
    depth: int,
    params: dict[str, str],
) -> str:
    """The map's HTML, with vis-network inlined; one-line errors for unknown things."""
    today = dt.date.today()
    try:
        if unit:
            graph, title = unit_view(store, unit, today)
        elif node:
            label, sep, uid = node.partition(":")
            if not sep:
                fail(f"--node {node!r}: expected LABEL:UID, such as Post:P1", 2)
            graph, title = node_view(store, label, uid, depth, today)
        else:
            graph, title = query_view(store, run(store, query or "", params))
    except ParameterError as exc:
        fail(str(exc), 2)
    except LookupError as exc:
        fail(str(exc), 1)
    return render(graph, title, inline=True)

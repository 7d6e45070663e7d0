"""`lianfang map`: the same maps as the web app, as one self-contained file."""

from __future__ import annotations

import datetime as dt

from lianfang.cli.support import fail
from lianfang.graph.store import GraphStore
from lianfang.queries.params import ParameterError
from lianfang.queries.runner import run
from lianfang.viz.render import render
from lianfang.viz.views import node_view, query_view, unit_view


def build(
    store: GraphStore,
    unit: str | None,
    node: str | None,
    query: str | None,
    depth: int,
    params: dict[str, str],
    as_of: dt.date,
) -> str:
    """The map's HTML, with vis-network inlined; one-line errors for unknown things."""
    try:
        if unit:
            graph, title = unit_view(store, unit, as_of)
        elif node:
            label, sep, uid = node.partition(":")
            if not sep:
                fail(f"--node {node!r}: expected LABEL:UID, such as Post:P1", 2)
            graph, title = node_view(store, label, uid, depth, as_of)
        else:
            graph, title = query_view(
                store, run(store, query or "", {"as_of": as_of.isoformat(), **params})
            )
    except ParameterError as exc:
        fail(str(exc), 2)
    except LookupError as exc:
        fail(str(exc), 1)
    return render(graph, title, inline=True)

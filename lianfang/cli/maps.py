"""`lianfang map`: the same maps as the web app, as one self-contained file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lianfang.cli.support import fail
from lianfang.graph.store import GraphStore
from lianfang.queries.involvement import involvement
from lianfang.queries.params import ParameterError
from lianfang.queries.runner import UnknownQuery, catalogue, run
from lianfang.viz.render import render
from lianfang.viz.views import Titled, node_view, query_view, unit_view


@dataclass(frozen=True)
class Asked:
    """Which map: exactly one of unit, node (LABEL:UID) or query."""

    unit: str | None
    node: str | None
    query: str | None
    depth: int
    params: dict[str, str]
    as_of: dt.date


def _view(store: GraphStore, asked: Asked) -> Titled:
    if asked.unit:
        return unit_view(store, asked.unit, asked.as_of)
    if asked.node:
        label, sep, uid = asked.node.partition(":")
        if not sep:
            fail(f"--node {asked.node!r}: expected LABEL:UID, such as Post:P1", 2)
        return node_view(store, label, uid, asked.depth, asked.as_of)
    params = {"as_of": asked.as_of.isoformat(), **asked.params}
    return query_view(store, run(store, asked.query or "", params))


def build(store: GraphStore, asked: Asked, layout: str, limit: int | None, lang: str = "zh") -> str:
    """The map's HTML, with its scripts inlined; one-line errors for unknown things."""
    try:
        graph, title = _view(store, asked)
    except (ParameterError, UnknownQuery) as exc:  # the command asked wrongly: as `query` says
        fail(str(exc), 2)
    except LookupError as exc:
        fail(str(exc), 1)
    return render(
        graph,
        title,
        limit=limit,
        inline=True,
        layout=layout,
        involved=involvement(catalogue(store)),
        lang=lang,
    )

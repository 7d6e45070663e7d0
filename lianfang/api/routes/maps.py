"""Power-risk maps as HTML pages: a unit's, a node's neighbourhood, a query's findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from lianfang.api.deps import AsOfQuery, SettingsDep, StoreDep
from lianfang.api.http import run_or_http
from lianfang.queries.cache import cached, frozen
from lianfang.viz.render import render
from lianfang.viz.subgraph import Subgraph
from lianfang.viz.views import node_view, query_view, unit_view

router = APIRouter(prefix="/maps", tags=["maps"])


def page(
    store: StoreDep,
    settings: SettingsDep,
    key: tuple[object, ...],
    view: Callable[[], tuple[Subgraph, str]],
) -> HTMLResponse:
    """Build a map (404 for whatever does not exist) and render it for the app, once per
    state of the graph: a county's map takes seconds to draw."""

    def drawn() -> str:
        graph, title = view()
        return render(graph, title, limit=settings.map_node_limit, inline=False, base_url="")

    try:
        html = cached(store, ("map", *key, settings.map_node_limit), drawn)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return HTMLResponse(html)


@router.get("/unit/{uid}", response_class=HTMLResponse, responses={404: {"description": "No unit"}})
def unit(uid: str, store: StoreDep, settings: SettingsDep, as_of: AsOfQuery = None) -> HTMLResponse:
    """The power-risk map of a unit and its sub-units."""
    day = as_of or dt.date.today()
    return page(store, settings, ("unit", uid, day), lambda: unit_view(store, uid, day))


@router.get(
    "/node/{label}/{uid}", response_class=HTMLResponse, responses={404: {"description": "No node"}}
)
def node(
    label: str,
    uid: str,
    store: StoreDep,
    settings: SettingsDep,
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    as_of: AsOfQuery = None,
) -> HTMLResponse:
    """Everything within `depth` hops of one node."""
    day = as_of or dt.date.today()
    key = ("node", label, uid, depth, day)
    return page(store, settings, key, lambda: node_view(store, label, uid, depth, day))


@router.get(
    "/query/{query_id}",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown query"}, 422: {"description": "Bad parameter"}},
)
def query(query_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """The nodes behind a query's findings, highlighted, with their neighbours."""
    result = run_or_http(store, query_id, dict(request.query_params))
    key = ("query", query_id, frozen(result.params))
    return page(store, settings, key, lambda: query_view(store, result))

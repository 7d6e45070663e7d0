"""Power-risk maps as HTML pages: a unit's, a node's neighbourhood, a query's findings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import SettingsDep, StoreDep
from api.routes.queries import run_or_http
from graph import model
from viz.render import render
from viz.subgraph import Subgraph, findings_map, mark_exposed, neighbourhood, unit_map

router = APIRouter(prefix="/maps", tags=["maps"])
AsOf = Annotated[dt.date | None, Query(description="Holdings on this day (default today)")]


def page(store: StoreDep, settings: SettingsDep, graph: Subgraph, title: str) -> HTMLResponse:
    html = render(
        mark_exposed(store, graph),
        title,
        limit=settings.map_node_limit,
        inline=False,
        base_url="",
    )
    return HTMLResponse(html)


@router.get("/unit/{uid}", response_class=HTMLResponse, responses={404: {"description": "No unit"}})
def unit(uid: str, store: StoreDep, settings: SettingsDep, as_of: AsOf = None) -> HTMLResponse:
    """The power-risk map of a unit and its sub-units."""
    try:
        graph = unit_map(store, uid, as_of or dt.date.today())
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    name = graph.nodes[("Unit", uid)].get("name", uid)
    return page(store, settings, graph, f"{name} 权力风险图 power-risk map")


@router.get(
    "/node/{label}/{uid}", response_class=HTMLResponse, responses={404: {"description": "No node"}}
)
def node(
    label: str,
    uid: str,
    store: StoreDep,
    settings: SettingsDep,
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    as_of: AsOf = None,
) -> HTMLResponse:
    """Everything within `depth` hops of one node."""
    if label not in model.nodes():
        raise HTTPException(404, f"unknown label {label!r}")
    try:
        graph = neighbourhood(store, label, uid, depth, as_of or dt.date.today())
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    zh = model.node(label).zh
    return page(store, settings, graph, f"{zh} {uid} 邻域 neighbourhood")


@router.get(
    "/query/{query_id}",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown query"}, 422: {"description": "Bad parameter"}},
)
def query(query_id: str, request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """The nodes behind a query's findings, highlighted, with their neighbours."""
    result = run_or_http(store, query_id, dict(request.query_params))
    as_of = dt.date.fromisoformat(result.params.get("as_of") or dt.date.today().isoformat())
    graph = findings_map(store, result.rows, as_of)
    title = f"{result.spec.title_zh} {result.spec.title_en} ({result.ratio()})"
    return page(store, settings, graph, title)

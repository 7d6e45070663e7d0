"""Power-risk maps as HTML pages: a unit's, a node's neighbourhood, a query's findings."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from lianfang.api import scoping
from lianfang.api.auth import Principal, Viewer
from lianfang.api.deps import AsOfQuery, SettingsDep, StoreDep
from lianfang.api.loop_views import changes_in_query, simulated
from lianfang.queries import paths
from lianfang.queries.cache import cached, frozen
from lianfang.viz.render import render
from lianfang.viz.subgraph import Subgraph
from lianfang.viz.views import node_view, path_view, query_view, unit_view, whatif_view

router = APIRouter(prefix="/maps", tags=["maps"])
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def policy(html: str) -> str:
    """The map's Content-Security-Policy: its own scripts, and its inline one by hash."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'self'"
    )


def page(
    store: StoreDep,
    settings: SettingsDep,
    who: Principal,
    key: tuple[object, ...],
    view: Callable[[], tuple[Subgraph, str]],
) -> HTMLResponse:
    """Build a map (404 for whatever does not exist or lies outside the user's scope),
    render it for the app once per state of the graph and scope: a county's map takes
    seconds to draw."""

    def drawn() -> tuple[str, str]:
        graph, title = view()
        shown = scoping.graph(store, who, graph)
        html = render(shown, title, limit=settings.map_node_limit, inline=False, base_url="")
        return html, policy(html)

    scope_key = scoping.map_key(store, who)
    try:
        html, csp = cached(store, ("map", *key, settings.map_node_limit, scope_key), drawn)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    return HTMLResponse(html, headers={"Content-Security-Policy": csp})


@router.get("/unit/{uid}", response_class=HTMLResponse, responses={404: {"description": "No unit"}})
def unit(
    uid: str, store: StoreDep, settings: SettingsDep, who: Viewer, as_of: AsOfQuery = None
) -> HTMLResponse:
    """The power-risk map of a unit and its sub-units."""
    scoping.require_node(store, who, "Unit", uid)
    day = as_of or dt.date.today()
    return page(store, settings, who, ("unit", uid, day), lambda: unit_view(store, uid, day))


@router.get(
    "/node/{label}/{uid}", response_class=HTMLResponse, responses={404: {"description": "No node"}}
)
def node(
    label: str,
    uid: str,
    store: StoreDep,
    settings: SettingsDep,
    who: Viewer,
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    as_of: AsOfQuery = None,
) -> HTMLResponse:
    """Everything within `depth` hops of one node."""
    scoping.require_node(store, who, label, uid)
    day = as_of or dt.date.today()
    key = ("node", label, uid, depth, day)
    return page(store, settings, who, key, lambda: node_view(store, label, uid, depth, day))


@router.get(
    "/whatif",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown id"}, 422: {"description": "Bad change"}},
)
def whatif_map(
    request: Request, store: StoreDep, settings: SettingsDep, who: Viewer
) -> HTMLResponse:
    """A simulated change: the proposed edge dashed, the new findings' nodes highlighted."""
    asked = changes_in_query(request.query_params)
    outcome = simulated(store, who, asked)
    key = ("whatif", frozen({k: v for k, v in asked.items()}))
    return page(store, settings, who, key, lambda: whatif_view(store, outcome, outcome["as_of"]))


@router.get("/path", response_class=HTMLResponse, responses={404: {"description": "Unknown id"}})
def path_map(
    store: StoreDep,
    settings: SettingsDep,
    who: Viewer,
    person: Annotated[str, Query(alias="from")],
    power: Annotated[str, Query(alias="to")],
    as_of: AsOfQuery = None,
) -> HTMLResponse:
    """How a person reaches a power: each route by a post or a flowchart step."""
    scoping.require_node(store, who, "Person", person)
    scoping.require_node(store, who, "Power", power)
    day = as_of or dt.date.today()

    def view() -> tuple[Subgraph, str]:
        return path_view(paths.paths(store, person, power, day), f"{person} → {power} 路径 paths")

    return page(store, settings, who, ("path", person, power, day), view)


@router.get(
    "/query/{query_id}",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown query"}, 422: {"description": "Bad parameter"}},
)
def query(
    query_id: str, request: Request, store: StoreDep, settings: SettingsDep, who: Viewer
) -> HTMLResponse:
    """The nodes behind a query's findings, highlighted, with their neighbours."""
    result = scoping.run(store, who, query_id, dict(request.query_params))
    key = ("query", query_id, frozen(result.params))
    return page(store, settings, who, key, lambda: query_view(store, result))

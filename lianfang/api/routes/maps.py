"""Power-risk maps as HTML pages: a unit's, a node's neighbourhood, a query's findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from lianfang.api import scoping
from lianfang.api.auditing import audit
from lianfang.api.auth import Downloader, Principal, Viewer
from lianfang.api.deps import AsOfQuery, LayoutQuery, SettingsDep, StoreDep
from lianfang.api.i18n import language
from lianfang.api.loop_views import changes_in_query, simulated
from lianfang.graph import calendar
from lianfang.loop import whatif
from lianfang.queries import paths
from lianfang.queries.cache import cached, frozen
from lianfang.queries.involvement import involvement
from lianfang.queries.scope import scope, scoped, units_under
from lianfang.viz.aggregate import fit
from lianfang.viz.overview import FindingsOutline, Outline, UnitOutline, group_units
from lianfang.viz.render import LAYERED, Involved, page, payload
from lianfang.viz.views import (
    Titled,
    node_view,
    path_title,
    path_view,
    query_view,
    unit_view,
    whatif_view,
)
from lianfang.viz.words import Said

router = APIRouter(prefix="/maps", tags=["maps"])


def drawn(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    who: Principal,
    key: tuple[object, ...],
    view: Callable[[], Titled],
    layout: str,
    outline: Outline | None = None,
) -> dict[str, Any]:
    """A map's data (404 for whatever does not exist or lies outside the user's scope),
    laid out once per state of the graph and scope. Too big to draw even folded, it is
    the outline instead, whose groups the page expands one at a time; when the outline
    can tell so beforehand, the map is not built at all."""
    scope_key = scoping.map_key(store, who)
    limit = settings.map_node_limit
    lang = language(request)

    def build() -> dict[str, Any]:
        involved = cached(
            store,
            ("involvement", calendar.today(), scope_key),
            lambda: involvement(scoping.queries(store, who)),
        )
        if outline is not None and outline.certain(limit):
            return overview(outline, layout, involved, lang)
        graph, title = view()
        folded = fit(scoping.graph(store, who, graph), limit)
        if outline is not None and len(folded.nodes) > limit:
            return overview(outline, layout, involved, lang)
        return payload(folded, title, layout, involved, lang)

    try:
        return cached(store, ("map", *key, layout, limit, scope_key, lang), build)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


def overview(outline: Outline, layout: str, involved: Involved, lang: str) -> dict[str, Any]:
    graph, title = outline.draw()
    said = Said(f"{title.zh}（概览）", f"{title.en} (overview)")
    return payload(graph, said, layout, involved, lang)


def answer(data: dict[str, Any], as_json: bool) -> Response:
    """The map as its page, or as the data the page expands with."""
    if as_json:
        return JSONResponse(data)
    return HTMLResponse(page(data, inline=False, base_url=""))


def _link(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode({k: v for k, v in params.items() if v})}"


OwnQuery = Annotated[bool, Query(description="The unit's own posts, without its sub-units")]
WithinQuery = Annotated[str | None, Query(description="Only the findings of this unit's subtree")]
FormatQuery = Annotated[
    Literal["html", "json"],
    Query(alias="format", description="html: the page; json: the data it draws"),
]


def _unit_map(
    request: Request,
    uid: str,
    store: StoreDep,
    settings: SettingsDep,
    who: Principal,
    as_of: dt.date | None,
    layout: str,
    own: bool,
) -> dict[str, Any]:
    scoping.require_node(store, who, "Unit", uid)
    day = as_of or calendar.today()
    lang = language(request)

    def link(unit: str, only_own: bool) -> str:
        params = {
            "as_of": day.isoformat(),
            "layout": layout,
            "own": "1" if only_own else "",
            "lang": lang,
        }
        return _link(f"/maps/unit/{quote(unit, safe='')}", {**params, "format": "json"})

    view = partial(unit_view, store, uid, day, not own)
    key = ("unit", uid, day, own)
    outline = None if own else UnitOutline(store, uid, day, link)
    return drawn(request, store, settings, who, key, view, layout, outline)


@router.get("/unit/{uid}", response_class=HTMLResponse, responses={404: {"description": "No unit"}})
def unit(
    request: Request,
    uid: str,
    store: StoreDep,
    settings: SettingsDep,
    who: Viewer,
    as_of: AsOfQuery = None,
    layout: LayoutQuery = LAYERED,
    own: OwnQuery = False,
    fmt: FormatQuery = "html",
) -> Response:
    """The power-risk map of a unit and its sub-units (too big: its units, each
    expanding to its own map, which `format=json` gives the page)."""
    data = _unit_map(request, uid, store, settings, who, as_of, layout, own)
    return answer(data, as_json=fmt == "json")


@router.get(
    "/node/{label}/{uid}", response_class=HTMLResponse, responses={404: {"description": "No node"}}
)
def node(
    request: Request,
    label: str,
    uid: str,
    store: StoreDep,
    settings: SettingsDep,
    who: Viewer,
    depth: Annotated[int, Query(ge=1, le=3)] = 2,
    as_of: AsOfQuery = None,
    layout: LayoutQuery = LAYERED,
    fmt: FormatQuery = "html",
) -> Response:
    """Everything within `depth` hops of one node (`format=json`: what a map adds when
    it expands the node in place)."""
    scoping.require_node(store, who, label, uid)
    day = as_of or calendar.today()
    key = ("node", label, uid, depth, day)
    view = partial(node_view, store, label, uid, depth, day)
    return answer(drawn(request, store, settings, who, key, view, layout), as_json=fmt == "json")


@router.get(
    "/whatif",
    response_class=HTMLResponse,
    responses={404: {"description": "Unknown id"}, 422: {"description": "Bad change"}},
)
def whatif_map(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    who: Downloader,
    layout: LayoutQuery = LAYERED,
) -> Response:
    """A simulated change: the proposed edge dashed, the new findings' nodes highlighted."""
    asked = changes_in_query(request.query_params)
    outcome = simulated(store, who, asked)
    words = ", ".join(whatif.Change(**c).words() for c in outcome["changes"])
    audit(request, who.name, "whatif", words, as_of=outcome["as_of"], drawn="map")
    key = ("whatif", frozen({k: v for k, v in asked.items()}))
    view = partial(whatif_view, store, outcome, outcome["as_of"])
    return answer(drawn(request, store, settings, who, key, view, layout), as_json=False)


@router.get("/path", response_class=HTMLResponse, responses={404: {"description": "Unknown id"}})
def path_map(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    who: Viewer,
    person: Annotated[str, Query(alias="from")],
    power: Annotated[str, Query(alias="to")],
    as_of: AsOfQuery = None,
    layout: LayoutQuery = LAYERED,
    fmt: FormatQuery = "html",
) -> Response:
    """How a person reaches a power: each route by a post or a flowchart step
    (`format=json`: what a map's path finder adds to it)."""
    scoping.require_node(store, who, "Person", person)
    scoping.require_node(store, who, "Power", power)
    day = as_of or calendar.today()

    def view() -> Titled:
        routes = paths.paths(store, person, power, day)
        return path_view(routes, path_title(routes, person, power))

    key = ("path", person, power, day)
    data = drawn(request, store, settings, who, key, view, layout)
    return answer(data, as_json=fmt == "json")


OWN_PARAMS = frozenset({"layout", "within", "format", "lang"})  # the map's, not the query's


def _query_map(
    query_id: str, request: Request, store: StoreDep, settings: SettingsDep, who: Principal
) -> dict[str, Any]:
    layout = request.query_params.get("layout") or LAYERED
    within = request.query_params.get("within") or None
    asked = {k: v for k, v in request.query_params.items() if k not in OWN_PARAMS}
    lang = language(request)
    result = scoping.run(store, who, query_id, asked)
    if within is not None:
        scoping.require_node(store, who, "Unit", within)
        if not units_under(store, within):
            raise HTTPException(404, f"no unit {within!r}")
        result = scoped(store, result, scope(store, (within,)))
    groups = scoping.units(store, who, group_units(store, within))

    def link(unit: str, _: bool) -> str:
        params = {**asked, "layout": layout, "within": unit, "format": "json", "lang": lang}
        return _link(f"/maps/query/{quote(query_id, safe='')}", params)

    key = ("query", query_id, frozen(result.params), within)
    view = partial(query_view, store, result)
    outline = FindingsOutline(store, result, groups, link) if groups else None
    return drawn(request, store, settings, who, key, view, layout, outline)


QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown query"},
    422: {"description": "Bad parameter"},
}


@router.get("/query/{query_id}", response_class=HTMLResponse, responses=QUERY_RESPONSES)
def query(
    query_id: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    who: Viewer,
    layout: LayoutQuery = LAYERED,
    within: WithinQuery = None,
    fmt: FormatQuery = "html",
) -> Response:
    """The nodes behind a query's findings, each finding highlighted in turn (too many:
    the findings grouped by unit, each expanding to its own map)."""
    data = _query_map(query_id, request, store, settings, who)
    return answer(data, as_json=fmt == "json")

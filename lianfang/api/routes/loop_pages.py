"""The loop on the page: the warnings view and the rectification ledger (with its moves
as forms), beside the unit browser's levels and scores."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from lianfang.api.auditing import audit
from lianfang.api.auth import Analyst, Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.html import show
from lianfang.api.loop_views import followed_rows, move_item, units_in_view
from lianfang.graph.model import RECTIFICATION_STATUSES as RECTIFICATION_ZH
from lianfang.loop import ledger, warnings
from lianfang.loop.ledger import LedgerError

router = APIRouter(include_in_schema=False)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise HTTPException(422, f"as_of: {text!r} is not a date (YYYY-MM-DD)") from None


@router.get("/warnings", response_class=HTMLResponse)
def warnings_page(
    request: Request, store: StoreDep, who: Viewer, unit: str = "", as_of: str = ""
) -> HTMLResponse:
    day = _day(as_of)
    state = warnings.compute(store, day)
    under = units_in_view(store, who, unit or None)
    units = [u for u in state.units.values() if under is None or u.unit_id in under]
    order = {level: i for i, level in enumerate(state.rules.order())}
    units.sort(key=lambda u: (order[u.level], u.unit_id))
    posts = [p for p in state.post_rows(under) if p["level"] != "green"]
    return show(
        request,
        store,
        "warnings.html",
        units=units,
        posts=posts,
        rules=state.rules,
        unit=unit,
        as_of=day.isoformat(),
    )


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(
    request: Request,
    store: StoreDep,
    who: Viewer,
    unit: str = "",
    status: str = "",
    due_before: str = "",
    message: str = "",
) -> HTMLResponse:
    rows = followed_rows(store, who, dt.date.today())
    if unit:
        under = units_in_view(store, who, unit) or set()
        posts = {
            r["uid"]
            for r in store.read(
                "MATCH (p:Post)-[:IN_UNIT]->(u:Unit) WHERE u.uid IN $units RETURN p.uid AS uid",
                {"units": sorted(under)},
            )
        }
        rows = [r for r in rows if r["owner_post"] in posts]
    if status:
        rows = [r for r in rows if r["status"] == status]
    if due_before:
        rows = [r for r in rows if r["due"] <= due_before]
    return show(
        request,
        store,
        "ledger.html",
        items=rows,
        statuses=RECTIFICATION_ZH,
        unit=unit,
        chosen=status,
        due_before=due_before,
        message=message,
    )


@router.post("/ledger/open")
def ledger_open(
    request: Request,
    store: StoreDep,
    who: Analyst,
    query_id: Annotated[str, Form()],
    key: Annotated[str, Form(description="The finding's key; several parts separated by /")],
    due: Annotated[dt.date, Form()],
    owner_post: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    parts = tuple(part.strip() for part in key.split("/") if part.strip())
    audit(request, who.name, "rectify open", query_id, "started", key=list(parts))
    try:
        item = ledger.open_item(store, query_id, parts, due, who.name, owner_post or None, note)
    except LedgerError as exc:
        audit(request, who.name, "rectify open", query_id, "failed", reason=str(exc))
        return _back(str(exc))
    audit(request, who.name, "rectify open", item.uid, key=list(parts), due=item.due)
    return _back(f"{item.uid} opened")


@router.post("/ledger/{uid}/{action}")
def ledger_move(
    uid: str,
    action: str,
    request: Request,
    store: StoreDep,
    who: Analyst,
    done: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        item = move_item(request, store, who, uid, action, done, reason)
    except HTTPException as exc:
        return _back(str(exc.detail))
    return _back(f"{item.uid}: {RECTIFICATION_ZH[item.status]}")


def _back(message: str) -> RedirectResponse:
    return RedirectResponse(f"/ledger?message={quote(message)}", status_code=303)

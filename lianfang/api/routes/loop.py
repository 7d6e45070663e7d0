"""After the gaps, over HTTP: warnings, scores, notices, the ledger and acceptances."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from lianfang.api import scoping
from lianfang.api.auditing import audit, audited
from lianfang.api.auth import Analyst, Downloader, Viewer
from lianfang.api.deps import AsOfQuery, StoreDep, UnitQuery
from lianfang.api.http import attachment
from lianfang.api.loop_views import (
    accept_named,
    followed_rows,
    move_item,
    named_finding,
    open_item,
    simulated,
    units_in_view,
)
from lianfang.graph import calendar
from lianfang.loop import acceptance, score, warnings, whatif
from lianfang.loop.ledger import LedgerError
from lianfang.queries import paths
from lianfang.reports import notice

router = APIRouter(tags=["loop"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class WarningsOut(BaseModel):
    as_of: dt.date
    units: list[dict[str, Any]]
    posts: list[dict[str, Any]]


@router.get("/api/warnings", response_model=WarningsOut)
def get_warnings(
    store: StoreDep, who: Viewer, as_of: AsOfQuery = None, unit: UnitQuery = None
) -> WarningsOut:
    """Red, yellow and green per post (with reasons and disposition) and per unit."""
    day = as_of or calendar.today()
    state = warnings.compute(store, day)
    under = units_in_view(store, who, unit)
    units = [
        {"unit_id": u.unit_id, "unit_name": u.unit_name, "level": u.level, "counts": u.counts}
        for u in state.units.values()
        if under is None or u.unit_id in under
    ]
    return WarningsOut(as_of=day, units=units, posts=state.post_rows(under))


@router.get("/api/score", response_model=list[dict[str, Any]])
def get_score(
    store: StoreDep, who: Viewer, as_of: AsOfQuery = None, unit: UnitQuery = None
) -> list[dict[str, Any]]:
    """Each unit's 百分制 score, grade and deductions."""
    under = units_in_view(store, who, unit)
    scores = score.compute(store, as_of or calendar.today())
    return [s.as_row() for uid, s in sorted(scores.items()) if under is None or uid in under]


@router.get(
    "/api/notice.{fmt}",
    responses={
        200: {"content": {DOCX: {}, "text/html": {}}},
        404: {"description": "No such post or unit"},
    },
)
def get_notice(
    fmt: str,
    request: Request,
    store: StoreDep,
    who: Downloader,
    post: Annotated[str | None, Query(description="A post id")] = None,
    unit: UnitQuery = None,
    kind: Annotated[str, Query(pattern="^(warning|rectification)$")] = "warning",
    reply_days: Annotated[int, Query(ge=1, le=60)] = notice.DEFAULT_REPLY_DAYS,
    as_of: AsOfQuery = None,
) -> Response:
    """A 预警通知书 for a post or a unit, or a 整改通知书 for a unit, as DOCX or HTML."""
    if fmt not in ("docx", "html"):
        raise HTTPException(404, "the notice comes as notice.docx or notice.html")
    if post is not None:
        scoping.require_node(store, who, "Post", post)
    if unit is not None:
        scoping.require_node(store, who, "Unit", unit)
    try:
        built = notice.build(store, as_of or calendar.today(), post, unit, kind, reply_days)
    except notice.NoticeError as exc:
        raise HTTPException(404 if "no " in str(exc) else 422, str(exc)) from None
    audit(request, who.name, "download", "notice", format=fmt, kind=kind, to=built.recipient_id)
    if fmt == "html":
        return HTMLResponse(notice.write_html(built))
    return Response(notice.write_docx(built), media_type=DOCX, headers=attachment("notice.docx"))


class NamedFinding(BaseModel):
    """A finding by its short id, or by its query id and key (the long form)."""

    finding_id: str | None = Field(default=None, description="e.g. 7KQ2-M9XA")
    query_id: str | None = None
    key: list[str] = Field(default_factory=list)


class OpenItem(NamedFinding):
    due: dt.date
    owner_post: str | None = None
    note: str = ""


class Move(BaseModel):
    done: str = ""
    reason: str = ""


@router.get("/api/rectifications", response_model=list[dict[str, Any]])
def list_rectifications(
    store: StoreDep,
    who: Viewer,
    as_of: AsOfQuery = None,
    status: str | None = None,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """The rectification ledger, with whether each finding is still found."""
    rows = followed_rows(store, who, as_of or calendar.today())
    return [
        r
        for r in rows
        if (status is None or r["status"] == status) and (not overdue or r["overdue_days"])
    ]


@router.post("/api/rectifications", status_code=201, response_model=dict[str, Any])
def open_rectification(
    asked: OpenItem, request: Request, store: StoreDep, who: Analyst
) -> dict[str, Any]:
    """Open an item for a finding present today (named by `finding_id`, or `query_id`
    and `key`)."""
    query_id, key = named_finding(store, who, asked.finding_id, asked.query_id, asked.key)
    item = open_item(request, store, who, query_id, key, asked.due, asked.owner_post, asked.note)
    return item.as_dict()


@router.post("/api/rectifications/{uid}/{action}", response_model=dict[str, Any])
def move_rectification(
    uid: str, action: str, asked: Move, request: Request, store: StoreDep, who: Analyst
) -> dict[str, Any]:
    """start, rectify (with `done`), verify (by another user), or reject (with `reason`)."""
    return move_item(request, store, who, uid, action, asked.done, asked.reason).as_dict()


class AcceptIn(NamedFinding):
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: dt.date


@router.get("/api/acceptances", response_model=list[dict[str, Any]])
def list_acceptances(store: StoreDep, who: Viewer, as_of: AsOfQuery = None) -> list[dict[str, Any]]:
    """Every accepted finding, and whether the acceptance is in force on the day."""
    day = as_of or calendar.today()
    listed = acceptance.listing(store)
    if who.scope(store) is not None:  # a scoped user sees those naming something in scope
        listed = [a for a in listed if scoping.findings(store, who, a.query_id, {a.key: a.label})]
    return [{**a.as_dict(), "in_force": a.active(day)} for a in listed]


@router.delete(
    "/api/acceptances/{uid}",
    response_model=dict[str, Any],
    responses={404: {"description": "No such acceptance (in the caller's scope)"}},
)
def withdraw_acceptance(
    uid: str, request: Request, store: StoreDep, who: Analyst
) -> dict[str, Any]:
    """Take an acceptance back: its finding counts as open again."""
    try:
        found = acceptance.find(store, uid)
    except LedgerError:
        found = None
    if found is None or not scoping.findings(store, who, found.query_id, {found.key: ""}):
        raise HTTPException(404, f"no acceptance {uid!r}")
    with audited(request, who.name, "accept withdraw", uid, query_id=found.query_id):
        gone = acceptance.withdraw(store, uid)
    return gone.as_dict()


@router.post("/api/acceptances", status_code=201, response_model=dict[str, Any])
def accept_finding(
    asked: AcceptIn, request: Request, store: StoreDep, who: Analyst
) -> dict[str, Any]:
    """Accept a finding until `expires`: counted apart, never dropped, open again then."""
    named = named_finding(store, who, asked.finding_id, asked.query_id, asked.key)
    made = accept_named(request, store, who, named, asked.reason, asked.approver, asked.expires)
    return made.as_dict()


class WhatIfIn(BaseModel):
    appoint: list[str] = Field(default_factory=list, description="PERSON@POST[:START]")
    end: list[str] = Field(default_factory=list, description="PERSON@POST[:END]")
    grant: list[str] = Field(default_factory=list, description="POST>POWER")
    revoke: list[str] = Field(default_factory=list, description="POST>POWER")
    as_of: dt.date | None = None


@router.post("/api/whatif", response_model=dict[str, Any])
def post_whatif(
    asked: WhatIfIn, request: Request, store: StoreDep, who: Downloader
) -> dict[str, Any]:
    """Try appointments and changes of powers on a private copy of the graph: per query,
    the findings that would appear (`new`) and close (`closed`). Nothing is changed."""
    outcome = simulated(store, who, asked.model_dump())
    words = ", ".join(whatif.Change(**c).words() for c in outcome["changes"])
    audit(request, who.name, "whatif", words, as_of=outcome["as_of"])
    return outcome


@router.get("/api/paths", response_model=list[dict[str, Any]])
def get_paths(
    store: StoreDep,
    who: Viewer,
    person: Annotated[str, Query(alias="from", description="A person id")],
    power: Annotated[str, Query(alias="to", description="A power id")],
    as_of: AsOfQuery = None,
) -> list[dict[str, Any]]:
    """Every way the person reaches the power now: by a post, or by a flowchart step."""
    scoping.require_node(store, who, "Person", person)
    scoping.require_node(store, who, "Power", power)
    try:
        return paths.paths(store, person, power, as_of or calendar.today())
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None

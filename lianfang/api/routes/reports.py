"""The annual review and the public disclosure as downloads; snapshots and drift."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from lianfang.api import scoping
from lianfang.api.auditing import audit, audited
from lianfang.api.auth import Analyst, DisclosureReader, Downloader, Viewer
from lianfang.api.deps import AsOfQuery, StoreDep, UnitQuery
from lianfang.api.http import attachment
from lianfang.graph import calendar
from lianfang.graph.store import GraphStore
from lianfang.reports import (
    card,
    disclosure,
    docx_report,
    html_report,
    review,
    snapshots,
    xlsx_report,
)
from lianfang.reports.drift import compare

router = APIRouter(tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(body: bytes | str, media: str, name: str) -> Response:
    return Response(body, media_type=media, headers=attachment(name))


@router.get(
    "/api/reports/review.{fmt}",
    responses={
        200: {"content": {DOCX: {}, XLSX: {}, "text/html": {}}},
        404: {"description": "Unknown unit or snapshot"},
    },
)
def review_report(
    fmt: str,
    request: Request,
    store: StoreDep,
    who: Downloader,
    as_of: AsOfQuery = None,
    unit: UnitQuery = None,
    compare_with: Annotated[str | None, Query(alias="compare")] = None,
) -> Response:
    """The annual review as DOCX, XLSX or HTML: profile, findings with remedies by
    severity, the risk distribution chart, and with `compare` the drift since a snapshot."""
    if fmt not in ("docx", "xlsx", "html"):
        raise HTTPException(404, "the review comes as review.docx, review.xlsx or review.html")
    unit = scoping.report_unit(store, who, unit)
    try:
        built = review.build(store, as_of or calendar.today(), unit, compare_with)
        if fmt == "docx":
            answer: Response = download(docx_report.write_docx(built), DOCX, "review.docx")
        elif fmt == "xlsx":
            answer = download(xlsx_report.write_xlsx(built), XLSX, "review.xlsx")
        else:
            answer = HTMLResponse(html_report.render_html(built))
    except (LookupError, snapshots.SnapshotError) as exc:
        raise HTTPException(404, str(exc)) from None
    audit(request, who.name, "download", "review", format=fmt, unit=unit, compare=compare_with)
    return answer


@router.get(
    "/api/reports/disclosure.{fmt}",
    responses={200: {"content": {XLSX: {}, "text/html": {}}}, 404: {"description": "Unknown unit"}},
)
def disclosure_report(
    fmt: str, request: Request, store: StoreDep, who: DisclosureReader, unit: UnitQuery = None
) -> Response:
    """The public disclosure (公示) as XLSX or HTML: per post, its powers, risk points,
    controls and responsible post. It contains no person's name or id."""
    if fmt not in ("xlsx", "html"):
        raise HTTPException(404, "the disclosure comes as disclosure.xlsx or disclosure.html")
    unit = scoping.report_unit(store, who, unit)
    try:
        rows = disclosure.disclosure_rows(store, unit)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    title = "岗位廉政风险点及防控措施公示表"
    audit(request, who.name, "download", "disclosure", format=fmt, unit=unit, rows=len(rows))
    if fmt == "xlsx":
        return download(disclosure.write_xlsx(rows, title), XLSX, "disclosure.xlsx")
    return HTMLResponse(disclosure.write_html(rows, title))


def _card(store: GraphStore, uid: str, public: bool) -> HTMLResponse:
    try:
        built = card.build(store, uid, calendar.today(), public)
    except card.CardError as exc:
        raise HTTPException(404, str(exc)) from None
    return HTMLResponse(card.write_html([built]))


@router.get(
    "/cards/post/{uid}", response_class=HTMLResponse, responses={404: {"description": "No post"}}
)
def post_card(uid: str, request: Request, store: StoreDep, who: Downloader) -> HTMLResponse:
    """A post's risk card (岗位廉政风险防控卡): its powers, risks, controls, the leaders
    answering for each level, its holders and its warning today."""
    scoping.require_node(store, who, "Post", uid)
    answer = _card(store, uid, public=False)
    audit(request, who.name, "download", "card", post=uid)
    return answer


@router.get(
    "/cards/public/post/{uid}",
    response_class=HTMLResponse,
    responses={404: {"description": "No post"}},
)
def public_post_card(uid: str, store: StoreDep, who: DisclosureReader) -> HTMLResponse:
    """The card as posted publicly: no person named (open to anyone when the public
    disclosure is)."""
    scoping.require_node(store, who, "Post", uid)
    return _card(store, uid, public=True)


class SnapshotInfo(BaseModel):
    name: str
    as_of: dt.date
    created: str
    created_by: str | None = None
    units: list[str] = Field(default_factory=list, description="Its scope; empty: everything.")


class SnapshotRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    as_of: dt.date | None = None


@router.get("/api/snapshots", response_model=list[SnapshotInfo])
def list_snapshots(store: StoreDep, who: Viewer) -> list[dict[str, Any]]:
    """Saved snapshots, oldest first, with who saved each and in what scope."""
    return snapshots.listing(store)


@router.post(
    "/api/snapshots",
    response_model=SnapshotInfo,
    status_code=201,
    responses={409: {"description": "Another account's snapshot has that name"}},
)
def save_snapshot(
    asked: SnapshotRequest, request: Request, store: StoreDep, who: Analyst
) -> dict[str, Any]:
    """Record every query's findings today (or on `as_of`) under a name. A scoped user's
    snapshot holds its scope's findings only; only an admin replaces another account's."""
    as_of = asked.as_of or calendar.today()
    within, keeps = who.scope(store), scoping.finding_keeper(store, who)
    scope = None if within is None or keeps is None else (list(within.units), keeps)
    with audited(request, who.name, "snapshot", asked.name, as_of=as_of) as end:
        try:
            saved = snapshots.save(
                store, asked.name, as_of, who.name, scope, replace_others=who.may("admin")
            )
        except snapshots.SnapshotTaken as exc:
            raise HTTPException(409, str(exc)) from None
        end.update(target=saved.name, units=list(saved.units))
    return {
        "name": saved.name,
        "as_of": saved.as_of,
        "created": saved.created,
        "created_by": saved.created_by,
        "units": list(saved.units),
    }


class Finding(BaseModel):
    key: list[str]
    label: str


class DriftOut(BaseModel):
    query_id: str
    new: list[Finding]
    closed: list[Finding]
    persisting: list[Finding]


@router.get(
    "/api/drift", response_model=list[DriftOut], responses={404: {"description": "No snapshot"}}
)
def drift(
    store: StoreDep,
    who: Viewer,
    old: Annotated[str, Query(alias="from", description="A saved snapshot")],
    new: Annotated[str, Query(alias="to", description="Another snapshot, or now")] = "now",
) -> list[DriftOut]:
    """Per query, the findings that are new, closed or persisting between two snapshots."""
    try:
        before = snapshots.load(store, old)
        after = snapshots.resolve(store, new, calendar.today())
    except snapshots.SnapshotError as exc:
        raise HTTPException(404, str(exc)) from None
    return [
        DriftOut(
            query_id=d.query_id,
            **{
                kind: [
                    Finding(key=list(k), label=label)
                    for k, label in scoping.findings(
                        store, who, d.query_id, dict(getattr(d, kind))
                    ).items()
                ]
                for kind in ("new", "closed", "persisting")
            },
        )
        for d in compare(before, after)
    ]

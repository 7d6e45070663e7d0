"""The annual review and the public disclosure as downloads; snapshots and drift."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from lianfang.api.deps import AsOfQuery, StoreDep, UnitQuery
from lianfang.api.http import attachment
from lianfang.reports import disclosure, docx_report, html_report, review, snapshots, xlsx_report
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
    store: StoreDep,
    as_of: AsOfQuery = None,
    unit: UnitQuery = None,
    compare_with: Annotated[str | None, Query(alias="compare")] = None,
) -> Response:
    """The annual review as DOCX, XLSX or HTML: profile, findings with remedies by
    severity, the risk distribution chart, and with `compare` the drift since a snapshot."""
    if fmt not in ("docx", "xlsx", "html"):
        raise HTTPException(404, "the review comes as review.docx, review.xlsx or review.html")
    try:
        built = review.build(store, as_of or dt.date.today(), unit, compare_with)
        if fmt == "docx":
            return download(docx_report.write_docx(built), DOCX, "review.docx")
        if fmt == "xlsx":
            return download(xlsx_report.write_xlsx(built), XLSX, "review.xlsx")
        return HTMLResponse(html_report.render_html(built))
    except (LookupError, snapshots.SnapshotError) as exc:
        raise HTTPException(404, str(exc)) from None


@router.get(
    "/api/reports/disclosure.{fmt}",
    responses={200: {"content": {XLSX: {}, "text/html": {}}}, 404: {"description": "Unknown unit"}},
)
def disclosure_report(fmt: str, store: StoreDep, unit: UnitQuery = None) -> Response:
    """The public disclosure (公示) as XLSX or HTML: per post, its powers, risk points,
    controls and responsible post. It contains no person's name or id."""
    if fmt not in ("xlsx", "html"):
        raise HTTPException(404, "the disclosure comes as disclosure.xlsx or disclosure.html")
    try:
        rows = disclosure.disclosure_rows(store, unit)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    title = "岗位廉政风险点及防控措施公示表"
    if fmt == "xlsx":
        return download(disclosure.write_xlsx(rows, title), XLSX, "disclosure.xlsx")
    return HTMLResponse(disclosure.write_html(rows, title))


class SnapshotInfo(BaseModel):
    name: str
    as_of: dt.date
    created: str


class SnapshotRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    as_of: dt.date | None = None


@router.get("/api/snapshots", response_model=list[SnapshotInfo])
def list_snapshots(store: StoreDep) -> list[dict[str, Any]]:
    """Saved snapshots, oldest first."""
    return snapshots.listing(store)


@router.post("/api/snapshots", response_model=SnapshotInfo, status_code=201)
def save_snapshot(request: SnapshotRequest, store: StoreDep) -> dict[str, Any]:
    """Record every query's findings today (or on `as_of`) under a name."""
    saved = snapshots.save(store, request.name, request.as_of or dt.date.today())
    return {"name": saved.name, "as_of": saved.as_of, "created": saved.created}


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
    old: Annotated[str, Query(alias="from", description="A saved snapshot")],
    new: Annotated[str, Query(alias="to", description="Another snapshot, or now")] = "now",
) -> list[DriftOut]:
    """Per query, the findings that are new, closed or persisting between two snapshots."""
    try:
        before = snapshots.load(store, old)
        after = snapshots.resolve(store, new, dt.date.today())
    except snapshots.SnapshotError as exc:
        raise HTTPException(404, str(exc)) from None
    return [
        DriftOut(
            query_id=d.query_id,
            **{
                kind: [Finding(key=list(k), label=label) for k, label in getattr(d, kind)]
                for kind in ("new", "closed", "persisting")
            },
        )
        for d in compare(before, after)
    ]

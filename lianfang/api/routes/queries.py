"""The canned queries over HTTP: the catalogue, and each query as JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from lianfang.api import scoping
from lianfang.api.auditing import audit
from lianfang.api.auth import Downloader, Viewer
from lianfang.api.deps import StoreDep
from lianfang.api.http import attachment
from lianfang.api.models import QueryColumn, QueryInfo, QueryParameter, QueryRun
from lianfang.loop import accepted
from lianfang.loop.acceptance import Split
from lianfang.queries.exports import safe_cell, to_xlsx
from lianfang.queries.runner import QueryResult
from lianfang.queries.spec import QuerySpec

router = APIRouter(prefix="/api/queries", tags=["queries"])
FORMATS = ("json", "csv", "xlsx")


def info(spec: QuerySpec, split: Split | None = None) -> QueryInfo:
    result = split.open if split else None
    return QueryInfo(
        id=spec.id,
        title_zh=spec.title_zh,
        title_en=spec.title_en,
        description=spec.description,
        description_zh=spec.description_zh,
        version=spec.version,
        dated=spec.dated,
        rule=spec.rule,
        severity=spec.severity,
        remedy=spec.remedy,
        parameters=[
            QueryParameter(
                name=p.name,
                type=p.type,
                description=p.description,
                default=p.describe_default() or None,
            )
            for p in spec.parameters
        ],
        columns=[
            QueryColumn(name=c.name, description=c.description, zh=spec.heading(c.name, "zh"))
            for c in spec.columns
        ],
        count=result.count if result else None,
        total=result.total if result else None,
        accepted=split.accepted_count if split else None,
    )


@router.get("", response_model=list[QueryInfo])
def list_queries(store: StoreDep, who: Viewer) -> list[QueryInfo]:
    """The catalogue: every canned query with its parameters and its findings now."""
    listed = accepted.splits(store, scoping.queries(store, who))
    return [info(spec, split) for spec, split in listed]


def split_format(query_id: str, fmt: str | None) -> tuple[str, str]:
    """`unmitigated-high-risks.csv` or `?format=csv`; JSON by default."""
    for suffix in FORMATS:
        if query_id.endswith(f".{suffix}"):
            return query_id[: -len(suffix) - 1], suffix
    chosen = (fmt or "json").lower()
    if chosen not in FORMATS:
        raise HTTPException(422, f"format must be one of {', '.join(FORMATS)}")
    return query_id, chosen


def csv_lines(result: QueryResult) -> Iterator[bytes]:
    """A UTF-8 CSV with BOM (so Excel reads the Chinese), one row at a time."""
    names, rows = result.exported()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(row.get(name)) for name in names])
        yield buffer.getvalue().encode("utf-8")


@router.get(
    "/{query_id}",
    response_model=QueryRun,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        },
        404: {"description": "Unknown query"},
        422: {"description": "Bad parameter"},
    },
)
def run_query(
    query_id: str, request: Request, store: StoreDep, who: Downloader, format: str | None = None
) -> Any:
    """Run one query with its parameters from the URL (`as_of`, thresholds…). Add `.csv`
    or `.xlsx` to the id (or `?format=`) for a download; cells that a spreadsheet would
    read as a formula are neutralised."""
    query_id, fmt = split_format(query_id, format)
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    result = scoping.run(store, who, query_id, params)
    audit(request, who.name, "export", query_id, format=fmt, rows=len(result.rows))
    if fmt == "csv":
        return StreamingResponse(
            csv_lines(result),
            media_type="text/csv; charset=utf-8",
            headers=attachment(f"{query_id}.csv"),
        )
    if fmt == "xlsx":
        names, rows = result.exported()
        return Response(
            to_xlsx(rows, names, query_id),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=attachment(f"{query_id}.xlsx"),
        )
    split = accepted.split(store, result)
    return QueryRun(
        id=query_id,
        version=result.spec.version,
        dated=result.spec.dated,
        params=result.params,
        count=split.open.count,
        total=result.total,
        accepted=split.accepted_count,
        accepted_keys=[list(result.spec.finding_key(row)) for row in split.accepted],
        rows=result.rows,
        finding_ids=[result.spec.finding_id(row) for row in result.rows]
        if result.spec.identified
        else [],
    )

"""Register upload: the same validation, errors and all-or-nothing write as the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from lianfang.api.auth import Analyst
from lianfang.api.deps import SettingsDep
from lianfang.api.models import IngestReport
from lianfang.api.uploads import CHUNK, Asked, audited_import

router = APIRouter(prefix="/api/ingest", tags=["ingest"])


@router.post(
    "",
    response_model=IngestReport,
    responses={
        413: {"description": "Upload too large"},
        422: {"model": IngestReport, "description": "Errors; nothing written"},
    },
)
def upload_registers(
    request: Request,
    who: Analyst,
    settings: SettingsDep,
    file: Annotated[
        UploadFile,
        File(
            description="An .xlsx workbook, or a .zip of CSV files; or an office's published "
            "table (.docx, .xlsx, .csv or a saved .html page)"
        ),
    ],
    source: Annotated[str | None, Form(description="Source name (default: file name)")] = None,
    dry_run: Annotated[bool, Form(description="Check only, write nothing")] = False,
    unit: Annotated[
        str | None, Form(description="A published table's unit, if its title does not name it")
    ] = None,
) -> JSONResponse:
    """Import registers, or an office's published table as printed (`published` then
    lists each printed column and what it was read as). Every error is reported with
    file, sheet (or table), row and column, and a file with any error changes nothing
    (status 422)."""
    limit = settings.upload_limit
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + CHUNK:
        raise HTTPException(413, f"upload larger than {settings.max_upload_mb:g} MB")
    asked = Asked(source, dry_run, unit)
    body, status = audited_import(request, who, file, limit, asked)
    return JSONResponse(body.model_dump(), status_code=status)

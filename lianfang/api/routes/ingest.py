"""Register upload: the same validation, errors and all-or-nothing write as the CLI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse

from lianfang.api.auth import Analyst
from lianfang.api.deps import SettingsDep
from lianfang.api.models import IngestReport
from lianfang.api.uploads import CHUNK, audited_import

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
    file: Annotated[UploadFile, File(description="An .xlsx workbook, or a .zip of CSV files")],
    source: Annotated[str | None, Form(description="Source name (default: file name)")] = None,
    dry_run: Annotated[bool, Form(description="Check only, write nothing")] = False,
) -> JSONResponse:
    """Import registers. Every error is reported with file, sheet, row and column, and a
    workbook with any error changes nothing (status 422)."""
    limit = int(settings.max_upload_mb * (1 << 20))
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit + CHUNK:
        raise HTTPException(413, f"upload larger than {settings.max_upload_mb:g} MB")
    body, status = audited_import(request, who, file, limit, source, dry_run)
    return JSONResponse(body.model_dump(), status_code=status)

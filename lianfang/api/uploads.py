"""Register uploads, for the API and the page alike: save, unpack, check, import."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from fastapi import HTTPException, Request, UploadFile

from lianfang.api.auditing import audit, audited
from lianfang.api.auth import Principal
from lianfang.api.models import IngestReport, IssueOut
from lianfang.graph.embedded import pid_alive
from lianfang.graph.store import GraphStore
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.limits import zip_problem
from lianfang.ingest.load import Report, load

CHUNK = 1 << 20
UPLOAD_PREFIX = "lianfang-upload-"


def remove_stale_uploads() -> int:
    """Upload folders whose process is gone (killed mid-upload); every other path removes
    its own. Returns how many were removed."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{UPLOAD_PREFIX}*"):
        pid = folder.name.removeprefix(UPLOAD_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _issue(issue: Issue) -> IssueOut:
    return IssueOut(**{k: v for k, v in issue.as_dict().items() if k != "lang"})


def save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Write the upload under its own (base) name; 413 past `limit` bytes."""
    name = Path(upload.filename or "registers.xlsx").name or "registers.xlsx"
    target = folder / name
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise HTTPException(413, f"upload larger than {limit // (1 << 20)} MB")
            out.write(chunk)
    return target


def registers_path(saved: Path) -> Path:
    """A workbook as is; a .zip of CSV files unpacked into a folder of the same name."""
    if saved.suffix.lower() != ".zip":
        return saved
    folder = saved.with_suffix("")
    folder.mkdir()
    try:
        with zipfile.ZipFile(saved) as archive:
            problem = zip_problem(archive)
            if problem:
                raise HTTPException(422, f"{saved.name}: {problem[1]}")
            for member in archive.infolist():
                name = Path(member.filename).name
                if name.lower().endswith(".csv") and not member.is_dir():
                    (folder / name).write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise HTTPException(422, f"{saved.name} is not a zip of CSV files") from None
    return folder


def report(result: Report | None, issues: list[Issue]) -> IngestReport:
    if result is None:
        return IngestReport(
            ok=False,
            errors=[_issue(i) for i in issues if i.is_error],
            warnings=[_issue(i) for i in issues if not i.is_error],
        )
    return IngestReport(
        ok=True,
        source=result.source,
        dry_run=result.dry_run,
        nodes=result.nodes,
        edges=result.edges,
        removed=result.removed,
        warnings=[_issue(i) for i in result.warnings],
    )


def ingest_upload(
    upload: UploadFile, store: GraphStore, limit: int, source: str | None, dry_run: bool
) -> tuple[IngestReport, int]:
    """Save, check and import one upload; (report, HTTP status)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
    try:
        path = registers_path(save_upload(upload, folder, limit))
        try:
            result = load(path, store, source=source or None, dry_run=dry_run)
        except IngestFailed as failed:
            body = report(None, failed.issues)
            body.error_count = failed.error_count
            return body, 422
        return report(result, []), 200
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def audited_import(
    request: Request,
    who: Principal,
    upload: UploadFile,
    limit: int,
    source: str | None,
    dry_run: bool,
) -> tuple[IngestReport, int]:
    """An upload's import, audited before it starts (no entry, no import) and when it
    ends. A unit-scoped account may not import: an import restates whole registers,
    other units' rows included."""
    store: GraphStore = request.app.state.store
    name = Path(upload.filename or "").name
    if who.account is not None and who.account.units:
        reason = "an account limited to some units cannot import registers"
        audit(request, who.name, "import", source or name, "refused", file=name, reason=reason)
        raise HTTPException(403, reason)
    with audited(request, who.name, "import", source or name, file=name, dry_run=dry_run) as end:
        body, status = ingest_upload(upload, store, limit, source, dry_run)
        end.update(
            target=body.source or source or name,
            outcome="ok" if body.ok else "failed",
            nodes=body.nodes,
            edges=body.edges,
            removed=body.removed,
            errors=body.error_count or len(body.errors),
        )
    return body, status

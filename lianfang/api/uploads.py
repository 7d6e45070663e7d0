"""Register uploads, for the API and the page alike: save, unpack, check, import."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request, UploadFile

from lianfang.api.auditing import audit, audited
from lianfang.api.auth import Principal
from lianfang.api.models import IngestReport, IssueOut, ReadAs
from lianfang.graph.embedded import pid_alive
from lianfang.graph.store import GraphStore
from lianfang.ingest.issues import IngestFailed, Issue
from lianfang.ingest.limits import zip_problem
from lianfang.ingest.load import Report, is_published_file, load

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
    published = None
    if result.published is not None:
        published = [ReadAs(**row) for row in result.published.derived.read_as]
    return IngestReport(
        ok=True,
        source=result.source,
        dry_run=result.dry_run,
        nodes=result.nodes,
        edges=result.edges,
        removed=result.removed,
        warnings=[_issue(i) for i in result.warnings],
        published=published,
    )


@dataclass(frozen=True)
class Asked:
    """What an upload asks for besides its file."""

    source: str | None = None
    dry_run: bool = False
    unit: str | None = None
    # The page's upload: a published table is checked and kept for the user to confirm.
    confirm_published: bool = False


def ingest_upload(
    upload: UploadFile, store: GraphStore, limit: int, asked: Asked
) -> tuple[IngestReport, int]:
    """Save, check and import one upload; (report, HTTP status). On the page, a published
    table is only checked, and kept under a token until the user confirms it."""
    folder = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
    kept = False
    try:
        path = registers_path(save_upload(upload, folder, limit))
        hold = asked.confirm_published and not asked.dry_run and is_published_file(path)
        body, status = _load(path, store, asked.source, asked.dry_run or hold, asked.unit)
        if hold and body.ok:
            body.pending, kept = folder.name, True
        return body, status
    finally:
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)


def _load(
    path: Path, store: GraphStore, source: str | None, dry_run: bool, unit: str | None
) -> tuple[IngestReport, int]:
    try:
        result = load(path, store, source=source or None, dry_run=dry_run, unit=unit or None)
    except IngestFailed as failed:
        body = report(None, failed.issues)
        body.error_count = failed.error_count
        return body, 422
    return report(result, []), 200


def pending_file(token: str) -> Path:
    """The published table a page upload kept for confirmation; 404 if there is none (a
    token of another process, a used one, or anything that is not a token)."""
    prefix = f"{UPLOAD_PREFIX}{os.getpid()}-"
    if not token.startswith(prefix) or not re.fullmatch(r"[\w-]+", token):
        raise HTTPException(404, "no upload waiting to be confirmed; upload the file again")
    folder = Path(tempfile.gettempdir()) / token
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    if len(files) != 1:
        raise HTTPException(404, "no upload waiting to be confirmed; upload the file again")
    return files[0]


def import_pending(
    token: str, store: GraphStore, source: str | None, unit: str | None
) -> tuple[IngestReport, int]:
    """Import a kept published table, as confirmed; it is removed either way."""
    path = pending_file(token)
    try:
        return _load(path, store, source, False, unit)
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def audited_import(
    request: Request,
    who: Principal,
    upload: UploadFile | None,
    limit: int,
    asked: Asked,
    pending: str | None = None,
) -> tuple[IngestReport, int]:
    """An upload's import (or a kept published table's, confirmed), audited before it
    starts (no entry, no import) and when it ends. A unit-scoped account may not import:
    an import restates whole registers, other units' rows included."""
    store: GraphStore = request.app.state.store
    name = Path(upload.filename or "").name if upload is not None else "(confirmed upload)"
    source, dry_run = asked.source, asked.dry_run
    if who.account is not None and who.account.units:
        reason = "an account limited to some units cannot import registers"
        audit(request, who.name, "import", source or name, "refused", file=name, reason=reason)
        raise HTTPException(403, reason)
    with audited(request, who.name, "import", source or name, file=name, dry_run=dry_run) as end:
        if upload is not None:
            body, status = ingest_upload(upload, store, limit, asked)
        else:
            body, status = import_pending(pending or "", store, source, asked.unit)
        end.update(
            target=body.source or source or name,
            outcome="ok" if body.ok else "failed",
            nodes=body.nodes,
            edges=body.edges,
            removed=body.removed,
            errors=body.error_count or len(body.errors),
        )
    return body, status

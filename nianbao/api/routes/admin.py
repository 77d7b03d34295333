"""Admin only, with the X-Admin-Key header: POST /api/reports (upload), DELETE /api/reports/{id}
(soft delete), POST /api/reports/{id}/restore, GET /api/audit-log.

The admin check runs before the body is read, so a caller without the key cannot make the
server read (or spool) an upload. Files are read in chunks and refused once over the limit; the
bytes go to the Library, and the client's file name is only a label (folders stripped), never a
path written to. Every change is logged in the audit table under the key's id (a short hash).
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from dataclasses import asdict
from functools import partial
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.datastructures import UploadFile

from nianbao.api.deps import ActorDep, AdminDep, CatalogDep, LibraryDep, SettingsDep, UploadsDep
from nianbao.api.errors import ApiError
from nianbao.api.schemas import (
    UNDECODABLE,
    AuditEntryOut,
    DeleteResponse,
    ErrorResponse,
    RestoreResponse,
    UploadOutcome,
    UploadResponse,
)
from nianbao.library import Library, Outcome, Prepared

log = logging.getLogger("nianbao.api")
router = APIRouter(tags=["admin"], dependencies=[AdminDep])

MAX_FILES = 50
_ADMIN_ERRORS: dict[int | str, dict] = {
    401: {"model": ErrorResponse, "description": "X-Admin-Key missing or wrong"},
    403: {"model": ErrorResponse, "description": "NIANBAO_ADMIN_KEY is not set: admin operations are off"},
}
_BUSY: dict[int | str, dict] = {
    503: {"model": ErrorResponse, "description": "Another writer held the store past the busy timeout"},
    507: {"model": ErrorResponse, "description": "The data directory's disk is full; nothing was written"},
}
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "minItems": 1,
                            "maxItems": MAX_FILES,
                            "description": "One or more report files (.docx .html .pdf .txt).",
                        },
                        "body": {
                            "type": "string",
                            "maxLength": 100,
                            "description": "The body, for files whose title lacks it.",
                        },
                        "year": {
                            "type": "integer",
                            "minimum": 1900,
                            "maximum": 2099,
                            "description": "The year, for files whose title lacks it.",
                        },
                        "force": {
                            "type": "boolean",
                            "description": "Make a new version current even when it reads fewer "
                            "cells than the current one (otherwise it is kept beside it).",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/api/reports",
    response_model=UploadResponse,
    responses={
        **UNDECODABLE,
        **_ADMIN_ERRORS,
        409: {"model": ErrorResponse, "description": "The body or year sent contradicts a file's title"},
        413: {"model": ErrorResponse},
        422: {"model": ErrorResponse},
    },
    openapi_extra=_UPLOAD_BODY,
    summary="Upload report files (admin)",
)
async def upload(
    request: Request, library: LibraryDep, settings: SettingsDep, actor: ActorDep, uploads: UploadsDep
) -> UploadResponse:
    """Ingest each file; a bad or empty file is a ``skipped`` outcome, the others still go in.

    ``body`` and ``year`` fill what a file does not say; when a file's title names another body
    or year, nothing of the upload is stored (409, naming both). A new version that reads fewer
    cells than the current one is stored but not made current (``kept_current``) unless
    ``force=true``. Each file is read within the reading budget (``NIANBAO_BUDGET__*``): one over
    it is ``skipped`` with the reason. Uploads are read and stored by their own few workers
    (``NIANBAO_UPLOAD_WORKERS``), never by the threads that answer questions, and wait their
    turn; a client that disconnects cancels its upload (nothing of it is stored).
    """
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    files = [v for k, v in form.multi_items() if k in ("files", "file") and isinstance(v, UploadFile)]
    if not files:
        raise ApiError(
            422, "validation_error", "files: send one or more files in the multipart field 'files'"
        )
    body = _text_field(form.get("body"))
    year = _year_field(form.get("year"))
    force = _flag_field(form.get("force"))
    names = [safe_name(f.filename) for f in files]
    for upload_file, name in zip(files, names, strict=True):
        _check_size(upload_file, settings.max_upload_bytes, name)
    cancel = threading.Event()
    watcher = asyncio.create_task(_watch_disconnect(request, cancel))
    try:  # the whole upload is one turn of the upload workers: uploads go in first come, first served
        work = partial(_ingest, library, files, names, body, year, force, actor, cancel)
        return await asyncio.wrap_future(uploads.submit(work))
    finally:
        watcher.cancel()


def _ingest(
    library: Library,
    files: list[UploadFile],
    names: list[str],
    body: str | None,
    year: int | None,
    force: bool,
    actor: str,
    cancel: threading.Event,
) -> UploadResponse:
    """On an upload worker: prepare every file, then commit them; stop (storing nothing) as
    soon as the client is gone. A file is read from its spooled copy only now, so uploads
    waiting their turn hold no bytes in memory."""
    prepared: list[Prepared | Outcome] = []
    for upload_file, name in zip(files, names, strict=True):
        if cancel.is_set():
            break
        upload_file.file.seek(0)
        data = upload_file.file.read()
        log.info("upload %r: %d bytes", name, len(data))
        prepared.append(library.prepare(data, name, body=body, year=year, batch=prepared, cancel=cancel))
    refused = [p.message for p in prepared if isinstance(p, Outcome) and p.status == "refused"]
    if refused or cancel.is_set():
        for item in prepared:
            library.discard(item)
    if cancel.is_set():
        log.info("upload of %d file(s) cancelled: the client disconnected; nothing stored", len(files))
        raise ApiError(499, "client_closed", "the client disconnected; nothing of the upload was stored")
    if refused:
        raise ApiError(409, "identity_conflict", " ".join(refused) + " Nothing of this upload was stored.")
    library.purge_deleted()
    outcomes = []
    for ready in prepared:
        item = library.commit(ready, force=force, actor=actor)
        log.info("upload %r: %s %s", item.source, item.status, item.report_id or "")
        outcomes.append(UploadOutcome(**asdict(item)))
    return UploadResponse(outcomes=outcomes)


async def _watch_disconnect(request: Request, cancel: threading.Event) -> None:
    """Set ``cancel`` when the client goes away (the body is read: the next message is that)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            cancel.set()
            return


@router.delete(
    "/api/reports/{report_id}",
    response_model=DeleteResponse,
    responses={**_ADMIN_ERRORS, 404: {"model": ErrorResponse}, **_BUSY},
    summary="Delete a report version (admin; restorable until purged)",
)
def delete(report_id: str, library: LibraryDep, actor: ActorDep) -> DeleteResponse:
    """A soft delete: the version leaves answers, lists and search at once, and can be restored
    (POST /api/reports/{id}/restore) for NIANBAO_DELETED_RETENTION_DAYS days."""
    change = library.delete(report_id, actor=actor)
    if change is None:
        raise ApiError(404, "not_found", f"no report with id {report_id!r}; GET /api/reports lists them")
    log.info("deleted report %s", report_id)
    return DeleteResponse(id=report_id, deleted=True, message=change.message)


@router.post(
    "/api/reports/{report_id}/restore",
    response_model=RestoreResponse,
    responses={**_ADMIN_ERRORS, 404: {"model": ErrorResponse}, **_BUSY},
    summary="Make a version current again (admin)",
)
def restore(report_id: str, library: LibraryDep, actor: ActorDep) -> RestoreResponse:
    """An earlier, kept or deleted version becomes the current one of its body and year; the
    version that was current stays stored (GET /api/reports/{id}/versions)."""
    change = library.restore(report_id, actor=actor)
    if change is None:
        raise ApiError(
            404, "not_found", f"no version with id {report_id!r}; GET /api/reports/{{id}}/versions lists them"
        )
    log.info("restore %s: %s", report_id, change.action)
    return RestoreResponse(
        id=report_id,
        status="restored" if change.action == "restore" else "unchanged",
        message=change.message,
        previous=change.previous,
    )


@router.get(
    "/api/audit-log",
    response_model=list[AuditEntryOut],
    responses=_ADMIN_ERRORS,
    summary="The audit log: replaces, deletes, restores, purges (admin)",
)
def audit(
    catalog: CatalogDep,
    report_id: Annotated[str | None, Query(max_length=64, description="Only this version")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntryOut]:
    """Newest first: who (the admin key's id, or the command line's user) did what, and when."""
    return [AuditEntryOut.of(e) for e in catalog.audit(report_id, limit)]


def safe_name(filename: str | None) -> str:
    """The last path component, without control characters: ``../../x.docx`` → ``x.docx``."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[:200]
    return name if name not in ("", ".", "..") else "upload"


def _check_size(upload_file: UploadFile, limit: int, name: str) -> None:
    size = upload_file.size if upload_file.size is not None else 0
    if size > limit:
        raise ApiError(
            413,
            "payload_too_large",
            f"{name}: the file is larger than {limit} bytes (NIANBAO_MAX_UPLOAD_BYTES)",
        )


def _text_field(value: object) -> str | None:
    if value is None or isinstance(value, UploadFile):
        return None
    text = str(value).strip()
    if len(text) > 100:
        raise ApiError(422, "validation_error", "body: at most 100 characters")
    return text or None


def _flag_field(value: object) -> bool:
    text = (_text_field(value) or "false").lower()
    if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ApiError(422, "validation_error", f"force: {text[:20]!r} is not true or false")
    return text in ("true", "1", "yes", "on")


def _year_field(value: object) -> int | None:
    text = _text_field(value)
    if text is None:
        return None
    if not re.fullmatch(r"(19|20)\d{2}", text):
        raise ApiError(422, "validation_error", f"year: {text[:20]!r} is not a year such as 2023")
    return int(text)

"""POST /api/reports (upload) and DELETE /api/reports/{id}: admin only, with the X-Admin-Key header.

The admin check runs before the body is read, so a caller without the key cannot make the
server read (or spool) an upload. Files are read in chunks and refused once over the limit; the
bytes go to the Library, and the client's file name is only a label (folders stripped), never a
path written to.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from pathlib import PurePosixPath

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from nianbao.api.deps import AdminDep, LibraryDep, SettingsDep
from nianbao.api.errors import ApiError
from nianbao.api.schemas import DeleteResponse, ErrorResponse, UploadOutcome, UploadResponse

log = logging.getLogger("nianbao.api")
router = APIRouter(tags=["admin"], dependencies=[AdminDep])

MAX_FILES = 50
CHUNK = 64 * 1024
_ADMIN_ERRORS: dict[int | str, dict] = {
    401: {"model": ErrorResponse, "description": "X-Admin-Key missing or wrong"},
    403: {"model": ErrorResponse, "description": "NIANBAO_ADMIN_KEY is not set: admin operations are off"},
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
                            "description": "One or more report files (.docx .html .pdf .txt).",
                        },
                        "body": {
                            "type": "string",
                            "description": "The body, for files whose title lacks it.",
                        },
                        "year": {
                            "type": "integer",
                            "description": "The year, for files whose title lacks it.",
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
    responses={**_ADMIN_ERRORS, 413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    openapi_extra=_UPLOAD_BODY,
    summary="Upload report files (admin)",
)
async def upload(request: Request, library: LibraryDep, settings: SettingsDep) -> UploadResponse:
    """Ingest each file; a bad or empty file is a ``skipped`` outcome, the others still go in."""
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    files = [v for k, v in form.multi_items() if k in ("files", "file") and isinstance(v, UploadFile)]
    if not files:
        raise ApiError(
            422, "validation_error", "files: send one or more files in the multipart field 'files'"
        )
    body = _text_field(form.get("body"))
    year = _year_field(form.get("year"))
    outcomes = []
    for upload_file in files:
        name = safe_name(upload_file.filename)
        data = await _read_bounded(upload_file, settings.max_upload_bytes, name)
        log.info("upload %r: %d bytes", name, len(data))
        outcome = await run_in_threadpool(library.ingest_bytes, data, name, body=body, year=year)
        log.info("upload %r: %s %s", name, outcome.status, outcome.report_id or "")
        outcomes.append(UploadOutcome(**asdict(outcome)))
    return UploadResponse(outcomes=outcomes)


@router.delete(
    "/api/reports/{report_id}",
    response_model=DeleteResponse,
    responses={**_ADMIN_ERRORS, 404: {"model": ErrorResponse}},
    summary="Delete a report with its records and search chunks (admin)",
)
def delete(report_id: str, library: LibraryDep) -> DeleteResponse:
    """Delete a stored report; 404 when there is none with this id."""
    if not library.delete(report_id):
        raise ApiError(404, "not_found", f"no report with id {report_id!r}; GET /api/reports lists them")
    log.info("deleted report %s", report_id)
    return DeleteResponse(id=report_id, deleted=True)


def safe_name(filename: str | None) -> str:
    """The last path component, without control characters: ``../../x.docx`` → ``x.docx``."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[:200]
    return name if name not in ("", ".", "..") else "upload"


async def _read_bounded(upload_file: UploadFile, limit: int, name: str) -> bytes:
    parts: list[bytes] = []
    size = 0
    while chunk := await upload_file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ApiError(
                413,
                "payload_too_large",
                f"{name}: the file is larger than {limit} bytes (NIANBAO_MAX_UPLOAD_BYTES)",
            )
        parts.append(chunk)
    return b"".join(parts)


def _text_field(value: object) -> str | None:
    if value is None or isinstance(value, UploadFile):
        return None
    text = str(value).strip()
    if len(text) > 100:
        raise ApiError(422, "validation_error", "body: at most 100 characters")
    return text or None


def _year_field(value: object) -> int | None:
    text = _text_field(value)
    if text is None:
        return None
    if not re.fullmatch(r"(19|20)\d{2}", text):
        raise ApiError(422, "validation_error", f"year: {text[:20]!r} is not a year such as 2023")
    return int(text)

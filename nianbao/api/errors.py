"""The one JSON error shape, ``{"error": {"code": "...", "message": "..."}}``, for every 4xx/5xx.

Domain code raises its own exceptions or returns outcomes; the routes raise ``ApiError`` (an
``HTTPException`` with a stable ``code``); this module turns all of them into the shape, in
exactly one place.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nianbao.library import DiskFull
from nianbao.library.disk import as_disk_full
from nianbao.store import StoreBusy

log = logging.getLogger("nianbao.api")

#: The code an error gets from its status when the raiser named none.
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    409: "conflict",
    415: "unsupported_media_type",
    422: "validation_error",
    499: "client_closed",
    500: "internal_error",
    503: "store_busy",
    507: "disk_full",
}


class ApiError(StarletteHTTPException):
    """An HTTP error with a stable machine-readable ``code`` and a message for people.

    >>> raise ApiError(404, "report_not_found", "no report with id 'abc'")
    """

    def __init__(
        self, status_code: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code, message, headers)
        self.code = code


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The error shape as a response."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = getattr(exc, "code", None) or CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return error_response(exc.status_code, code, message, getattr(exc, "headers", None))


def describe_validation(exc: RequestValidationError) -> str:
    """``body.question: String should have at most 500 characters`` — field and reason, per error."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts) or "the request is not valid"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "validation_error", describe_validation(exc))


async def _store_busy(_: Request, exc: Exception) -> JSONResponse:
    """Another writer held the store past the busy timeout: nothing was written, try again."""
    return error_response(503, "store_busy", str(exc), headers={"Retry-After": "5"})


async def _disk_full(_: Request, exc: Exception) -> JSONResponse:
    """The data directory's disk is (nearly) full: nothing was written; the message says where."""
    return error_response(507, "disk_full", str(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Log the traceback under an id; the client gets the id, never the internals. An error on
    a full disk (a conversation that could not be saved, say) is a 507 that says so."""
    settings = request.app.state.settings
    full = as_disk_full(exc, settings.data_dir, settings.min_free_bytes)
    if full is not None:
        log.warning("%s %s: %s", request.method, request.url.path, full)
        return await _disk_full(request, full)
    incident = uuid.uuid4().hex[:12]
    log.error("unhandled error %s on %s %s", incident, request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", f"an internal error occurred (incident {incident})")


def register(app: FastAPI) -> None:
    """Install the handlers that give every error the one shape."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreBusy, _store_busy)
    app.add_exception_handler(DiskFull, _disk_full)
    app.add_exception_handler(Exception, _unexpected)

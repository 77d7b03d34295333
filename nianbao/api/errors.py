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
from nianbao.review.choose import ReviewError
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


#: Chinese names of the fields people send, for validation messages the page shows as they are.
FIELD_NAMES = {
    "question": "问题",
    "conversation_id": "对话编号",
    "rating": "评价",
    "comment": "意见",
    "body": "机关",
    "year": "年份",
    "key": "项目代码",
    "format": "格式",
    "limit": "条数",
    "report_id": "报告编号",
    "request": "请求",
}

#: Why a value was refused, by pydantic's error type; ``{…}`` are the error's context values.
REASONS = {
    "missing": "必须填写",
    "string_too_short": "不能为空",
    "string_too_long": "最多 {max_length} 个字",
    "string_type": "应为文字",
    "string_pattern_mismatch": "格式不对",
    "literal_error": "只能是 {expected}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
}


def describe_validation(exc: RequestValidationError) -> str:
    """``问题（question）：最多 500 个字`` — the field, in Chinese and as sent, and why, per error;
    the page shows it as it is."""
    parts = []
    for err in exc.errors():
        where = (
            ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")) or "request"
        )
        name = next((FIELD_NAMES[p] for p in reversed(where.split(".")) if p in FIELD_NAMES), None)
        field = f"{name}（{where}）" if name else where
        reason = REASONS.get(err.get("type", ""), "取值无效（{msg}）")
        try:
            text = reason.format(**{"msg": err.get("msg", ""), **(err.get("ctx") or {})})
        except (KeyError, IndexError):
            text = f"取值无效（{err.get('msg', '')}）"
        parts.append(f"{field}：{text.replace(' or ', ' 或 ')}")
    return "；".join(parts) or "请求无效"


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(422, "validation_error", describe_validation(exc))


async def _store_busy(_: Request, exc: Exception) -> JSONResponse:
    """Another writer held the store past the busy timeout: nothing was written, try again."""
    return error_response(503, "store_busy", str(exc), headers={"Retry-After": "5"})


async def _review_error(_: Request, exc: Exception) -> JSONResponse:
    """A body or year the staff's views cannot review: 404 when nothing is stored, 409 when the
    name fits several stored bodies (the message lists them: ask again with one), 400 for two
    years to compare that are one."""
    assert isinstance(exc, ReviewError)
    status = {"ambiguous_body": 409, "bad_request": 400}.get(exc.code, 404)
    return error_response(status, exc.code, str(exc))


async def _disk_full(_: Request, exc: Exception) -> JSONResponse:
    """The data directory's disk is (nearly) full: nothing was written; the message says where."""
    return error_response(507, "disk_full", str(exc))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    """Log the traceback under an id; the client gets the id, never the internals. An error on
    a full disk (a conversation that could not be saved, say) is a 507 that says so."""
    settings = getattr(request.app.state, "settings", None)  # an app built without them: none
    full = as_disk_full(exc, settings.data_dir, settings.min_free_bytes) if settings else None
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
    app.add_exception_handler(ReviewError, _review_error)
    app.add_exception_handler(DiskFull, _disk_full)
    app.add_exception_handler(Exception, _unexpected)

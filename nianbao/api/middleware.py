"""Small ASGI middlewares: a cap on request bodies, security headers for the page, and CORS
whose refusals are in the error shape.

The body cap works before any route reads the body: a declared ``Content-Length`` over the limit
is refused at once, and a body sent without one (chunked) is counted as it streams in and
refused the moment it passes the limit, so a 100 MB post never reaches memory.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nianbao.api.errors import ApiError, error_response


class BodyTooLarge(ApiError):
    """413: the request body passed the route's size limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            413, "payload_too_large", f"the request body is larger than {limit} bytes, the limit here"
        )


class BodyLimit:
    """Refuse bodies over ``limits[(method, path)]`` bytes with 413 in the error shape."""

    def __init__(self, app: ASGIApp, limits: Mapping[tuple[str, str], int]) -> None:
        self.app = app
        self.limits = dict(limits)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = (
            self.limits.get((scope.get("method", ""), scope.get("path", "")))
            if scope["type"] == "http"
            else None
        )
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            exc = BodyTooLarge(limit)
            await error_response(413, exc.code, exc.detail)(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _counting(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return wrapped


#: The page loads only its own files: nothing from a CDN, no inline script, no plug-ins.
PAGE_HEADERS = {
    b"content-security-policy": (
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}


class PageHeaders:
    """Add ``PAGE_HEADERS`` to the page and its static files (not to /docs, which loads Swagger UI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path in ("/", "/admin") or path.startswith("/static/")):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in PAGE_HEADERS.items() if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


class ShapedCORS(CORSMiddleware):
    """Starlette's CORS, but a refused preflight (an unlisted origin, method or header) is a 400
    in the one error shape, naming what was refused, instead of plain text."""

    def preflight_response(self, request_headers: Headers) -> Response:
        """The preflight answer; a refusal rewritten into the error shape, its headers kept."""
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode("utf-8", "replace").removeprefix("Disallowed CORS ")
        origin = request_headers.get("origin", "")
        kept = {k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")}
        return error_response(
            response.status_code,
            "cors_refused",
            f"cross-origin request refused ({refused}) for origin {origin[:100]!r}; "
            "NIANBAO_CORS_ORIGINS lists the origins allowed",
            headers=kept,
        )

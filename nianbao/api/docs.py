"""GET /docs: Swagger UI served from this server's own files (the ``swagger-ui-bundle-v2``
package), so the API documentation renders on an intranet with no way out; FastAPI's default
loads it from a CDN."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs-assets"


def add_docs(app: FastAPI) -> None:
    """Serve Swagger UI's files under ``/docs-assets`` and the docs page at ``/docs``. The app
    must be built with ``docs_url=None`` (and ``redoc_url=None``: ReDoc has no local copy)."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # the badge would call a public validator
        )

    app.add_api_route("/docs", docs, include_in_schema=False)

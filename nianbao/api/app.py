"""The FastAPI application: one Library (writes), one Catalog (reads), one search index (when
available) and one Answerer, whose conversations are kept in the store (so any worker, and a
restarted one, answers a follow-up).

    uvicorn --factory api.app:create_app        # or: nianbao serve

Everything heavy is built once, at start-up (lifespan), and kept on ``app.state``; routes reach
it through ``api.deps``. Settings are passed in (tests) or read from the environment once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from nianbao.answer.conversations import StoredConversations
from nianbao.answer.engine import build_answerer
from nianbao.api import errors
from nianbao.api.middleware import BodyLimit, PageHeaders
from nianbao.api.routes import admin, chat, conversations, figures, health, reports
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings

log = logging.getLogger("nianbao.api")

STATIC = Path(__file__).resolve().parent / "static"
CHAT_BODY_LIMIT = 64 * 1024
#: Room for multipart boundaries and the form fields around the files.
UPLOAD_OVERHEAD = 1024 * 1024


def build_library(settings: Settings, with_index: bool = True) -> Library:
    """A Library with the search index attached when ``retrieval.index`` can be imported."""
    if not with_index:
        return Library(settings, None)
    try:
        from nianbao.retrieval.index import SearchIndex
    except ImportError as exc:  # the index is optional: figures and text answers work without it
        log.warning("search index unavailable (%s); answering from the records only", exc)
        return Library(settings, None)
    return Library(settings, SearchIndex(settings))


def create_app(settings: Settings | None = None, *, with_index: bool = True) -> FastAPI:
    """Build the app. ``with_index=False`` skips the search index (records and text still work)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        library = build_library(settings, with_index)
        if library.index is not None:
            library.reconcile()  # repair what a killed ingest left between SQL and the index
        app.state.library = library
        app.state.catalog = catalog = Catalog(library.engine)
        kept = StoredConversations.of(settings)  # in the store: every worker sees every conversation
        # LLM wording if configured
        app.state.answerer = build_answerer(settings, catalog, library.index, kept)
        log.info(
            "nianbao api ready: data in %s, search index %s",
            settings.data_dir,
            "on" if library.index else "off",
        )
        yield
        kept.close()
        library.engine.dispose()

    app = FastAPI(
        title="年报问答 nianbao",
        summary="Answers about 政府信息公开工作年度报告, with exact figures and a citation for each.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.register(app)
    for module in (chat, conversations, reports, figures, admin, health):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/", _index_page, include_in_schema=False)

    app.add_middleware(PageHeaders)
    app.add_middleware(
        BodyLimit,
        limits={
            ("POST", "/api/chat"): CHAT_BODY_LIMIT,
            ("POST", "/api/reports"): settings.max_upload_bytes + UPLOAD_OVERHEAD,
        },
    )
    if settings.allowed_origins:  # outermost, so error responses carry the CORS headers too
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-Admin-Key"],
        )
    return app


async def _index_page() -> FileResponse:
    """The page: 问答 and 数据, plain HTML, CSS and JS from /static, nothing from elsewhere."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

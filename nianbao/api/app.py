"""The FastAPI application: one Library (writes), one Catalog (reads), one search index (when
available) and one Answerer, whose conversations are kept in the store (so any worker, and a
restarted one, answers a follow-up).

    uvicorn --factory api.app:create_app        # or: nianbao serve

Everything is opened once and kept on ``app.state``; routes reach it through ``api.deps``. The
store at start-up (lifespan); the search index and its model on a thread right after, so the
server answers at once (``api.background``). Settings are passed in (tests) or read from the
environment once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from nianbao.answer.conversations import StoredConversations
from nianbao.answer.engine import build_answerer
from nianbao.answer.feedback import FeedbackBook
from nianbao.api import errors
from nianbao.api.background import BackgroundIndex, warm
from nianbao.api.docs import add_docs
from nianbao.api.middleware import BodyLimit, PageHeaders, ShapedCORS
from nianbao.api.routes import (
    admin,
    chat,
    conversations,
    feedback,
    figures,
    health,
    overview,
    reports,
    review,
)
from nianbao.catalog import Catalog
from nianbao.library import Library, Reconciliation
from nianbao.settings import Settings
from nianbao.store import StoreBusy

if TYPE_CHECKING:
    from nianbao.retrieval.backend import TextIndex as SearchIndex

log = logging.getLogger("nianbao.api")

STATIC = Path(__file__).resolve().parent / "static"
CHAT_BODY_LIMIT = 64 * 1024
#: Room for multipart boundaries and the form fields around the files.
UPLOAD_OVERHEAD = 1024 * 1024


def reconcile_and_warm(settings: Settings) -> Callable[[SearchIndex], None]:
    """What the background thread does with the opened index before it says ``ready``: repair
    what a killed ingest left between SQL and the index, then load the model and the rest."""

    def prepare(index: SearchIndex) -> None:
        library = Library(settings, index)
        try:
            repaired = library.reconcile()
        except StoreBusy as exc:  # a writer is at work: it leaves no mess; the next ingest repairs
            log.warning("repair at start-up put off: %s", exc)
            repaired = Reconciliation()
        finally:
            library.engine.dispose()
        if repaired.changed:
            log.warning("an earlier run was interrupted; %s", repaired)
        warm(index)

    return prepare


def create_app(settings: Settings | None = None, *, with_index: bool = True) -> FastAPI:
    """Build the app. ``with_index=False`` skips the search index (records and text still work).

    The store is opened before the app answers; the search index and its model are opened on a
    thread (:mod:`nianbao.api.background`), so ``/healthz`` answers at once and says
    ``"model": "loading"`` until they are ready.
    """
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        library = Library(settings, None)
        # The store (and its SQL dialect) opens before the search index's thread starts, which
        # imports the same dialect modules (two threads importing them at once can fail).
        app.state.catalog = catalog = Catalog(library.engine)
        loading = None
        if with_index:
            loading = BackgroundIndex(settings, prepare=reconcile_and_warm(settings))
            library.index = loading
        app.state.library = library
        kept = StoredConversations.of(settings)  # in the store: every worker sees every conversation
        app.state.feedback = FeedbackBook(kept.engine, kept)
        app.state.index = loading
        search = loading.for_question if loading is not None else None
        app.state.answerer = build_answerer(settings, catalog, search, kept)  # LLM wording if configured
        app.state.uploads = uploads = ThreadPoolExecutor(settings.upload_workers, "nianbao-upload")
        if loading is not None:  # last: its imports hold the GIL in long stretches; the start runs first
            loading.start()
        log.info(
            "nianbao api ready: data in %s, search index %s",
            settings.data_dir,
            "loading in the background" if loading else "off",
        )
        yield
        uploads.shutdown(wait=False, cancel_futures=True)
        kept.close()
        library.engine.dispose()

    app = FastAPI(
        title="年报问答 nianbao",
        summary="Answers about 政府信息公开工作年度报告, with exact figures and a citation for each.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from local files by add_docs, never from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    errors.register(app)
    for module in (chat, conversations, overview, feedback, reports, figures, review, admin, health):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_api_route("/", _index_page, include_in_schema=False)
    app.add_api_route("/admin", _admin_page, include_in_schema=False)
    add_docs(app)

    app.add_middleware(PageHeaders)
    app.add_middleware(
        BodyLimit,
        limits={
            ("POST", "/api/chat"): CHAT_BODY_LIMIT,
            ("POST", "/api/feedback"): CHAT_BODY_LIMIT,
            ("POST", "/api/reports"): settings.max_upload_bytes + UPLOAD_OVERHEAD,
        },
    )
    if settings.allowed_origins:  # outermost, so error responses carry the CORS headers too
        app.add_middleware(
            ShapedCORS,
            allow_origins=settings.allowed_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-Admin-Key"],
        )
    return app


def create_records_only_app() -> FastAPI:
    """The app without the search index, settings from the environment (what each worker of
    ``nianbao serve --workers N --no-with-index`` builds; with the index they build ``create_app()``)."""
    return create_app(with_index=False)


async def _index_page() -> FileResponse:
    """The page: 问答 and 数据, plain HTML, CSS and JS from /static, nothing from elsewhere."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


async def _admin_page() -> FileResponse:
    """The admin page: upload, list, versions, delete and restore, feedback; every call it makes
    sends the admin key the person typed (kept in the tab's sessionStorage only)."""
    return FileResponse(STATIC / "admin.html", media_type="text/html; charset=utf-8")

"""Dependencies the routes share: the Library (writes), the Catalog (reads), the Answerer and the
search index (loading in the background) built at start-up, and the admin check."""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import Executor
from typing import Annotated

from fastapi import Depends, Header, Request

from nianbao.answer.engine import Answerer
from nianbao.answer.feedback import FeedbackBook
from nianbao.api.background import BackgroundIndex
from nianbao.api.errors import ApiError
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    return request.app.state.settings


def get_library(request: Request) -> Library:
    """The Library, for routes that write."""
    return request.app.state.library


def get_catalog(request: Request) -> Catalog:
    """The Catalog, for routes that read."""
    return request.app.state.catalog


def get_answerer(request: Request) -> Answerer:
    """The Answerer built at start-up."""
    return request.app.state.answerer


def get_feedback(request: Request) -> FeedbackBook:
    """The 赞/踩 ratings, kept beside the conversations."""
    return request.app.state.feedback


def get_index(request: Request) -> BackgroundIndex | None:
    """The search index as it loads in the background; None when the server runs without it."""
    return request.app.state.index


def get_uploads(request: Request) -> Executor:
    """The upload workers: uploads are read and stored here, apart from the threads that answer."""
    return request.app.state.uploads


def require_admin(
    settings: Annotated[Settings, Depends(get_settings)],
    x_admin_key: Annotated[str | None, Header(description="The value of NIANBAO_ADMIN_KEY.")] = None,
) -> None:
    """403 when admin operations are off (no key set), 401 when the key is missing or wrong."""
    expected = settings.admin_key.get_secret_value() if settings.admin_key else ""
    if not expected:
        raise ApiError(403, "admin_disabled", "admin operations are disabled: set NIANBAO_ADMIN_KEY")
    if not x_admin_key or not secrets.compare_digest(x_admin_key.encode(), expected.encode()):
        raise ApiError(
            401,
            "unauthorized",
            "a valid admin key is required in the X-Admin-Key header",
            headers={"WWW-Authenticate": "X-Admin-Key"},
        )


def admin_actor(settings: Annotated[Settings, Depends(get_settings)]) -> str:
    """Who an admin change is logged as: ``key:`` and the first 12 hex digits of the admin key's
    SHA-256, which names the key without giving it away."""
    key = settings.admin_key.get_secret_value() if settings.admin_key else ""
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:12]


LibraryDep = Annotated[Library, Depends(get_library)]
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FeedbackDep = Annotated[FeedbackBook, Depends(get_feedback)]
IndexDep = Annotated[BackgroundIndex | None, Depends(get_index)]
UploadsDep = Annotated[Executor, Depends(get_uploads)]
AdminDep = Depends(require_admin)
ActorDep = Annotated[str, Depends(admin_actor)]

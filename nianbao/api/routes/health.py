"""GET /healthz: the service is up, can read its store, and whether the search model is ready."""

from __future__ import annotations

from fastapi import APIRouter

from nianbao.api.deps import CatalogDep, IndexDep
from nianbao.api.schemas import Health

router = APIRouter(tags=["health"])

#: What /healthz says when the server runs without the search index.
INDEX_OFF = "the search index is off (nianbao serve --no-with-index)"


@router.get(
    "/healthz", response_model=Health, summary="Liveness, stored reports, and the search model's state"
)
def healthz(catalog: CatalogDep, index: IndexDep) -> Health:
    """The service is up; how many reports it holds; ``loading``, ``ready`` or ``unavailable``."""
    if index is None:
        return Health(status="ok", reports=catalog.report_count(), model="unavailable", reason=INDEX_OFF)
    return Health(status="ok", reports=catalog.report_count(), model=index.state, reason=index.reason)

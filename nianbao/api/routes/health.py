"""GET /healthz: the service is up and can read its store."""

from __future__ import annotations

from fastapi import APIRouter

from nianbao.api.deps import CatalogDep
from nianbao.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness and the number of stored reports")
def healthz(catalog: CatalogDep) -> Health:
    """The service is up; how many reports it holds."""
    return Health(status="ok", reports=catalog.report_count())

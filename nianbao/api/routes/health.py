"""GET /healthz: the service is up, can read its store, whether the search model is ready, and
what is wrong if anything is."""

from __future__ import annotations

from fastapi import APIRouter

from nianbao.api.deps import CatalogDep, IndexDep, SettingsDep
from nianbao.api.errors import ApiError
from nianbao.api.schemas import ErrorResponse, Health
from nianbao.library.disk import free_bytes, full_message

router = APIRouter(tags=["health"])

#: What /healthz says when the server runs without the search index.
INDEX_OFF = "the search index is off (nianbao serve --no-with-index)"
NO_REPORTS = (
    "no reports are stored, so no question can be answered: ingest some "
    "(nianbao ingest PATH..., or POST /api/reports)"
)


@router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": ErrorResponse, "description": "The store cannot be read"}},
    summary="Liveness, stored reports, the search model's state, and what is wrong",
)
def healthz(catalog: CatalogDep, index: IndexDep, settings: SettingsDep) -> Health:
    """The service is up; how many reports it holds; ``loading``, ``ready`` or ``unavailable``;
    and ``degraded`` with the problems when something does not work."""
    try:
        reports = catalog.report_count()
    except Exception as exc:  # any failure to read the store means the same here
        raise ApiError(
            503,
            "store_unavailable",
            f"the store cannot be read ({type(exc).__name__}: {str(exc)[:200]}); "
            "`nianbao doctor` checks the data directory",
        ) from exc
    model, reason = ("unavailable", INDEX_OFF) if index is None else (index.state, index.reason)
    problems = [] if reports else [NO_REPORTS]
    if index is not None and model == "unavailable":
        problems.append(
            f"the search model could not be loaded ({reason}): text questions are answered by reading "
            "every report and uploads are stored without search vectors; `nianbao doctor` checks the "
            "model (NIANBAO_EMBED_MODEL)"
        )
    free = free_bytes(settings.data_dir)
    if free < settings.min_free_bytes:
        problems.append(full_message(settings.data_dir, free, settings.min_free_bytes))
    return Health(
        status="degraded" if problems else "ok",
        reports=reports,
        model=model,
        reason=reason,
        problems=problems,
    )

"""GET /api/reports, GET /api/reports/{id} and GET /api/reports/{id}/versions: what is stored,
one version in full, and every version of a report."""

from __future__ import annotations

from fastapi import APIRouter

from nianbao.api.deps import CatalogDep
from nianbao.api.errors import ApiError
from nianbao.api.schemas import ErrorResponse, ReportDetail, ReportSummary

router = APIRouter(tags=["reports"])


@router.get("/api/reports", response_model=list[ReportSummary], summary="List the stored reports")
def list_reports(catalog: CatalogDep) -> list[ReportSummary]:
    """Every stored report by body and year, with its layout, source file(s) and cell count."""
    return [ReportSummary.of(r) for r in catalog.reports()]


@router.get(
    "/api/reports/{report_id}",
    response_model=ReportDetail,
    responses={404: {"model": ErrorResponse}},
    summary="One report: metadata, sections, records and findings",
)
def get_report(report_id: str, catalog: CatalogDep) -> ReportDetail:
    """The records are the report's table cells under canonical keys, in table order."""
    contents = catalog.report(report_id)
    if contents is None:
        raise ApiError(404, "not_found", f"no report with id {report_id!r}; GET /api/reports lists them")
    return ReportDetail.of(contents)


@router.get(
    "/api/reports/{report_id}/versions",
    response_model=list[ReportSummary],
    responses={404: {"model": ErrorResponse}},
    summary="Every version of a report, oldest first, the current one marked",
)
def list_versions(report_id: str, catalog: CatalogDep) -> list[ReportSummary]:
    """The versions of the report this version belongs to (same body and year): earlier ones,
    ones kept beside the current one because they read fewer cells, and deleted ones until they
    are purged. ``current`` marks the one answers read; restore another with
    POST /api/reports/{id}/restore."""
    found = catalog.versions(report_id)
    if not found:
        raise ApiError(404, "not_found", f"no report with id {report_id!r}; GET /api/reports lists them")
    return [ReportSummary.of(r) for r in found]

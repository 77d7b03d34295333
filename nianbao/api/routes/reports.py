"""GET /api/reports and GET /api/reports/{id}: what is stored, and one report in full."""

from __future__ import annotations

from fastapi import APIRouter

from nianbao import catalog
from nianbao.api.deps import LibraryDep
from nianbao.api.errors import ApiError
from nianbao.api.schemas import ErrorResponse, ReportDetail, ReportSummary

router = APIRouter(tags=["reports"])


@router.get("/api/reports", response_model=list[ReportSummary], summary="List the stored reports")
def list_reports(library: LibraryDep) -> list[dict]:
    """Every stored report by body and year, with its layout, source file(s) and cell count."""
    return catalog.report_rows(library)


@router.get(
    "/api/reports/{report_id}",
    response_model=ReportDetail,
    responses={404: {"model": ErrorResponse}},
    summary="One report: metadata, sections, records and findings",
)
def get_report(report_id: str, library: LibraryDep) -> dict:
    """The records are the report's table cells under canonical keys, in table order."""
    detail = catalog.report_detail(library, report_id)
    if detail is None:
        raise ApiError(404, "not_found", f"no report with id {report_id!r}; GET /api/reports lists them")
    return detail

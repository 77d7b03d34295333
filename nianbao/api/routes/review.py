"""The staff's views: GET /api/rates, /api/audit, /api/diff, /api/coverage and /api/export.

Thin: each reads through ``nianbao.review`` (on the Catalog) and wraps the values in the models of
``api.review_schemas``; a body or year that cannot be reviewed (``review.choose.ReviewError``)
becomes an error in the one shape (``api.errors``). None of them writes; none needs the admin key.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from nianbao.api.deps import CatalogDep
from nianbao.api.errors import ApiError
from nianbao.api.review_schemas import CoverageOut, DiffOut, RateOut, ReportAuditOut
from nianbao.api.routes.figures import BodyQuery, YearQuery
from nianbao.api.schemas import ErrorResponse
from nianbao.review import choose
from nianbao.review.audit import audit, audit_reports
from nianbao.review.changes import changes
from nianbao.review.coverage import coverage as stored_coverage
from nianbao.review.dossier import csv_of, docx_bytes, dossier
from nianbao.review.rates import rates_csv, report_rates

router = APIRouter(tags=["review"])

ERRORS: dict[int | str, dict] = {
    404: {"model": ErrorResponse, "description": "No stored report of that body or year."},
    409: {"model": ErrorResponse, "description": "The name fits several stored bodies (`ambiguous_body`)."},
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get(
    "/api/rates",
    response_model=list[RateOut],
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with `format=csv`."}},
    summary="Derived rates (实质公开率, 复议纠错率 …) with their formulas and cells",
)
def rates(
    catalog: CatalogDep,
    body: BodyQuery = None,
    year: YearQuery = None,
    format: Annotated[Literal["json", "csv"], Query(description="`csv` downloads the rows.")] = "json",
) -> list[RateOut] | Response:
    """Every rate of every report of the body and years (all stored reports when none is given).
    A rate over fewer than 30 cases says so (`small_sample`, `note`: 样本较少)."""
    found = report_rates(catalog, body, year or [])
    if format == "csv":
        return _download(rates_csv(found), "nianbao-rates.csv")
    return [RateOut.of(r) for r in found]


@router.get(
    "/api/audit",
    response_model=list[ReportAuditOut],
    responses={404: ERRORS[404]},
    summary="Completeness audit of reports: parts, tables, blank cells, problems, fees, dates, arithmetic",
)
def audits(
    catalog: CatalogDep,
    body: BodyQuery = None,
    year: YearQuery = None,
    report_id: Annotated[
        str | None, Query(max_length=64, description="One version (any state but deleted) instead.")
    ] = None,
) -> list[ReportAuditOut]:
    """Each report's audit: every item `ok`, `problem` or `unknown`, with the place in the report
    it is about. (The log of who changed what is GET /api/audit-log.)"""
    if report_id is not None:
        one = audit(catalog, report_id)
        if one is None:
            raise ApiError(404, "not_found", f"no report with id {report_id!r}; GET /api/reports lists them")
        return [ReportAuditOut.of(one)]
    return [ReportAuditOut.of(a) for a in audit_reports(catalog, body, year or [])]


@router.get(
    "/api/diff",
    response_model=DiffOut,
    responses={**ERRORS, 400: {"model": ErrorResponse, "description": "The two years are the same."}},
    summary="What changed between two years' reports of one body",
)
def diff(
    catalog: CatalogDep,
    body: Annotated[str, Query(min_length=1, max_length=100, description="The body (平潭, 洪泽区政府).")],
    year: Annotated[int, Query(ge=1990, le=2100, description="A year.")],
    year2: Annotated[
        int | None,
        Query(
            ge=1990, le=2100, description="The other year; default: the body's latest report before `year`."
        ),
    ] = None,
) -> DiffOut:
    """Every table cell that changed with both values, the rates, and the sentences of the text
    added, removed or rewritten part by part (boilerplate most bodies' reports carry left out);
    the earlier year first, whichever order the years are given in."""
    before, after = choose.pair(catalog, choose.one_body(catalog, body), year, year2)
    found = changes(catalog, before.meta.id, after.meta.id)
    if found is None:
        raise ApiError(404, "not_found", "the reports are no longer stored; GET /api/reports lists them")
    return DiffOut.of(found)


@router.get("/api/coverage", response_model=CoverageOut, summary="Which bodies and years are stored")
def coverage(catalog: CatalogDep) -> CoverageOut:
    """Every body's stored years, and the years missing between its first and last report."""
    return CoverageOut.of(stored_coverage(catalog))


@router.get(
    "/api/export",
    response_class=Response,
    responses={
        200: {"content": {DOCX: {}, "text/csv": {}}, "description": "A .docx or .csv download."},
        **ERRORS,
    },
    summary="A report for one body over several years (.docx or .csv)",
)
def export(
    catalog: CatalogDep,
    body: Annotated[str, Query(min_length=1, max_length=100, description="The body (平潭综合实验区).")],
    years: Annotated[
        str,
        Query(
            max_length=60,
            pattern=choose.YEARS_PATTERN,
            description="`2021-2025`, or `2021,2023` (years of 1900–2099).",
            examples=["2021-2025"],
        ),
    ],
    format: Annotated[Literal["docx", "csv"], Query(description="`docx` (Word) or `csv`.")] = "docx",
) -> Response:
    """The figures table, the rates, the audit and the changes from year to year, every number
    cited to file · table · row · column."""
    wanted = choose.parse_years(years)  # the pattern has let only years through
    found = dossier(catalog, body, wanted)
    stem = f"nianbao-{found.body}-{wanted[0]}-{wanted[-1]}"
    if format == "csv":
        return _download(csv_of(found), f"{stem}.csv")
    return Response(docx_bytes(found), media_type=DOCX, headers=_attachment(f"{stem}.docx"))


def _download(text: str, name: str) -> Response:
    """CSV with a BOM, so Excel reads the Chinese."""
    return Response(
        ("\ufeff" + text).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=_attachment(name)
    )


def _attachment(name: str) -> dict[str, str]:
    """A download's file name; a Chinese one as RFC 5987 ``filename*``, beside an ASCII one."""
    ascii_name = name.encode("ascii", "ignore").decode() or "nianbao-export"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"}

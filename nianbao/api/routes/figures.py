"""GET /api/figures (JSON or CSV), GET /api/findings and GET /api/metrics: the staff's data view."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from nianbao.api.deps import CatalogDep
from nianbao.api.errors import ApiError
from nianbao.api.export import CSV_COLUMNS, figures_csv
from nianbao.api.schemas import ErrorResponse, FindingOut, Metric, Record
from nianbao.catalog import metrics as metric_dictionary
from nianbao.catalog import unknown_key
from nianbao.keys import CANONICAL_KEYS

router = APIRouter(tags=["figures"])

#: What ``key`` is documented to take: the tables, their rows and every key, in table order.
KEY_CHOICES = list(
    dict.fromkeys(p for k in CANONICAL_KEYS for p in (k.split(".")[0], k.rsplit(".", 1)[0], k))
)

BodyQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Part of a body's name, or a name people use for it (市中区政府办).",
        examples=["市中区政府办"],
    ),
]
#: The old name of ``body``, accepted for one release.
AgencyQuery = Annotated[
    str | None, Query(max_length=100, deprecated=True, description="Deprecated: use `body`.")
]
YearQuery = Annotated[list[int] | None, Query(description="A year; repeat for several.", examples=[2023])]


@router.get(
    "/api/figures",
    response_model=list[Record],
    responses={
        200: {
            "content": {"text/csv": {"example": ",".join(CSV_COLUMNS) + "\r\n"}},
            "description": "JSON records, or a CSV download with `format=csv`.",
        },
        400: {"model": ErrorResponse, "description": "No canonical key starts with `key`; names the nearest"},
    },
    summary="Stored table cells, filtered by body, year and key",
)
def figures(
    catalog: CatalogDep,
    body: BodyQuery = None,
    year: YearQuery = None,
    key: Annotated[
        str | None,
        Query(
            max_length=64,
            description="A canonical key, a row (`t3.new_received`) or a table (`t3`): the cells whose "
            "key starts with it. Any other start of a key works too; one that starts no key is a 400 "
            "naming the nearest.",
            examples=["t3.new_received"],
            json_schema_extra={"enum": KEY_CHOICES},
        ),
    ] = None,
    format: Annotated[
        Literal["json", "csv"], Query(description="`csv` downloads the rows for Excel.")
    ] = "json",
    agency: AgencyQuery = None,
) -> list[Record] | Response:
    """Stored cells matching the filters, in table order, as JSON records or a CSV download."""
    if problem := unknown_key(key):
        raise ApiError(400, "unknown_key", problem + " (GET /api/metrics lists every key)")
    cells = catalog.cells(body or agency, year or [], key)
    if format == "csv":
        return Response(
            ("\ufeff" + figures_csv(cells)).encode("utf-8"),  # the BOM makes Excel read the Chinese
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="nianbao-figures.csv"'},
        )
    return [Record.of(c) for c in cells]


@router.get("/api/findings", response_model=list[FindingOut], summary="Arithmetic findings")
def findings(
    catalog: CatalogDep, body: BodyQuery = None, year: YearQuery = None, agency: AgencyQuery = None
) -> list[FindingOut]:
    """Where reports break their own arithmetic (勾稽关系), including 上年结转 vs last year's 结转;
    all reports, or those of a body and years."""
    return [FindingOut.of(f) for f in catalog.findings(body or agency, year or [])]


@router.get("/api/metrics", response_model=list[Metric], summary="Canonical keys with Chinese labels")
def metrics() -> list[dict]:
    """The metric dictionary (keys.py), for choosing what to show in the data view."""
    return metric_dictionary()

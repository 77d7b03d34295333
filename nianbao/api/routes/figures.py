"""GET /api/figures (JSON or CSV), GET /api/findings and GET /api/metrics: the staff's data view."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from nianbao import catalog
from nianbao.api.deps import LibraryDep
from nianbao.api.schemas import FindingOut, Metric, Record

router = APIRouter(tags=["figures"])

CSV_COLUMNS = list(Record.model_fields)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


@router.get(
    "/api/figures",
    response_model=list[Record],
    responses={
        200: {
            "content": {"text/csv": {"example": ",".join(CSV_COLUMNS) + "\r\n"}},
            "description": "JSON records, or a CSV download with `format=csv`.",
        }
    },
    summary="Stored table cells, filtered by body, year and key",
)
def figures(
    library: LibraryDep,
    agency: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Part of a body's name, or a name people use for it (市中区政府办).",
            examples=["市中区政府办"],
        ),
    ] = None,
    year: Annotated[
        list[int] | None, Query(description="A year; repeat for several.", examples=[2023])
    ] = None,
    key: Annotated[
        str | None,
        Query(
            max_length=64,
            description="Canonical key prefix, e.g. `t3.new_received`.",
            examples=["t3.new_received"],
        ),
    ] = None,
    format: Annotated[
        Literal["json", "csv"], Query(description="`csv` downloads the rows for Excel.")
    ] = "json",
) -> list[dict] | Response:
    rows = catalog.figure_rows(library, agency, year or [], key)
    if format == "csv":
        return Response(
            to_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="nianbao-figures.csv"'},
        )
    return rows


def to_csv(rows: list[dict]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese), a header row, one row per cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: object) -> object:
    """Text from a report that a spreadsheet would run as a formula (=, +, -, @) gets a leading '."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(value):
        return "'" + value
    return "" if value is None else value


@router.get("/api/findings", response_model=list[FindingOut], summary="Every arithmetic finding")
def findings(library: LibraryDep) -> list[dict]:
    """Where reports break their own arithmetic (勾稽关系), including 上年结转 vs last year's 结转."""
    return catalog.finding_rows(library)


@router.get("/api/metrics", response_model=list[Metric], summary="Canonical keys with Chinese labels")
def metrics() -> list[dict]:
    """The metric dictionary (keys.py), for choosing what to show in the data view."""
    return catalog.metrics()

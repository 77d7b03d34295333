"""The derived rates of stored reports (keys.RATES), each with its formula and every cell it used.

The definitions are ``keys.RATES`` and the arithmetic is ``FiguresTool.rate``; this reads them
for a body and years, report by report, in the order ``nianbao rates``, ``GET /api/rates``,
the page and the export show them.

>>> [r.formula for r in report_rates(catalog, "平潭", [2024]) if r.rate.name == "review_correction"]
['结果纠正1 ÷ 总计7 = 14.3%']
"""

from __future__ import annotations

from collections.abc import Sequence

from nianbao.catalog import Catalog
from nianbao.keys import RATES, SMALL_SAMPLE
from nianbao.model import StoredReport
from nianbao.retrieval.figures import RateFigure
from nianbao.review.spreadsheet import csv_text

#: The columns of the rates as CSV (``nianbao rates --format csv``, ``GET /api/rates?format=csv``).
CSV_COLUMNS = ["source", "body", "year", "rate", "label", "percent", "formula", "note", "cells"]


def report_rates(catalog: Catalog, body: str | None = None, years: Sequence[int] = ()) -> list[RateFigure]:
    """Every rate of every current report of the body and years (as ``Catalog.matching_reports``
    reads them), by report (body, year) and then in the order of ``keys.RATES``. A report lacking
    a figure a rate needs has no row for it; one whose denominator is 0 has a row without value."""
    return rates_of(catalog, catalog.matching_reports(body, years))


def rates_of(catalog: Catalog, reports: Sequence[StoredReport]) -> list[RateFigure]:
    """Every rate of these reports, report by report in their order."""
    ids = [r.meta.id for r in reports]
    order = {report_id: i for i, report_id in enumerate(ids)}
    found = [value for rate in RATES.values() for value in catalog.figures.rate(ids, rate)]
    names = list(RATES)
    return sorted(found, key=lambda r: (order[r.report_id], names.index(r.rate.name)))


def sample_note(rate: RateFigure) -> str:
    """What to know beside a rate: 样本较少（7件，少于30件） over fewer than ``keys.SMALL_SAMPLE``
    cases, and a printed total that disagrees with its parts (``RateFigure.note``); "" otherwise."""
    small = f"样本较少（{rate.cases:g}件，少于{SMALL_SAMPLE}件）" if rate.small_sample else ""
    return "；".join(n for n in (small, rate.note) if n)


def rates_csv(rates: Sequence[RateFigure]) -> str:
    """The rates as CSV: one row each, with its formula, note and the cells it used (table · row ·
    column, and page)."""
    rows = (
        {
            "source": r.source,
            "body": r.body,
            "year": r.year,
            "rate": r.rate.name,
            "label": r.rate.label,
            "percent": r.percent,
            "formula": r.formula,
            "note": sample_note(r),
            "cells": "；".join(dict.fromkeys(c.locator for c in r.cells)),
        }
        for r in rates
    )
    return csv_text(CSV_COLUMNS, rows)

"""The read side the API shows: stored reports, their records and findings, the metric list.

Plain functions over the Library and the store (no SQL here); the routes call them and wrap the
results in the models of ``api.schemas``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from nianbao import store
from nianbao.answer.model import Citation
from nianbao.keys import CANONICAL_KEYS, TABLE_NAMES, label_of, row_heading
from nianbao.library import Library
from nianbao.retrieval.bodies import BodyResolver, same_body
from nianbao.retrieval.figures import CellRef, FiguresTool

_PAGE_SUFFIX = re.compile(r" · 第\d+页$")


# --- reports --------------------------------------------------------------------------------


def report_rows(library: Library) -> list[dict]:
    """Every stored report with its cell count, by body and year."""
    with library.engine.connect() as conn:
        return [_summary(rep, len(store.load_cells(conn, rep.meta.id))) for rep in store.list_reports(conn)]


def report_count(library: Library) -> int:
    with library.engine.connect() as conn:
        return len(store.list_reports(conn))


def report_detail(library: Library, report_id: str) -> dict | None:
    """One report: metadata, sections, records and findings; None when there is no such report."""
    with library.engine.connect() as conn:
        rep = store.get_report(conn, report_id)
        if rep is None:
            return None
        cells = store.load_cells(conn, report_id)
        sections = store.load_sections(conn, report_id)
        findings = store.load_findings(conn, report_id)
    m = rep.meta
    where = {"source": m.source, "agency": m.body, "year": m.year}
    return {
        **_summary(rep, len(cells)),
        "warnings": list(rep.warnings),
        "sections": [{"path": list(s.path), "start": s.start, "end": s.end} for s in sections],
        "records": [
            {
                **where,
                "key": c.key,
                "value": c.value,
                "as_written": c.as_written,
                "table": c.table,
                "row_label": c.row_label,
                "column_label": c.column_label,
                "page": c.page,
            }
            for c in cells
        ],
        "findings": [
            {**where, "rule": f.rule, "keys": list(f.keys), "numbers": list(f.numbers), "message": f.message}
            for f in findings
        ],
    }


def _summary(rep: store.StoredReport, cells: int) -> dict:
    m = rep.meta
    return {
        "id": m.id,
        "body": m.body,
        "year": m.year,
        "layout": m.layout,
        "source": m.source,
        "format": m.format,
        "also_seen_as": list(rep.also_seen_as),
        "cells": cells,
        "title": m.title,
        "ingested_at": rep.ingested_at,
    }


# --- figures and findings -------------------------------------------------------------------


def matching_reports(library: Library, agency: str | None, years: Sequence[int]) -> list[store.StoredReport]:
    """Reports whose body contains ``agency`` or is the body it names (市中区政府办), in ``years``."""
    with library.engine.connect() as conn:
        reports = store.list_reports(conn)
    if agency:
        mentions = BodyResolver({r.meta.body for r in reports}).resolve(agency)
        resolved = {name for m in mentions for name in (m.exact or m.near)}
        reports = [
            r
            for r in reports
            if agency in r.meta.body or any(same_body(r.meta.body, name) for name in resolved)
        ]
    if years:
        reports = [r for r in reports if r.meta.year in set(years)]
    return sorted(reports, key=lambda r: (r.meta.body, r.meta.year or 0))


def figure_rows(library: Library, agency: str | None, years: Sequence[int], key: str | None) -> list[dict]:
    """Stored cells as export rows, by body and year, each report's cells in table order."""
    reports = matching_reports(library, agency, years)
    refs = FiguresTool(library.engine).cells([r.meta.id for r in reports]) if reports else []
    order = {r.meta.id: i for i, r in enumerate(reports)}
    refs = [ref for ref in refs if not key or ref.key.startswith(key)]
    refs.sort(key=lambda ref: order[ref.report_id])  # stable: keeps the table order within a report
    return [_record(ref) for ref in refs]


def _record(ref: CellRef) -> dict:
    return {
        "source": ref.source,
        "agency": ref.agency,
        "year": ref.year,
        "key": ref.key,
        "value": ref.value,
        "as_written": ref.as_written,
        "table": ref.table,
        "row_label": ref.row_label,
        "column_label": ref.column_label,
        "page": ref.page,
    }


def finding_rows(library: Library) -> list[dict]:
    """Every arithmetic finding, with the report it was found in."""
    return [
        {
            "source": rep.meta.source,
            "agency": rep.meta.body,
            "year": rep.meta.year,
            "rule": f.rule,
            "keys": list(f.keys),
            "numbers": list(f.numbers),
            "message": f.message,
        }
        for rep, f in library.findings()
    ]


# --- metrics and citations ------------------------------------------------------------------


def metrics() -> list[dict]:
    """Every canonical key with its Chinese row and column labels (keys.py)."""
    out = []
    for key in CANONICAL_KEYS:
        table, row, column = key.split(".")
        row_label, column_label = label_of(key)
        out.append(
            {
                "key": key,
                "table": table,
                "table_name": TABLE_NAMES[table],
                "row": row,
                "column": column,
                "row_label": row_label,
                "column_label": column_label,
                "row_heading": row_heading(table, row),
            }
        )
    return out


def cited_keys(library: Library, citations: Iterable[Citation]) -> list[str | None]:
    """The cell key each citation points at (None for a text passage).

    A cell citation's locator is ``table · row label · column label`` (· page), as stored; it is
    matched against the cells of the cited report.
    """
    citations = list(citations)
    places: dict[str, dict[str, str]] = {}
    with library.engine.connect() as conn:
        for report_id in {c.report_id for c in citations if c.report_id}:
            places[report_id] = {
                f"{cell.table} · {cell.row_label} · {cell.column_label}": cell.key
                for cell in reversed(store.load_cells(conn, report_id))  # the first cell wins a tie
            }
    return [places.get(c.report_id, {}).get(_PAGE_SUFFIX.sub("", c.locator)) for c in citations]

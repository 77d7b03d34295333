"""Stored rows as the values of ``nianbao.model``: shared by ``queries`` (rows from SQLAlchemy)
and ``lite`` (rows from sqlite3), so both read a row the same way."""

from __future__ import annotations

from typing import Any

from nianbao.model import Cell, Finding, ReportMeta, StoredCell, StoredReport, TableCoverage


def meta_row(row: Any) -> ReportMeta:
    """The report's metadata from a ``reports`` row."""
    return ReportMeta(
        id=row.id,
        source=row.source,
        format=row.format,
        body=row.body,
        region=row.region,
        year=row.year,
        layout=row.layout,
        title=row.title,
        sha256=row.sha256,
        published=row.published,
        source_url=row.source_url,
    )


def stored_report(row: Any) -> StoredReport:
    """A version from a ``reports`` row (its cells not counted)."""
    return StoredReport(
        meta_row(row),
        tuple(row.warnings),
        tuple(row.also_seen_as),
        row.ingested_at,
        coverage=tuple(TableCoverage(*item) for item in row.coverage or ()),
        version=row.version,
        current=bool(row.current),
        deleted_at=row.deleted_at,
    )


def value(row: Any) -> float | int | None:
    """A cell's value: an int where the report wrote a whole number."""
    number = row.value
    return int(number) if number is not None and row.is_int else number


def cell(r: Any) -> Cell:
    """A ``cells`` row as extracted."""
    return Cell(r.key, value(r), r.as_written, r.table_name, r.row_label, r.column_label, r.page, r.note)


def stored_cell(row: Any) -> StoredCell:
    """A ``cells`` row joined with its report's source, body and year."""
    return StoredCell(
        row.report_id,
        row.source,
        row.body,
        row.year,
        row.key,
        value(row),
        row.as_written,
        row.table_name,
        row.row_label,
        row.column_label,
        row.page,
    )


def finding(r: Any) -> Finding:
    """A ``findings`` row."""
    return Finding(r.rule, tuple(r.keys), tuple(r.numbers), r.message, r.quote)

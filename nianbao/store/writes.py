"""Writes to the record store. A report is written or replaced as a unit, in one transaction,
so a reader sees the old or the new version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, select

from nianbao.model import Cell, Finding, NarrativeFigure, Report, Section
from nianbao.store.schema import (
    CHILD_TABLES,
    body_aliases,
    cells,
    chunks,
    findings,
    narrative,
    reports,
    sections,
)


def write_report(
    conn: Connection,
    report: Report,
    *,
    chunk_rows: Sequence[dict[str, Any]] = (),
    replaces: str | None = None,
    also_seen_as: Iterable[str] = (),
) -> None:
    """Insert a report with everything extracted from it; ``replaces`` is deleted first.

    Call inside ``engine.begin()`` so the delete and the insert are one transaction.
    """
    if replaces:
        delete_report(conn, replaces)
    m = report.meta
    conn.execute(
        insert(reports).values(
            id=m.id,
            sha256=m.sha256,
            source=m.source,
            format=m.format,
            body=m.body,
            region=m.region,
            year=m.year,
            layout=m.layout,
            title=m.title,
            text=report.text,
            warnings=list(report.warnings),
            also_seen_as=list(also_seen_as),
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            published=m.published,
            source_url=m.source_url,
            coverage=[[c.table, c.name, c.read, c.expected] for c in report.coverage],
        )
    )
    _insert_many(conn, sections, [_section_row(m.id, s) for s in report.sections])
    _insert_many(conn, cells, [_cell_row(m.id, c) for c in report.cells])
    _insert_many(conn, findings, [_finding_row(m.id, f) for f in report.findings])
    _insert_many(conn, narrative, [_figure_row(m.id, f) for f in report.narrative])
    _insert_many(conn, chunks, [{**row, "report_id": m.id} for row in chunk_rows])


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), rows)


def _section_row(report_id: str, s: Section) -> dict[str, Any]:
    return {"report_id": report_id, "path": list(s.path), "start": s.start, "end": s.end}


def _cell_row(report_id: str, c: Cell) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "key": c.key,
        "value": c.value,
        "is_int": int(isinstance(c.value, int)),
        "as_written": c.as_written,
        "table_name": c.table,
        "row_label": c.row_label,
        "column_label": c.column_label,
        "page": c.page,
        "note": c.note,
    }


def _finding_row(report_id: str, f: Finding) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "rule": f.rule,
        "keys": list(f.keys),
        "numbers": list(f.numbers),
        "message": f.message,
        "quote": f.quote,
    }


def _figure_row(report_id: str, f: NarrativeFigure) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "quote": f.quote,
        "value": f.value,
        "unit": f.unit,
        "key": f.key,
        "start": f.start,
    }


def add_alias(conn: Connection, report_id: str, source: str) -> None:
    """Remember that ``source`` held the same report in another format."""
    seen = conn.execute(select(reports.c.also_seen_as).where(reports.c.id == report_id)).scalar_one()
    if source not in seen:
        conn.execute(reports.update().where(reports.c.id == report_id).values(also_seen_as=[*seen, source]))


def add_body_alias(conn: Connection, alias: str, body: str) -> None:
    """Remember that ``alias`` names the body stored as ``body`` (the alias's last word wins)."""
    if alias == body:
        return
    conn.execute(delete(body_aliases).where(body_aliases.c.alias == alias))
    conn.execute(insert(body_aliases).values(alias=alias, body=body))


def rename_body(conn: Connection, old: str, new: str) -> None:
    """Store every report of ``old`` under ``new``; ``old`` and its aliases become aliases of it."""
    conn.execute(reports.update().where(reports.c.body == old).values(body=new))
    conn.execute(body_aliases.update().where(body_aliases.c.body == old).values(body=new))
    conn.execute(delete(body_aliases).where(body_aliases.c.alias == new))
    add_body_alias(conn, old, new)


def delete_report(conn: Connection, report_id: str) -> bool:
    """Delete a report and every row that belongs to it; False when there was none."""
    for table in CHILD_TABLES:
        conn.execute(delete(table).where(table.c.report_id == report_id))
    return conn.execute(delete(reports).where(reports.c.id == report_id)).rowcount > 0


def lock_writes(conn: Connection) -> None:
    """Take the database's write lock now rather than at the first write."""
    dialect = conn.engine.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql("UPDATE reports SET id = id WHERE 0")
    elif dialect == "postgresql":
        conn.exec_driver_sql("LOCK TABLE reports, chunks IN SHARE ROW EXCLUSIVE MODE")


def delete_orphan_rows(conn: Connection) -> int:
    """Delete rows whose report row is gone; how many were deleted."""
    deleted = 0
    for table in CHILD_TABLES:
        result = conn.execute(delete(table).where(table.c.report_id.not_in(select(reports.c.id))))
        deleted += result.rowcount or 0
    return deleted

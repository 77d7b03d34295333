"""Writes to the record store. A report is written, and a version made current, as a unit in one
transaction (:func:`nianbao.store.writing`), so a reader sees the old or the new version.

Nothing is destroyed here but by :func:`purge_deleted` (soft-deleted versions past their retention)
and :func:`delete_orphan_rows`; every other change of which version is current is logged in
``audit`` by the caller (:func:`log_action`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from nianbao.model import Cell, Finding, NarrativeFigure, Report, ReportMeta, Section
from nianbao.store.schema import (
    CHILD_TABLES,
    audit,
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
    current: bool = True,
    also_seen_as: Iterable[str] = (),
) -> None:
    """Insert a report with everything extracted from it, as the current version of its body and
    year or (``current=False``) as a version kept beside the current one.

    Call inside :func:`nianbao.store.writing`; retire the current version first
    (:func:`make_current` does both for a stored version).
    """
    m = report.meta
    latest = conn.execute(
        select(func.max(reports.c.version)).where(reports.c.body == m.body, reports.c.year == m.year)
    ).scalar()
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
            ingested_at=now(),
            version=(latest or 0) + 1,
            current=current,
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


def now() -> str:
    """The time stamps of the store: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def retire(conn: Connection, report_id: str) -> None:
    """The version is no longer current (it stays stored)."""
    conn.execute(update(reports).where(reports.c.id == report_id).values(current=False))


def make_current(conn: Connection, report_id: str) -> str | None:
    """Make a stored version (a kept or a soft-deleted one) the current one of its body and year;
    the id of the version it takes over from, if there was one."""
    row = conn.execute(select(reports.c.body, reports.c.year).where(reports.c.id == report_id)).one()
    before = conn.execute(
        select(reports.c.id).where(
            reports.c.body == row.body,
            reports.c.year == row.year,
            reports.c.current.is_(True),
            reports.c.id != report_id,
        )
    ).scalar()
    if before:
        retire(conn, before)
    conn.execute(update(reports).where(reports.c.id == report_id).values(current=True, deleted_at=None))
    return before


def soft_delete(conn: Connection, report_id: str) -> bool:
    """Mark a version deleted (no longer current, purged after the retention period); False when
    there is no such version or it is deleted already."""
    result = conn.execute(
        update(reports)
        .where(reports.c.id == report_id, reports.c.deleted_at.is_(None))
        .values(current=False, deleted_at=now())
    )
    return bool(result.rowcount)


def purge_deleted(conn: Connection, deleted_before: str) -> list[str]:
    """Delete for good the versions soft-deleted at or before this time; their ids."""
    ids = list(
        conn.execute(
            select(reports.c.id).where(
                reports.c.deleted_at.is_not(None), reports.c.deleted_at <= deleted_before
            )
        ).scalars()
    )
    for report_id in ids:
        delete_report(conn, report_id)
    return ids


def log_action(
    conn: Connection, actor: str, action: str, meta: ReportMeta, detail: str, at: str | None = None
) -> None:
    """One line of the audit log: who did what to which version, and when."""
    conn.execute(
        insert(audit).values(
            at=at or now(),
            actor=actor,
            action=action,
            report_id=meta.id,
            body=meta.body,
            year=meta.year,
            source=meta.source,
            detail=detail,
        )
    )


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
    """Delete a version and all its rows for good (only a purge does this)."""
    for table in CHILD_TABLES:
        conn.execute(delete(table).where(table.c.report_id == report_id))
    return conn.execute(delete(reports).where(reports.c.id == report_id)).rowcount > 0


def delete_orphan_rows(conn: Connection) -> int:
    """Delete rows whose report row is gone; how many were deleted."""
    deleted = 0
    for table in CHILD_TABLES:
        result = conn.execute(delete(table).where(table.c.report_id.not_in(select(reports.c.id))))
        deleted += result.rowcount or 0
    return deleted

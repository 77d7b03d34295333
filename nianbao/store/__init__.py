"""The record store: reports, sections, cells, findings and chunks in one SQL database.

SQLite under the data directory by default; any SQLAlchemy URL (PostgreSQL) works. A report is
written or replaced as a unit, in one transaction, so a reader sees the old or the new version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from nianbao.model import Cell, Finding, NarrativeFigure, Report, ReportMeta, Section

metadata = MetaData()

reports = Table(
    "reports",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("format", String(8), nullable=False),
    Column("body", Text, nullable=False, index=True),
    Column("region", Text),
    Column("year", Integer, index=True),
    Column("layout", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("also_seen_as", JSON, nullable=False),
    Column("ingested_at", String(32), nullable=False),
)

_ref = dict(nullable=False, index=True)

sections = Table(
    "sections",
    metadata,
    Column("report_id", String(32), ForeignKey("reports.id", ondelete="CASCADE"), **_ref),
    Column("path", JSON, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

cells = Table(
    "cells",
    metadata,
    Column("report_id", String(32), ForeignKey("reports.id", ondelete="CASCADE"), **_ref),
    Column("key", String(64), nullable=False, index=True),
    Column("value", Float),
    Column("is_int", Integer, nullable=False),
    Column("as_written", Text, nullable=False),
    Column("table_name", Text, nullable=False),
    Column("row_label", Text, nullable=False),
    Column("column_label", Text, nullable=False),
    Column("page", Integer),
    Column("note", Text),
)

findings = Table(
    "findings",
    metadata,
    Column("report_id", String(32), ForeignKey("reports.id", ondelete="CASCADE"), **_ref),
    Column("rule", String(32), nullable=False),
    Column("keys", JSON, nullable=False),
    Column("numbers", JSON, nullable=False),
    Column("message", Text, nullable=False),
)

narrative = Table(
    "narrative",
    metadata,
    Column("report_id", String(32), ForeignKey("reports.id", ondelete="CASCADE"), **_ref),
    Column("quote", Text, nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(8), nullable=False),
    Column("key", String(64)),
    Column("start", Integer, nullable=False),
)

chunks = Table(
    "chunks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("report_id", String(32), ForeignKey("reports.id", ondelete="CASCADE"), **_ref),
    Column("text", Text, nullable=False),
    Column("section_path", JSON, nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("page", Integer),
    Column("kind", String(8), nullable=False),
)

#: Which format's records to keep when one report arrives in several formats: structured first.
FORMAT_RANK = {"docx": 4, "html": 3, "pdf": 2, "txt": 1}


@dataclass(frozen=True)
class StoredReport:
    meta: ReportMeta
    warnings: tuple[str, ...]
    also_seen_as: tuple[str, ...]
    ingested_at: str


def connect(url: str) -> Engine:
    """An engine with the schema in place; SQLite gets WAL and foreign keys."""
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _: Any) -> None:
            # SQLAlchemy, not pysqlite, decides where transactions begin: a reader's SELECTs then
            # share one snapshot and never see half of a replace.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

    metadata.create_all(engine)
    return engine


def _meta_row(row: Any) -> ReportMeta:
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
    )


def _stored(row: Any) -> StoredReport:
    return StoredReport(_meta_row(row), tuple(row.warnings), tuple(row.also_seen_as), row.ingested_at)


def list_reports(conn: Connection) -> list[StoredReport]:
    rows = conn.execute(select(reports).order_by(reports.c.body, reports.c.year)).all()
    return [_stored(r) for r in rows]


def get_report(conn: Connection, report_id: str) -> StoredReport | None:
    row = conn.execute(select(reports).where(reports.c.id == report_id)).first()
    return _stored(row) if row else None


def find_by_sha(conn: Connection, sha256: str) -> StoredReport | None:
    row = conn.execute(select(reports).where(reports.c.sha256 == sha256)).first()
    return _stored(row) if row else None


def find_by_body_year(conn: Connection, body: str, year: int | None) -> StoredReport | None:
    row = conn.execute(select(reports).where(reports.c.body == body, reports.c.year == year)).first()
    return _stored(row) if row else None


def report_text(conn: Connection, report_id: str) -> str:
    return conn.execute(select(reports.c.text).where(reports.c.id == report_id)).scalar_one()


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


def _finding_row(report_id: str, f: Finding) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "rule": f.rule,
        "keys": list(f.keys),
        "numbers": list(f.numbers),
        "message": f.message,
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


def delete_report(conn: Connection, report_id: str) -> bool:
    for table in (sections, cells, findings, narrative, chunks):
        conn.execute(delete(table).where(table.c.report_id == report_id))
    return conn.execute(delete(reports).where(reports.c.id == report_id)).rowcount > 0


def load_cells(conn: Connection, report_id: str) -> list[Cell]:
    rows = conn.execute(select(cells).where(cells.c.report_id == report_id)).all()
    return [_cell(r) for r in rows]


def _cell(r: Any) -> Cell:
    value = r.value
    if value is not None and r.is_int:
        value = int(value)
    return Cell(r.key, value, r.as_written, r.table_name, r.row_label, r.column_label, r.page, r.note)


def load_findings(conn: Connection, report_id: str) -> list[Finding]:
    rows = conn.execute(select(findings).where(findings.c.report_id == report_id)).all()
    return [Finding(r.rule, tuple(r.keys), tuple(r.numbers), r.message) for r in rows]


def load_sections(conn: Connection, report_id: str) -> list[Section]:
    rows = conn.execute(select(sections).where(sections.c.report_id == report_id)).all()
    return [Section(tuple(r.path), r.start, r.end) for r in rows]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)

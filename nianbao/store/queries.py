"""Reads from the record store. Each returns values of ``nianbao.model`` (or, for the search
index's chunks, plain row mappings), never a SQL row.

Lists of reports and everything search reads hold the current versions only (``reports.current``);
a version's own rows are read by its id, whatever its state (:func:`versions` lists them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import Connection, func, select

from nianbao.model import (
    AuditEntry,
    Cell,
    Finding,
    NarrativeFigure,
    Section,
    StoredCell,
    StoredReport,
)
from nianbao.store.rows import cell as _cell
from nianbao.store.rows import finding as _finding
from nianbao.store.rows import stored_cell as _stored_cell
from nianbao.store.rows import stored_report as _stored
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

# --- reports -----------------------------------------------------------------------------


#: Every column of ``reports`` but the text, which only a text answer reads (:func:`report_text`).
_META = [c for c in reports.c if c.name != "text"]
#: The versions answers, figures, findings and search read.
IS_CURRENT = reports.c.current.is_(True)
#: Which versions :func:`list_reports` lists.
Which = Literal["current", "versions", "deleted"]
_WHICH = {
    "current": IS_CURRENT,
    "versions": reports.c.deleted_at.is_(None),
    "deleted": reports.c.deleted_at.is_not(None),
}


def list_reports(conn: Connection, which: Which = "current") -> list[StoredReport]:
    """The current versions (``versions``: every version not deleted; ``deleted``: the
    soft-deleted ones), by body and year, older versions first (``cells`` not counted: see
    :func:`cell_counts`)."""
    query = select(*_META).where(_WHICH[which])
    rows = conn.execute(query.order_by(reports.c.body, reports.c.year, reports.c.version)).all()
    return [_stored(r) for r in rows]


def get_report(conn: Connection, report_id: str) -> StoredReport | None:
    """A version by id, whatever its state."""
    row = conn.execute(select(*_META).where(reports.c.id == report_id)).first()
    return _stored(row) if row else None


def find_by_sha(conn: Connection, sha256: str) -> StoredReport | None:
    """The version stored from the file with this hash, whatever its state."""
    row = conn.execute(select(*_META).where(reports.c.sha256 == sha256)).first()
    return _stored(row) if row else None


def find_by_body_year(conn: Connection, body: str, year: int | None) -> StoredReport | None:
    """The current version of this body's report for this year."""
    query = select(*_META).where(reports.c.body == body, reports.c.year == year, IS_CURRENT)
    row = conn.execute(query).first()
    return _stored(row) if row else None


def versions(conn: Connection, report_id: str) -> list[StoredReport]:
    """Every version (deleted ones too) of the report this version belongs to: same body and
    year, oldest first; empty when there is no such version."""
    rep = get_report(conn, report_id)
    if rep is None:
        return []
    query = select(*_META).where(reports.c.body == rep.meta.body, reports.c.year == rep.meta.year)
    return [_stored(r) for r in conn.execute(query.order_by(reports.c.version, reports.c.ingested_at))]


def deleted_before(conn: Connection, at: str) -> list[StoredReport]:
    """The versions soft-deleted at or before this time (the ones a purge deletes for good)."""
    query = select(*_META).where(reports.c.deleted_at.is_not(None), reports.c.deleted_at <= at)
    return [_stored(r) for r in conn.execute(query)]


def audit_log(conn: Connection, report_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest lines of the audit log first (only those about one version, when given)."""
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if report_id is not None:
        query = query.where(audit.c.report_id == report_id)
    return [
        AuditEntry(r.at, r.actor, r.action, r.report_id, r.body, r.year, r.source, r.detail)
        for r in conn.execute(query)
    ]


def body_alias_map(conn: Connection) -> dict[str, str]:
    """Alias → canonical body name, for every alias recorded."""
    return {row.alias: row.body for row in conn.execute(select(body_aliases))}


def body_regions(conn: Connection) -> dict[str, set[str]]:
    """Each stored body's name → the regions its reports give."""
    out: dict[str, set[str]] = {}
    for row in conn.execute(select(reports.c.body, reports.c.region).distinct()):
        out.setdefault(row.body, set()).update([row.region] if row.region else [])
    return out


def reports_of_body(conn: Connection, body: str) -> list[str]:
    """The ids of the reports stored under ``body``."""
    return list(conn.execute(select(reports.c.id).where(reports.c.body == body)).scalars())


def report_text(conn: Connection, report_id: str) -> str:
    """A report's narrative text."""
    return conn.execute(select(reports.c.text).where(reports.c.id == report_id)).scalar_one()


def report_texts(conn: Connection, report_ids: Sequence[str]) -> dict[str, str]:
    """The narrative text of each of these reports, by id."""
    ids = list(report_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        query = select(reports.c.id, reports.c.text).where(reports.c.id.in_(ids[i : i + 500]))
        out.update({row.id: row.text for row in conn.execute(query)})
    return out


def cell_counts(conn: Connection) -> dict[str, int]:
    """Report id → how many cells it has (reports without cells are absent)."""
    query = select(cells.c.report_id, func.count().label("n")).group_by(cells.c.report_id)
    return {row.report_id: row.n for row in conn.execute(query)}


def reports_with_sections(conn: Connection) -> set[str]:
    """The ids of the reports that have sections stored."""
    return set(conn.execute(select(sections.c.report_id).distinct()).scalars())


def sources_without_chunks(conn: Connection) -> list[str]:
    """The files of current reports that have no search chunks (ingested with --records-only)."""
    with_chunks = select(chunks.c.report_id).distinct()
    query = select(reports.c.source).where(reports.c.id.not_in(with_chunks), IS_CURRENT)
    return list(conn.execute(query.order_by(reports.c.source)).scalars())


# --- what was extracted from a report ------------------------------------------------------


def load_cells(conn: Connection, report_id: str) -> list[Cell]:
    """A report's cells as extracted, in table order."""
    rows = conn.execute(select(cells).where(cells.c.report_id == report_id)).all()
    return [_cell(r) for r in rows]


def stored_cells(
    conn: Connection, report_ids: Sequence[str], keys: Iterable[str] | None = None
) -> list[StoredCell]:
    """The cells of these reports (only ``keys``, when given) with their provenance; each
    report's cells in table order."""
    query = select(reports.c.source, reports.c.body, reports.c.year, cells).join(
        cells, cells.c.report_id == reports.c.id
    )
    query = query.where(reports.c.id.in_(list(report_ids)))
    if keys is not None:
        query = query.where(cells.c.key.in_(list(keys)))
    return [_stored_cell(row) for row in conn.execute(query).all()]


def load_findings(conn: Connection, report_id: str) -> list[Finding]:
    """A report's arithmetic findings."""
    rows = conn.execute(select(findings).where(findings.c.report_id == report_id)).all()
    return [_finding(r) for r in rows]


def load_sections(conn: Connection, report_id: str) -> list[Section]:
    """A report's sections, in text order."""
    rows = conn.execute(select(sections).where(sections.c.report_id == report_id)).all()
    return [Section(tuple(r.path), r.start, r.end) for r in rows]


def load_narrative(conn: Connection, report_ids: Sequence[str]) -> list[NarrativeFigure]:
    """The figures the text of these reports states (受理申请27件)."""
    rows = conn.execute(select(narrative).where(narrative.c.report_id.in_(list(report_ids)))).all()
    return [NarrativeFigure(r.quote, r.value, r.unit, r.key, r.start) for r in rows]


# --- search chunks -------------------------------------------------------------------------


def keyword_rows(conn: Connection, report_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every chunk of the current reports (of these reports, or of all) with its report's body
    and year, as the keyword index is built from them, in the order it keeps them."""
    c, r = chunks, reports
    query = (
        select(c.c.id, c.c.text, c.c.report_id, c.c.section_path, c.c.kind, r.c.body, r.c.year)
        .join(r, r.c.id == c.c.report_id)
        .where(IS_CURRENT)
        .order_by(r.c.year, r.c.body, c.c.report_id, c.c.id)
    )
    if report_ids is None:
        return [dict(row._mapping) for row in conn.execute(query)]
    ids = list(report_ids)
    return [
        dict(row._mapping)
        for i in range(0, len(ids), 500)
        for row in conn.execute(query.where(c.c.report_id.in_(ids[i : i + 500])))
    ]


def chunk_rows(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Stored chunk rows of current reports by id, joined with their report's source, body and
    year (a chunk of a version that is no longer current is left out)."""
    c, r = chunks, reports
    query = select(c, r.c.source, r.c.body, r.c.year).join(r, r.c.id == c.c.report_id).where(IS_CURRENT)
    return {row.id: dict(row._mapping) for row in conn.execute(query.where(c.c.id.in_(ids)))}


def stored_chunks(conn: Connection) -> dict[str, str]:
    """Chunk id → report id of every chunk row of a current report: what the search index holds."""
    rows = conn.execute(
        select(chunks.c.id, chunks.c.report_id)
        .join(reports, reports.c.id == chunks.c.report_id)
        .where(IS_CURRENT)
    )
    return {row.id: row.report_id for row in rows}


def chunks_of(conn: Connection, report_id: str) -> list[dict[str, Any]]:
    """One version's chunk rows (as written to the ``chunks`` table), whatever its state."""
    query = select(chunks).where(chunks.c.report_id == report_id).order_by(chunks.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def chunk_rows_by_report(conn: Connection, chunk_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """These chunks' stored rows (as written to the ``chunks`` table), by report id."""
    out: dict[str, list[dict[str, Any]]] = {}
    for i in range(0, len(chunk_ids), 500):
        query = select(chunks).where(chunks.c.id.in_(chunk_ids[i : i + 500]))
        for row in conn.execute(query.order_by(chunks.c.report_id, chunks.c.id)):
            out.setdefault(row.report_id, []).append(dict(row._mapping))
    return out


# --- health of the store -------------------------------------------------------------------


def orphan_rows(conn: Connection) -> dict[str, int]:
    """Rows whose report row is gone, by table (possible only when foreign keys were off)."""
    out = {}
    for table in CHILD_TABLES:
        query = select(table.c.report_id).where(table.c.report_id.not_in(select(reports.c.id)))
        count = len(conn.execute(query).all())
        if count:
            out[table.name] = count
    return out


def integrity_problems(conn: Connection) -> list[str] | None:
    """What SQLite's ``PRAGMA integrity_check`` reports (``[]`` when all is well); None for a
    database server, which checks itself."""
    if conn.engine.dialect.name != "sqlite":
        return None
    result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").all()]
    return [] if result == ["ok"] else result

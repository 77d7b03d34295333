"""Reads from the record store. Each returns values of ``nianbao.model`` (or, for the search
index's chunks, plain row mappings), never a SQL row.

Lists of reports and everything search reads hold the current versions only (``reports.current``);
a version's own rows are read by its id, whatever its state (:func:`versions` lists them).

Each read is SQL text (``store.sql``) that SQLite and PostgreSQL both run, on a sqlite3
connection (``store.lite``: the embedded store) or an SQLAlchemy one (PostgreSQL, and reads
inside ``store.writing``'s transactions): one set of queries, and no SQLAlchemy to import for
the commands that only read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

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
from nianbao.store.sql import first, is_sqlite, rows, scalar

#: A connection of either kind (sqlite3's or SQLAlchemy's).
Conn = Any

# --- reports -----------------------------------------------------------------------------


#: Every column of ``reports`` but the text, which only a text answer reads (:func:`report_text`).
_META = ", ".join(
    f"reports.{c}"
    for c in (
        "id, sha256, source, format, body, region, year, layout, title, warnings, also_seen_as, "
        'ingested_at, version, "current", deleted_at, published, source_url, coverage'
    ).split(", ")
)
#: The versions answers, figures, findings and search read.
IS_CURRENT = 'reports."current" = TRUE'
#: Which versions :func:`list_reports` lists.
Which = Literal["current", "versions", "deleted"]
_WHICH = {
    "current": IS_CURRENT,
    "versions": "reports.deleted_at IS NULL",
    "deleted": "reports.deleted_at IS NOT NULL",
}
_CELL = (
    'cells.report_id, cells."key", cells.value, cells.is_int, cells.as_written, cells.table_name, '
    "cells.row_label, cells.column_label, cells.page, cells.note"
)
_CHUNK = (
    "chunks.id, chunks.report_id, chunks.text, chunks.section_path, chunks.start, "
    'chunks."end", chunks.page, chunks.kind'
)
#: Ids read per statement (SQLite's bound on a statement's parameters, with room to spare).
_BATCH = 500
#: The tables whose rows belong to a report (``schema.CHILD_TABLES``).
CHILD_TABLE_NAMES = ("sections", "cells", "findings", "narrative", "chunks")


def _same_year(year: int | None) -> str:
    """The condition on ``reports.year`` for this year (a report without a year has NULL)."""
    return "reports.year IS NULL" if year is None else "reports.year = :year"


def list_reports(conn: Conn, which: Which = "current") -> list[StoredReport]:
    """The current versions (``versions``: every version not deleted; ``deleted``: the
    soft-deleted ones), by body and year, older versions first (``cells`` not counted: see
    :func:`cell_counts`)."""
    query = f"SELECT {_META} FROM reports WHERE {_WHICH[which]} ORDER BY body, year, version"
    return [_stored(r) for r in rows(conn, query)]


def get_report(conn: Conn, report_id: str) -> StoredReport | None:
    """A version by id, whatever its state."""
    row = first(conn, f"SELECT {_META} FROM reports WHERE id = :id", id=report_id)
    return _stored(row) if row else None


def find_by_sha(conn: Conn, sha256: str) -> StoredReport | None:
    """The version stored from the file with this hash, whatever its state."""
    row = first(conn, f"SELECT {_META} FROM reports WHERE sha256 = :sha", sha=sha256)
    return _stored(row) if row else None


def find_by_body_year(conn: Conn, body: str, year: int | None) -> StoredReport | None:
    """The current version of this body's report for this year."""
    query = f"SELECT {_META} FROM reports WHERE body = :body AND {_same_year(year)} AND {IS_CURRENT}"
    row = first(conn, query, body=body, year=year)
    return _stored(row) if row else None


def versions(conn: Conn, report_id: str) -> list[StoredReport]:
    """Every version (deleted ones too) of the report this version belongs to: same body and
    year, oldest first; empty when there is no such version."""
    rep = get_report(conn, report_id)
    if rep is None:
        return []
    year = rep.meta.year
    query = (
        f"SELECT {_META} FROM reports WHERE body = :body AND {_same_year(year)} ORDER BY version, ingested_at"
    )
    return [_stored(r) for r in rows(conn, query, body=rep.meta.body, year=year)]


def deleted_before(conn: Conn, at: str) -> list[StoredReport]:
    """The versions soft-deleted at or before this time (the ones a purge deletes for good)."""
    query = f"SELECT {_META} FROM reports WHERE deleted_at IS NOT NULL AND deleted_at <= :at"
    return [_stored(r) for r in rows(conn, query, at=at)]


def audit_log(conn: Conn, report_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest lines of the audit log first (only those about one version, when given)."""
    where = "" if report_id is None else "WHERE report_id = :report_id "
    query = (
        "SELECT at, actor, action, report_id, body, year, source, detail FROM audit "
        f"{where}ORDER BY id DESC LIMIT :limit"
    )
    return [
        AuditEntry(r.at, r.actor, r.action, r.report_id, r.body, r.year, r.source, r.detail)
        for r in rows(conn, query, report_id=report_id, limit=limit)
    ]


def body_alias_map(conn: Conn) -> dict[str, str]:
    """Alias → canonical body name, for every alias recorded."""
    return {row.alias: row.body for row in rows(conn, "SELECT alias, body FROM body_aliases")}


def body_regions(conn: Conn) -> dict[str, set[str]]:
    """Each stored body's name → the regions its reports give."""
    out: dict[str, set[str]] = {}
    for row in rows(conn, "SELECT DISTINCT body, region FROM reports"):
        out.setdefault(row.body, set()).update([row.region] if row.region else [])
    return out


def reports_of_body(conn: Conn, body: str) -> list[str]:
    """The ids of the reports stored under ``body``."""
    return [row.id for row in rows(conn, "SELECT id FROM reports WHERE body = :body", body=body)]


def report_text(conn: Conn, report_id: str) -> str:
    """A report's narrative text (KeyError when there is no such version)."""
    row = first(conn, "SELECT text FROM reports WHERE id = :id", id=report_id)
    if row is None:
        raise KeyError(report_id)
    return row.text


def report_texts(conn: Conn, report_ids: Sequence[str]) -> dict[str, str]:
    """The narrative text of each of these reports, by id."""
    query = "SELECT id, text FROM reports WHERE id IN (:ids)"
    return {row.id: row.text for ids in _batches(report_ids) for row in rows(conn, query, ids=ids)}


def cell_counts(conn: Conn) -> dict[str, int]:
    """Report id → how many cells it has (reports without cells are absent)."""
    query = "SELECT report_id, count(*) AS n FROM cells GROUP BY report_id"
    return {row.report_id: row.n for row in rows(conn, query)}


def reports_with_sections(conn: Conn) -> set[str]:
    """The ids of the reports that have sections stored."""
    return {row.report_id for row in rows(conn, "SELECT DISTINCT report_id FROM sections")}


def sources_without_chunks(conn: Conn) -> list[str]:
    """The files of current reports that have no search chunks (ingested with --records-only)."""
    query = (
        "SELECT source FROM reports WHERE id NOT IN (SELECT DISTINCT report_id FROM chunks) "
        f"AND {IS_CURRENT} ORDER BY source"
    )
    return [row.source for row in rows(conn, query)]


# --- what was extracted from a report ------------------------------------------------------


def load_cells(conn: Conn, report_id: str) -> list[Cell]:
    """A report's cells as extracted, in table order."""
    query = f"SELECT {_CELL} FROM cells WHERE report_id = :id"
    return [_cell(r) for r in rows(conn, query, id=report_id)]


def cell_keys_at(conn: Conn, report_id: str, places: Sequence[str]) -> dict[str, str]:
    """The canonical key of the cell at each of these places of a report (``table · row label ·
    column label``, as citations name them); the first cell in table order where several are."""
    place = "cells.table_name || ' · ' || cells.row_label || ' · ' || cells.column_label"
    query = (
        f'SELECT {place} AS place, cells."key" FROM cells '
        f"WHERE cells.report_id = :id AND {place} IN (:places)"
    )
    out: dict[str, str] = {}
    for batch in _batches(list(dict.fromkeys(places))):
        for row in rows(conn, query, id=report_id, places=batch):
            out.setdefault(row.place, row.key)
    return out


def stored_cells(
    conn: Conn, report_ids: Sequence[str], keys: Iterable[str] | None = None
) -> list[StoredCell]:
    """The cells of these reports (only ``keys``, when given) with their provenance; each
    report's cells in table order."""
    ids = list(report_ids)
    wanted = None if keys is None else list(keys)
    if not ids or wanted == []:
        return []
    if len(ids) + len(wanted or ()) > _BATCH:  # the bound on parameters: one report at a time
        return [c for i in ids for c in stored_cells(conn, [i], wanted)]
    query = (
        f"SELECT reports.source, reports.body, reports.year, {_CELL} FROM reports "
        "JOIN cells ON cells.report_id = reports.id WHERE reports.id IN (:ids)"
    )
    if wanted is not None:
        query += ' AND cells."key" IN (:keys)'
    return [_stored_cell(row) for row in rows(conn, query, ids=ids, keys=wanted)]


def load_findings(conn: Conn, report_id: str) -> list[Finding]:
    """A report's arithmetic findings."""
    query = "SELECT report_id, rule, keys, numbers, message, quote FROM findings WHERE report_id = :id"
    return [_finding(r) for r in rows(conn, query, id=report_id)]


def load_sections(conn: Conn, report_id: str) -> list[Section]:
    """A report's sections, in text order."""
    query = 'SELECT path, start, "end" FROM sections WHERE report_id = :id'
    return [Section(tuple(r.path), r.start, r.end) for r in rows(conn, query, id=report_id)]


def load_narrative(conn: Conn, report_ids: Sequence[str]) -> list[NarrativeFigure]:
    """The figures the text of these reports states (受理申请27件)."""
    query = 'SELECT quote, value, unit, "key", start FROM narrative WHERE report_id IN (:ids)'
    return [
        NarrativeFigure(r.quote, r.value, r.unit, r.key, r.start)
        for ids in _batches(report_ids)
        for r in rows(conn, query, ids=ids)
    ]


# --- search chunks -------------------------------------------------------------------------


def keyword_rows(conn: Conn, report_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Every chunk of the current reports (of these reports, or of all) with its report's body
    and year, as the keyword index is built from them, in the order it keeps them."""
    query = (
        "SELECT chunks.id, chunks.text, chunks.report_id, chunks.section_path, chunks.kind, "
        "reports.body, reports.year FROM chunks JOIN reports ON reports.id = chunks.report_id "
        f"WHERE {IS_CURRENT}{{}} ORDER BY reports.year, reports.body, chunks.report_id, chunks.id"
    )
    if report_ids is None:
        return [vars(row) for row in rows(conn, query.format(""))]
    batched = query.format(" AND chunks.report_id IN (:ids)")
    return [vars(row) for ids in _batches(report_ids) for row in rows(conn, batched, ids=ids)]


def chunk_rows(conn: Conn, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Stored chunk rows of current reports by id, joined with their report's source, body and
    year (a chunk of a version that is no longer current is left out)."""
    query = (
        f"SELECT {_CHUNK}, reports.source, reports.body, reports.year FROM chunks "
        f"JOIN reports ON reports.id = chunks.report_id WHERE {IS_CURRENT} AND chunks.id IN (:ids)"
    )
    return {row.id: vars(row) for batch in _batches(ids) for row in rows(conn, query, ids=batch)}


def stored_chunks(conn: Conn) -> dict[str, str]:
    """Chunk id → report id of every chunk row of a current report: what the search index holds."""
    query = (
        "SELECT chunks.id, chunks.report_id FROM chunks "
        f"JOIN reports ON reports.id = chunks.report_id WHERE {IS_CURRENT}"
    )
    return {row.id: row.report_id for row in rows(conn, query)}


def chunks_of(conn: Conn, report_id: str) -> list[dict[str, Any]]:
    """One version's chunk rows (as written to the ``chunks`` table), whatever its state."""
    query = f"SELECT {_CHUNK} FROM chunks WHERE chunks.report_id = :id ORDER BY chunks.id"
    return [vars(row) for row in rows(conn, query, id=report_id)]


def chunk_rows_by_report(conn: Conn, chunk_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """These chunks' stored rows (as written to the ``chunks`` table), by report id."""
    query = f"SELECT {_CHUNK} FROM chunks WHERE chunks.id IN (:ids) ORDER BY chunks.report_id, chunks.id"
    out: dict[str, list[dict[str, Any]]] = {}
    for ids in _batches(chunk_ids):
        for row in rows(conn, query, ids=ids):
            out.setdefault(row.report_id, []).append(vars(row))
    return out


# --- health of the store -------------------------------------------------------------------


def orphan_rows(conn: Conn) -> dict[str, int]:
    """Rows whose report row is gone, by table (possible only when foreign keys were off)."""
    out = {}
    for table in CHILD_TABLE_NAMES:
        query = f"SELECT count(*) FROM {table} WHERE report_id NOT IN (SELECT id FROM reports)"
        count = scalar(conn, query)
        if count:
            out[table] = count
    return out


def integrity_problems(conn: Conn) -> list[str] | None:
    """What SQLite's ``PRAGMA integrity_check`` reports (``[]`` when all is well); None for a
    database server, which checks itself."""
    if not is_sqlite(conn):
        return None
    result = [row.integrity_check for row in rows(conn, "PRAGMA integrity_check")]
    return [] if result == ["ok"] else result


def _batches(ids: Sequence[str]) -> list[list[str]]:
    ids = list(ids)
    return [ids[i : i + _BATCH] for i in range(0, len(ids), _BATCH)]

"""The record store: reports, sections, cells, findings and chunks in one SQL database.

SQLite under the data directory by default; any SQLAlchemy URL (PostgreSQL) works. Every SQL
statement of the project is in this package: ``schema`` (the tables and ``connect``),
``transactions`` (reads begin as snapshots, writes as writes: :func:`writing`), ``writes`` (a
version written, made current, soft-deleted or purged, and the audit log) and ``queries`` (reads
that return values of ``nianbao.model``; lists hold the current versions).
"""

from __future__ import annotations

from nianbao.model import StoredReport
from nianbao.store.queries import (
    Which,
    audit_log,
    cell_counts,
    chunk_rows,
    chunk_rows_by_report,
    chunks_of,
    deleted_before,
    find_by_body_year,
    find_by_sha,
    get_report,
    integrity_problems,
    keyword_rows,
    list_reports,
    load_cells,
    load_findings,
    load_narrative,
    load_sections,
    orphan_rows,
    report_text,
    reports_with_sections,
    sources_without_chunks,
    stored_cells,
    stored_chunks,
    versions,
)
from nianbao.store.schema import (
    CHILD_TABLES,
    audit,
    cells,
    chunks,
    connect,
    findings,
    metadata,
    narrative,
    reports,
    sections,
)
from nianbao.store.transactions import StoreBusy, is_busy, lock_writes, writing
from nianbao.store.writes import (
    add_alias,
    delete_orphan_rows,
    delete_report,
    log_action,
    make_current,
    now,
    purge_deleted,
    retire,
    soft_delete,
    write_report,
)

#: Which format's records to keep when one report arrives in several formats: structured first.
FORMAT_RANK = {"docx": 4, "html": 3, "pdf": 2, "txt": 1}

__all__ = [
    "CHILD_TABLES",
    "FORMAT_RANK",
    "StoreBusy",
    "StoredReport",
    "Which",
    "add_alias",
    "audit",
    "audit_log",
    "cell_counts",
    "cells",
    "chunk_rows",
    "chunk_rows_by_report",
    "chunks",
    "chunks_of",
    "connect",
    "delete_orphan_rows",
    "deleted_before",
    "delete_report",
    "find_by_body_year",
    "find_by_sha",
    "findings",
    "get_report",
    "integrity_problems",
    "is_busy",
    "keyword_rows",
    "list_reports",
    "load_cells",
    "load_findings",
    "load_narrative",
    "load_sections",
    "lock_writes",
    "log_action",
    "make_current",
    "metadata",
    "narrative",
    "now",
    "orphan_rows",
    "purge_deleted",
    "report_text",
    "reports",
    "reports_with_sections",
    "retire",
    "sections",
    "soft_delete",
    "sources_without_chunks",
    "stored_cells",
    "stored_chunks",
    "versions",
    "write_report",
    "writing",
]

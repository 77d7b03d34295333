"""The record store: reports, sections, cells, findings and chunks in one SQL database (and
the conversations, ``store.conversations``).

SQLite under the data directory by default; any SQLAlchemy URL (PostgreSQL) works. Every SQL
statement of the project is in this package: ``schema`` (the tables and ``connect``),
``writes`` (a report written, replaced or deleted as a unit) and ``queries`` (reads that return
values of ``nianbao.model``).
"""

from __future__ import annotations

from nianbao.model import StoredReport
from nianbao.store.conversations import (
    connect_conversations,
    conversation_turns,
    conversations,
    count_conversations,
    load_conversation,
    save_turn,
)
from nianbao.store.queries import (
    body_alias_map,
    body_regions,
    cell_counts,
    chunk_rows,
    chunk_rows_by_report,
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
    reports_of_body,
    reports_with_sections,
    sources_without_chunks,
    stored_cells,
    stored_chunks,
)
from nianbao.store.schema import (
    CHILD_TABLES,
    body_aliases,
    cells,
    chunks,
    connect,
    findings,
    metadata,
    narrative,
    reports,
    sections,
)
from nianbao.store.writes import (
    add_alias,
    add_body_alias,
    delete_orphan_rows,
    delete_report,
    lock_writes,
    rename_body,
    write_report,
)

#: Which format's records to keep when one report arrives in several formats: structured first.
FORMAT_RANK = {"docx": 4, "html": 3, "pdf": 2, "txt": 1}

__all__ = [
    "CHILD_TABLES",
    "FORMAT_RANK",
    "StoredReport",
    "add_alias",
    "add_body_alias",
    "body_alias_map",
    "body_aliases",
    "body_regions",
    "cell_counts",
    "cells",
    "chunk_rows",
    "chunk_rows_by_report",
    "chunks",
    "connect",
    "connect_conversations",
    "conversation_turns",
    "conversations",
    "count_conversations",
    "delete_orphan_rows",
    "delete_report",
    "find_by_body_year",
    "find_by_sha",
    "findings",
    "get_report",
    "integrity_problems",
    "keyword_rows",
    "list_reports",
    "load_cells",
    "load_conversation",
    "load_findings",
    "load_narrative",
    "load_sections",
    "lock_writes",
    "metadata",
    "narrative",
    "orphan_rows",
    "rename_body",
    "report_text",
    "reports",
    "reports_of_body",
    "reports_with_sections",
    "save_turn",
    "sections",
    "sources_without_chunks",
    "stored_cells",
    "stored_chunks",
    "write_report",
]

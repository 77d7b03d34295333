"""The record store: reports, sections, cells, findings and chunks in one SQL database (and
the conversations, ``store.conversations``).

SQLite under the data directory by default; any SQLAlchemy URL (PostgreSQL) works. Every SQL
statement of the project is in this package: ``schema`` (the tables and ``connect``),
``transactions`` (reads begin as snapshots, writes as writes: :func:`writing`), ``writes`` (a
version written, made current, soft-deleted or purged, and the audit log) and ``queries`` (reads
that return values of ``nianbao.model``; lists hold the current versions). The reads and the
conversations' statements are SQL text (``sql``) run over sqlite3 on the embedded store
(``lite``) and through SQLAlchemy on PostgreSQL; SQLAlchemy owns the schemas and the records'
writes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nianbao.model import StoredReport
    from nianbao.store.conversation_schema import (
        connect_conversations,
        conversation_turns,
        conversations,
        feedback,
    )
    from nianbao.store.conversations import (
        conversations_writing,
        count_conversations,
        load_conversation,
        open_conversations,
        save_turn,
        trim_conversations,
    )
    from nianbao.store.feedback import list_feedback, save_feedback
    from nianbao.store.queries import (
        Which,
        audit_log,
        body_alias_map,
        body_regions,
        cell_counts,
        cell_keys_at,
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
        report_texts,
        reports_of_body,
        reports_with_sections,
        sources_without_chunks,
        stored_cells,
        stored_chunks,
        versions,
    )
    from nianbao.store.schema import (
        CHILD_TABLES,
        audit,
        body_aliases,
        cells,
        chunks,
        connect,
        engine_url,
        findings,
        is_postgresql,
        metadata,
        narrative,
        open_engine,
        reports,
        sections,
    )
    from nianbao.store.transactions import StoreBusy, is_busy, lock_writes, writing
    from nianbao.store.writes import (
        add_alias,
        add_body_alias,
        delete_orphan_rows,
        delete_report,
        log_action,
        make_current,
        now,
        purge_deleted,
        rename_body,
        retire,
        soft_delete,
        write_report,
    )

#: Where each name of the package lives. They load on first use (PEP 562), so the reads
#: (``queries``) and the conversations' statements, over sqlite3 (``lite``), import without
#: SQLAlchemy.
_WHERE = {
    "CHILD_TABLES": "schema",
    "StoreBusy": "transactions",
    "Which": "queries",
    "add_alias": "writes",
    "add_body_alias": "writes",
    "audit": "schema",
    "audit_log": "queries",
    "body_alias_map": "queries",
    "body_aliases": "schema",
    "body_regions": "queries",
    "cell_counts": "queries",
    "cell_keys_at": "queries",
    "cells": "schema",
    "chunk_rows": "queries",
    "chunk_rows_by_report": "queries",
    "chunks": "schema",
    "chunks_of": "queries",
    "connect": "schema",
    "connect_conversations": "conversation_schema",
    "conversation_turns": "conversation_schema",
    "conversations": "conversation_schema",
    "conversations_writing": "conversations",
    "count_conversations": "conversations",
    "delete_orphan_rows": "writes",
    "delete_report": "writes",
    "deleted_before": "queries",
    "engine_url": "schema",
    "feedback": "conversation_schema",
    "find_by_body_year": "queries",
    "find_by_sha": "queries",
    "findings": "schema",
    "get_report": "queries",
    "integrity_problems": "queries",
    "is_busy": "transactions",
    "is_postgresql": "schema",
    "keyword_rows": "queries",
    "list_feedback": "feedback",
    "list_reports": "queries",
    "load_cells": "queries",
    "load_conversation": "conversations",
    "load_findings": "queries",
    "load_narrative": "queries",
    "load_sections": "queries",
    "lock_writes": "transactions",
    "log_action": "writes",
    "make_current": "writes",
    "metadata": "schema",
    "narrative": "schema",
    "now": "writes",
    "open_engine": "schema",
    "open_conversations": "conversations",
    "orphan_rows": "queries",
    "purge_deleted": "writes",
    "rename_body": "writes",
    "report_text": "queries",
    "report_texts": "queries",
    "reports": "schema",
    "reports_of_body": "queries",
    "reports_with_sections": "queries",
    "retire": "writes",
    "save_feedback": "feedback",
    "save_turn": "conversations",
    "sections": "schema",
    "soft_delete": "writes",
    "sources_without_chunks": "queries",
    "stored_cells": "queries",
    "stored_chunks": "queries",
    "versions": "queries",
    "trim_conversations": "conversations",
    "write_report": "writes",
    "writing": "transactions",
    "StoredReport": "nianbao.model",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(where if "." in where else f"{__name__}.{where}")
    # Every name of that module at once. (``conversations`` and ``feedback`` also name modules:
    # once one was imported the attribute is the module; import the tables from
    # ``store.conversation_schema``.)
    globals().update({n: getattr(module, n) for n, w in _WHERE.items() if w == where})
    return globals()[name]


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
    "add_body_alias",
    "body_alias_map",
    "body_aliases",
    "body_regions",
    "cell_counts",
    "cell_keys_at",
    "cells",
    "chunk_rows",
    "chunk_rows_by_report",
    "chunks",
    "chunks_of",
    "connect",
    "open_engine",
    "open_conversations",
    "connect_conversations",
    "conversation_turns",
    "conversations",
    "conversations_writing",
    "count_conversations",
    "delete_orphan_rows",
    "deleted_before",
    "engine_url",
    "delete_report",
    "feedback",
    "find_by_body_year",
    "find_by_sha",
    "findings",
    "get_report",
    "integrity_problems",
    "is_postgresql",
    "is_busy",
    "keyword_rows",
    "list_feedback",
    "list_reports",
    "load_cells",
    "load_conversation",
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
    "rename_body",
    "report_text",
    "report_texts",
    "reports",
    "reports_of_body",
    "reports_with_sections",
    "retire",
    "save_feedback",
    "save_turn",
    "sections",
    "soft_delete",
    "sources_without_chunks",
    "stored_cells",
    "stored_chunks",
    "trim_conversations",
    "versions",
    "write_report",
    "writing",
]

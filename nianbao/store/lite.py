"""The reads of ``figures``, ``reports`` and ``check`` on the embedded SQLite store, over the
standard library's sqlite3: the commands a person waits for start without SQLAlchemy.

Importing SQLAlchemy takes 0.2-0.3 s of CPU on the 2-core machines, about half of a cold
``nianbao figures`` (``benchmarks/startup.py``), and these commands only read a few tables.
:class:`LiteStore` stands in for the engine (``connect()`` gives one snapshot), and the functions
here are those of ``store.queries`` that the Catalog's ``reports``, ``cells`` and ``findings``
call, with the same SELECTs written out; rows become values through ``store.rows``, as there.
``tests/store/test_lite.py`` holds every read to ``store.queries``' on an ingested corpus.

:func:`open_lite` gives None where only ``store.connect`` will do: a PostgreSQL URL, a data
directory without a store yet, or a store whose schema ``connect`` must first bring up to date.

>>> lite = open_lite(settings.db_url)
>>> with lite.connect() as conn:
...     list_reports(conn)
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

from nianbao.model import Cell, Finding, StoredCell, StoredReport
from nianbao.store import rows

#: Columns stored as JSON text (SQLAlchemy's ``JSON`` type decodes them; sqlite3 does not).
_JSON = frozenset({"warnings", "also_seen_as", "coverage", "keys", "numbers"})
#: Every column of ``reports`` these reads use (all but the text), as ``store.queries`` reads them.
_META = (
    "id, sha256, source, format, body, region, year, layout, title, warnings, also_seen_as, "
    'ingested_at, version, "current", deleted_at, published, source_url, coverage'
)
_CELL = 'report_id, "key", value, is_int, as_written, table_name, row_label, column_label, page, note'
#: The columns each table must have for these reads (an older store goes through ``connect``).
_NEEDED = {
    "reports": {c.strip().strip('"') for c in _META.split(",")},
    "cells": {c.strip().strip('"') for c in _CELL.split(",")},
    "findings": {"report_id", "rule", "keys", "numbers", "message", "quote"},
}
Which = Literal["current", "versions", "deleted"]
_WHICH = {
    "current": '"current" IS 1',
    "versions": "deleted_at IS NULL",
    "deleted": "deleted_at IS NOT NULL",
}
#: SQLite's bound on the parameters of one statement, with room to spare.
_BATCH = 900


class LiteStore:
    """An SQLite store file, read with sqlite3; ``connect()`` as an engine's (one snapshot)."""

    def __init__(self, path: Path, busy_timeout: float = 30.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one read transaction: its SELECTs see one state of the store."""
        conn = _open(self.path, self.busy_timeout)
        try:
            conn.execute("BEGIN")
            yield conn
        finally:
            conn.close()  # nothing written: the transaction ends with the connection

    def dispose(self) -> None:
        """Nothing is kept open between reads (an engine's ``dispose``)."""


def open_lite(url: str, busy_timeout: float = 30.0) -> LiteStore | None:
    """The store at this SQLite URL for sqlite3 reads; None unless it exists with every table
    and column these reads use (then ``store.connect`` creates or updates it)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    path = Path(url[len(prefix) :])
    if not path.is_file():
        return None
    try:
        conn = _open(path, busy_timeout)
    except sqlite3.Error:
        return None
    try:
        for table, needed in _NEEDED.items():
            have = {row.name for row in conn.execute(f"PRAGMA table_info({table})")}
            if not needed <= have:
                return None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return LiteStore(path, busy_timeout)


def _open(path: Path, busy_timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    conn.row_factory = _row
    return conn


def _row(cursor: sqlite3.Cursor, values: tuple) -> SimpleNamespace:
    """A row whose columns read as attributes, JSON decoded, as SQLAlchemy's rows read."""
    names = [d[0] for d in cursor.description]
    return SimpleNamespace(
        **{
            n: json.loads(v) if n in _JSON and v is not None else v
            for n, v in zip(names, values, strict=True)
        }
    )


# --- the reads (as in store.queries) ------------------------------------------------------------


def list_reports(conn: sqlite3.Connection, which: Which = "current") -> list[StoredReport]:
    """``store.queries.list_reports``."""
    query = f"SELECT {_META} FROM reports WHERE {_WHICH[which]} ORDER BY body, year, version"
    return [rows.stored_report(r) for r in conn.execute(query)]


def get_report(conn: sqlite3.Connection, report_id: str) -> StoredReport | None:
    """``store.queries.get_report``."""
    row = conn.execute(f"SELECT {_META} FROM reports WHERE id = ?", (report_id,)).fetchone()
    return rows.stored_report(row) if row else None


def cell_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """``store.queries.cell_counts``."""
    query = "SELECT report_id, count(*) AS n FROM cells GROUP BY report_id"
    return {row.report_id: row.n for row in conn.execute(query)}


def load_cells(conn: sqlite3.Connection, report_id: str) -> list[Cell]:
    """``store.queries.load_cells``."""
    return [
        rows.cell(r) for r in conn.execute(f"SELECT {_CELL} FROM cells WHERE report_id = ?", (report_id,))
    ]


def stored_cells(
    conn: sqlite3.Connection, report_ids: Sequence[str], keys: Iterable[str] | None = None
) -> list[StoredCell]:
    """``store.queries.stored_cells``."""
    ids = list(report_ids)
    wanted = None if keys is None else list(keys)
    if len(ids) + len(wanted or ()) > _BATCH:  # SQLite's bound: one report at a time
        return [c for i in ids for c in stored_cells(conn, [i], wanted)]
    columns = ", ".join(f"cells.{c.strip()}" for c in _CELL.split(","))
    query = (
        f"SELECT reports.source, reports.body, reports.year, {columns} FROM reports "
        f"JOIN cells ON cells.report_id = reports.id WHERE reports.id IN ({_marks(ids)})"
    )
    if wanted is not None:
        query += f' AND cells."key" IN ({_marks(wanted)})'
    return [rows.stored_cell(r) for r in conn.execute(query, [*ids, *(wanted or ())])]


def load_findings(conn: sqlite3.Connection, report_id: str) -> list[Finding]:
    """``store.queries.load_findings``."""
    query = "SELECT report_id, rule, keys, numbers, message, quote FROM findings WHERE report_id = ?"
    return [rows.finding(r) for r in conn.execute(query, (report_id,))]


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))

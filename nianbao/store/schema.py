"""The tables of the record store, and ``connect``, which puts them in place.

SQLite under the data directory by default; any SQLAlchemy URL (PostgreSQL) works.

Every version of a report stays in ``reports`` with all its rows, numbered 1, 2, … per body and
year in the order they arrived (``version``): ``current`` marks the one that
answers, figures, findings and search read (at most one per body and year); ``deleted_at`` marks a
soft-deleted version, purged after the retention period. ``audit`` keeps who replaced, deleted,
restored or purged what, and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    true,
)
from sqlalchemy.engine import Connection, Engine

from nianbao.store.lite import sqlite_pragmas
from nianbao.store.transactions import begin_statement, writing

if TYPE_CHECKING:
    from nianbao.settings import Settings

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
    Column("version", Integer, nullable=False, server_default="1"),
    Column("current", Boolean, nullable=False, server_default=true(), index=True),
    Column("deleted_at", String(32)),
    Column("published", String(10)),  # the page's publication date, YYYY-MM-DD, when it says
    Column("source_url", Text),  # the page's address, when it says
    Column("coverage", JSON),  # [[table, name, cells read, cells expected], ...]; NULL before 0.2
)

#: Other names of a body (a slip corrected, a shorter or longer form of the name) and the
#: canonical name its reports are stored under.
body_aliases = Table(
    "body_aliases",
    metadata,
    Column("alias", Text, primary_key=True),
    Column("body", Text, nullable=False, index=True),
)


def _report_id() -> Column[str]:
    """The column that ties a row to its report; the row goes when the report goes."""
    return Column(
        "report_id", String(32), ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True
    )


sections = Table(
    "sections",
    metadata,
    _report_id(),
    Column("path", JSON, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

cells = Table(
    "cells",
    metadata,
    _report_id(),
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
    _report_id(),
    Column("rule", String(32), nullable=False),
    Column("keys", JSON, nullable=False),
    Column("numbers", JSON, nullable=False),
    Column("message", Text, nullable=False),
    Column("quote", Text),
)

narrative = Table(
    "narrative",
    metadata,
    _report_id(),
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
    _report_id(),
    Column("text", Text, nullable=False),
    Column("section_path", JSON, nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("page", Integer),
    Column("kind", String(8), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("report_id", String(32), nullable=False, index=True),  # no foreign key: kept after a purge
    Column("body", Text, nullable=False),
    Column("year", Integer),
    Column("source", Text, nullable=False),
    Column("detail", Text, nullable=False),
)

#: The tables whose rows belong to a report (and are deleted with it).
CHILD_TABLES = (sections, cells, findings, narrative, chunks)

#: Columns added after a table was first created: ``connect`` adds them to an older database.
_ADDED_COLUMNS = {
    "findings": ("quote TEXT",),
    "reports": (
        "version INTEGER NOT NULL DEFAULT 1",
        "current BOOLEAN NOT NULL DEFAULT TRUE",
        "deleted_at VARCHAR(32)",
        "published VARCHAR(10)",
        "source_url TEXT",
        "coverage JSON",
    ),
}


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for a database URL as people write it: ``postgresql://`` (and
    ``postgres://``) name psycopg 3, the driver nianbao installs (SQLAlchemy's default is psycopg2).

    >>> engine_url("postgresql://nianbao@db/nianbao")
    'postgresql+psycopg://nianbao@db/nianbao'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_postgresql(url: str | None) -> bool:
    """Whether a database URL names PostgreSQL (any driver)."""
    return bool(url) and engine_url(str(url)).startswith("postgresql+")


def open_engine(settings: Settings) -> Engine:
    """The records' engine as the settings say: their URL, busy timeout and pool size."""
    return connect(
        settings.db_url, settings.busy_timeout_seconds, settings.db_pool_size, settings.db_max_overflow
    )


def connect(url: str, busy_timeout: float = 30.0, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """An engine with the schema in place; SQLite gets WAL, foreign keys and a busy timeout.

    ``busy_timeout`` (seconds) is how long a writer waits for another's write lock;
    ``pool_size`` and ``max_overflow`` bound a PostgreSQL engine's connections. A schema that
    is missing or older is created or brought up to date inside a write transaction, so two
    processes opening one new data directory at once do not both create it.
    """
    url = engine_url(url)
    if is_postgresql(url):
        # Writers wait for the advisory lock (transactions.writing) as long as SQLite's would.
        options = {"options": f"-c lock_timeout={int(busy_timeout * 1000)}"}
        engine = create_engine(
            url,
            connect_args=options,
            isolation_level="REPEATABLE READ",
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=max_overflow,
        )
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _: Any) -> None:
            # SQLAlchemy, not pysqlite, decides where transactions begin: a reader's SELECTs then
            # share one snapshot and never see half of a replace.
            dbapi_conn.isolation_level = None
            sqlite_pragmas(dbapi_conn, busy_timeout)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql(begin_statement(conn))

    if not _schema_in_place(engine):  # a read: a process inside a write transaction may open more engines
        with writing(engine) as conn:
            metadata.create_all(conn)
            _add_new_columns(conn)
    return engine


def _schema_in_place(engine: Engine) -> bool:
    """Every table, with every column added since, is there already."""
    with engine.connect() as conn:
        found = inspect(conn)
        tables = set(found.get_table_names())
        if not set(metadata.tables) <= tables:
            return False
        return all(
            column.split()[0] in {c["name"] for c in found.get_columns(table)}
            for table, columns in _ADDED_COLUMNS.items()
            for column in columns
        )


def _add_new_columns(conn: Connection) -> None:
    """A database made before a column was added gets it (empty or at its default), so its rows
    still read."""
    for table, columns in _ADDED_COLUMNS.items():
        present = {c["name"] for c in inspect(conn).get_columns(table)}
        for column in columns:
            if column.split()[0] not in present:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column}")

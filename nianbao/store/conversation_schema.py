"""The tables of the conversations (and their 赞/踩 ratings), and ``connect_conversations``,
which puts them in place: SQLAlchemy owns the schema, here as for the records (``schema``).

With the embedded default (SQLite) these tables live in a file of their own beside the records
(``conversations.sqlite3``): SQLite has one writer per file, and a chat turn must not wait for an
ingest that holds the records' write lock. With a database server they are tables of the same
database. Their rows are read and written by ``store.conversations`` and ``store.feedback``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

from nianbao.store.lite import sqlite_pragmas
from nianbao.store.schema import engine_url

conversation_metadata = MetaData()

conversations = Table(
    "conversations",
    conversation_metadata,
    Column("id", String(64), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("created", Float, nullable=False),
    Column("updated", Float, nullable=False, index=True),
    Column("expires", Float, nullable=False, index=True),
)

conversation_turns = Table(
    "conversation_turns",
    conversation_metadata,
    Column(
        "conversation_id",
        String(64),
        ForeignKey("conversations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("citations", JSON, nullable=False),
    Column("at", Float, nullable=False),
)

#: One row per answer rated (rating the same answer again replaces it).
feedback = Table(
    "feedback",
    conversation_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("conversation_id", String(64), nullable=False),
    Column("turn_at", Float, nullable=False),
    Column("rating", String(8), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("sources", Text, nullable=False, default=""),
    UniqueConstraint("conversation_id", "turn_at", name="feedback_one_per_answer"),
)

#: The PostgreSQL advisory lock taken while the conversation tables are created.
TABLES_LOCK = 0x6E62636F6E76


def connect_conversations(url: str, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """An engine for the conversation tables, with the tables in place (``pool_size`` and
    ``max_overflow`` bound a PostgreSQL engine's connections).

    On SQLite a write transaction starts as a write (``BEGIN IMMEDIATE``, asked for with the
    execution option ``writing``), so two workers saving at once wait for each other
    (``busy_timeout``) instead of one failing.
    """
    url = engine_url(url)
    pool = {"pool_size": pool_size, "max_overflow": max_overflow} if url.startswith("postgresql+") else {}
    engine = create_engine(url, future=True, pool_pre_ping=True, **pool)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _: Any) -> None:
            dbapi_conn.isolation_level = None  # SQLAlchemy's begin event decides, below
            sqlite_pragmas(dbapi_conn, 30.0)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            writing = conn.get_execution_options().get("writing", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    # Inside a write transaction: two workers starting on one new file create the tables once.
    # PostgreSQL's CREATE TABLE does not wait for another's (the second fails on the catalog's
    # unique index), so there the workers take turns on an advisory lock of their own.
    with engine.connect().execution_options(writing=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({TABLES_LOCK})")
        conversation_metadata.create_all(conn)
    return engine

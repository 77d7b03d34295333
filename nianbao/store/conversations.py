"""Conversations in the store: what a follow-up may leave out, and the turns the page shows again.

``conversations`` holds one row per conversation: its state (JSON), when it was created and last
updated, and when it expires; ``conversation_turns`` one row per question and answer. Both are
bounded here: in time (an expired conversation is never read, and expired rows are deleted when
a conversation is started), in count (past ``limit`` the least recently updated conversations
go) and in turns (past ``max_turns`` a conversation's oldest turns go). A turn is one insert, so
a long conversation costs no more per question than a short one.

With the embedded default (SQLite) these tables live in a file of their own beside the records
(``conversations.sqlite3``): SQLite has one writer per file, and a chat turn must not wait for an
ingest that holds the records' write lock. With a database server they are tables of the same
database.
"""

from __future__ import annotations

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
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from nianbao.model import Conversation, Turn
from nianbao.store.schema import engine_url, sqlite_pragmas

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

    # The feedback table is defined beside its rows (store/feedback.py) in this metadata: loaded
    # here, so it is created with the others whoever imported what (the package loads lazily).
    import nianbao.store.feedback  # noqa: F401

    # Inside a write transaction: two workers starting on one new file create the tables once.
    # PostgreSQL's CREATE TABLE does not wait for another's (the second fails on the catalog's
    # unique index), so there the workers take turns on an advisory lock of their own.
    with engine.connect().execution_options(writing=True) as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({TABLES_LOCK})")
        conversation_metadata.create_all(conn)
    return engine


def load_conversation(
    conn: Connection, conversation_id: str, now: float, *, with_turns: bool = False
) -> Conversation | None:
    """The conversation with this id (and its turns, oldest first, when asked); None when there
    is none or it has expired."""
    row = conn.execute(
        select(conversations).where(conversations.c.id == conversation_id, conversations.c.expires > now)
    ).first()
    if row is None:
        return None
    turns: tuple[Turn, ...] = ()
    if with_turns:
        query = select(conversation_turns).where(conversation_turns.c.conversation_id == conversation_id)
        turns = tuple(_turn(r) for r in conn.execute(query.order_by(conversation_turns.c.seq)))
    return Conversation(row.id, dict(row.state), turns, row.created, row.updated)


def save_turn(
    conn: Connection,
    conversation_id: str,
    state: dict,
    turn: Turn,
    *,
    now: float,
    ttl: float,
    limit: int,
    max_turns: int,
) -> None:
    """Record a turn of a conversation (started when it is not stored) and its new state; it
    expires ``ttl`` seconds from now. Call inside a transaction."""
    values = {"state": state, "updated": now, "expires": now + ttl}
    found = conn.execute(
        update(conversations).where(conversations.c.id == conversation_id).values(**values)
    ).rowcount
    if not found:
        _make_room(conn, now, limit - 1)
        conn.execute(insert(conversations).values(id=conversation_id, created=now, **values))
    last = conn.execute(
        select(func.max(conversation_turns.c.seq)).where(
            conversation_turns.c.conversation_id == conversation_id
        )
    ).scalar_one()
    seq = (last or 0) + 1
    conn.execute(
        insert(conversation_turns).values(conversation_id=conversation_id, seq=seq, **_turn_row(turn))
    )
    conn.execute(
        delete(conversation_turns).where(
            conversation_turns.c.conversation_id == conversation_id,
            conversation_turns.c.seq <= seq - max_turns,
        )
    )


def _make_room(conn: Connection, now: float, keep: int) -> None:
    """Delete expired conversations, then the least recently updated past ``keep``."""
    _delete(conn, select(conversations.c.id).where(conversations.c.expires <= now))
    count = conn.execute(select(func.count()).select_from(conversations)).scalar_one()
    if count > keep:
        _delete(conn, select(conversations.c.id).order_by(conversations.c.updated).limit(count - keep))


def _delete(conn: Connection, ids: Any) -> None:
    """Delete these conversations and their turns (also where foreign keys are off)."""
    gone = list(conn.execute(ids).scalars())
    for i in range(0, len(gone), 500):
        chunk = gone[i : i + 500]
        conn.execute(delete(conversation_turns).where(conversation_turns.c.conversation_id.in_(chunk)))
        conn.execute(delete(conversations).where(conversations.c.id.in_(chunk)))


def count_conversations(conn: Connection, now: float) -> int:
    """How many conversations have not expired."""
    query = select(func.count()).select_from(conversations).where(conversations.c.expires > now)
    return conn.execute(query).scalar_one()


def _turn(row: Any) -> Turn:
    return Turn(row.question, row.answer, row.status, tuple(row.citations), row.at)


def _turn_row(turn: Turn) -> dict[str, Any]:
    return {
        "question": turn.question,
        "answer": turn.answer,
        "status": turn.status,
        "citations": [dict(c) for c in turn.citations],
        "at": turn.at,
    }

"""Conversations in the store: what a follow-up may leave out, and the turns the page shows again.

``conversations`` holds one row per conversation: its state (JSON), when it was created and last
updated, and when it expires; ``conversation_turns`` one row per question and answer (the tables:
``store.conversation_schema``). Both are bounded: in time (an expired conversation is never
read), in count (:func:`trim_conversations`: the expired ones, then the least recently updated
past a limit, go) and in turns (past ``max_turns`` a conversation's oldest turns go). A turn is
two statements (the conversation upserted, the turn inserted with its number), so a long
conversation costs no more per question than a short one.

The statements are SQL text (``store.sql``): on the embedded store they run over sqlite3
(:func:`open_conversations` gives a ``store.lite.LiteStore``), on PostgreSQL through SQLAlchemy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from nianbao.model import Conversation, Turn
from nianbao.store import lite
from nianbao.store.sql import execute, first, rows, scalar

#: A conversations' database: a ``store.lite.LiteStore`` or an SQLAlchemy engine.
Database = Any


def open_conversations(url: str, pool_size: int = 5, max_overflow: int = 5) -> Database:
    """The conversations' database at this URL, its tables in place: an SQLite file that has
    them is opened with sqlite3; otherwise SQLAlchemy creates them first (once), and a
    database server stays on SQLAlchemy's engine (``pool_size``, ``max_overflow``)."""
    found = lite.open_lite(url, tables=lite.CONVERSATIONS)
    if found is not None:
        return found
    from nianbao.store.conversation_schema import connect_conversations

    engine = connect_conversations(url, pool_size, max_overflow)
    found = lite.open_lite(url, tables=lite.CONVERSATIONS)
    if found is None:
        return engine
    engine.dispose()
    return found


@contextmanager
def conversations_writing(db: Database) -> Iterator[Any]:
    """A connection in a write transaction of the conversations' database, committed at the end
    (on SQLite it begins as a write, so two workers saving at once queue for the lock)."""
    if isinstance(db, lite.LiteStore):
        with db.writing() as conn:
            yield conn
        return
    with db.connect().execution_options(writing=True) as conn, conn.begin():
        yield conn


def load_conversation(
    conn: Any, conversation_id: str, now: float, *, with_turns: bool = False
) -> Conversation | None:
    """The conversation with this id (and its turns, oldest first, when asked); None when there
    is none or it has expired."""
    row = first(
        conn,
        "SELECT id, state, created, updated FROM conversations WHERE id = :id AND expires > :now",
        id=conversation_id,
        now=now,
    )
    if row is None:
        return None
    turns: tuple[Turn, ...] = ()
    if with_turns:
        query = (
            "SELECT question, answer, status, citations, at FROM conversation_turns "
            "WHERE conversation_id = :id ORDER BY seq"
        )
        turns = tuple(
            Turn(r.question, r.answer, r.status, tuple(r.citations), r.at)
            for r in rows(conn, query, id=conversation_id)
        )
    return Conversation(row.id, dict(row.state), turns, row.created, row.updated)


_UPSERT = (
    "INSERT INTO conversations (id, state, created, updated, expires) "
    "VALUES (:id, :state, :now, :now, :expires) "
    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated = excluded.updated, "
    "expires = excluded.expires RETURNING created"
)
_ADD_TURN = (
    "INSERT INTO conversation_turns (conversation_id, seq, question, answer, status, citations, at) "
    "VALUES (:id, (SELECT coalesce(max(seq), 0) + 1 FROM conversation_turns WHERE conversation_id = :of), "
    ":question, :answer, :status, :citations, :at) RETURNING seq"
)


def save_turn(
    conn: Any,
    conversation_id: str,
    state: dict,
    turn: Turn,
    *,
    now: float,
    ttl: float,
    max_turns: int,
) -> bool:
    """Record a turn of a conversation (started when it is not stored) and its new state; it
    expires ``ttl`` seconds from now. True when this turn started the conversation (the caller
    trims the store now and then: :func:`trim_conversations`). Call inside a write transaction."""
    created = scalar(conn, _UPSERT, id=conversation_id, state=_json(state), now=now, expires=now + ttl)
    seq = scalar(
        conn,
        _ADD_TURN,
        id=conversation_id,
        of=conversation_id,  # one parameter twice: PostgreSQL deduces a type for each place
        question=turn.question,
        answer=turn.answer,
        status=turn.status,
        citations=_json([dict(c) for c in turn.citations]),
        at=turn.at,
    )
    if seq > max_turns:
        execute(
            conn,
            "DELETE FROM conversation_turns WHERE conversation_id = :id AND seq <= :upto",
            id=conversation_id,
            upto=seq - max_turns,
        )
    return created == now


def trim_conversations(conn: Any, now: float, keep: int) -> None:
    """Delete the expired conversations, then the least recently updated past ``keep``, with
    their turns. Call inside a write transaction."""
    _delete(conn, "SELECT id FROM conversations WHERE expires <= :now", now=now)
    count = scalar(conn, "SELECT count(*) FROM conversations")
    if count > keep:
        _delete(conn, "SELECT id FROM conversations ORDER BY updated LIMIT :n", n=count - keep)


def _delete(conn: Any, ids: str, **params: Any) -> None:
    """Delete these conversations and their turns (also where foreign keys are off)."""
    gone = [row.id for row in rows(conn, ids, **params)]
    for i in range(0, len(gone), 500):
        chunk = gone[i : i + 500]
        execute(conn, "DELETE FROM conversation_turns WHERE conversation_id IN (:ids)", ids=chunk)
        execute(conn, "DELETE FROM conversations WHERE id IN (:ids)", ids=chunk)


def count_conversations(conn: Any, now: float) -> int:
    """How many conversations have not expired."""
    return scalar(conn, "SELECT count(*) FROM conversations WHERE expires > :now", now=now)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)

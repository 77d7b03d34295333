"""赞/踩 feedback on answers: one row per answer rated, with the question, the answer and its
status copied from the kept conversation (never from the client), so staff can see what fails.

The table lives with the conversations (``conversation_metadata``: with SQLite the file
``conversations.sqlite3``), so a rating never waits for an ingest's write lock. Rating the same
answer again replaces the row (the latest rating and comment stand).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
)

from nianbao.model import Feedback
from nianbao.store.conversations import conversation_metadata

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


def save_feedback(conn: Connection, entry: Feedback) -> None:
    """Store a rating, replacing an earlier one of the same answer. Call inside a transaction."""
    conn.execute(
        delete(feedback).where(
            feedback.c.conversation_id == entry.conversation_id, feedback.c.turn_at == entry.turn_at
        )
    )
    conn.execute(insert(feedback).values(**_row(entry)))


def list_feedback(conn: Connection, limit: int = 1000) -> list[Feedback]:
    """The newest ratings first."""
    query = select(feedback).order_by(feedback.c.at.desc(), feedback.c.id.desc()).limit(limit)
    return [_entry(r) for r in conn.execute(query)]


def _row(entry: Feedback) -> dict[str, Any]:
    return {
        "at": entry.at,
        "conversation_id": entry.conversation_id,
        "turn_at": entry.turn_at,
        "rating": entry.rating,
        "comment": entry.comment,
        "question": entry.question,
        "answer": entry.answer,
        "status": entry.status,
        "sources": entry.sources,
    }


def _entry(row: Any) -> Feedback:
    return Feedback(
        row.at,
        row.conversation_id,
        row.turn_at,
        row.rating,
        row.comment,
        row.question,
        row.answer,
        row.status,
        row.sources,
    )

"""赞/踩 feedback on answers: one row per answer rated, with the question, the answer and its
status copied from the kept conversation (never from the client), so staff can see what fails.

The table lives with the conversations (``store.conversation_schema``: with SQLite the file
``conversations.sqlite3``), so a rating never waits for an ingest's write lock. Rating the same
answer again replaces the row (the latest rating and comment stand). SQL text (``store.sql``),
as the conversations' statements.
"""

from __future__ import annotations

from typing import Any

from nianbao.model import Feedback
from nianbao.store.sql import execute, rows

_COLUMNS = (
    "at",
    "conversation_id",
    "turn_at",
    "rating",
    "comment",
    "question",
    "answer",
    "status",
    "sources",
)


def save_feedback(conn: Any, entry: Feedback) -> None:
    """Store a rating, replacing an earlier one of the same answer. Call inside a transaction."""
    execute(
        conn,
        "DELETE FROM feedback WHERE conversation_id = :conversation_id AND turn_at = :turn_at",
        conversation_id=entry.conversation_id,
        turn_at=entry.turn_at,
    )
    names = ", ".join(_COLUMNS)
    values = ", ".join(f":{c}" for c in _COLUMNS)
    execute(
        conn,
        f"INSERT INTO feedback ({names}) VALUES ({values})",
        **{c: getattr(entry, c) for c in _COLUMNS},
    )


def list_feedback(conn: Any, limit: int = 1000) -> list[Feedback]:
    """The newest ratings first."""
    query = f"SELECT {', '.join(_COLUMNS)} FROM feedback ORDER BY at DESC, id DESC LIMIT :limit"
    return [Feedback(*(getattr(r, c) for c in _COLUMNS)) for r in rows(conn, query, limit=limit)]

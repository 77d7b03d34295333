"""赞/踩 on answers: a rating names a kept conversation and the question asked in it; the
question, the answer, its status and its cited files are taken from the conversation as the
server kept it (``store.feedback``), so what staff export is what the person saw."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Literal

from nianbao import store
from nianbao.answer.conversations import ConversationStore
from nianbao.model import Feedback

Rating = Literal["up", "down"]


class FeedbackBook:
    """Ratings kept beside the conversations (one database: ``store.open_conversations``),
    the latest per answer."""

    def __init__(
        self, engine: Any, conversations: ConversationStore, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.conversations = conversations
        self.clock = clock
        self._writing = threading.Lock()

    def rate(self, conversation_id: str, question: str, rating: Rating, comment: str = "") -> Feedback | None:
        """Store a rating of the latest answer to ``question`` in the conversation; None when
        the conversation is not kept or no such question was asked in it."""
        kept = self.conversations.history(conversation_id)
        turns = [t for t in (kept.turns if kept else ()) if t.question.strip() == question.strip()]
        if not turns:
            return None
        turn = turns[-1]
        sources = dict.fromkeys(str(c.get("source", "")) for c in turn.citations)
        entry = Feedback(
            self.clock(),
            conversation_id,
            turn.at,
            rating,
            comment.strip(),
            turn.question,
            turn.answer,
            turn.status,
            "; ".join(s for s in sources if s),
        )
        with self._writing, store.conversations_writing(self.engine) as conn:
            store.save_feedback(conn, entry)
        return entry

    def entries(self, limit: int = 1000) -> list[Feedback]:
        """The newest ratings first."""
        with self.engine.connect() as conn:
            return store.list_feedback(conn, limit)

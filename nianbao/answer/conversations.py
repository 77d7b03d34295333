"""Where conversations are kept between questions: a small Protocol and its implementations.

``StoredConversations`` keeps them in the store (``store.conversations``), so a follow-up asked
of another serving worker, or after a restart, is answered with the conversation's state, and
the page can show a conversation again after a refresh. ``MemoryConversations`` is the
deterministic stand-in for unit tests.

Ids are issued here (:func:`new_id`: unguessable), never taken from a client. Every turn and
state is bounded in size (:func:`turn_of`, :func:`bounded_state`), and the stores bound how many
turns a conversation keeps, how many conversations they keep, and for how long.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any, Protocol

from nianbao import store
from nianbao.answer.model import Answer, Citation
from nianbao.model import Conversation, Turn
from nianbao.settings import Settings

#: Turns kept per conversation; older ones are dropped first.
MAX_TURNS = 30
#: Characters of one turn's answer text kept for the history.
MAX_ANSWER_CHARS = 2000
#: Citations kept per turn.
MAX_CITATIONS = 12
#: Characters of a citation's quote kept for the history.
MAX_QUOTE_CHARS = 300
#: The state a follow-up reads, as JSON: past this the open question (pending, options) goes.
MAX_STATE_CHARS = 8000


class ConversationStore(Protocol):
    """Keeps conversations by id: the state a follow-up reads, and the turns."""

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation's state (no turns); None when none with this id is kept."""
        ...

    def history(self, conversation_id: str) -> Conversation | None:
        """The conversation with its turns, oldest first; None when none with this id is kept."""
        ...

    def save(self, conversation_id: str, state: dict, turn: Turn) -> None:
        """Record a turn and the state after it; a conversation not kept is started."""
        ...


def new_id() -> str:
    """A conversation id that nobody can guess."""
    return uuid.uuid4().hex


def turn_of(question: str, answer: Answer) -> Turn:
    """The turn as the history keeps it: the answer and its citations, cut to size."""
    return Turn(
        _cut(question, MAX_ANSWER_CHARS),
        _cut(answer.text, MAX_ANSWER_CHARS),
        answer.status,
        tuple(_citation(c) for c in answer.citations[:MAX_CITATIONS]),
        time.time(),
    )


def bounded_state(state: dict) -> dict:
    """The state, without the open question (pending, options) if it is too large to keep."""
    if _size(state) <= MAX_STATE_CHARS:
        return state
    slim = {k: v for k, v in state.items() if k not in ("pending", "mention", "options")}
    return slim if _size(slim) <= MAX_STATE_CHARS else {}


def _citation(citation: Citation) -> dict:
    row = asdict(citation)
    row["quote"] = _cut(row.get("quote") or "", MAX_QUOTE_CHARS)
    return row


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


class MemoryConversations:
    """Conversations in this process's memory, the least recently used forgotten first; for
    unit tests (a second worker or a restart would not see them)."""

    def __init__(self, limit: int = 1000, max_turns: int = MAX_TURNS) -> None:
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()
        self.limit = limit
        self.max_turns = max_turns

    def load(self, conversation_id: str) -> Conversation | None:
        found = self.history(conversation_id)
        return None if found is None else replace(found, turns=())

    def history(self, conversation_id: str) -> Conversation | None:
        with self._lock:
            return self._items.get(conversation_id)

    def save(self, conversation_id: str, state: dict, turn: Turn) -> None:
        with self._lock:
            old = self._items.get(conversation_id) or Conversation(conversation_id, created=turn.at)
            turns = (*old.turns, turn)[-self.max_turns :]
            self._items[conversation_id] = replace(old, state=state, turns=turns, updated=turn.at)
            self._items.move_to_end(conversation_id)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)


class StoredConversations:
    """Conversations in the store, kept ``ttl`` seconds after their last question, at most
    ``limit`` of them (trimmed every ``trim_every`` conversations this process starts: the
    store may hold that many more between trims), each with at most ``max_turns`` turns.

    ``engine`` is the conversations' database (``store.open_conversations``): sqlite3 on the
    embedded store, SQLAlchemy's engine on PostgreSQL.
    """

    def __init__(
        self,
        engine: Any,
        ttl: float,
        limit: int,
        max_turns: int = MAX_TURNS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.ttl = ttl
        self.limit = limit
        self.max_turns = max_turns
        self.clock = clock
        #: Trimming counts every conversation and reads the oldest: done now and then, not on
        #: every new conversation (1 % of the limit at most stays above it between trims).
        self.trim_every = max(1, limit // 100)
        self._started = 0
        # One writer at a time from this process: threads queue here and go at once, rather
        # than meeting SQLite's lock and sleeping in its busy handler's backoff.
        self._writing = threading.Lock()

    @classmethod
    def of(cls, settings: Settings) -> StoredConversations:
        """The conversations of these settings (``conversations_url``, TTL and limit)."""
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = store.open_conversations(
            settings.conversations_url, settings.db_pool_size, settings.db_max_overflow
        )
        return cls(engine, settings.conversation_ttl, settings.conversation_limit)

    def load(self, conversation_id: str) -> Conversation | None:
        with self.engine.connect() as conn:
            return store.load_conversation(conn, conversation_id, self.clock())

    def history(self, conversation_id: str) -> Conversation | None:
        with self.engine.connect() as conn:
            return store.load_conversation(conn, conversation_id, self.clock(), with_turns=True)

    def save(self, conversation_id: str, state: dict, turn: Turn) -> None:
        now = self.clock()
        with self._writing, store.conversations_writing(self.engine) as conn:
            started = store.save_turn(
                conn, conversation_id, state, turn, now=now, ttl=self.ttl, max_turns=self.max_turns
            )
            self._started += started
            if started and self._started % self.trim_every == 0:
                store.trim_conversations(conn, now, self.limit)

    def count(self) -> int:
        """How many conversations are kept (not expired)."""
        with self.engine.connect() as conn:
            return store.count_conversations(conn, self.clock())

    def close(self) -> None:
        self.engine.dispose()

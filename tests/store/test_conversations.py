"""Conversations kept in the store: bounded in time, in count and in turns, shared by every
process that opens the same data directory. The in-memory stand-in behaves the same where it can."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from nianbao.answer.conversations import (
    MAX_ANSWER_CHARS,
    MAX_CITATIONS,
    MAX_QUOTE_CHARS,
    MAX_STATE_CHARS,
    ConversationStore,
    MemoryConversations,
    StoredConversations,
    bounded_state,
    new_id,
    turn_of,
)
from nianbao.answer.model import Answer, Citation
from nianbao.model import Turn
from nianbao.settings import Settings

STATE = {"bodies": ["白鹭县人民政府办公室"], "years": [2023], "row": "t3.new_received"}


class Clock:
    """Seconds that move only when told to."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def turn(question: str, at: float = 0.0) -> Turn:
    return Turn(question, f"答：{question}", "answered", (), at)


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    """SQLite beside the data directory, and a PostgreSQL database (the tables beside the records)."""
    return Settings(
        data_dir=tmp_path / "data", database_url=database_url, conversation_ttl=3600, conversation_limit=3
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stored(settings: Settings, clock: Clock) -> Iterator[StoredConversations]:
    kept = StoredConversations.of(settings)
    kept.clock = clock
    yield kept
    kept.close()


@pytest.fixture(params=["stored", "memory"])
def any_store(request: pytest.FixtureRequest, stored: StoredConversations) -> ConversationStore:
    return stored if request.param == "stored" else MemoryConversations(limit=3)


# --- what every store does ------------------------------------------------------------------


def test_a_conversation_not_kept_is_none(any_store: ConversationStore) -> None:
    assert any_store.load(new_id()) is None and any_store.history(new_id()) is None


def test_a_saved_turn_is_read_back_with_the_state_and_the_turns_in_order(
    any_store: ConversationStore,
) -> None:
    cid = new_id()
    any_store.save(cid, {}, turn("第一问"))
    any_store.save(cid, STATE, turn("第二问"))
    assert any_store.load(cid).state == STATE  # type: ignore[union-attr]
    assert [t.question for t in any_store.history(cid).turns] == ["第一问", "第二问"]  # type: ignore[union-attr]


def test_past_the_limit_the_least_recently_used_conversation_goes(
    any_store: ConversationStore, clock: Clock
) -> None:
    ids = [new_id() for _ in range(4)]
    for cid in ids[:3]:
        clock.now += 1
        any_store.save(cid, STATE, turn("问", clock.now))
    clock.now += 1
    any_store.save(ids[0], STATE, turn("又问", clock.now))  # the first is used again
    clock.now += 1
    any_store.save(ids[3], STATE, turn("问", clock.now))
    assert any_store.load(ids[1]) is None
    assert all(any_store.load(cid) is not None for cid in (ids[0], ids[2], ids[3]))


def test_ids_are_unguessable_hex() -> None:
    ids = {new_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


# --- the store's bounds -----------------------------------------------------------------------


def test_a_conversation_expires_its_ttl_after_its_last_question(
    stored: StoredConversations, clock: Clock
) -> None:
    cid = new_id()
    stored.save(cid, STATE, turn("问"))
    clock.now += 3000
    stored.save(cid, STATE, turn("再问"))  # the clock restarts at each question
    clock.now += 3000
    assert stored.load(cid) is not None
    clock.now += 601
    assert stored.load(cid) is None and stored.history(cid) is None and stored.count() == 0


def test_an_expired_conversation_is_deleted_when_another_starts(
    stored: StoredConversations, clock: Clock
) -> None:
    old = new_id()
    stored.save(old, STATE, turn("问"))
    clock.now += 4000
    stored.save(new_id(), STATE, turn("问"))
    clock.now -= 4000  # even seen from before it expired, it is gone
    assert stored.load(old) is None


def test_the_limit_is_kept_by_trimming_now_and_then(stored: StoredConversations, clock: Clock) -> None:
    """Trimming counts every conversation, so it runs every ``trim_every`` conversations started:
    between trims the store may hold up to ``trim_every - 1`` past the limit."""
    stored.trim_every = 3
    counts = []
    for _ in range(6):
        clock.now += 1
        stored.save(new_id(), STATE, turn("问", clock.now))
        counts.append(stored.count())
    assert counts == [1, 2, 3, 4, 5, 3]  # the limit is 3; trimmed at the 3rd and 6th start


def test_only_the_most_recent_turns_are_kept(stored: StoredConversations) -> None:
    stored.max_turns = 5
    cid = new_id()
    for i in range(12):
        stored.save(cid, STATE, turn(f"第{i}问"))
    assert [t.question for t in stored.history(cid).turns] == [f"第{i}问" for i in range(7, 12)]  # type: ignore[union-attr]


def test_a_long_answer_and_many_citations_are_cut_for_the_history() -> None:
    cite = Citation("a.docx", "白鹭县人民政府办公室", 2023, "前言", "引" * 2000, "r1")
    kept = turn_of("问", Answer("answered", "答" * 50_000, (cite,) * 100))
    assert len(kept.answer) == MAX_ANSWER_CHARS and kept.answer.endswith("…")
    assert len(kept.citations) == MAX_CITATIONS
    assert all(len(c["quote"]) == MAX_QUOTE_CHARS for c in kept.citations)


def test_a_state_too_large_to_keep_drops_the_open_question_first() -> None:
    options = [f"某某县第{i}人民政府办公室" for i in range(2000)]
    big = {**STATE, "pending": "问", "mention": "某某县", "options": options}
    assert bounded_state(big) == STATE
    assert bounded_state({"bodies": ["长名字" * MAX_STATE_CHARS]}) == {}


def test_two_processes_over_one_data_directory_share_conversations(settings: Settings) -> None:
    first, second = StoredConversations.of(settings), StoredConversations.of(settings)
    try:
        cid = new_id()
        first.save(cid, STATE, turn("问"))
        assert second.load(cid).state == STATE  # type: ignore[union-attr]
        second.save(cid, {**STATE, "years": [2022]}, turn("那2022年呢？"))
        assert [t.question for t in first.history(cid).turns] == ["问", "那2022年呢？"]  # type: ignore[union-attr]
    finally:
        first.close()
        second.close()


def test_two_workers_saving_turns_of_one_conversation_at_once_keep_every_turn(settings: Settings) -> None:
    stores = [StoredConversations.of(settings) for _ in range(2)]
    cid = new_id()
    stores[0].save(cid, STATE, turn("问0"))

    def ask(kept: StoredConversations, name: str) -> None:
        for i in range(6):
            kept.save(cid, STATE, turn(f"{name}{i}"))

    try:
        threads = [
            threading.Thread(target=ask, args=(kept, name)) for kept, name in zip(stores, "AB", strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        kept = stores[1].history(cid)
        assert kept is not None
        assert len(kept.turns) == 13
        assert {t.question for t in kept.turns} == {"问0"} | {f"{n}{i}" for n in "AB" for i in range(6)}
    finally:
        for kept_ in stores:
            kept_.close()


def test_conversations_live_beside_the_records_not_in_their_file(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=None)
    assert settings.conversations_url.endswith("conversations.sqlite3")
    assert settings.conversations_url != settings.db_url
    server = replace(settings, database_url="postgresql://db/nianbao")
    assert server.conversations_url == server.db_url  # a database server keeps them in its own tables

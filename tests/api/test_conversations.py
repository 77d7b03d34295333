"""Conversations over HTTP: ids issued by the server, an unknown id answered as a new
conversation, the turns read back (GET /api/conversations/{id}), and follow-ups answered by
another app instance over the same data directory (another worker, or the app after a restart).

Expected numbers come from the hand-verified gold file of the seed report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nianbao.api.app import create_app
from nianbao.library import Library
from nianbao.settings import Settings
from tests.api.conftest import GOLD, RAW, SEED, settings_for

CELLS = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))["cells"]
QUESTION = "市中区政府办2023年收到多少信息公开申请？"
FOLLOW_UP = "其中自然人呢？"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Settings:
    settings = settings_for(
        tmp_path_factory.mktemp("conversations") / "data", database_url=module_database_url
    )
    library = Library(settings)
    assert [o.status for o in library.ingest_paths([RAW / f"{SEED}.docx"])] == ["ingested"]
    library.engine.dispose()
    return settings


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, with_index=False)) as c:
        yield c


def ask(client: TestClient, question: str, conversation_id: str | None = None) -> dict:
    response = client.post("/api/chat", json={"question": question, "conversation_id": conversation_id})
    assert response.status_code == 200, response.text
    return response.json()


def has_number(text: str, number: int) -> bool:
    return re.search(rf"(?<![\d.]){number}(?![\d.])", text) is not None


def test_the_server_issues_an_unguessable_id_for_a_new_conversation(client: TestClient) -> None:
    first = ask(client, QUESTION)
    assert first["conversation_new"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", first["conversation_id"])
    follow = ask(client, FOLLOW_UP, first["conversation_id"])
    assert follow["conversation_new"] is False and follow["conversation_id"] == first["conversation_id"]
    assert has_number(follow["answer"], CELLS["t3.new_received.natural_person"])


@pytest.mark.parametrize("chosen", ["abc", "0" * 32, "my-own-conversation"])
def test_a_client_chosen_id_is_answered_as_a_new_conversation_that_says_so(
    client: TestClient, chosen: str
) -> None:
    reply = ask(client, QUESTION, chosen)
    assert reply["conversation_new"] is True and reply["conversation_id"] != chosen
    assert re.fullmatch(r"[0-9a-f]{32}", reply["conversation_id"])
    assert reply["status"] == "answered" and "没有找到这个对话" in reply["answer"]
    assert client.get(f"/api/conversations/{chosen}").status_code == 404  # nothing kept under it


def test_a_follow_up_under_an_unknown_id_inherits_nothing(client: TestClient) -> None:
    reply = ask(client, FOLLOW_UP, "f" * 32)
    assert reply["conversation_new"] is True and not reply["figures"] and not reply["citations"]


def test_the_turns_of_a_conversation_are_read_back_with_their_citations(client: TestClient) -> None:
    first = ask(client, QUESTION)
    ask(client, "谢谢", first["conversation_id"])
    ask(client, FOLLOW_UP, first["conversation_id"])
    response = client.get(f"/api/conversations/{first['conversation_id']}")
    assert response.status_code == 200, response.text
    kept = response.json()
    assert kept["id"] == first["conversation_id"]
    assert [t["question"] for t in kept["turns"]] == [QUESTION, "谢谢", FOLLOW_UP]
    assert kept["turns"][0]["answer"] == first["answer"]
    assert [t["status"] for t in kept["turns"]] == ["answered"] * 3
    [cite] = kept["turns"][0]["citations"]
    assert cite["key"] == "t3.new_received.total" and cite["quote"].endswith(str(CELLS[cite["key"]]))
    assert kept["turns"][1]["citations"] == []
    assert kept["created"] <= kept["updated"]


def test_an_unknown_conversation_is_404_and_a_malformed_id_422(client: TestClient) -> None:
    missing = client.get(f"/api/conversations/{'e' * 32}")
    assert missing.status_code == 404 and set(missing.json()) == {"error"}
    assert client.get("/api/conversations/..%2F..%2Fetc").status_code in (404, 422)
    assert client.get(f"/api/conversations/{'x' * 65}").status_code == 422


def test_the_chat_contract_documents_new_conversations_and_the_history_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    chat = spec["components"]["schemas"]["ChatResponse"]["properties"]
    assert "conversation_new" in chat and "not kept" in chat["conversation_new"]["description"]
    assert "/api/conversations/{conversation_id}" in spec["paths"]


def test_a_follow_up_is_answered_by_another_app_over_the_same_data(
    settings: Settings, tmp_path: Path
) -> None:
    """Two workers (two app instances) at once, then a third after both stopped (a restart)."""
    with (
        TestClient(create_app(settings, with_index=False)) as one,
        TestClient(create_app(settings, with_index=False)) as two,
    ):
        first = ask(one, QUESTION)
        follow = ask(two, FOLLOW_UP, first["conversation_id"])
        assert follow["conversation_new"] is False
        assert has_number(follow["answer"], CELLS["t3.new_received.natural_person"])
        assert [c["key"] for c in follow["citations"]] == ["t3.new_received.natural_person"]
    with TestClient(create_app(settings, with_index=False)) as restarted:
        again = ask(restarted, "那行政复议呢？", first["conversation_id"])
        assert again["conversation_new"] is False and again["status"] == "answered"
        assert {c["key"].rsplit(".", 1)[0] for c in again["citations"]} == {"t4.review"}
        turns = restarted.get(f"/api/conversations/{first['conversation_id']}").json()["turns"]
        assert [t["question"] for t in turns] == [QUESTION, FOLLOW_UP, "那行政复议呢？"]

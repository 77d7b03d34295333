"""What the page and the admin page read over HTTP (issue 15): what is stored and questions to
ask, 赞/踩 feedback and its export, an unknown figures key, Chinese validation messages, and the
API docs served from this server's own files. Expected numbers come from the gold files."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, GOLD, SEED, live_server, raw_files, settings_for, upload

GOLD_SEED = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))
OTHER = "2023_suqian_shuyangxian_fagaiju"
GOLD_OTHER = json.loads((GOLD / f"{OTHER}.json").read_text(encoding="utf-8"))
ADMIN = {"X-Admin-Key": ADMIN_KEY}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    settings = settings_for(tmp_path_factory.mktemp("page-api") / "data")
    with live_server(settings, with_index=False) as srv, srv.client() as c:
        outcomes = upload(c, raw_files(f"{SEED}.docx", f"{OTHER}.html")).json()["outcomes"]
        assert [o["status"] for o in outcomes] == ["ingested", "ingested"], outcomes
        yield c


def test_overview_lists_the_stored_bodies_and_years_and_questions_they_answer(client: httpx.Client) -> None:
    overview = client.get("/api/overview").json()
    bodies = {b["name"]: b["years"] for b in overview["bodies"]}
    assert bodies == {GOLD_SEED["agency"]: [GOLD_SEED["year"]], GOLD_OTHER["agency"]: [GOLD_OTHER["year"]]}
    assert overview["reports"] == 2
    assert 2 <= len(overview["examples"]) <= 4
    for question in overview["examples"]:
        assert any(name in question for name in bodies), question
        assert client.post("/api/chat", json={"question": question}).json()["status"] == "answered", question


def test_overview_of_an_empty_store_has_no_bodies_and_no_examples(tmp_path) -> None:
    with live_server(settings_for(tmp_path / "data"), with_index=False) as srv, srv.client() as c:
        assert c.get("/api/overview").json() == {"reports": 0, "bodies": [], "examples": []}


def test_overview_examples_follow_what_is_stored(tmp_path) -> None:
    """The examples are kept between page loads, and made again once a report comes or goes."""
    with live_server(settings_for(tmp_path / "data"), with_index=False) as srv, srv.client() as c:
        assert c.get("/api/overview").json()["examples"] == []
        upload(c, raw_files(f"{SEED}.docx"))
        first = c.get("/api/overview").json()["examples"]
        assert first and all(GOLD_SEED["agency"] in q or "市中区" in q for q in first)
        assert c.get("/api/overview").json()["examples"] == first
        upload(c, raw_files(f"{OTHER}.html"))
        both = c.get("/api/overview").json()
        assert len(both["bodies"]) == 2 and both["examples"]
        [seed] = [r for r in c.get("/api/reports").json() if r["body"] == GOLD_SEED["agency"]]
        assert c.delete(f"/api/reports/{seed['id']}", headers=ADMIN).status_code == 200
        after = c.get("/api/overview").json()["examples"]
        assert after and not any("市中区" in q for q in after)


def test_feedback_is_stored_with_the_question_and_the_answer_the_server_gave(client: httpx.Client) -> None:
    question = "市中区政府办2023年收到多少信息公开申请？"
    reply = client.post("/api/chat", json={"question": question}).json()
    expected = GOLD_SEED["cells"]["t3.new_received.total"]
    assert re.search(rf"(?<!\d){expected}(?!\d)", reply["answer"])
    sent = {"conversation_id": reply["conversation_id"], "question": question, "rating": "up"}
    assert client.post("/api/feedback", json=sent).status_code == 200
    again = client.post("/api/feedback", json={**sent, "rating": "down", "comment": "想看自然人的"})
    assert again.status_code == 200, again.text
    listed = [e for e in client.get("/api/feedback", headers=ADMIN).json() if e["question"] == question]
    assert len(listed) == 1  # rating the same answer again replaces the rating
    entry = listed[0]
    assert entry["rating"] == "down" and entry["comment"] == "想看自然人的"
    assert entry["answer"] == reply["answer"] and entry["status"] == "answered"
    assert f"{SEED}.docx" in entry["sources"]
    exported = client.get("/api/feedback", params={"format": "csv"}, headers=ADMIN)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert [(r["rating"], r["question"], r["comment"]) for r in rows if r["question"] == question] == [
        ("down", question, "想看自然人的")
    ]


def test_feedback_export_needs_the_admin_key_and_rating_does_not(client: httpx.Client) -> None:
    assert client.get("/api/feedback").status_code == 401
    assert client.get("/api/feedback", headers={"X-Admin-Key": "wrong"}).status_code == 401


def test_feedback_on_an_answer_never_given_is_404_and_a_bad_rating_422(client: httpx.Client) -> None:
    unknown = {"conversation_id": "0" * 32, "question": "随便问问", "rating": "up"}
    assert client.post("/api/feedback", json=unknown).json()["error"]["code"] == "not_found"
    reply = client.post("/api/chat", json={"question": "市中区政府办2023年行政复议有几件？"}).json()
    asked_elsewhere = {"conversation_id": reply["conversation_id"], "question": "别的问题", "rating": "up"}
    assert client.post("/api/feedback", json=asked_elsewhere).status_code == 404
    bad = client.post("/api/feedback", json={**unknown, "rating": "meh"})
    assert bad.status_code == 422
    assert bad.json()["error"]["message"].startswith("评价（rating）：只能是")


def test_validation_messages_are_in_chinese_and_name_the_field(client: httpx.Client) -> None:
    blank = client.post("/api/chat", json={"question": "   "}).json()["error"]["message"]
    assert blank == "问题（question）：不能为空"
    long = client.post("/api/chat", json={"question": "多" * 501}).json()["error"]["message"]
    assert long == "问题（question）：最多 500 个字"
    year = client.get("/api/figures", params={"year": "去年"}).json()["error"]["message"]
    assert year.startswith("年份（year") and "整数" in year


def test_figures_with_an_unknown_key_is_400_naming_the_nearest_keys(client: httpx.Client) -> None:
    response = client.get("/api/figures", params={"key": "t3.new_recieved"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unknown_key"
    assert "t3.new_recieved" in error["message"] and "t3.new_received" in error["message"]
    assert client.get("/api/figures", params={"key": "t3.new_received", "body": "市中区"}).status_code == 200


def test_figures_come_in_table_order(client: httpx.Client) -> None:
    from nianbao.keys import CANONICAL_KEYS

    keys = [r["key"] for r in client.get("/api/figures", params={"body": "市中区"}).json()]
    assert keys == [k for k in CANONICAL_KEYS if k in GOLD_SEED["cells"]]


def test_docs_load_swagger_ui_from_this_server(client: httpx.Client) -> None:
    page = client.get("/docs").text
    assert not re.search(r"https?://", page)
    assets = re.findall(r'(?:src|href)="(/docs-assets/[^"]+)"', page)
    assert len(assets) >= 2
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert client.get("/redoc").status_code == 404  # ReDoc would come from a CDN: not offered


def test_admin_page_is_served_with_the_page_headers(client: httpx.Client) -> None:
    page = client.get("/admin")
    assert page.status_code == 200 and "管理" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]

"""Versions over HTTP: an upload that reads fewer cells is kept beside the current report
(``kept_current``) unless ``force=true``; every version is listed and can be restored; a delete
is soft; the body and year fields never relabel a file whose title names another (409 in the one
error shape); the audit log names the admin key by a short hash, never the key. The real app
under uvicorn; the seed report and stubs written here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, RAW, SEED, Served, live_server, settings_for, upload

ADMIN = {"X-Admin-Key": ADMIN_KEY}
SEED_TXT = f"{SEED}.txt"
SEED_BODY = "市中区人民政府办公室"
STUB = f"{SEED_BODY}\n2023年度政府信息公开工作年度报告\n一、总体情况：本机关依法推进工作。\n".encode()


@pytest.fixture
def served(tmp_path: Path, database_url: str | None) -> Iterator[Served]:
    with live_server(settings_for(tmp_path / "data", database_url=database_url), with_index=False) as srv:
        yield srv


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with served.client() as c:
        yield c


def outcome_of(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    [outcome] = response.json()["outcomes"]
    return outcome


def new_received(client: httpx.Client) -> list:
    rows = client.get("/api/figures", params={"body": "市中区", "key": "t3.new_received.total"}).json()
    return [r["value"] for r in rows]


def test_a_stub_upload_is_kept_beside_the_report_until_forced_and_the_old_is_restorable(
    client: httpx.Client,
) -> None:
    seed = outcome_of(upload(client, [(SEED_TXT, (RAW / SEED_TXT).read_bytes())]))
    assert new_received(client) == [27]
    kept = outcome_of(upload(client, [("stub.txt", STUB)]))
    assert kept["status"] == "kept_current"
    assert (kept["cells"], kept["current_id"], kept["current_cells"]) == (0, seed["report_id"], 200)
    assert new_received(client) == [27]
    versions = client.get(f"/api/reports/{seed['report_id']}/versions").json()
    assert [(v["source"], v["version"], v["current"]) for v in versions] == [
        (SEED_TXT, 1, True),
        ("stub.txt", 2, False),
    ]
    forced = outcome_of(upload(client, [("stub.txt", STUB)], force="true"))
    assert forced["status"] == "replaced" and new_received(client) == []
    restored = client.post(f"/api/reports/{seed['report_id']}/restore", headers=ADMIN)
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "restored" and restored.json()["previous"] == kept["report_id"]
    assert new_received(client) == [27]


def test_the_body_and_year_fields_never_relabel_a_file_whose_title_names_another(
    client: httpx.Client,
) -> None:
    seed = (SEED_TXT, (RAW / SEED_TXT).read_bytes())
    other = upload(client, [seed], body="淮安市人民政府")
    assert other.status_code == 409, other.text
    error = other.json()["error"]
    assert error["code"] == "identity_conflict"
    assert SEED_BODY in error["message"] and "淮安市人民政府" in error["message"]
    wrong_year = upload(client, [seed], year="2021")
    assert wrong_year.status_code == 409 and "2021" in wrong_year.json()["error"]["message"]
    # one file of several naming another body: nothing of the upload is stored
    pingtan = ("p.html", (RAW / "2024_pingtan_zonghe_shiyanqu.html").read_bytes())
    assert upload(client, [seed, pingtan], body=SEED_BODY).status_code == 409
    assert client.get("/api/reports").json() == []


def test_delete_then_restore_over_http_and_the_audit_log_names_the_key_by_its_hash(
    client: httpx.Client,
) -> None:
    seed = outcome_of(upload(client, [(SEED_TXT, (RAW / SEED_TXT).read_bytes())]))
    report_id = seed["report_id"]
    deleted = client.delete(f"/api/reports/{report_id}", headers=ADMIN)
    assert deleted.status_code == 200 and "30 days" in deleted.json()["message"]
    assert client.get("/api/reports").json() == [] and new_received(client) == []
    [listed] = client.get(f"/api/reports/{report_id}/versions").json()
    assert listed["deleted_at"] and listed["current"] is False
    assert client.post(f"/api/reports/{report_id}/restore", headers=ADMIN).json()["status"] == "restored"
    assert new_received(client) == [27]
    again = client.post(f"/api/reports/{report_id}/restore", headers=ADMIN).json()
    assert again["status"] == "unchanged"
    audit = client.get("/api/audit-log", headers=ADMIN)
    assert audit.status_code == 200
    entries = audit.json()
    key_id = "key:" + hashlib.sha256(ADMIN_KEY.encode()).hexdigest()[:12]
    assert [(e["action"], e["report_id"], e["actor"]) for e in entries] == [
        ("restore", report_id, key_id),
        ("delete", report_id, key_id),
    ]
    assert ADMIN_KEY not in audit.text


def test_versions_restore_and_audit_answer_in_the_error_shape(client: httpx.Client) -> None:
    assert client.get("/api/reports/nosuch/versions").status_code == 404
    missing = client.post("/api/reports/nosuch/restore", headers=ADMIN)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.post("/api/reports/nosuch/restore").status_code == 401
    assert client.get("/api/audit-log").json()["error"]["code"] == "unauthorized"
    bad = upload(client, [("x.txt", b"x")], force="maybe")
    assert bad.status_code == 422 and "force" in bad.json()["error"]["message"]

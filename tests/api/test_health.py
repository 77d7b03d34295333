"""/healthz is honest: it says ``degraded`` and what is wrong (no reports, the search model not
loaded, the disk full) rather than ``ok``; and an upload with the model missing is stored
without vectors, never a 500. Over HTTP against the real app under uvicorn."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.api.conftest import RAW, SEED, live_server, settings_for, upload


def settled(client: httpx.Client) -> dict:
    """/healthz once the search index has finished loading (or failing to)."""
    deadline = time.monotonic() + 240
    while True:
        health = client.get("/healthz").json()
        if health["model"] != "loading" or time.monotonic() > deadline:
            return health
        time.sleep(0.2)


def test_an_empty_store_and_a_missing_model_are_named_and_uploads_still_go_in(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", embed_model=str(tmp_path / "no-such-model"))
    with live_server(settings) as srv, srv.client() as client:
        health = settled(client)
        assert health["status"] == "degraded" and health["model"] == "unavailable", health
        [empty, model] = health["problems"]
        assert "no reports are stored" in empty and "nianbao ingest" in empty
        assert "search model could not be loaded" in model and "no-such-model" in model
        response = upload(client, [(f"{SEED}.docx", (RAW / f"{SEED}.docx").read_bytes())])
        assert response.status_code == 200, response.text
        assert [o["status"] for o in response.json()["outcomes"]] == ["ingested"]
        after = client.get("/healthz").json()
    assert after["status"] == "degraded" and after["reports"] == 1
    assert [p for p in after["problems"] if "no reports" in p] == []
    assert len(after["problems"]) == 1 and "search model" in after["problems"][0]


def test_a_disk_under_the_free_space_kept_is_named(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", min_free_bytes=1 << 60)  # more than any disk has
    with live_server(settings, with_index=False) as srv, srv.client() as client:
        health = client.get("/healthz").json()
        refused = upload(client, [(f"{SEED}.docx", (RAW / f"{SEED}.docx").read_bytes())])
    assert health["status"] == "degraded"
    [full] = [p for p in health["problems"] if p.startswith("disk full")]
    assert str(tmp_path / "data") in full and "NIANBAO_MIN_FREE_BYTES" in full
    [outcome] = refused.json()["outcomes"]
    assert outcome["status"] == "skipped" and "disk full" in outcome["message"]


def test_nothing_wrong_is_ok(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data")
    with live_server(settings, with_index=False) as srv, srv.client() as client:
        upload(client, [(f"{SEED}.docx", (RAW / f"{SEED}.docx").read_bytes())])
        health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["problems"] == [] and health["reports"] == 1

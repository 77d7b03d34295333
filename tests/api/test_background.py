"""The search index opened on a thread: its state, what waits for it, and /healthz saying so.

The index here is a stand-in whose opening blocks until the test lets it go, so "loading" is a
state the test holds rather than a race it hopes to win.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from nianbao.answer.engine import Answerer
from nianbao.api import background
from nianbao.api.background import BackgroundIndex, IndexNotReady
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from tests.api.conftest import RAW, live_server, settings_for


class Recorder:
    """A search index that records what it was asked."""

    def __init__(self) -> None:
        self.searched: list[str] = []
        self.added: list[str] = []

    def search(self, query: str, k: int = 5, **filters: object) -> list:
        self.searched.append(query)
        return []

    def chunk_rows(self, report: object) -> list[dict]:
        return []

    def embed(self, rows: list[dict]) -> list:
        return []

    def add(
        self,
        report_id: str,
        rows: list[dict],
        vectors: object = None,
        meta: object = None,
        conn: object = None,
    ) -> None:
        self.added.append(report_id)

    def remove(self, report_id: str, conn: object = None) -> None:
        pass


def held(settings: Settings, index: object, gate: threading.Event) -> BackgroundIndex:
    """A BackgroundIndex whose opening waits for ``gate``."""

    def opener(_: Settings) -> object:
        assert gate.wait(30)
        return index

    return BackgroundIndex(settings, prepare=lambda _: None, opener=opener).start()  # type: ignore[arg-type]  # a stand-in index


def test_the_state_is_loading_until_the_index_opens_then_ready(tmp_path: Path) -> None:
    gate = threading.Event()
    index = Recorder()
    loading = held(Settings(data_dir=tmp_path), index, gate)
    assert loading.state == "loading" and loading.reason is None
    assert loading.wait(0.05) is None  # not ready yet: a bounded wait gives up
    gate.set()
    assert loading.wait(10) is index and loading.state == "ready" and loading.seconds is not None


def test_a_failed_opening_is_unavailable_with_the_reason(tmp_path: Path) -> None:
    def opener(_: Settings) -> object:
        raise RuntimeError("no model file here")

    loading = BackgroundIndex(Settings(data_dir=tmp_path), opener=opener).start()  # type: ignore[arg-type]  # a stand-in opener
    assert loading.wait(10) is None
    assert loading.state == "unavailable" and "no model file here" in (loading.reason or "")
    assert loading.chunk_rows(object()) == [] and loading.add("r", []) is None  # records only


def test_a_write_while_loading_waits_for_the_index(tmp_path: Path) -> None:
    gate = threading.Event()
    index = Recorder()
    loading = held(Settings(data_dir=tmp_path), index, gate)
    threading.Timer(0.3, gate.set).start()
    started = time.perf_counter()
    loading.add("report-1", [])
    assert index.added == ["report-1"] and time.perf_counter() - started >= 0.25


def test_a_write_that_waits_too_long_fails_rather_than_storing_half(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(background, "WRITE_WAIT_SECONDS", 0.05)
    gate = threading.Event()
    loading = held(Settings(data_dir=tmp_path), Recorder(), gate)
    with pytest.raises(IndexNotReady, match="still loading"):
        loading.add("report-1", [])
    gate.set()


def test_a_text_question_asked_while_loading_waits_for_the_index(tmp_path: Path) -> None:
    """A question that names no body, over more than three reports, searches: asked while the
    index loads, it waits and then searches, rather than failing or skipping the search."""
    settings = Settings(data_dir=tmp_path / "data")
    library = Library(settings)
    names = [
        "2023_zaozhuang_shizhongqu_zfb.docx",
        "2023_suqian_shuyangxian_fagaiju.html",
        "2023_huaian_hongzequ.pdf",
        "2024_pingtan_zonghe_shiyanqu.html",
    ]
    outcomes = list(library.ingest_paths([RAW / n for n in names]))
    assert [o.status for o in outcomes] == ["ingested"] * 4
    gate = threading.Event()
    index = Recorder()
    loading = held(settings, index, gate)
    answerer = Answerer(Catalog(library.engine), loading.for_question)
    threading.Timer(0.3, gate.set).start()
    answer = answerer.ask("政府信息公开工作存在哪些不足？")
    assert index.searched, answer  # the search ran, once the index was there
    assert loading.state == "ready"
    library.engine.dispose()


def test_healthz_says_unavailable_with_the_reason_when_the_index_is_off(tmp_path: Path) -> None:
    with live_server(settings_for(tmp_path / "data"), with_index=False) as srv, srv.client() as client:
        health = client.get("/healthz").json()
    assert health["model"] == "unavailable" and "search index is off" in health["reason"]
    # nothing stored is a problem; the index switched off on purpose is not
    assert health["status"] == "degraded" and len(health["problems"]) == 1
    assert "no reports are stored" in health["problems"][0]


def test_healthz_answers_while_the_model_loads_and_says_when_it_is_ready(tmp_path: Path) -> None:
    with live_server(settings_for(tmp_path / "data")) as srv, srv.client() as client:
        first = client.get("/healthz").json()
        assert first["model"] in ("loading", "ready") and first["reason"] is None
        deadline = time.monotonic() + 240
        states = [first["model"]]
        while states[-1] == "loading" and time.monotonic() < deadline:
            time.sleep(0.2)
            states.append(client.get("/healthz").json()["model"])
    assert states[-1] == "ready", states
    assert set(states) <= {"loading", "ready"} and states == sorted(states)  # loading… then ready


def test_the_openapi_document_lists_the_model_states() -> None:
    from nianbao.api.app import create_app

    schema = create_app(settings_for(Path("/nonexistent"))).openapi()
    health = schema["components"]["schemas"]["Health"]["properties"]
    assert health["model"]["enum"] == ["loading", "ready", "unavailable"]
    assert "reason" in health

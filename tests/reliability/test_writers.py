"""Writers wait, then succeed or say why: write transactions begin as writes and queue for the
lock; a store locked past the busy timeout makes the file ``skipped`` with the reason, never a
500 or a traceback; the slow work (embedding) is done before the write lock is taken.

Real processes and a real server: two ``nianbao ingest`` commands with the search index on one
data directory, ten threads uploading one file to uvicorn at once, a sqlite3 connection holding
the write lock.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from nianbao import store
from nianbao.catalog import Catalog
from nianbao.cli import app as cli
from nianbao.library import Library, vector_reports
from nianbao.retrieval.index import SearchIndex
from nianbao.settings import Settings
from tests.api.conftest import ADMIN_KEY, live_server, settings_for, upload
from tests.fakes import fake_embeddings

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "corpus" / "raw"
NIANBAO = Path(sys.executable).parent / "nianbao"
#: Small text reports; the second command takes them in the other order, so the two overlap.
FILES = [
    RAW / "2021_pingtan_zonghe_shiyanqu.txt",
    RAW / "2022_pingtan_zonghe_shiyanqu.txt",
    RAW / "2024_shanghai_kewei.txt",
]


def hold_write_lock(db: Path) -> sqlite3.Connection:
    """Another process's writer, as SQLite sees it: a connection inside BEGIN IMMEDIATE."""
    other = sqlite3.connect(db, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    return other


@pytest.mark.slow
def test_two_ingest_commands_on_one_data_directory_both_finish(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "NIANBAO_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "COLUMNS": "250"}
    env.pop("NIANBAO_DATABASE_URL", None)
    orders = [FILES, list(reversed(FILES))]
    procs = [
        subprocess.Popen(
            [str(NIANBAO), "ingest", *map(str, files)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for files in orders
    ]
    results = [proc.communicate(timeout=900) for proc in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, out + err
        assert "Traceback" not in out + err and "skipped" not in out, out + err
        assert f"{len(FILES)} files:" in out
    first_words = [line.split()[0] for out, _ in results for line in out.splitlines() if line.strip()]
    statuses = [w for w in first_words if w in ("ingested", "unchanged", "replaced", "skipped")]
    # every file went in exactly once; the other command found it stored
    assert sorted(statuses) == ["ingested"] * len(FILES) + ["unchanged"] * len(FILES), results
    settings = Settings(data_dir=data)
    library = Library(settings, SearchIndex(settings))
    assert sorted(r.meta.source for r in Catalog(library.engine).reports()) == sorted(f.name for f in FILES)
    with library.engine.connect() as conn:
        chunks = store.stored_chunks(conn)
    assert chunks and vector_reports(library.index) == chunks  # Chroma holds each chunk once
    assert library.reconcile().changed is False


def test_ten_concurrent_uploads_of_one_file_all_get_a_clear_answer(tmp_path: Path) -> None:
    report = (RAW / "2024_shanghai_kewei.txt").read_bytes()
    with live_server(settings_for(tmp_path / "data"), with_index=False) as served:
        barrier = threading.Barrier(10)

        def send(i: int) -> httpx.Response:
            with served.client() as client:
                barrier.wait()
                return upload(client, [(f"copy{i}.txt", report)])

        with ThreadPoolExecutor(10) as pool:
            responses = list(pool.map(send, range(10)))
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses]
    statuses = sorted(r.json()["outcomes"][0]["status"] for r in responses)
    assert statuses == ["ingested"] + ["unchanged"] * 9, statuses


def test_concurrent_uploads_of_different_files_all_go_in(tmp_path: Path) -> None:
    names = [f.name for f in FILES]
    with live_server(settings_for(tmp_path / "data"), with_index=False) as served:

        def send(name: str) -> httpx.Response:
            with served.client() as client:
                return upload(client, [(name, (RAW / name).read_bytes())])

        with ThreadPoolExecutor(len(names)) as pool:
            responses = list(pool.map(send, names))
        with served.client() as client:
            listed = client.get("/api/reports").json()
    assert [r.status_code for r in responses] == [200] * len(names)
    assert sorted(r["source"] for r in listed) == sorted(names)


def test_a_store_locked_past_the_busy_timeout_skips_the_file_with_the_reason(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", busy_timeout_seconds=0.5)
    library = Library(settings)
    library.ingest_bytes(FILES[0].read_bytes(), FILES[0].name)
    [stored] = Catalog(library.engine).reports()
    other = hold_write_lock(tmp_path / "data" / "nianbao.sqlite3")
    try:
        outcome = library.ingest_bytes(FILES[1].read_bytes(), FILES[1].name)
        with pytest.raises(store.StoreBusy, match="try again"):
            library.delete(stored.meta.id)
    finally:
        other.rollback()
        other.close()
    assert outcome.status == "skipped"
    assert "busy" in outcome.message and "try again" in outcome.message and FILES[1].name in outcome.message
    assert library.ingest_bytes(FILES[1].read_bytes(), FILES[1].name).status == "ingested"


def test_a_delete_on_a_locked_store_is_a_503_in_the_error_shape(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "data", busy_timeout_seconds=0.3)
    Library(settings).ingest_bytes(FILES[0].read_bytes(), FILES[0].name)
    with live_server(settings, with_index=False) as served, served.client() as client:
        [stored] = client.get("/api/reports").json()
        other = hold_write_lock(tmp_path / "data" / "nianbao.sqlite3")
        try:
            response = client.delete(f"/api/reports/{stored['id']}", headers={"X-Admin-Key": ADMIN_KEY})
        finally:
            other.rollback()
            other.close()
        assert response.status_code == 503 and response.headers["retry-after"]
        error = response.json()["error"]
        assert error["code"] == "store_busy" and "try again" in error["message"]
        assert client.get("/api/reports").json() == [stored]  # nothing changed


def test_the_cli_reports_a_locked_store_per_file_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    Library(Settings(data_dir=data)).ingest_bytes(FILES[0].read_bytes(), FILES[0].name)
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(data))
    monkeypatch.setenv("NIANBAO_BUSY_TIMEOUT_SECONDS", "0.3")
    monkeypatch.delenv("NIANBAO_DATABASE_URL", raising=False)
    other = hold_write_lock(data / "nianbao.sqlite3")
    try:
        result = CliRunner().invoke(cli, ["ingest", "--records-only", *map(str, FILES[1:3])])
    finally:
        other.rollback()
        other.close()
    assert result.exception is None, result.output
    said = " ".join(result.stdout.split())  # the console wraps long lines
    assert said.count("the store is busy") == 2 and "2 files: 2 skipped" in said, said


def test_a_report_is_embedded_before_the_write_lock_is_taken(tmp_path: Path) -> None:
    """While the index embeds a report's chunks, another writer can take the lock at once."""
    settings = Settings(data_dir=tmp_path / "data")
    index = SearchIndex(settings, fake_embeddings())
    library = Library(settings, index)
    library.engine  # noqa: B018 - the database exists before the embedding starts
    db = tmp_path / "data" / "nianbao.sqlite3"
    took_lock: list[bool] = []
    real_embed = index.embed

    def embed_while_another_writes(rows: list[dict]) -> object:
        other = sqlite3.connect(db, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            took_lock.append(True)
        except sqlite3.OperationalError:
            took_lock.append(False)
        finally:
            other.close()
        return real_embed(rows)

    index.embed = embed_while_another_writes  # type: ignore[method-assign]
    outcome = library.ingest_bytes(FILES[0].read_bytes(), FILES[0].name)
    assert outcome.status == "ingested"
    assert took_lock == [True]


def test_ten_threads_ingesting_one_file_embed_it_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    index = SearchIndex(settings, fake_embeddings())
    library = Library(settings, index)
    embedded: list[int] = []
    real_embed = index.embed

    def counted(rows: list[dict]) -> object:
        embedded.append(len(rows))
        return real_embed(rows)

    index.embed = counted  # type: ignore[method-assign]
    data = FILES[2].read_bytes()
    barrier = threading.Barrier(10)

    def ingest(i: int) -> str:
        barrier.wait()
        return library.ingest_bytes(data, f"copy{i}.txt").status

    with ThreadPoolExecutor(10) as pool:
        statuses = sorted(pool.map(ingest, range(10)))
    assert statuses == ["ingested"] + ["unchanged"] * 9
    assert len(embedded) == 1  # the others waited for the first and found the file stored


def test_one_upload_holding_the_same_file_twice_does_not_wait_for_itself(tmp_path: Path) -> None:
    report = FILES[0].read_bytes()
    with live_server(settings_for(tmp_path / "data"), with_index=False) as served, served.client() as client:
        response = client.post(
            "/api/reports",
            headers={"X-Admin-Key": ADMIN_KEY},
            files=[("files", ("a.txt", report)), ("files", ("b.txt", report))],
            timeout=30,
        )
    assert response.status_code == 200, response.text
    assert [o["status"] for o in response.json()["outcomes"]] == ["ingested", "unchanged"]

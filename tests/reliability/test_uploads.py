"""Uploads run on their own few workers, never on the threads that answer questions, and a
client that disconnects cancels its upload. Over HTTP against the real app under uvicorn.

Forty-one uploads of a PDF that takes pdfminer many seconds to interpret (it inflates no more
than real content, so only the reading process's limits would stop it) are sent at once, more
than the 40 threads Starlette answers with. Questions asked meanwhile are answered while every
upload is still waiting, the files are read one at a time (one upload worker), and when the
clients hang up every upload is cancelled: the reading process is stopped and nothing more is
read.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from nianbao.ingest.isolate import CHILD
from nianbao.library import Library
from tests.api.conftest import ADMIN_KEY, GOLD, RAW, SEED, Served, live_server, settings_for
from tests.reliability.hostile import slow_pdf

UPLOADS = 41
CANCELLED = "cancelled: the client disconnected"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    settings = settings_for(tmp_path / "data", upload_workers=1)
    library = Library(settings)
    assert [o.status for o in library.ingest_paths([RAW / f"{SEED}.docx"])] == ["ingested"]
    library.engine.dispose()
    with live_server(settings, with_index=False) as srv:
        yield srv


def raw_upload(url: str, name: str, data: bytes) -> socket.socket:
    """Send a whole upload on a socket of its own and leave it open (closing it hangs up)."""
    request = httpx.Request(
        "POST",
        f"{url}/api/reports",
        files=[("files", (name, data, "application/pdf"))],
        headers={"X-Admin-Key": ADMIN_KEY},
    )
    body = request.read()
    host, port = url.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in request.headers.items())
    sock = socket.create_connection((host, int(port)))
    sock.sendall(f"POST /api/reports HTTP/1.1\r\n{head}\r\n".encode() + body)
    return sock


def readers() -> list[psutil.Process]:
    """The reading processes at work: children of this process running ``ingest.isolate.CHILD``."""
    return [p for p in psutil.Process().children() if CHILD in p.cmdline()]


def answered(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return bool(sock.recv(1, socket.MSG_PEEK))
    except BlockingIOError:
        return False
    finally:
        sock.setblocking(True)


@pytest.mark.slow
def test_questions_are_answered_while_uploads_wait_and_hanging_up_cancels_them(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="nianbao.api")
    expected = json.loads((GOLD / f"{SEED}.json").read_text(encoding="utf-8"))["cells"]
    slow = slow_pdf(300_000)  # ~15 s of pdfminer on an idle machine, each
    socks = [raw_upload(served.url, f"slow{i}.pdf", slow) for i in range(UPLOADS)]
    seen_readers = 0
    try:
        with httpx.Client(base_url=served.url, timeout=30) as client:
            for _ in range(10):
                seen_readers = max(seen_readers, len(readers()))
                chat = client.post("/api/chat", json={"question": "市中区政府办2023年收到多少信息公开申请？"})
                assert chat.status_code == 200, chat.text
                assert str(expected["t3.new_received.total"]) in chat.json()["answer"]
                assert client.get("/healthz").status_code == 200
        assert not any(answered(s) for s in socks)  # every upload still waiting or being read
        assert seen_readers <= 1  # one upload worker: one file read at a time
    finally:
        for sock in socks:
            sock.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        cancelled = [r for r in caplog.records if CANCELLED in r.getMessage()]
        if len(cancelled) == UPLOADS and not readers():
            break
        time.sleep(0.2)
    assert len([r for r in caplog.records if CANCELLED in r.getMessage()]) == UPLOADS
    assert readers() == []


def test_uploads_use_their_own_workers(served: Served) -> None:
    """The upload workers are threads of their own, as many as NIANBAO_UPLOAD_WORKERS."""
    with served.client() as client:
        response = client.post(
            "/api/reports",
            headers={"X-Admin-Key": ADMIN_KEY},
            files=[("files", ("a.txt", (RAW / "2024_shanghai_kewei.txt").read_bytes(), "text/plain"))],
        )
    assert response.status_code == 200, response.text
    names = [t.name for t in threading.enumerate()]
    assert len([n for n in names if n.startswith("nianbao-upload")]) == 1, names

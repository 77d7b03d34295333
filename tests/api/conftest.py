"""The real app served over HTTP on a free loopback port, with its own data directory."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from nianbao.api.app import create_app
from nianbao.settings import Settings

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
RAW = SHARED / "corpus" / "raw"
GOLD = SHARED / "corpus" / "gold"
ADMIN_KEY = "test-admin-key-7f3a"
SEED = "2023_zaozhuang_shizhongqu_zfb"


@dataclass
class Served:
    url: str
    settings: Settings

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, **kwargs)  # type: ignore[arg-type]  # Client's keywords


@contextmanager
def live_server(settings: Settings, *, with_index: bool = True) -> Iterator[Served]:
    """Run ``create_app(settings)`` under uvicorn in a thread until the block ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings, with_index=with_index), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", settings)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def settings_for(data_dir: Path, *, admin_key: str | None = ADMIN_KEY, **extra: object) -> Settings:
    """Settings for a test server; explicit values win over any NIANBAO_* in the environment."""
    values: dict = {"database_url": None, "cors_origins": "", **extra}
    return Settings(data_dir=data_dir, admin_key=admin_key, **values)


def upload(
    client: httpx.Client, files: list[tuple[str, bytes]], key: str | None = ADMIN_KEY, **fields: str
) -> httpx.Response:
    headers = {"X-Admin-Key": key} if key is not None else {}
    return client.post(
        "/api/reports",
        headers=headers,
        data=fields,
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
    )


def raw_files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (RAW / name).read_bytes()) for name in names]

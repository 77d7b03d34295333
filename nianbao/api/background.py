"""The search index and its embedding model, opened on a thread while the server already answers.

Opening the index means importing Chroma and the model's engine, repairing what a killed ingest
left (``Library.reconcile``) and loading the model: seconds, during which ``/healthz``, figures
and reports are served from the store alone. ``BackgroundIndex`` says where it is (``loading``,
``ready``, ``unavailable`` with the reason) and stands in for the index meanwhile:

- a text question that needs search waits for it, at most ``QUESTION_WAIT_SECONDS``, then is
  answered without it (every report of the years asked is read);
- an ingest or a delete waits for it, at most ``WRITE_WAIT_SECONDS``, so no report is stored
  without its chunks; when the index could not be opened at all they store the records only,
  as a server without the index does.

>>> loading = BackgroundIndex(settings, prepare=reconcile).start()
>>> loading.state                      # "loading", then "ready"
>>> loading.wait(5.0)                  # the SearchIndex, or None if not ready within 5 s
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from nianbao.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from nianbao.model import Report, ReportMeta
    from nianbao.retrieval.backend import TextIndex as SearchIndex

log = logging.getLogger("nianbao.api")

#: How long a text question waits for the model before it is answered without search.
QUESTION_WAIT_SECONDS = 60.0
#: How long an ingest or delete waits for the index before it fails (it never stores half).
WRITE_WAIT_SECONDS = 600.0

State = Literal["loading", "ready", "unavailable"]


class IndexNotReady(RuntimeError):
    """The search index was still loading when a write had waited as long as it may."""


def open_search_index(settings: Settings) -> SearchIndex:
    """The search index for these settings (imports Chroma, or pgvector's SQL, and the model's
    engine)."""
    from nianbao.retrieval.backend import open_index

    return open_index(settings)


def warm(index: SearchIndex) -> None:
    """Load what the first question would: the model, Chroma, the keyword index, the tokeniser."""
    index.search("政府信息公开工作年度报告", k=1)


class BackgroundIndex:
    """The search index, opened by :meth:`start` on a daemon thread; the Library's ``Index``
    and the answerer's search meanwhile (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        prepare: Callable[[SearchIndex], None] = warm,
        opener: Callable[[Settings], SearchIndex] = open_search_index,
    ) -> None:
        self.settings = settings
        self.state: State = "loading"
        self.reason: str | None = None
        self.seconds: float | None = None
        self._prepare = prepare
        self._opener = opener
        self._index: SearchIndex | None = None
        self._done = threading.Event()

    def start(self) -> BackgroundIndex:
        threading.Thread(target=self._load, name="nianbao-search-index", daemon=True).start()
        return self

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            index = self._opener(self.settings)
            self._prepare(index)
        except Exception as exc:  # logged; any failure means the same: no search (/healthz says why)
            self.reason = f"{type(exc).__name__}: {exc}"
            self.state = "unavailable"
            log.exception("search index unavailable; answering from the records only")
        else:
            self._index = index
            self.state = "ready"
        finally:
            self.seconds = time.perf_counter() - started
            self._done.set()
        if self.state == "ready":
            log.info("search index and model ready in %.1f s", self.seconds)

    def wait(self, timeout: float | None = None) -> SearchIndex | None:
        """The index once it is ready; None if it is not ready within ``timeout`` s or failed."""
        self._done.wait(timeout)
        return self._index

    # --- the Library's Index protocol: writes wait -----------------------------------------

    def _for_writes(self) -> SearchIndex | None:
        index = self.wait(WRITE_WAIT_SECONDS)
        if index is None and self.state == "loading":
            raise IndexNotReady(
                f"the search index is still loading after {WRITE_WAIT_SECONDS:.0f} s; try again later "
                "(GET /healthz says when the model is ready)"
            )
        return index

    def chunk_rows(self, report: Report) -> list[dict]:
        index = self._for_writes()
        return index.chunk_rows(report) if index is not None else []

    def embed(self, rows: list[dict]) -> Any:
        index = self._for_writes()
        return index.embed(rows) if index is not None else None

    def add(
        self,
        report_id: str,
        rows: list[dict],
        vectors: Any = None,
        meta: ReportMeta | None = None,
        *,
        conn: Connection | None = None,
    ) -> None:
        index = self._for_writes()
        if index is not None:
            index.add(report_id, rows, vectors, meta, conn=conn)

    def remove(self, report_id: str, *, conn: Connection | None = None) -> None:
        index = self._for_writes()
        if index is not None:
            index.remove(report_id, conn=conn)

    def rename_body(self, report_id: str, body: str, *, conn: Connection | None = None) -> None:
        index = self._for_writes()
        if index is not None:
            index.rename_body(report_id, body, conn=conn)

    # --- the answerer's search provider: a question waits, bounded ----------------------------

    def for_question(self) -> SearchIndex | None:
        """The index for a text question: waited for at most ``QUESTION_WAIT_SECONDS``; None
        without it (the answerer then reads every report of the years asked, and asks again
        next time)."""
        return self.wait(QUESTION_WAIT_SECONDS)

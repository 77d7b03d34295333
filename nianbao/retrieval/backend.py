"""Which search index a deployment uses, and what every one of them does.

Two backends answer the same :class:`TextIndex` protocol, and ``tests/retrieval/test_backends.py``
runs one conformance suite against both:

- ``SearchIndex`` (``retrieval.index``), the embedded default: vectors in Chroma on disk, words
  in a BM25 index in files beside it, reconciled with the records after a crash.
- ``PgSearchIndex`` (``retrieval.pgindex``), when ``NIANBAO_DATABASE_URL`` names PostgreSQL:
  vectors (pgvector, HNSW) and words (tsvector, GIN) in the records' own database and their own
  transaction.

>>> index = open_index(Settings())          # imports only the backend it opens
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from nianbao import store
from nianbao.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from sqlalchemy import Connection
    from sqlalchemy.engine import Engine

    from nianbao.model import Report, ReportMeta
    from nianbao.retrieval.embed import E5Embeddings
    from nianbao.retrieval.filters import Filters
    from nianbao.retrieval.hybrid import Hit


class TextIndex(Protocol):
    """A search index over the current report versions' chunks: written with the records (the
    Library's ``Index``), searched by the answerer (``ReportSearch``)."""

    settings: Settings
    embeddings: E5Embeddings

    @property
    def engine(self) -> Engine: ...

    def chunk_rows(self, report: Report) -> list[dict]:
        """Rows for the ``chunks`` table."""
        ...

    def embed(self, rows: Sequence[Any]) -> np.ndarray:
        """The passage vectors of chunk rows (before the write transaction)."""
        ...

    def add(
        self,
        report_id: str,
        rows: list[dict],
        vectors: np.ndarray | None = None,
        meta: ReportMeta | None = None,
        *,
        conn: Connection | None = None,
    ) -> None:
        """Index a report version's chunks (in place of what was indexed for it)."""
        ...

    def remove(self, report_id: str, *, conn: Connection | None = None) -> None:
        """Unindex a report version's chunks."""
        ...

    def rename_body(self, report_id: str, body: str, *, conn: Connection | None = None) -> None:
        """A report's body is now called ``body``."""
        ...

    def search(
        self,
        query: str,
        k: int = 5,
        body: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        section: str | None = None,
        kind: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for a question, best first."""
        ...

    def search_vector(self, query: str, vector: np.ndarray, k: int = 5, filters: Filters = ...) -> list[Hit]:
        """Like ``search`` with the question embedded and the filters resolved."""
        ...

    def filters(
        self,
        body: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        section: str | None = None,
        kind: str | None = None,
    ) -> Filters:
        """Filters with body names and sections resolved to the stored values they name."""
        ...

    def indexed(self) -> dict[str, str]:
        """Chunk id → report id of every chunk the index holds."""
        ...

    def close(self) -> None:
        """Close what the index opened."""
        ...


def in_database(settings: Settings) -> bool:
    """Whether these settings keep the search index in the records' database (PostgreSQL)."""
    return store.is_postgresql(settings.database_url)


def open_index(settings: Settings, embeddings: E5Embeddings | None = None) -> TextIndex:
    """The search index of these settings: PostgreSQL's when the records are there, else the
    embedded Chroma + BM25 files under the data directory. Nothing heavy is opened yet."""
    if in_database(settings):
        from nianbao.retrieval.pgindex import PgSearchIndex

        return PgSearchIndex(settings, embeddings)
    from nianbao.retrieval.index import SearchIndex

    return SearchIndex(settings, embeddings)

"""The search index in PostgreSQL: the same search as ``SearchIndex``, kept in the records' database.

``PgSearchIndex`` is what ``open_index`` gives when ``NIANBAO_DATABASE_URL`` names PostgreSQL.
A report's chunk vectors and words are written by :meth:`add` on the Library's own write
connection, in the transaction that writes the report's records: they commit together or not at
all, so there is nothing to reconcile after a crash. The vectors are made before that transaction
(``embed``), as with Chroma.

A search fuses the same two rankings with the same weights as ``SearchIndex``: the nearest
vectors (pgvector's HNSW index, cosine) and the chunks that hold the question's words (a
``tsvector`` of jieba words with a GIN index, ranked by ``ts_rank``), then reads the hits' rows
from the store. Nothing is kept in the process between questions: every worker, on any host,
sees every commit at its next search.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from nianbao import store
from nianbao.model import Report, ReportMeta
from nianbao.retrieval.bm25 import DEFAULT_TOKENIZER, TOKENIZERS
from nianbao.retrieval.bodies import same_body
from nianbao.retrieval.chunks import chunk_report, report_header, squeeze
from nianbao.retrieval.embed import E5Embeddings
from nianbao.retrieval.filters import NO_FILTERS, Filters
from nianbao.retrieval.hybrid import DEFAULT_WEIGHTS, FusionWeights, Hit, rrf, to_hit
from nianbao.settings import Settings
from nianbao.store import search as sql


class PgSearchIndex:
    """Chunking, embedding, and vector and keyword search inside the PostgreSQL store."""

    def __init__(
        self,
        settings: Settings,
        embeddings: E5Embeddings | None = None,
        tokenizer: str = DEFAULT_TOKENIZER,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        candidates: int = 30,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings or E5Embeddings(settings.embed_model)
        self.tokenize = TOKENIZERS[tokenizer]
        self.weights = weights
        self.candidates = candidates

    @cached_property
    def engine(self) -> Engine:
        return store.open_engine(self.settings)

    # --- the Library's Index protocol ---------------------------------------------------

    def chunk_rows(self, report: Report) -> list[dict]:
        """Rows for the ``chunks`` table."""
        return [chunk.row() for chunk in chunk_report(report)]

    def embed(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """The passage vectors of chunk rows, in their order (the slow part of an ingest)."""
        return self.embeddings.passages([squeeze(row["text"]) for row in rows])

    def add(
        self,
        report_id: str,
        rows: list[dict],
        vectors: np.ndarray | None = None,
        meta: ReportMeta | None = None,
        *,
        conn: Connection | None = None,
    ) -> None:
        """Index a report's chunk rows with their vectors (embedded now unless given), on
        ``conn`` (the Library's write transaction), or in a write transaction of its own."""
        if not rows:
            return
        vectors = self.embed(rows) if vectors is None else vectors
        with self._writing(conn) as c:
            meta = meta or _stored_meta(c, report_id)
            sql.prepare(c, self.embeddings.model, int(vectors.shape[1]))
            sql.remove_report(c, report_id)
            sql.add_chunks(
                c,
                [
                    {
                        "chunk_id": row["id"],
                        "report_id": report_id,
                        "body": meta.body,
                        "year": meta.year,
                        "section": top_section(row["section_path"]),
                        "kind": row["kind"],
                        "embedding": vector.tolist(),
                        "words": self.words(row["text"], meta.body, meta.year),
                    }
                    for row, vector in zip(rows, vectors, strict=True)
                ],
            )

    def remove(self, report_id: str, *, conn: Connection | None = None) -> None:
        """Unindex a report version's chunks."""
        with self._writing(conn) as c:
            if sql.exists(c):
                sql.remove_report(c, report_id)

    def rename_body(self, report_id: str, body: str, *, conn: Connection | None = None) -> None:
        """A stored report's body is now called ``body``: its chunks say so (no embedding again)."""
        with self._writing(conn) as c:
            if not sql.exists(c):
                return
            rows = store.chunks_of(c, report_id)
            year = _stored_meta(c, report_id).year
            sql.rename(c, report_id, body, {r["id"]: self.words(r["text"], body, year) for r in rows})

    def words(self, text: str, body: str, year: int | None) -> str:
        """What the keyword index reads of a chunk: its report's header and its text, as words."""
        return " ".join(self.tokenize(report_header(body, year)) + self.tokenize(text))

    @contextmanager
    def _writing(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with store.writing(self.engine) as own:
                yield own

    # --- search ---------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 5,
        body: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        section: str | None = None,
        kind: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best chunks for a question, best first (as ``SearchIndex.search``)."""
        filters = self.filters(body, year, section, kind)
        if filters.empty:
            return []
        return self.search_vector(query, self.embeddings.query(query), k, filters)

    def search_vector(
        self, query: str, vector: np.ndarray, k: int = 5, filters: Filters = NO_FILTERS
    ) -> list[Hit]:
        """Like :meth:`search` with the question already embedded (and filters resolved)."""
        if k <= 0 or filters.empty:
            return []
        n = max(self.candidates, k)
        f = filters
        rankings: list[tuple[Sequence[str], float]] = []
        with self.engine.connect() as conn:
            if self.weights.dense > 0:
                dense = sql.nearest(
                    conn, vector.tolist(), n, bodies=f.bodies, years=f.years, sections=f.sections, kind=f.kind
                )
                rankings.append(([i for i, _ in dense], self.weights.dense))
            if self.weights.keyword > 0:
                words = self.tokenize(query)
                found = sql.keyword_ranked(
                    conn, words, n, bodies=f.bodies, years=f.years, sections=f.sections, kind=f.kind
                )
                rankings.append(([i for i, _ in found], self.weights.keyword))
            fused = rrf(rankings, self.weights.k0)[:k]
            rows = store.chunk_rows(conn, [i for i, _ in fused])
        return [to_hit(i, rows[i], score) for i, score in fused if i in rows]

    def filters(
        self,
        body: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        section: str | None = None,
        kind: str | None = None,
    ) -> Filters:
        """Filters with ``body`` and ``section`` resolved to the stored values they name."""
        bodies = sections = None
        with self.engine.connect() as conn:
            if body is not None:
                wanted = [body] if isinstance(body, str) else list(body)
                bodies = tuple(
                    v for v in sql.current_bodies(conn) if any(w in v or same_body(w, v) for w in wanted)
                )
            if section is not None:
                sections = tuple(sql.indexed_sections(conn, section))
        years = None if year is None else ((year,) if isinstance(year, int) else tuple(year))
        return Filters(bodies=bodies, years=years, sections=sections, kind=kind)

    def indexed(self) -> dict[str, str]:
        """Chunk id → report id of every indexed chunk."""
        with self.engine.connect() as conn:
            return sql.indexed_chunks(conn)

    def close(self) -> None:
        """Close the database connections this index opened."""
        if "engine" in self.__dict__:
            self.engine.dispose()


def top_section(path: Sequence[str]) -> str:
    """The top-level heading (or table name) a chunk sits under; ``""`` for none."""
    return path[0] if path else ""


def _stored_meta(conn: Connection, report_id: str) -> ReportMeta:
    stored = store.get_report(conn, report_id)
    if stored is None:
        raise KeyError(f"report {report_id} is not in the store; ingest it before indexing its chunks")
    return stored.meta

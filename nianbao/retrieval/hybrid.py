"""Dense and keyword results fused by weighted reciprocal rank fusion into cited Hits.

Each retriever ranks its own candidates; a chunk's fused score is ``Σ weight / (k0 + rank)``
over the rankings it appears in (rank from 1).

The weights are measured, not assumed (``python -m nianbao.eval.recall``): on the 82 dev text
questions, answer-bearing recall@5 with jieba keywords was dense-only 0.76, keyword-only 0.98,
dense 2 : keyword 1 (k0 60, the usual choice) 0.83, and dense 1 : keyword 2 with k0 10 0.99.
The 4-bit e5-small model finds the right report but within a report ranks generic overview
chunks above the one with the figure; exact words and numbers decide those questions. So the
keyword ranking weighs double and a small ``k0`` lets the top ranks count.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nianbao.retrieval.chunks import PATH_SEPARATOR
from nianbao.retrieval.filters import NO_FILTERS, Filters

if TYPE_CHECKING:  # the PostgreSQL backend uses rrf and Hit without importing Chroma or bm25s
    from nianbao.retrieval.bm25 import KeywordIndex
    from nianbao.retrieval.vectors import VectorStore

#: chunk ids → their stored rows (text, section_path, start, end, page, kind, report_id,
#: source, body, year); ids not found are left out.
RowLookup = Callable[[Sequence[str]], Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class Hit:
    """One search result with everything a citation needs.

    ``locator`` is the section path joined with ›, or the table name; ``span`` indexes the
    report's text (None for table chunks, which are rendered from cells).
    """

    chunk_id: str
    report_id: str
    source: str
    body: str
    year: int | None
    locator: str
    text: str
    score: float
    span: tuple[int, int] | None
    page: int | None
    kind: str


@dataclass(frozen=True)
class FusionWeights:
    """Weights of the dense and keyword rankings in RRF, and RRF's rank offset ``k0``."""

    dense: float = 1.0
    keyword: float = 2.0
    k0: int = 10


#: The measured defaults (see the module docstring).
DEFAULT_WEIGHTS = FusionWeights()


def rrf(rankings: Sequence[tuple[Sequence[str], float]], k0: int = 60) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of ranked id lists, best first (ties keep first-seen order).

    >>> rrf([(["a", "b"], 2.0), (["b", "c"], 1.0)], k0=0)
    [('a', 2.0), ('b', 2.0), ('c', 0.5)]
    """
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, chunk_id in enumerate(ids, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (k0 + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])


class HybridSearcher:
    """Dense + keyword (BM25) candidates, fused, then looked up in the store (the SQL rows are
    the one source of a hit's text, span and provenance)."""

    def __init__(
        self,
        vectors: VectorStore,
        keywords: Callable[[], KeywordIndex],
        rows: RowLookup,
        weights: FusionWeights = DEFAULT_WEIGHTS,
        candidates: int = 30,
    ) -> None:
        self.vectors = vectors
        self.keywords = keywords
        self.rows = rows
        self.weights = weights
        self.candidates = candidates

    def search(self, query: str, vector: np.ndarray, k: int = 5, filters: Filters = NO_FILTERS) -> list[Hit]:
        """The ``k`` best chunks for a question whose embedding is ``vector``."""
        if k <= 0 or filters.empty:
            return []
        fused = self.fuse(query, vector, max(self.candidates, k), filters)[:k]
        rows = self.rows([chunk_id for chunk_id, _ in fused])
        return [to_hit(chunk_id, rows[chunk_id], score) for chunk_id, score in fused if chunk_id in rows]

    def fuse(self, query: str, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[str, float]]:
        """Fused (id, score) over the top ``n`` of each retriever."""
        rankings: list[tuple[Sequence[str], float]] = []
        if self.weights.dense > 0:
            rankings.append(([i for i, _ in self.dense(vector, n, filters)], self.weights.dense))
        if self.weights.keyword > 0:
            rankings.append(([i for i, _ in self.keywords().search(query, n, filters)], self.weights.keyword))
        return rrf(rankings, self.weights.k0)

    def dense(self, vector: np.ndarray, n: int, filters: Filters) -> list[tuple[str, float]]:
        """Nearest chunks: Chroma's HNSW without filters; with filters, an exact search over the
        vectors the keyword index keeps beside its filter columns (Chroma's metadata filters
        are slow at scale), when it keeps them."""
        if filters.active:
            keywords = self.keywords()
            if keywords.vectors is not None:
                return keywords.nearest(vector, n, filters)
        return self.vectors.query(vector, n, filters)


def to_hit(chunk_id: str, row: Mapping[str, Any], score: float) -> Hit:
    """A stored chunk row (joined with its report) as a Hit."""
    path = tuple(row["section_path"])
    span = (row["start"], row["end"]) if row["start"] is not None and row["end"] is not None else None
    return Hit(
        chunk_id=chunk_id,
        report_id=row["report_id"],
        source=row["source"],
        body=row["body"],
        year=row["year"],
        locator=PATH_SEPARATOR.join(path),
        text=row["text"],
        score=score,
        span=span,
        page=row["page"],
        kind=row["kind"],
    )

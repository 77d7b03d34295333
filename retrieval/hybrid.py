"""Dense and keyword results fused by weighted reciprocal rank fusion into cited Hits.

Each retriever ranks its own candidates; a chunk's fused score is ``Σ weight / (k0 + rank)``
over the rankings it appears in (rank from 1). Dense retrieval gets the larger weight: it finds
paraphrases (联系电话 ↔ 电话：0632-…), while the keyword side adds exact names and numbers.
measured.md found 2 : 1 better than 1 : 1 on a small set; ``retrieval/evaluate.py`` re-checks it
on the dev questions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.bm25 import KeywordIndex
from retrieval.chunks import PATH_SEPARATOR
from retrieval.vectors import Filters, VectorStore

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

    dense: float = 2.0
    keyword: float = 1.0
    k0: int = 60


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
    """Dense (Chroma) + keyword (BM25) candidates, fused, then looked up in the store."""

    def __init__(self, vectors: VectorStore, keywords: Callable[[], KeywordIndex], rows: RowLookup,
                 weights: FusionWeights = FusionWeights(), candidates: int = 30) -> None:
        self.vectors = vectors
        self.keywords = keywords
        self.rows = rows
        self.weights = weights
        self.candidates = candidates

    def search(self, query: str, vector: np.ndarray, k: int = 5, filters: Filters = Filters()) -> list[Hit]:
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
            rankings.append(([i for i, _ in self.vectors.query(vector, n, filters)], self.weights.dense))
        if self.weights.keyword > 0:
            rankings.append(([i for i, _ in self.keywords().search(query, n, filters)], self.weights.keyword))
        return rrf(rankings, self.weights.k0)


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

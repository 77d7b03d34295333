"""The search index the Library keeps in step with its records: chunks, vectors, keywords.

``SearchIndex`` implements the Library's ``Index`` protocol. The Library asks it for a report's
chunk rows (written to SQL with the records, in one transaction), then calls ``add`` or
``remove``. Vectors go to Chroma at once; the keyword index is rebuilt from the SQL ``chunks``
table when it is next searched (a marker file says it is stale, so another process sees it too),
and saved so a new process loads it instead of rebuilding. It also keeps a copy of the chunk
vectors beside its filter columns: a filtered dense search is then a masked matrix product
instead of a Chroma metadata query, which grows to hundreds of milliseconds at 10,000 reports.

Nothing heavy happens in ``__init__``: the model, Chroma, the database and the keyword index are
opened on first use.

>>> index = SearchIndex(Settings())
>>> Library(settings, index).ingest_paths([...])
>>> index.search("市中区政府办公室的联系电话是多少", k=5)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import Engine

from nianbao import store
from nianbao.model import Report, ReportMeta
from nianbao.retrieval.bm25 import DEFAULT_TOKENIZER, TOKENIZERS, KeywordDoc, KeywordIndex
from nianbao.retrieval.bodies import same_body
from nianbao.retrieval.chunks import chunk_report, squeeze
from nianbao.retrieval.embed import E5Embeddings
from nianbao.retrieval.hybrid import DEFAULT_WEIGHTS, FusionWeights, Hit, HybridSearcher
from nianbao.retrieval.vectors import NO_FILTERS, Filters, VectorStore
from nianbao.settings import Settings


class SearchIndex:
    """Chunking, embedding, vector and keyword search over the stored reports."""

    def __init__(
        self,
        settings: Settings,
        embeddings: E5Embeddings | None = None,
        tokenizer: str = DEFAULT_TOKENIZER,
        weights: FusionWeights = DEFAULT_WEIGHTS,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings or E5Embeddings(settings.embed_model)
        self.tokenizer = tokenizer
        self.weights = weights
        self._pending: dict[str, ReportMeta] = {}
        self._keywords: KeywordIndex | None = None
        self._lock = threading.RLock()

    # --- lazily opened parts ------------------------------------------------------------

    @cached_property
    def vectors(self) -> VectorStore:
        return VectorStore(self.settings.chroma_dir, self.embeddings)

    @cached_property
    def engine(self) -> Engine:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return store.connect(self.settings.db_url)

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.vectors, self.keywords, self.rows, self.weights)

    @property
    def keyword_dir(self) -> Path:
        return self.settings.data_dir / "bm25" / self.tokenizer

    @property
    def stale_marker(self) -> Path:
        return self.stale_marker_of(self.tokenizer)

    def stale_marker_of(self, tokenizer: str) -> Path:
        return self.settings.data_dir / "bm25" / f"{tokenizer}.stale"

    # --- the Library's Index protocol ---------------------------------------------------

    def chunk_rows(self, report: Report) -> list[dict]:
        """Rows for the ``chunks`` table; the report's metadata is kept for the ``add`` that follows."""
        self._pending[report.meta.id] = report.meta
        return [chunk.row() for chunk in chunk_report(report)]

    def add(self, report_id: str, rows: list[dict]) -> None:
        """Embed the rows' texts and upsert them into Chroma; mark the keyword index stale."""
        meta = self._pending.pop(report_id, None) or self._stored_meta(report_id)
        if rows:
            vectors = self.embeddings.passages([squeeze(row["text"]) for row in rows])
            metadatas = [vector_metadata(meta, row) for row in rows]
            self.vectors.upsert([row["id"] for row in rows], vectors, metadatas)
        self.mark_stale(added=[report_id] if rows else [])

    def remove(self, report_id: str) -> None:
        """Delete a report's vectors; mark the keyword index stale."""
        self.vectors.delete_report(report_id)
        self.mark_stale(removed=[report_id])

    def rename_body(self, report_id: str, body: str) -> None:
        """A stored report's body is now called ``body``: its vectors' metadata say so (no
        embedding again), and the keyword index is rebuilt with it."""
        self.vectors.set_metadata(report_id, {"body": body})
        self.mark_stale(added=[report_id])

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
        """The ``k`` best chunks for a question, best first.

        ``body`` (a name or several) matches every stored body that contains it or is the same
        body by name (洪泽区人民政府 and 淮安市洪泽区人民政府); ``year`` is one year or several;
        ``section`` matches the top-level sections and table names that contain it; ``kind`` is
        ``text`` or ``table``.
        """
        filters = self.filters(body, year, section, kind)
        if filters.empty:
            return []
        return self.search_vector(query, self.embeddings.query(query), k, filters)

    def search_vector(
        self, query: str, vector: np.ndarray, k: int = 5, filters: Filters = NO_FILTERS
    ) -> list[Hit]:
        """Like :meth:`search` with the question already embedded (and filters resolved)."""
        return self.searcher.search(query, vector, k, filters)

    def filters(
        self,
        body: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        section: str | None = None,
        kind: str | None = None,
    ) -> Filters:
        """Filters with ``body`` and ``section`` resolved to the stored values they name."""
        columns = self.keywords().columns
        bodies = None
        if body is not None:
            wanted = [body] if isinstance(body, str) else list(body)
            bodies = tuple(
                v for v in columns["body"].values if any(w in v or same_body(w, v) for w in wanted)
            )
        sections = None if section is None else tuple(v for v in columns["section"].values if section in v)
        years = None if year is None else ((year,) if isinstance(year, int) else tuple(year))
        return Filters(bodies=bodies, years=years, sections=sections, kind=kind)

    # --- keyword index --------------------------------------------------------------------

    def mark_stale(self, added: Sequence[str] = (), removed: Sequence[str] = ()) -> None:
        """Note (in memory and on disk, for every tokeniser's index) that the keyword index no
        longer matches the store, and which reports it should then hold or not hold."""
        self._keywords = None
        for tokenizer in TOKENIZERS:
            marker = self.stale_marker_of(tokenizer)
            state = _read_marker(marker)
            state["added"] = sorted((set(state["added"]) - set(removed)) | set(added))
            state["removed"] = sorted((set(state["removed"]) - set(added)) | set(removed))
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps(state))

    def keywords(self) -> KeywordIndex:
        """The keyword index: in memory, else loaded from disk, else rebuilt from the store."""
        with self._lock:
            stale = self.stale_marker.exists()
            if self._keywords is not None and not stale:
                return self._keywords
            if not stale and (self.keyword_dir / "meta.json").exists():
                self._keywords = KeywordIndex.load(self.keyword_dir)
            else:
                self._keywords = self.rebuild_keywords()
            return self._keywords

    def rebuild_keywords(self) -> KeywordIndex:
        """Build the keyword index from the SQL ``chunks`` table and save it.

        The stale marker is cleared only if the rebuilt index holds the reports added since it
        was set and none of those removed: an ``add`` runs inside the Library's transaction, so
        a rebuild that races it reads the store before the commit and must run again.
        """
        before = self.stale_marker.read_text() if self.stale_marker.exists() else None
        docs = self.keyword_docs()
        vectors = self.vectors.embeddings_of([d.id for d in docs]) if docs else None
        index = KeywordIndex.build(docs, self.tokenizer, vectors)
        index.save(self.keyword_dir)
        if before is not None and self.stale_marker.exists() and self.stale_marker.read_text() == before:
            state = _read_marker(self.stale_marker)
            held = set(index.columns["report_id"].values)
            if set(state["added"]) <= held and not set(state["removed"]) & held:
                self.stale_marker.unlink()
        return index

    def keyword_docs(self) -> list[KeywordDoc]:
        with self.engine.connect() as conn:
            rows = store.keyword_rows(conn)
        return [
            KeywordDoc(
                row["id"],
                row["text"],
                row["report_id"],
                row["body"],
                row["year"],
                top_section(row["section_path"]),
                row["kind"],
            )
            for row in rows
        ]

    # --- store lookups --------------------------------------------------------------------

    def rows(self, ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        """Stored chunk rows joined with their report's source, body and year."""
        if not ids:
            return {}
        with self.engine.connect() as conn:
            return dict(store.chunk_rows(conn, ids))

    def _stored_meta(self, report_id: str) -> ReportMeta:
        with self.engine.connect() as conn:
            stored = store.get_report(conn, report_id)
        if stored is None:
            raise KeyError(f"report {report_id} is not in the store; ingest it before indexing its chunks")
        return stored.meta


def _read_marker(marker: Path) -> dict[str, list[str]]:
    """The reports added and removed since the keyword index was last rebuilt."""
    try:
        state = json.loads(marker.read_text())
    except (OSError, ValueError):
        state = {}
    return {"added": list(state.get("added", [])), "removed": list(state.get("removed", []))}


def top_section(path: Sequence[str]) -> str:
    """The top-level heading (or table name) a chunk sits under; ``""`` for none."""
    return path[0] if path else ""


def vector_metadata(meta: ReportMeta, row: Mapping[str, Any]) -> dict[str, Any]:
    """What Chroma keeps beside a chunk's vector, for filtering and for a citation at a glance."""
    return {
        "report_id": meta.id,
        "source": meta.source,
        "body": meta.body,
        "year": meta.year,
        "section": top_section(row["section_path"]),
        "kind": row["kind"],
        "page": row["page"],
    }

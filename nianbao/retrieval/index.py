"""The search index the Library keeps in step with its records: chunks, vectors, keywords.

``SearchIndex`` implements the Library's ``Index`` protocol. The Library asks it for a report's
chunk rows and their vectors (``embed``, the slow part) before it opens its write transaction,
writes the rows to SQL with the records, and calls ``add`` or ``remove`` inside that transaction.
Only current versions are indexed: a replaced version's vectors are removed, a restored one's
added again. Vectors go to Chroma and the keyword index is updated and saved at once, for that
report only (only its chunks are tokenised): a question never builds anything, and a new process
loads the saved index (memory-mapped) rather than building it. A process that has the index loaded
sees another process's update at its next search (the saved index is switched as a whole). The
keyword index also keeps a copy of the chunk vectors beside its filter columns: a filtered dense
search is then a masked matrix product instead of a Chroma metadata query, which grows to
hundreds of milliseconds at 10,000 reports.

If a process is killed between Chroma, the keyword index and the SQL commit, the Library's
``reconcile`` (run by every ingest and at the server's start) brings both back to the records:
``sync_keywords`` removes and re-adds just the reports that disagree, and builds the index whole
only when none is saved.

Nothing heavy happens in ``__init__``: the model, Chroma, the database and the keyword index are
opened on first use.

>>> index = SearchIndex(Settings())
>>> Library(settings, index).ingest_paths([...])
>>> index.search("市中区政府办公室的联系电话是多少", k=5)
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Collection, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection
from sqlalchemy.engine import Engine

from nianbao import store
from nianbao.model import Report, ReportMeta
from nianbao.retrieval.bm25 import DEFAULT_TOKENIZER, TOKENIZERS, KeywordDoc, KeywordIndex
from nianbao.retrieval.bodies import same_body
from nianbao.retrieval.chunks import chunk_report, squeeze
from nianbao.retrieval.embed import E5Embeddings
from nianbao.retrieval.filters import NO_FILTERS, Filters
from nianbao.retrieval.hybrid import DEFAULT_WEIGHTS, FusionWeights, Hit, HybridSearcher
from nianbao.retrieval.vectors import VectorStore
from nianbao.settings import Settings

log = logging.getLogger(__name__)


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
        self._keywords: KeywordIndex | None = None
        self._keywords_stamp: tuple[int, int] | None = None
        self._lock = threading.RLock()

    # --- lazily opened parts ------------------------------------------------------------

    @cached_property
    def vectors(self) -> VectorStore:
        return VectorStore(self.settings.chroma_dir, self.embeddings, url=self.settings.chroma_url)

    @cached_property
    def engine(self) -> Engine:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return store.open_engine(self.settings)

    @cached_property
    def searcher(self) -> HybridSearcher:
        return HybridSearcher(self.vectors, self.keywords, self.rows, self.weights)

    @property
    def keyword_dir(self) -> Path:
        return self.settings.data_dir / "bm25" / self.tokenizer

    def legacy_markers(self) -> list[Path]:
        """The files that said "rebuild at the next search" before the index was kept up to date
        at ingest: a data dir that has one gets its keyword index rebuilt by ``sync_keywords``."""
        folder = self.settings.data_dir / "bm25"
        return sorted(folder.glob("*.stale")) if folder.is_dir() else []

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
        """Upsert the rows' vectors into Chroma (embedded now unless ``vectors`` are given) with
        the report's metadata (read from the store unless ``meta`` is given, as it must be for a
        report not committed yet); put them in the keyword index (in place of what it held for
        this report) and save it. ``conn``, the Library's write transaction, is not needed:
        Chroma and the keyword files are outside the database (``repair`` reconciles them)."""
        meta = meta or self._stored_meta(report_id)
        if rows:
            vectors = self.embed(rows) if vectors is None else vectors
            metadatas = [vector_metadata(meta, row) for row in rows]
            self.vectors.upsert([row["id"] for row in rows], vectors, metadatas)
        docs = [keyword_doc(row, meta.body, meta.year) for row in rows]
        self.update_keywords(remove=[report_id], docs=docs, vectors=vectors)

    def remove(self, report_id: str, *, conn: Connection | None = None) -> None:
        """Delete a report's vectors and its keyword entries (the keyword index is saved)."""
        self.vectors.delete_report(report_id)
        self.update_keywords(remove=[report_id])

    def rename_body(self, report_id: str, body: str, *, conn: Connection | None = None) -> None:
        """A stored report's body is now called ``body``: its vectors' metadata say so (no
        embedding again), and its keyword entries are replaced with it."""
        self.vectors.set_metadata(report_id, {"body": body})
        self.update_keywords(remove=[report_id], docs=self.keyword_docs([report_id], conn))

    def indexed(self) -> dict[str, str]:
        """Chunk id → report id of every vector Chroma holds."""
        return self.vectors.reports_by_chunk()

    def close(self) -> None:
        """Close the database connections this index opened."""
        if "engine" in self.__dict__:
            self.engine.dispose()

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

    def keywords(self) -> KeywordIndex:
        """The keyword index: in memory while it is the saved one, else loaded from disk (memory-
        mapped; another process may have updated it). Built from the store only when nothing is
        saved (``sync_keywords``, run by every ingest and at the server's start, builds it first)."""
        with self._lock:
            current = self._saved_keywords()
            if current is not None:
                return current
            log.warning("no keyword index saved in %s; building it from the records", self.keyword_dir)
            return self._keep(self.rebuild_keywords())

    def update_keywords(
        self, remove: Collection[str] = (), docs: Sequence[KeywordDoc] = (), vectors: np.ndarray | None = None
    ) -> None:
        """Remove these reports' chunks from the keyword index, add ``docs`` (with their vectors),
        and save it: one report's work, done at ingest."""
        with self._lock:
            current = self._saved_keywords()
            if current is None or current.tokens is None:
                # Nothing saved yet, or saved before token ids were kept: build it from what the
                # store has committed (the caller's own report may not be committed yet).
                current = self.rebuild_keywords()
            updated = current.updated(remove=remove, docs=docs, vectors=vectors)
            updated.save(self.keyword_dir)
            self._keep(updated)
            self._drop_other_tokenizers()

    def sync_keywords(self, chunk_reports: Mapping[str, str]) -> int:
        """Bring the keyword index to the stored chunks (chunk id → report id): remove and re-add
        the reports whose chunks disagree, build it whole when none is saved (or one from before
        token ids were kept). How many reports it corrected."""
        with self._lock:
            markers = self.legacy_markers()
            current = None if markers else self._saved_keywords()
            if current is None or current.tokens is None:
                if not chunk_reports and current is None and not markers:
                    return 0  # nothing stored, nothing saved: the first ingest builds it
                self._keep(self.rebuild_keywords())
                for marker in markers:
                    marker.unlink(missing_ok=True)
                return len(set(chunk_reports.values()))
            held = dict(
                zip(
                    (bytes(i).decode() for i in current.ids),
                    (current.columns["report_id"].values[c] for c in current.columns["report_id"].codes),
                    strict=True,
                )
            )
            wrong = {held[c] for c in held.keys() - chunk_reports.keys()}
            wrong |= {chunk_reports[c] for c in chunk_reports.keys() - held.keys()}
            wrong |= {r for c, r in chunk_reports.items() if c in held and held[c] != r}
            if not wrong:
                return 0
            docs = self.keyword_docs(sorted(wrong & set(chunk_reports.values())))
            vectors = self.vectors.embeddings_of([d.id for d in docs]) if docs else None
            self.update_keywords(remove=wrong, docs=docs, vectors=vectors)
            return len(wrong)

    def rebuild_keywords(self) -> KeywordIndex:
        """Build the keyword index from the SQL ``chunks`` table (vectors from Chroma) and save it."""
        docs = self.keyword_docs()
        vectors = self.vectors.embeddings_of([d.id for d in docs]) if docs else None
        index = KeywordIndex.build(docs, self.tokenizer, vectors)
        index.save(self.keyword_dir)
        return index

    def _drop_other_tokenizers(self) -> None:
        """Delete the keyword indexes saved with another tokeniser (an evaluation's): they no
        longer match the store, and whoever uses one next builds it again."""
        for name in TOKENIZERS.keys() - {self.tokenizer}:
            other = self.settings.data_dir / "bm25" / name
            if other.is_symlink():
                target = other.resolve()
                other.unlink()
                shutil.rmtree(target, ignore_errors=True)
            elif other.is_dir():
                shutil.rmtree(other, ignore_errors=True)

    def _saved_keywords(self) -> KeywordIndex | None:
        """The saved keyword index: the one in memory if it is still the saved one; None if none is."""
        for _ in range(3):  # a save in another process may switch versions while this loads
            stamp = _stamp(self.keyword_dir)
            if stamp is None:
                return None
            if self._keywords is not None and stamp == self._keywords_stamp:
                return self._keywords
            try:
                self._keywords = KeywordIndex.load(self.keyword_dir)
            except FileNotFoundError:
                continue
            self._keywords_stamp = stamp
            return self._keywords
        return None

    def _keep(self, index: KeywordIndex) -> KeywordIndex:
        """Hold ``index`` in memory as the one just saved."""
        self._keywords, self._keywords_stamp = index, _stamp(self.keyword_dir)
        return index

    def keyword_docs(
        self, report_ids: Sequence[str] | None = None, conn: Connection | None = None
    ) -> list[KeywordDoc]:
        """The stored chunks (of these reports, or all) as the keyword index takes them; read on
        ``conn`` when given (a writer's transaction sees its own changes, another connection not)."""
        if conn is not None:
            rows = store.keyword_rows(conn, report_ids)
        else:
            with self.engine.connect() as own:
                rows = store.keyword_rows(own, report_ids)
        return [keyword_doc(row, row["body"], row["year"]) for row in rows]

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


def _stamp(directory: Path) -> tuple[int, int] | None:
    """Which saved version ``directory`` holds (its meta file's inode and mtime); None if none."""
    try:
        st = (directory / "meta.json").stat()
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def keyword_doc(row: Mapping[str, Any], body: str, year: int | None) -> KeywordDoc:
    """A chunk row (as stored, or as about to be) of a report of this body and year."""
    return KeywordDoc(
        row["id"], row["text"], row["report_id"], body, year, top_section(row["section_path"]), row["kind"]
    )


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

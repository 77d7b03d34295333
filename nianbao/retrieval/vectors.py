"""Chunk vectors in Chroma: one cosine collection on disk (or on a Chroma server, when
``NIANBAO_CHROMA_URL`` names one), opened with our embedding function.

The collection is created and reopened with ``ChromaEmbedder`` (``retrieval/chroma_function.py``),
a registered wrapper of our ``E5Embeddings``, so Chroma never falls back to its default function
(which would download a model). We pass precomputed vectors on upsert and query anyway, to batch
and time the model ourselves. Telemetry is off. The model a collection was built with is kept in
its metadata; a different model is refused rather than mixed into the same vector space.

Chroma is imported when the store is first opened, not with this module: a search within named
bodies reads the vectors the keyword index keeps (``KeywordIndex.nearest``) and never opens it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from nianbao.retrieval.filters import NO_FILTERS, Filters

if TYPE_CHECKING:
    from nianbao.retrieval.embed import E5Embeddings

COLLECTION = "chunks"

__all__ = ["NO_FILTERS", "Filters", "VectorStore", "VectorStoreMismatch"]


class VectorStoreMismatch(RuntimeError):
    """The Chroma collection on disk was built with another embedding model."""


class VectorStore:
    """Chunk vectors with their metadata (report_id, source, body, year, section, kind, page)."""

    def __init__(
        self, path: Path, embeddings: E5Embeddings, collection: str = COLLECTION, url: str | None = None
    ) -> None:
        self.path = path
        self.url = url
        self.embeddings = embeddings
        self.collection_name = collection

    @property
    def where(self) -> str:
        """The server or the directory the vectors are kept in (for messages)."""
        return self.url or str(self.path)

    @cached_property
    def client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False)
        if self.url:
            server = urlsplit(self.url)
            https = server.scheme == "https"
            port = server.port or (443 if https else 8000)
            return chromadb.HttpClient(
                host=server.hostname or "127.0.0.1", port=port, ssl=https, settings=settings
            )
        self.path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.path), settings=settings)

    @cached_property
    def collection(self) -> Any:
        from nianbao.retrieval.chroma_function import ChromaEmbedder

        embedder = ChromaEmbedder(self.embeddings)
        collection = self.client.get_or_create_collection(
            self.collection_name,
            embedding_function=embedder,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embed_model": self.embeddings.model},
        )
        built_with = (collection.metadata or {}).get("embed_model")
        if built_with != self.embeddings.model:
            raise VectorStoreMismatch(
                f"the vector store in {self.where} was built with embed_model={built_with!r}, not "
                f"{self.embeddings.model!r}; set NIANBAO_EMBED_MODEL back, or delete the collection "
                f"{self.collection_name!r} in {self.where} and re-ingest"
            )
        return collection

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[Mapping[str, Any]]) -> None:
        """Insert or replace vectors by chunk id, in batches Chroma accepts."""
        step = int(self.client.get_max_batch_size())
        for i in range(0, len(ids), step):
            self.collection.upsert(
                ids=list(ids[i : i + step]),
                embeddings=vectors[i : i + step],
                metadatas=[_clean(m) for m in metadatas[i : i + step]],
            )

    def delete_report(self, report_id: str) -> None:
        self.collection.delete(where={"report_id": report_id})

    def set_metadata(self, report_id: str, values: Mapping[str, Any]) -> None:
        """Change metadata fields of every vector of a report, keeping the vectors."""
        got = self.collection.get(where={"report_id": report_id}, include=["metadatas"])
        if got["ids"]:
            metadatas = [_clean({**(m or {}), **values}) for m in got["metadatas"] or []]
            self.collection.update(ids=got["ids"], metadatas=metadatas)

    def ids_of(self, report_id: str) -> list[str]:
        return list(self.collection.get(where={"report_id": report_id}, include=[])["ids"])

    def embeddings_of(self, ids: Sequence[str], batch: int = 5000) -> np.ndarray:
        """The stored vectors of ``ids`` in that order (zeros for an id not stored)."""
        out: np.ndarray | None = None
        for start in range(0, len(ids), batch):
            part = list(ids[start : start + batch])
            got = self.collection.get(ids=part, include=["embeddings"])
            found = np.asarray(got["embeddings"], dtype=np.float32)
            if out is None:
                out = np.zeros((len(ids), found.shape[1] if found.ndim == 2 else 0), dtype=np.float32)
            where = {chunk_id: i for i, chunk_id in enumerate(part)}
            for chunk_id, vector in zip(got["ids"], found, strict=True):
                out[start + where[chunk_id]] = vector
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)

    def reports_by_chunk(self, page: int = 5000) -> dict[str, str]:
        """Chunk id → report id of every vector in the collection."""
        out: dict[str, str] = {}
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                out[chunk_id] = str((meta or {}).get("report_id", ""))
            if len(got["ids"]) < page:
                return out
            offset += page

    def count(self) -> int:
        return int(self.collection.count())

    def query(self, vector: np.ndarray, k: int, filters: Filters = NO_FILTERS) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks as (id, cosine distance), nearest first."""
        if k <= 0:
            return []
        found = self.collection.query(
            query_embeddings=[vector], n_results=k, where=filters.where(), include=["distances"]
        )
        return list(zip(found["ids"][0], (float(d) for d in found["distances"][0]), strict=True))


def _clean(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Chroma metadata cannot hold None: leave such fields out."""
    return {k: v for k, v in metadata.items() if v is not None}

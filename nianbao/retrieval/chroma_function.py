"""Our embeddings as a Chroma embedding function, registered under ``nianbao``.

Chroma rebuilds a reopened collection's embedding function from its stored config (the model
name) instead of falling back to its default one (which would download a model). Imported by
``VectorStore`` when it opens the collection: importing Chroma takes most of a second.
"""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Space
from chromadb.api.types import Embeddings as ChromaVectors
from chromadb.utils.embedding_functions import register_embedding_function

from nianbao.retrieval.embed import E5Embeddings


@register_embedding_function
class ChromaEmbedder(EmbeddingFunction[Documents]):
    """Our embeddings as a Chroma embedding function: passages on ``__call__``, questions on
    ``embed_query``. Registered under ``nianbao`` so a reopened collection rebuilds it from its
    stored config (the model name) instead of Chroma's default."""

    def __init__(self, embeddings: E5Embeddings) -> None:
        self.embeddings = embeddings

    def __call__(self, input: Documents) -> ChromaVectors:
        return list(self.embeddings.passages(list(input)))

    def embed_query(self, input: Documents) -> ChromaVectors:
        return [self.embeddings.query(text) for text in input]

    @staticmethod
    def name() -> str:
        return "nianbao"

    def default_space(self) -> Space:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"model": self.embeddings.model}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedder:
        return ChromaEmbedder(E5Embeddings(config["model"]))

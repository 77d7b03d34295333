"""Deterministic stand-ins for the heavy parts, for unit tests.

``BigramEncoder`` satisfies ``nianbao.retrieval.embed.Encoder``: it hashes each character pair of
a text into one of ``dim`` buckets (with a sign, so unrelated pairs tend to cancel rather than
pile up) and normalises the sum. Texts that share character pairs get near vectors, the same
text always gets the same vector (in every process: the hash is BLAKE2 keyed by ``seed``, not
Python's salted ``hash``), and nothing is loaded. It knows no synonyms: it is a keyword matcher
in vector form, good enough to test the plumbing of the index, not its ranking quality.

>>> index = SearchIndex(settings, fake_embeddings())
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from nianbao.retrieval.embed import E5Embeddings, Encoder

FAKE_MODEL = "fake-bigrams"


class BigramEncoder:
    """Character bigrams hashed into a fixed-size, L2-normalised float32 vector."""

    def __init__(self, dim: int = 256, seed: int = 0) -> None:
        self.dim = dim
        self._key = seed.to_bytes(8, "little")

    def _bucket(self, gram: str) -> tuple[int, float]:
        digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8, key=self._key).digest()
        number = int.from_bytes(digest, "little")
        return number % self.dim, 1.0 if number >> 63 else -1.0

    def vector(self, text: str) -> np.ndarray:
        squeezed = "".join(text.split())
        grams = [squeezed[i : i + 2] for i in range(len(squeezed) - 1)] or [squeezed]
        out = np.zeros(self.dim, dtype=np.float32)
        for gram in grams:
            bucket, sign = self._bucket(gram)
            out[bucket] += sign
        norm = float(np.linalg.norm(out))
        if norm == 0.0:  # the empty text: any fixed unit vector will do
            out[0] = norm = 1.0
        return out / norm

    def encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        # A question and a passage are embedded alike: the fake has no E5 prefixes to tell apart.
        return np.stack([self.vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


def fake_embeddings(dim: int = 256, seed: int = 0) -> E5Embeddings:
    """The index's embeddings over a :class:`BigramEncoder`, named so a store built with it is
    never mistaken for one built with the real model."""
    encoder: Encoder = BigramEncoder(dim, seed)
    return E5Embeddings(f"{FAKE_MODEL}-{dim}-{seed}", encoder=encoder)

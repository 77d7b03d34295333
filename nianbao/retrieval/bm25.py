"""A Chinese keyword index: BM25 (bm25s) over character uni+bigrams or jieba words.

Chinese has no spaces, so a document is cut into tokens first (``retrieval/tokens.py``):
character pairs (``bigram``) or jieba's search-mode words (``jieba``).

The dev questions decided the default (``python -m nianbao.eval.recall``): keyword-only
answer-bearing recall@5 was 0.98 with jieba and 0.95 with bigrams; fused with dense, 0.99 and
0.98. Each chunk is indexed with its report header (body, year) before its text.

bm25s builds the score matrix; a query sums the matrix columns of its tokens with one
``np.bincount`` and applies the filters as a mask. Saved indexes load memory-mapped, read
without bm25s (which imports scipy: a fifth of a second of a cold text question's start).

The index keeps each chunk's token ids, so a report is added or removed (:meth:`KeywordIndex.updated`)
by tokenising only that report's chunks and recomputing the matrix from the kept ids: BM25's idf
and average length depend on every document, so bm25s has no in-place add, but the recompute is
the cheap part (the tokeniser is the dear one). The result equals a build from scratch.

>>> index = KeywordIndex.build(docs, tokenizer="bigram")
>>> index.search("联系电话", k=5, filters=Filters(years=(2023,)))
>>> index = index.updated(remove={"report-id"}, docs=new_docs, vectors=new_vectors)
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nianbao.retrieval.chunks import report_header
from nianbao.retrieval.filters import NO_FILTERS, Filters
from nianbao.retrieval.tokens import TOKENIZERS

if TYPE_CHECKING:
    import bm25s

DEFAULT_TOKENIZER = "jieba"


@dataclass(frozen=True)
class KeywordDoc:
    """What the keyword index needs of a chunk: its text and the fields filters look at."""

    id: str
    text: str
    report_id: str
    body: str
    year: int | None
    section: str
    kind: str


class _Codes:
    """A string column stored as int codes into a list of distinct values."""

    def __init__(self, values: list[str], codes: np.ndarray) -> None:
        self.values = values
        self.codes = codes
        self._lookup = {v: i for i, v in enumerate(values)}

    @classmethod
    def of(cls, column: Iterable[str]) -> _Codes:
        lookup: dict[str, int] = {}
        codes = np.fromiter((lookup.setdefault(v, len(lookup)) for v in column), dtype=np.int32)
        return cls(list(lookup), codes)

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        known = [self._lookup[w] for w in wanted if w in self._lookup]
        return np.isin(self.codes, np.asarray(known, dtype=np.int32))


class KeywordIndex:
    """BM25 over chunk texts, with the columns needed to filter by body, year, section and kind."""

    def __init__(
        self,
        tokenizer: str,
        retriever: bm25s.BM25 | SavedMatrix | None,
        ids: np.ndarray,
        columns: dict[str, _Codes],
        years: np.ndarray,
        vectors: np.ndarray | None = None,
        tokens: np.ndarray | None = None,
        offsets: np.ndarray | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.tokenize = TOKENIZERS[tokenizer]
        self.retriever = retriever
        self.ids = ids
        self.columns = columns
        self.years = years
        self.vectors = vectors
        #: Every chunk's token ids, concatenated; chunk i's are ``tokens[offsets[i]:offsets[i+1]]``.
        #: None in an index saved before they were kept: it cannot be updated, only rebuilt.
        self.tokens = tokens
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls, docs: Iterable[KeywordDoc], tokenizer: str = DEFAULT_TOKENIZER, vectors: np.ndarray | None = None
    ) -> KeywordIndex:
        """Index the docs: each is tokenised as its report header (body, year) plus its text.
        Each distinct string is tokenised once (headers repeat).

        ``vectors`` (one row per doc) are kept for :meth:`nearest`: with the filter columns at
        hand, a filtered dense search is a masked matrix product, where Chroma's metadata filter
        took 80 ms at 75,000 chunks and 400 ms at 300,000.
        """
        docs = list(docs)
        vocab: dict[str, int] = {}
        corpus = _token_ids(docs, TOKENIZERS[tokenizer], vocab)
        rows = _Rows.of(docs, corpus, vectors)
        return cls._assemble(tokenizer, rows, vocab)

    def updated(
        self,
        remove: Collection[str] = (),
        docs: Sequence[KeywordDoc] = (),
        vectors: np.ndarray | None = None,
    ) -> KeywordIndex:
        """This index without the chunks of the reports in ``remove`` and with ``docs`` (and their
        ``vectors``, one row each) added; a chunk already held under one of ``docs``' ids is
        replaced. Only ``docs`` are tokenised; the BM25 matrix is recomputed from the kept token
        ids, so the result equals :meth:`build` over the same chunks.
        """
        if self.tokens is None or self.offsets is None:
            raise ValueError("this keyword index was saved without its token ids; rebuild it instead")
        vocab = self.vocabulary()
        new_ids = {d.id for d in docs}
        keep = ~self.columns["report_id"].mask(remove)
        if new_ids:
            keep &= ~np.isin(self.ids, np.array(sorted(new_ids), dtype="S40"))
        flat = np.asarray(self.tokens).tolist()
        bounds = np.asarray(self.offsets).tolist()
        kept = np.flatnonzero(keep).tolist()
        old = _Rows(
            ids=[bytes(self.ids[i]).decode() for i in kept],
            corpus=[flat[bounds[i] : bounds[i + 1]] for i in kept],
            strings={name: [col.values[col.codes[i]] for i in kept] for name, col in self.columns.items()},
            years=[int(self.years[i]) for i in kept],
            vectors=None if self.vectors is None else np.asarray(self.vectors)[kept],
        )
        new = _Rows.of(list(docs), _token_ids(docs, self.tokenize, vocab), vectors)
        return self._assemble(self.tokenizer, old.plus(new).in_store_order(), vocab)

    def vocabulary(self) -> dict[str, int]:
        """Token → id, as the kept token ids use them."""
        if self.retriever is None:
            return {}
        return {t: int(i) for t, i in self.retriever.vocab_dict.items() if t != ""}

    @classmethod
    def _assemble(cls, tokenizer: str, rows: _Rows, vocab: dict[str, int]) -> KeywordIndex:
        """The index over ``rows``: the vocabulary cut to the tokens in use, the BM25 matrix built."""
        corpus, vocab = _compact(rows.corpus, vocab)
        retriever = None
        if rows.ids:
            import bm25s

            retriever = bm25s.BM25()
            retriever.index((corpus, vocab), show_progress=False)
        columns = {name: _Codes.of(values) for name, values in rows.strings.items()}
        years = np.asarray(rows.years, dtype=np.int32)
        ids_ = np.array(rows.ids, dtype="S40") if rows.ids else np.zeros(0, dtype="S40")
        lengths = np.fromiter((len(c) for c in corpus), dtype=np.int64, count=len(corpus))
        offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        tokens = np.fromiter((t for c in corpus for t in c), dtype=np.int32, count=int(offsets[-1]))
        return cls(tokenizer, retriever, ids_, columns, years, rows.vectors, tokens, offsets)

    # --- search ---------------------------------------------------------------------------

    def search(self, query: str, k: int, filters: Filters = NO_FILTERS) -> list[tuple[str, float]]:
        """The ``k`` best chunks as (id, BM25 score), best first; chunks scoring 0 are left out."""
        if self.retriever is None or k <= 0:
            return []
        scores = self.scores(query)
        mask = self.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i].decode(), float(scores[i])) for i in top if scores[i] > 0]

    def nearest(self, vector: np.ndarray, k: int, filters: Filters = NO_FILTERS) -> list[tuple[str, float]]:
        """The ``k`` chunks whose kept vectors are nearest ``vector`` among those passing the
        filters, as (id, cosine distance), exactly; [] when no vectors are kept."""
        if self.vectors is None or not len(self.vectors) or k <= 0:
            return []
        mask = self.mask(filters)
        rows = np.arange(len(self)) if mask is None else np.flatnonzero(mask)
        if not len(rows):
            return []
        similarity = self._similarity(rows, np.asarray(vector, dtype=self.vectors.dtype))
        k = min(k, len(rows))
        top = np.argpartition(-similarity, k - 1)[:k]
        top = top[np.argsort(-similarity[top], kind="stable")]
        return [(self.ids[rows[i]].decode(), float(1.0 - similarity[i])) for i in top]

    def _similarity(self, rows: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """``vectors[rows] @ vector``, reading runs of consecutive rows as slices: the store keeps
        chunks in (year, body) order, so a year or body+year filter selects one run and no rows
        are copied. ``einsum`` rather than BLAS: a matrix-vector product is memory-bound, and
        BLAS threads on a busy 2-core machine made it 4–10× slower."""
        assert self.vectors is not None
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1
        if len(breaks) > 64:
            return np.einsum("ij,j->i", self.vectors[rows], vector)
        starts = np.concatenate(([0], breaks))
        ends = np.concatenate((breaks, [len(rows)]))
        runs = zip(rows[starts], rows[ends - 1] + 1, strict=True)
        return np.concatenate([np.einsum("ij,j->i", self.vectors[lo:hi], vector) for lo, hi in runs])

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk: the sum of the score-matrix columns of the query's tokens."""
        assert self.retriever is not None
        vocab = self.retriever.vocab_dict
        tokens = sorted({vocab[t] for t in self.tokenize(query) if t in vocab})
        matrix = self.retriever.scores
        indptr = matrix["indptr"]
        if not tokens:
            return np.zeros(len(self), dtype=np.float32)
        spans = [(int(indptr[t]), int(indptr[t + 1])) for t in tokens]
        docs = np.concatenate([matrix["indices"][s:e] for s, e in spans])
        weights = np.concatenate([matrix["data"][s:e] for s, e in spans])
        return np.bincount(docs, weights=weights, minlength=len(self)).astype(np.float32)

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which chunks pass the filters, or None when nothing is filtered."""
        parts: list[np.ndarray] = []
        if filters.bodies is not None:
            parts.append(self.columns["body"].mask(filters.bodies))
        if filters.years is not None:
            parts.append(np.isin(self.years, np.asarray(filters.years, dtype=np.int32)))
        if filters.sections is not None:
            parts.append(self.columns["section"].mask(filters.sections))
        if filters.kind is not None:
            parts.append(self.columns["kind"].mask([filters.kind]))
        if not parts:
            return None
        return np.logical_and.reduce(parts)

    # --- persistence ----------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        """Write the index to ``directory``, replaced as a whole and at once: the files go to a new
        folder beside it, then ``directory`` (a symlink) is switched to that folder. A reader in
        another process sees the old index or the new one, never a gap; one that has the old one
        mapped keeps reading it."""
        parent = directory.parent
        parent.mkdir(parents=True, exist_ok=True)
        version = parent / f"{directory.name}.{uuid.uuid4().hex[:12]}"
        version.mkdir()
        if self.retriever is not None:
            self.retriever.save(str(version / "bm25s"), show_progress=False)
        np.save(version / "ids.npy", self.ids)
        if self.vectors is not None:
            np.save(version / "vectors.npy", self.vectors)
        if self.tokens is not None and self.offsets is not None:
            np.save(version / "tokens.npy", self.tokens)
            np.save(version / "offsets.npy", self.offsets)
        np.save(version / "years.npy", self.years)
        for name, col in self.columns.items():
            np.save(version / f"{name}.npy", col.codes)
        meta = {"tokenizer": self.tokenizer, "values": {n: c.values for n, c in self.columns.items()}}
        (version / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        link = parent / f".{version.name}.link"
        os.symlink(version.name, link)
        previous = os.readlink(directory) if directory.is_symlink() else None
        if directory.is_dir() and not directory.is_symlink():  # saved before versions were kept
            shutil.rmtree(directory)
        os.replace(link, directory)
        if previous:
            shutil.rmtree(parent / previous, ignore_errors=True)
        shutil.rmtree(directory.with_name(directory.name + ".tmp"), ignore_errors=True)  # older saves

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        """Read an index written by :meth:`save`; the big arrays are memory-mapped."""
        directory = directory.resolve()  # one version throughout, even if a save switches it now
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        retriever = None
        if (directory / "bm25s").exists():
            retriever = SavedMatrix(directory / "bm25s")
        columns = {
            name: _Codes(values, np.load(directory / f"{name}.npy", mmap_mode="r"))
            for name, values in meta["values"].items()
        }

        def optional(name: str) -> np.ndarray | None:
            path = directory / f"{name}.npy"
            return np.load(path, mmap_mode="r") if path.exists() else None

        return cls(
            meta["tokenizer"],
            retriever,
            np.load(directory / "ids.npy", mmap_mode="r"),
            columns,
            np.load(directory / "years.npy", mmap_mode="r"),
            optional("vectors"),
            optional("tokens"),
            optional("offsets"),
        )


class SavedMatrix:
    """A saved bm25s index as a search reads it: its vocabulary (token → id) and its score matrix
    (CSC: ``data``, ``indices``, ``indptr``), memory-mapped, from the files ``bm25s.BM25.save``
    writes, without importing bm25s. Saving it copies those files."""

    MATRIX = ("data", "indices", "indptr")
    FILES = ("vocab.index.json", "params.index.json", *(f"{n}.csc.index.npy" for n in MATRIX))

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        vocab = (folder / "vocab.index.json").read_text(encoding="utf-8")
        self.vocab_dict: dict[str, int] = json.loads(vocab)
        self.scores = {n: np.load(folder / f"{n}.csc.index.npy", mmap_mode="r") for n in self.MATRIX}

    def save(self, save_dir: str, show_progress: bool = False) -> None:
        """Write the index where ``bm25s.BM25.save`` would (``show_progress``: its signature)."""
        target = Path(save_dir)
        target.mkdir(parents=True, exist_ok=True)
        for name in self.FILES:
            shutil.copyfile(self.folder / name, target / name)


# --- building blocks of build and updated --------------------------------------------------

#: The string columns a filter looks at, in the order the index keeps them.
_STRING_COLUMNS = ("body", "section", "kind", "report_id")


def _token_ids(
    docs: Iterable[KeywordDoc], tokenize: Callable[[str], list[str]], vocab: dict[str, int]
) -> list[list[int]]:
    """Each doc's token ids (its report header's, then its text's), new tokens added to ``vocab``.
    Each distinct string is tokenised once (headers repeat)."""
    cache_: dict[str, list[int]] = {}

    def ids_of(text: str) -> list[int]:
        ids = cache_.get(text)
        if ids is None:
            ids = cache_[text] = [vocab.setdefault(t, len(vocab)) for t in tokenize(text)]
        return ids

    return [ids_of(report_header(d.body, d.year)) + ids_of(d.text) for d in docs]


def _compact(corpus: list[list[int]], vocab: dict[str, int]) -> tuple[list[list[int]], dict[str, int]]:
    """The corpus and vocabulary with the tokens no chunk uses any more dropped, ids renumbered
    in their old order (so an index that lost nothing keeps its ids)."""
    used = sorted({t for c in corpus for t in c})
    if len(used) == len(vocab):
        return corpus, dict(vocab)
    renumber = {old: new for new, old in enumerate(used)}
    by_id = {i: t for t, i in vocab.items()}
    return [[renumber[t] for t in c] for c in corpus], {by_id[old]: new for old, new in renumber.items()}


@dataclass
class _Rows:
    """The chunks of an index as plain columns, to filter, join and sort before assembling."""

    ids: list[str]
    corpus: list[list[int]]
    strings: dict[str, list[str]]
    years: list[int]
    vectors: np.ndarray | None

    @classmethod
    def of(cls, docs: Sequence[KeywordDoc], corpus: list[list[int]], vectors: np.ndarray | None) -> _Rows:
        return cls(
            ids=[d.id for d in docs],
            corpus=corpus,
            strings={name: [getattr(d, name) for d in docs] for name in _STRING_COLUMNS},
            years=[d.year or 0 for d in docs],
            vectors=vectors,
        )

    def plus(self, other: _Rows) -> _Rows:
        if not self.ids:
            vectors = other.vectors
        elif not other.ids:
            vectors = self.vectors
        elif self.vectors is None or other.vectors is None:
            vectors = None  # dense search then goes to Chroma
        else:
            vectors = np.concatenate([self.vectors, np.asarray(other.vectors, dtype=self.vectors.dtype)])
        return _Rows(
            self.ids + other.ids,
            self.corpus + other.corpus,
            {name: self.strings[name] + other.strings[name] for name in _STRING_COLUMNS},
            self.years + other.years,
            vectors,
        )

    def in_store_order(self) -> _Rows:
        """Sorted as the store lists chunks for a build (year, body, report, chunk id), so an
        updated index equals a rebuilt one and a year or body filter still selects runs."""
        body, report = self.strings["body"], self.strings["report_id"]
        order = sorted(range(len(self.ids)), key=lambda i: (self.years[i], body[i], report[i], self.ids[i]))
        return _Rows(
            [self.ids[i] for i in order],
            [self.corpus[i] for i in order],
            {name: [values[i] for i in order] for name, values in self.strings.items()},
            [self.years[i] for i in order],
            None if self.vectors is None else np.asarray(self.vectors)[order],
        )

"""Which row and applicant column a question means, read by meaning as well as by word.

Three signals, cheapest first:

- the lexicon (``answer/lexicon.py``): regular expressions over the official labels and the
  common words for them; exact where it fires, blind to a paraphrase;
- the keyword index: BM25 (bm25s, jieba words) over each row's and column's description in
  ``answer/metric_descriptions.py``; bm25s's score of every word in every description is stored
  in :data:`KEYWORDS_FILE`, so a question is scored by adding them up (as bm25s does, in float32)
  without loading bm25s or numpy;
- the embedding model (multilingual E5, ``retrieval/embed.py``): the question against every
  text of every description, best text per row.

When the lexicon and the keyword index agree (or neither finds anything) the answer is theirs
and the model is not asked (nor loaded, nor numpy): a figure question stays within milliseconds.
Otherwise the question is embedded once and the three are fused; a row is taken only when it is
clearly ahead of the next one and the keyword index supports it. A weak or split reading takes
nothing (the question goes to the text, or is asked back), never a wrong row.

>>> matcher = MetricMatcher()
>>> matcher.read("没打复议直接去法院告的有几起", rows=["t4.review"]).rows
('t4.suit_direct',)
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import struct
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.answer.metric_descriptions import DESCRIPTIONS, Description
from nianbao.keys import ROW_GROUPS, T3_COLUMN_GROUPS
from nianbao.retrieval.tokens import jieba_tokens

if TYPE_CHECKING:
    import numpy as np

    from nianbao.retrieval.embed import E5Embeddings

log = logging.getLogger(__name__)

#: The description vectors for the bundled model, made by ``python -m nianbao.answer.meaning``.
VECTORS_FILE = Path(__file__).with_name("metric_vectors.npz")
#: bm25s's score of each word in each description, made by ``python -m nianbao.answer.meaning``.
KEYWORDS_FILE = Path(__file__).with_name("metric_keywords.json")
#: What the keyword scores are made with (in their digest, as the model is in the vectors').
KEYWORD_MODEL = "bm25s lucene k1=1.5 b=0.75, jieba search words"

#: Words that ask, not say what is asked about.
_ASKING = re.compile(
    r"请问|一共|总共|共计|合计|总计|分别|各|有多少|是多少|多少|有几[件起个宗次份]?|几[件起个宗次份]|数量|数目"
    r"|越来越[多少高低]?|(?:增加|增长|上升|减少|下降|变多|变少)了?|最[多少高低]|排名|排序|趋势|逐年|变化"
    r"|近[一二两三四五六七八九十\d]年|去年|前年|历年|每年|各年|还是|是不是"
    r"|有没有|是否|怎么样|如何|情况|呢|吗|啊|呀|[？?，,。、；;！!：:“”\"'‘’（）()《》\s]+"
)
#: Words too common to say which row is meant.
_COMMON = frozenset(
    "的 了 又 是 在 有 和 与 及 或 等 这 那 也 都 就 被 把 给 对 从 向 为 其 之 所 中 里 个 件 起"
    " 年 今年 本年 其中 什么 哪些 哪个 可以 以及 进行 相关"
    # every description says these: they tell no row from another
    " 政府 信息 公开 政府信息 信息公开 政府信息公开 年度 报告 年度报告 工作".split()
)

#: Fusion weights: similarity (z-score over the candidates) + keyword (share of the best) + lexicon.
_W_KEYWORD = 2.0
_W_LEXICON = 1.5
#: A row is taken by meaning when its similarity stands this far above the candidates' mean…
_MIN_Z = 1.5
#: …and its fused score this far above the next row's…
_MIN_LEAD = 0.5
#: …and the question is this close (cosine) to one of its texts.
_MIN_COSINE = 0.89
#: An applicant (or table-4 result) column is looked for by meaning only when the keyword index
#: scores one this high.
_APPLICANT_TRIGGER = 1.0
_RESULT_TRIGGER = 0.3
#: …and the model puts one this far (cosine) above the next.
_RESULT_LEAD = 0.03
#: Rows the lexicon names joined like this are asked for each (行政复议和行政诉讼各几件).
_JOINED = re.compile(r"和|与|及|、|或|还是|跟|同|以及")


@dataclass(frozen=True)
class Reading:
    """What a question asks for: rows (``t3.granted``…), an applicant column, and when no row is
    clear, the candidates it might mean (to ask back)."""

    rows: tuple[str, ...]
    applicant: str | None
    unsure: tuple[str, ...] = ()
    used_model: bool = False


def content(text: str) -> str:
    """The words of a question that say what it is about (question words and punctuation out)."""
    return _ASKING.sub(" ", text).strip()


def digest(model: str, descriptions: Mapping[str, Description]) -> str:
    """What the stored vectors were made from: the model and every description text, in order."""
    parts = [model] + [f"{n}\t{t}" for n, d in descriptions.items() for t in d.texts]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class _Keywords:
    """BM25 over the descriptions of one kind: one document per row or column.

    ``columns`` holds bm25s's score of each word in each document that has it (its score
    matrix, column by column); a question's score for a document is the sum over its words,
    added in float32 in the question's order, as ``bm25s.BM25.get_scores`` adds them.
    """

    def __init__(self, names: list[str], columns: Mapping[str, Sequence[tuple[int, float]]]) -> None:
        self.names = names
        self.columns = {t: tuple((int(d), float(s)) for d, s in col) for t, col in columns.items()}
        self.vocabulary = set(self.columns)

    @classmethod
    def build(cls, descriptions: Sequence[Description]) -> _Keywords:
        """Index the descriptions with bm25s (Lucene's BM25, k1 1.5, b 0.75: its defaults)."""
        import bm25s

        index = bm25s.BM25()
        index.index([jieba_tokens("；".join(d.texts)) for d in descriptions], show_progress=False)
        data, indices, indptr = (index.scores[k] for k in ("data", "indices", "indptr"))
        columns = {
            t: [(int(indices[j]), float(data[j])) for j in range(indptr[i], indptr[i + 1])]
            for t, i in index.vocab_dict.items()
            if i + 1 < len(indptr)  # bm25s adds an empty word that no document has
        }
        return cls([d.name for d in descriptions], columns)

    def scores(self, text: str) -> list[float]:
        known = [t for t in jieba_tokens(text) if t in self.vocabulary and t not in _COMMON]
        out = [0.0] * len(self.names)
        for token in known:
            for doc, score in self.columns[token]:
                out[doc] = _float32(out[doc] + score)
        return out

    def words_of(self, name: str) -> set[str]:
        """The words of a row's or column's description."""
        doc = self.names.index(name)
        return {t for t, col in self.columns.items() if any(d == doc for d, _ in col)}


def _by_kind(descriptions: Mapping[str, Description]) -> dict[str, list[Description]]:
    """The descriptions of each kind of slot; the text topics compete with the rows."""
    by_kind: dict[str, list[Description]] = {}
    for d in descriptions.values():
        by_kind.setdefault("row" if d.kind == "text" else d.kind, []).append(d)
    return by_kind


def _float32(x: float) -> float:
    """``x`` rounded to the nearest float32, as bm25s's float32 sums round."""
    return float(struct.unpack("f", struct.pack("f", x))[0])


def _keywords(descriptions: Mapping[str, Description]) -> dict[str, _Keywords]:
    """The keyword index of each kind (row, applicant, result): read from :data:`KEYWORDS_FILE`
    when it was made from these descriptions, else built with bm25s."""
    by_kind = _by_kind(descriptions)
    try:
        stored = json.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    if stored.get("digest") == digest(KEYWORD_MODEL, descriptions):
        kinds = stored["kinds"]
        return {kind: _Keywords(kinds[kind]["names"], kinds[kind]["columns"]) for kind in by_kind}
    if descriptions is DESCRIPTIONS:
        log.warning("%s is out of date; run `python -m nianbao.answer.meaning`", KEYWORDS_FILE.name)
    return {kind: _Keywords.build(ds) for kind, ds in by_kind.items()}


class MetricMatcher:
    """Reads rows and applicant columns from a question's words (see the module docstring).

    ``embeddings`` replaces the bundled model (a test's fake); its description vectors are then
    made on first use instead of read from :data:`VECTORS_FILE`.
    """

    def __init__(
        self,
        embeddings: E5Embeddings | None = None,
        descriptions: Mapping[str, Description] = DESCRIPTIONS,
    ) -> None:
        self._embeddings = embeddings
        self.descriptions = dict(descriptions)
        self.keywords = _keywords(descriptions)
        self._owners: np.ndarray | None = None
        self._vectors: np.ndarray | None = None
        self._last: tuple[str, dict[str, float]] | None = None  # one question asks for several slots
        self._lock = threading.Lock()

    # --- the signals ---------------------------------------------------------------------------

    @property
    def embeddings(self) -> E5Embeddings:
        """The model (the bundled one unless given): made on first use, as it needs numpy."""
        if self._embeddings is None:
            from nianbao.retrieval.embed import DEFAULT_MODEL, E5Embeddings

            self._embeddings = E5Embeddings(DEFAULT_MODEL)
        return self._embeddings

    def vectors(self) -> np.ndarray:
        """Every description text as a vector, made (or read) once."""
        with self._lock:
            if self._vectors is None:
                self._vectors = self._stored_vectors()
                if self._vectors is None:
                    texts = [t for d in self.descriptions.values() for t in d.texts]
                    log.info("embedding %d metric description texts", len(texts))
                    self._vectors = self.embeddings.passages(texts)
            return self._vectors

    def _stored_vectors(self) -> np.ndarray | None:
        import numpy as np

        from nianbao.retrieval.embed import DEFAULT_MODEL

        if self.embeddings.model != DEFAULT_MODEL or self.embeddings._encoder is not None:
            return None
        try:
            stored = np.load(VECTORS_FILE)
        except OSError:
            return None
        if str(stored["digest"]) != digest(DEFAULT_MODEL, self.descriptions):
            log.warning("%s is out of date; run `python -m nianbao.answer.meaning`", VECTORS_FILE.name)
            return None
        return stored["vectors"].astype(np.float32)

    def similarities(self, text: str) -> dict[str, float]:
        """Cosine of the question and each row's or column's closest description text."""
        with self._lock:
            last = self._last
        if last is not None and last[0] == text:
            return last[1]
        import numpy as np

        if self._owners is None:
            self._owners = np.asarray([n for n, d in self.descriptions.items() for _ in d.texts])
        sims = self.vectors() @ self.embeddings.query(text)
        out = {n: float(sims[self._owners == n].max()) for n in self.descriptions}
        with self._lock:
            self._last = (text, out)
        return out

    # --- reading -------------------------------------------------------------------------------

    def read(
        self,
        text: str,
        rows: Sequence[str] = (),
        weak: Sequence[str] = (),
        applicant: str | None = None,
        row_text: str | None = None,
    ) -> Reading:
        """The rows and applicant column ``text`` asks for, given what the lexicon found there:
        ``rows`` it names, ``weak`` rows it guesses from a general word (申请多少 → 新收), the
        ``applicant`` column it names. ``row_text`` is ``text`` without its column words."""
        words, row_words = content(text), content(text if row_text is None else row_text)
        rows_index, apps_index = self.keywords["row"], self.keywords["applicant"]
        app_kw = apps_index.scores(words)
        app_top = _top(apps_index.names, app_kw)
        if applicant:
            app_clear = _agree([applicant], apps_index.names, app_kw, _ORG_GROUP)
        else:
            app_clear = max(app_kw, default=0.0) < _APPLICANT_TRIGGER
        if not app_clear:
            by_lexicon = applicant
            applicant = self._applicant(self.similarities(words), applicant, app_top)
            if applicant not in (None, by_lexicon):  # the words that named the column name no row
                named = apps_index.words_of(applicant)
                row_words = " ".join(w for w in jieba_tokens(row_words) if w not in named)
        row_kw = rows_index.scores(row_words)
        several = len(rows) > 1 and _JOINED.search(text) is not None  # 复议和诉讼各几件
        settled = rows and applicant is not None  # 其中自然人提了多少: the column's words blur the row's
        agreed = _agree(list(rows or weak), rows_index.names, row_kw, ROW_GROUPS)
        about_text = not rows and str(_top(rows_index.names, row_kw)).startswith("text.")
        if not any(row_kw) or several or settled or agreed or about_text:
            return Reading(tuple(rows or weak), applicant, used_model=not app_clear)
        sims = self.similarities(row_words)
        return self._rows(rows_index.names, sims, row_kw, list(rows), list(weak), applicant)

    def result(self, text: str) -> str | None:
        """A table-4 result column (维持, 纠正…) by meaning, for a clause whose words name none:
        taken only when the keyword index and the model name the same one, clearly."""
        words = content(text)
        index = self.keywords["result"]
        keyword = index.scores(words)
        if max(keyword, default=0.0) < _RESULT_TRIGGER:
            return None
        sims = self.similarities(words)
        first, second = sorted(index.names, key=lambda n: -sims[n])[:2]
        clear = sims[first] - sims[second] >= _RESULT_LEAD
        return first if clear and first == _top(index.names, keyword) else None

    def _applicant(self, sims: Mapping[str, float], found: str | None, keyword_top: str | None) -> str | None:
        """An applicant column by meaning: the keyword index and the model name the same one, and
        the question is closer to it than to any row (个人隐私 is about a row, not about 个人)."""
        top = max(self.keywords["applicant"].names, key=lambda n: sims[n])
        closer = sims[top] >= max(sims[n] for n in self.keywords["row"].names)
        if top == found or (top == keyword_top and closer):
            return top
        return found if found is not None and closer else None

    def _rows(
        self,
        names: list[str],
        sims: Mapping[str, float],
        keyword_scores: list[float],
        found: list[str],
        weak: list[str],
        applicant: str | None,
    ) -> Reading:
        import numpy as np

        keyword = np.asarray(keyword_scores, dtype=np.float64)
        cosine = np.asarray([sims[n] for n in names])
        z = (cosine - cosine.mean()) / (cosine.std() or 1.0)
        share = keyword / keyword.max()
        lexicon = np.asarray([1.0 if n in found else 0.0 for n in names])
        fused = z + _W_KEYWORD * share + _W_LEXICON * lexicon
        order = np.argsort(-fused)
        top, second = int(order[0]), int(order[1])
        clear = (
            z[top] >= _MIN_Z
            and fused[top] - fused[second] >= _MIN_LEAD
            and cosine[top] >= _MIN_COSINE
            and share[top] > 0
        )
        best = names[top]
        if clear and not best.startswith("text.") and best not in found and not _inside(best, found):
            return Reading((best,), applicant, used_model=True)
        if clear or found or weak:  # a topic of the text is no row: the lexicon's words stand
            return Reading(tuple(found or ([] if clear else weak)), applicant, used_model=True)
        close = tuple(names[i] for i in order[:2] if not names[i].startswith("text."))
        return Reading((), applicant, unsure=close if z[top] >= _MIN_Z else (), used_model=True)


def _top(names: Sequence[str], scores: Sequence[float]) -> str | None:
    """The best scoring name (the first of equals, as numpy's argmax), if any scores above 0."""
    best = max(scores, default=0.0)
    return names[list(scores).index(best)] if best > 0 else None


def _agree(
    found: list[str], names: list[str], keyword: Sequence[float], groups: Mapping[str, object]
) -> bool:
    """The keyword index does not contradict the lexicon: it ranks one of the lexicon's rows first,
    or a group holding one (无法提供 over 本机关不掌握: the lexicon's is finer), or finds nothing."""
    top = _top(names, keyword)
    if top is None:
        return True
    return top in found or _inside(top, found, groups)


def _inside(name: str, found: Sequence[str], groups: Mapping[str, object] = ROW_GROUPS) -> bool:
    """``name`` is a group holding one of ``found``: the lexicon's is finer."""
    group = groups.get(name)
    if group is None:
        return False
    prefix = f"{name.split('.')[0]}." if "." in name else ""
    return any(f"{prefix}{row}" in found for row in getattr(group, "rows", getattr(group, "columns", ())))


_ORG_GROUP = T3_COLUMN_GROUPS  # ``org`` holds the five 法人或其他组织 columns


@cache
def default_matcher() -> MetricMatcher:
    """The process-wide matcher over the bundled model; its vectors load on first use."""
    return MetricMatcher()


def _write_vectors() -> None:
    """Embed every description text with the bundled model and store the vectors beside this file."""
    import numpy as np

    from nianbao.retrieval.embed import DEFAULT_MODEL

    matcher = MetricMatcher()
    texts = [t for d in matcher.descriptions.values() for t in d.texts]
    vectors = matcher.embeddings.passages(texts).astype(np.float16)
    np.savez_compressed(VECTORS_FILE, vectors=vectors, digest=digest(DEFAULT_MODEL, matcher.descriptions))
    print(f"{VECTORS_FILE}: {len(texts)} texts")


def keyword_table(descriptions: Mapping[str, Description] = DESCRIPTIONS) -> dict[str, object]:
    """What :data:`KEYWORDS_FILE` holds: bm25s's scores of the descriptions, by kind, and their digest."""
    built = {kind: _Keywords.build(ds) for kind, ds in _by_kind(descriptions).items()}
    return {
        "digest": digest(KEYWORD_MODEL, descriptions),
        "kinds": {k: {"names": i.names, "columns": i.columns} for k, i in built.items()},
    }


def _write_keywords() -> None:
    """Score every description word with bm25s and store the scores beside this file."""
    table = json.dumps(keyword_table(), ensure_ascii=False, separators=(",", ":"))
    KEYWORDS_FILE.write_text(table + "\n", encoding="utf-8")
    print(f"{KEYWORDS_FILE}: {len(table)} characters")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["--keywords"]:  # the keyword scores alone need no model
        _write_vectors()
    _write_keywords()

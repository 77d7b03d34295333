"""A report's sentences as the unit a text answer quotes, and BM25 over them in memory.

A ``Passage`` is one sentence of a report's narrative (a long one is cut at its ；), never
crossing a section boundary, with the section path it sits in. Its ``text`` is the report's
text between ``start`` and ``end`` with only the line breaks dropped that a PDF conversion put
inside a sentence, so a quote is the stored text as written.

The search index keeps sentence *windows* (``chunks.py``: sentences packed to 150–300
characters); a text answer reads the sentences inside the windows it retrieves. Where there is
no index (a records-only library), :class:`PassageSearch` ranks the sentences of the few
reports a question resolves to with BM25 built on the fly; each report's sentences and tokens
are computed once and cached.

>>> passages = report_passages(report_id, text, sections)
>>> PassageSearch(passages).scores("编发了几期政府公报")
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nianbao.model import Section
from nianbao.retrieval.chunks import leaf_segments
from nianbao.retrieval.tokens import jieba_tokens

#: A sentence longer than this is cut at its ；, if it has one.
LONG_SENTENCE = 160

_STOPS = "。！？!?"
_CLOSERS = "”’」』）)"
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[.、．]\s*\D)"
)
_JOINER = "\u2060"  # marks a line break that only wrapped a line: not a sentence end
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")


@dataclass(frozen=True)
class Passage:
    """One sentence of a report: its span in the report's text, the text as quoted, its section."""

    report_id: str
    start: int
    end: int
    text: str
    section: tuple[str, ...]

    @property
    def locator(self) -> str:
        return " › ".join(self.section)


def unwrap(text: str) -> str:
    """Join lines that a PDF conversion wrapped mid-sentence (same length: spans stay valid).

    A line break stays a break after a stop, before a heading, or after a short line (a
    heading); elsewhere it becomes a zero-width join marker that sentence splitting ignores.
    Text made of paragraphs (few lines end open) is left as it is.
    """
    lines = text.split("\n")
    long_lines = [line.strip() for line in lines if len(line.strip()) >= 15]
    open_ended = [line for line in long_lines if line[-1] not in "。！？；：:」”）)"]
    if len(open_ended) < 0.4 * max(1, len(long_lines)):
        return text
    out = []
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        keep = len(line.strip()) < 20 or line.rstrip()[-1:] in "。！？；：:」”）)" or _HEADING.match(nxt)
        out.append(line + ("\n" if keep else _JOINER))
    out.append(lines[-1])
    return "".join(out)


def sentence_spans(joined: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``joined[start:end]`` (a text already through :func:`unwrap`), trimmed.

    A sentence ends after 。！？ (and the closing quotes after it) or at a line break; one
    longer than ``LONG_SENTENCE`` is cut after each ；.
    """
    spans: list[tuple[int, int]] = []
    pos = start
    i = start
    while i < end:
        ch = joined[i]
        if ch in _STOPS or ch == "\n":
            j = i + 1
            while j < end and joined[j] in _CLOSERS:
                j += 1
            spans += _cut_at_semicolons(joined, pos, j)
            pos = i = j
            continue
        i += 1
    if pos < end:
        spans += _cut_at_semicolons(joined, pos, end)
    out = []
    for s, e in spans:
        while s < e and (joined[s].isspace() or joined[s] == _JOINER):
            s += 1
        while e > s and (joined[e - 1].isspace() or joined[e - 1] == _JOINER):
            e -= 1
        if e - s >= 4 and _CONTENT.search(joined, s, e):
            out.append((s, e))
    return out


def _cut_at_semicolons(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= LONG_SENTENCE:
        return [(start, end)]
    cuts = [m.end() for m in re.finditer(r"[；;]", text[start:end])]
    bounds = [start] + [start + c for c in cuts if start + c < end] + [end]
    return list(zip(bounds, bounds[1:], strict=False))


def quote_of(text: str, start: int, end: int) -> str:
    """The report's text between ``start`` and ``end`` as quoted: line breaks dropped."""
    return text[start:end].replace("\n", "")


@lru_cache(maxsize=512)
def report_passages(report_id: str, text: str, sections: tuple[Section, ...]) -> tuple[Passage, ...]:
    """Every sentence of a report, in text order, each within one section (the deepest)."""
    joined = unwrap(text)
    out: list[Passage] = []
    for path, lo, hi in leaf_segments(text, sections) or [((), 0, len(text))]:
        lo = _past_heading(text, lo, hi, path)
        for s, e in sentence_spans(joined, lo, hi):
            out.append(Passage(report_id, s, e, quote_of(text, s, e), path))
    return tuple(out)


def _past_heading(text: str, start: int, end: int, path: tuple[str, ...]) -> int:
    """Past the section's own heading when the piece opens with it (the path already says it)."""
    s = start
    while s < end and text[s].isspace():
        s += 1
    if path and path[-1] != "前言" and text.startswith(path[-1], s):
        after = s + len(path[-1])
        if after < end and text[after] not in "\n。：:":
            return start  # a heading read into the sentence that follows it: keep them together
        s = after
        while s < end and text[s] in " \t\u3000。：:．.、\n":
            s += 1
        return s
    return start


# --- BM25 in memory -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(jieba_tokens(text))


@lru_cache(maxsize=65536)
def passage_counts(passage: Passage) -> Counter[str]:
    """What BM25 matches, counted: the sentence's words, then its section heading's (a weak
    context). Cached: a report's sentences are counted once per process."""
    heading = passage.section[-1] if passage.section else ""
    return Counter(_tokens(passage.text) + _tokens(heading))


class PassageSearch:
    """BM25 (k1 1.2, b 0.75) over a few reports' sentences, built per question in memory.

    The few hundred sentences of the reports a question names are tokenised once per process
    (cached by text); document frequencies are counted over the pool, so a word every report of
    the body repeats weighs little.
    """

    def __init__(self, passages: Sequence[Passage], k1: float = 1.2, b: float = 0.75) -> None:
        self.passages = list(passages)
        self.k1, self.b = k1, b
        self.counts = [passage_counts(p) for p in self.passages]
        self.lengths = [sum(c.values()) for c in self.counts]
        self.mean_length = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    def idf(self, token: str) -> float:
        n = len(self.passages)
        df = sum(token in c for c in self.counts)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> list[float]:
        """The BM25 score of every passage for ``query``, in passage order."""
        weights = {t: self.idf(t) for t in set(_tokens(query))}
        out = []
        for counts, length in zip(self.counts, self.lengths, strict=True):
            norm = self.k1 * (1 - self.b + self.b * length / self.mean_length)
            out.append(
                sum(
                    w * counts[t] * (self.k1 + 1) / (counts[t] + norm)
                    for t, w in weights.items()
                    if t in counts
                )
            )
        return out

    def top(self, query: str, k: int = 20) -> list[tuple[float, Passage]]:
        """The ``k`` best passages with their scores, best first; passages scoring 0 left out."""
        ranked = sorted(zip(self.scores(query), self.passages, strict=True), key=lambda pair: -pair[0])
        return [(s, p) for s, p in ranked[:k] if s > 0]

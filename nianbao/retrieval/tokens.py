"""Chinese text as the keyword indexes count it: words (jieba's cuts) or character pairs.

Chinese has no spaces, so a text is cut into tokens first. Two tokenisers:

- ``bigram``: every CJK character and every pair of neighbours, plus ASCII words and numbers
  (``0632-3921308`` → ``0632``, ``3921308``). No dictionary, no misses on rare names.
- ``jieba``: jieba's search-mode words (a word and its shorter parts), plus the same ASCII tokens.
  The words are cut by ``retrieval/segment.py`` (jieba's cuts, its dictionary read from a file):
  no dictionary to load, so a figure question reads its words in a millisecond.

>>> bigram_tokens("电话：0632-3921308")
['电', '话', '电话', '0632', '3921308']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from nianbao.retrieval import segment
from nianbao.retrieval.chunks import squeeze

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


def normalise(text: str) -> str:
    """Breaks inside Chinese text dropped, full-width digits and letters to ASCII, lower case."""
    return unicodedata.normalize("NFKC", squeeze(text)).lower()


def bigram_tokens(text: str) -> list[str]:
    """CJK characters and character pairs, then ASCII words and numbers."""
    text = normalise(text)
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out += list(run)
        out += [run[i : i + 2] for i in range(len(run) - 1)]
    out += _ASCII_WORD.findall(text)
    return out


def jieba_tokens(text: str) -> list[str]:
    """jieba's search-mode words (CJK only; punctuation dropped), then ASCII words and numbers."""
    text = normalise(text)
    out = [w for run in _CJK_RUN.findall(text) for w in segment.lcut_for_search(run)]
    return [w for w in out if _WORDLIKE.search(w)] + _ASCII_WORD.findall(text)


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {"bigram": bigram_tokens, "jieba": jieba_tokens}

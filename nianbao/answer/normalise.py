"""A question in the form the rest of the answer code reads: simplified characters (OpenCC,
``t2s``), half-width digits and letters, no stray whitespace. And whether it is written in a
language other than Chinese, which is answered with a request to ask in Chinese.

>>> normalise(" 市中區政府辦 ２０２３ 年收到多少申請？")
'市中区政府办2023年收到多少申请？'
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

#: Full-width digits and Latin letters → half-width; Chinese punctuation stays as written.
_WIDTH = {c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_WIDTH[0x3000] = 0x20  # the ideographic space
_SPACE = re.compile(r"\s+")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as simplified (市中區政府辦 → 市中区政府办); the rest unchanged."""
    if text.isascii():
        return text
    converter = _converter()
    with _lock:  # one converter for every thread; OpenCC's is not documented as thread-safe
        return converter.convert(text)  # type: ignore[attr-defined]  # opencc ships no stubs


def _unspaced(text: str) -> str:
    """Whitespace kept only between two Latin letters or digits (an English question)."""

    def keep(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return " " if _ASCII_WORD.match(before) and _ASCII_WORD.match(after) else ""

    return _SPACE.sub(keep, text)


def normalise(text: str) -> str:
    """The question as the answer code reads it. Applied once, before anything reads it."""
    return _unspaced(simplified(text.translate(_WIDTH))).strip()


def foreign(text: str) -> bool:
    """Written in another language: three Latin words or more, and more Latin letters than
    Chinese characters (a Chinese question quoting “PDF” or “ID” is not)."""
    words = _LATIN_WORD.findall(text)
    letters = sum(len(w) for w in words)
    return len(words) >= 3 and letters > len(_CJK.findall(text))


def ask_in_chinese(catalogue: dict[str, list]) -> tuple[str, tuple[str, ...]]:
    """The reply to a question in another language: please ask in Chinese, the bodies stored
    with their years, and two example questions built from them (also returned as options)."""
    listed = []
    for body in sorted(catalogue):
        years = sorted({r.meta.year for r in catalogue[body] if r.meta.year})
        listed.append(f"{body}（{'、'.join(str(y) for y in years)}年）" if years else body)
    examples: list[str] = []
    templates = ("{body}{year}年收到多少政府信息公开申请？", "{body}{year}年行政复议有多少件？")
    ranked = sorted(catalogue, key=lambda b: (-len(catalogue[b]), b))
    for template, body in zip(templates, ranked * 2, strict=False):
        years = [r.meta.year for r in catalogue[body] if r.meta.year]
        if years:
            examples.append(template.format(body=body, year=max(years)))
    text = (
        "请用中文提问（Please ask in Chinese）。这里回答政府信息公开工作年度报告中的问题，"
        f"目前收录的机关有：{'；'.join(listed)}。"
    )
    if examples:
        text += "例如：" + "".join(f"「{e}」" for e in examples)
    return text, tuple(examples)

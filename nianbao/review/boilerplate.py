"""Sentences, and which of them are boilerplate: carried by the reports of many bodies.

Whether a sentence is boilerplate is decided by the stored reports themselves, not by a list:
with its years, numbers and the body's own name masked (本报告所列数据的统计期限自〈年〉年〈数〉月…),
a sentence that the reports of at least half of the stored bodies carry (and at least
:data:`MIN_BODIES` of them) is one every report carries. Bodies, not reports, are counted, so a
body that repeats itself year after year does not make its own sentences boilerplate.

>>> sentences("一、总体情况\\n2024年，无收取信息处理费情况。")
['一、总体情况', '2024年，无收取信息处理费情况。']
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable

from nianbao.catalog import Catalog

#: A sentence carried by fewer bodies than this is never boilerplate.
MIN_BODIES = 3
#: Shorter pieces (微信, 关闭, a lone numeral) are page furniture, not sentences.
MIN_CHARS = 4

_END = re.compile(r"(?<=[。！？；!?;])|\n")
_SPACE = re.compile(r"[\s\u3000\xa0]+")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def sentences(text: str) -> list[str]:
    """The text's sentences (and lines), in order, as written; page furniture left out."""
    pieces = (_SPACE.sub(" ", p).strip() for p in _END.split(text))
    return [p for p in pieces if len(p.replace(" ", "")) >= MIN_CHARS]


_PUNCTUATION = re.compile(r"[\s\u3000\xa0，。；：、！？,.;:!?“”\"'‘’]+")


def without_years(sentence: str) -> str:
    """The sentence with its years masked, spaces and punctuation removed: what two years'
    reports compare (（一）主动公开方面 and （一）主动公开方面。 are one sentence)."""
    return _YEAR.sub("〈年〉", _PUNCTUATION.sub("", sentence))


def masked(sentence: str, names: Iterable[str] = ()) -> str:
    """The sentence with the body's names, years and numbers masked: what many reports share."""
    text = _SPACE.sub("", sentence)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "〈机关〉")
    return _NUMBER.sub("〈数〉", _YEAR.sub("〈年〉", text))


class Boilerplate:
    """The masked sentences the reports of many bodies carry. ``in`` takes a sentence as written
    and the names of the body whose report it is."""

    def __init__(self, carried_by: Counter[str], bodies: int) -> None:
        self.carried_by = carried_by
        self.bodies = bodies
        self.threshold = max(MIN_BODIES, (bodies + 1) // 2)

    def holds(self, sentence: str, names: Iterable[str] = ()) -> bool:
        """Whether this sentence of a report of the body named ``names`` is boilerplate."""
        return self.carried_by[masked(sentence, names)] >= self.threshold


def names_of(body: str, aliases: dict[str, str]) -> set[str]:
    """A body's name and the other names it goes by (``Catalog.aliases``)."""
    return {body, *(alias for alias, name in aliases.items() if name == body)}


_cache: dict[frozenset[str], Boilerplate] = {}
_lock = threading.Lock()


def boilerplate(catalog: Catalog) -> Boilerplate:
    """What the stored reports carry in common, counted once per set of current reports (ids are
    content hashes: the same set of ids is the same texts)."""
    reports = catalog.reports()
    key = frozenset(r.meta.id for r in reports)
    with _lock:
        if key in _cache:
            return _cache[key]
    texts = catalog.texts([r.meta.id for r in reports])
    aliases = catalog.aliases()
    by_body: dict[str, set[str]] = {}
    for rep in reports:
        names = names_of(rep.meta.body, aliases)
        carried = by_body.setdefault(rep.meta.body, set())
        carried.update(masked(s, names) for s in sentences(texts.get(rep.meta.id, "")))
    counts: Counter[str] = Counter(s for carried in by_body.values() for s in carried)
    found = Boilerplate(counts, len(by_body))
    with _lock:
        if len(_cache) >= 4:
            _cache.clear()
        _cache[key] = found
    return found

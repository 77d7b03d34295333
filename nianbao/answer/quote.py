"""Answers quoted from the narrative: the sentences that answer, each with its report and section.

A question with several parts (多少条？多少篇？) gets a sentence for each part; a question about
several years gets a sentence from each year's report; a question about problems and fixes
gets the opening sentences of section 五. When the question compares a counted thing across
years (多了多少条), the numbers are read from the quoted sentences and the difference is done
in code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nianbao.answer import compose
from nianbao.answer.model import Answer, Citation
from nianbao.answer.text import best_sentences, enough, section_boost, sentences

_PARTS = re.compile(r"[？?；;。！!]|，(?=[^，]{4,})")
_UNIT = re.compile(r"多少(条|次|期|篇|场|个|家|名|人)|几(条|次|期|篇|场|个|家|名)")


@dataclass(frozen=True)
class Source:
    """A report's narrative text to quote from, with what a citation needs and its section lookup."""

    report_id: str
    source: str
    body: str
    year: int | None
    text: str
    section_of: Callable[[int], str]


def _cite(src: Source, start: int, quote: str) -> Citation:
    return Citation(src.source, src.body, src.year, src.section_of(start) or "正文", quote, src.report_id)


def _best(part: str, src: Source) -> tuple[float, Citation] | None:
    found = best_sentences(part, src.text, limit=1, section_of=src.section_of)
    if not found or not enough(part, found[0][1].text, src.text):
        return None
    score, sentence = found[0]
    return score, _cite(src, sentence.start, sentence.text)


def _section_opening(topic: str, src: Source, limit: int = 4) -> list[Citation]:
    """The first sentences of the section a problems-and-fixes question is about."""
    picked = []
    for sentence in sentences(src.text):
        path = src.section_of(sentence.start)
        if section_boost(topic, path) and len(sentence.text) >= 12 and sentence.text not in path:
            picked.append(_cite(src, sentence.start, sentence.text))
        if len(picked) >= limit:
            break
    return picked


def _parts(topic: str) -> list[str]:
    parts = [p for p in _PARTS.split(topic) if len(re.sub(r"\W", "", p)) >= 4]
    return parts or [topic]


def quote_answer(topic: str, sources: Sequence[Source], intent: str) -> Answer:
    """The quoted answer, or ``not_found`` saying which reports were read."""
    cites: list[Citation] = []
    if any(section_boost(topic, n) for n in ("五", "六")) and len(sources) == 1:
        cites = _section_opening(topic, sources[0])
    for part in _parts(topic):
        per_source = [b for b in (_best(part, src) for src in sources) if b]
        per_source.sort(key=lambda pair: -pair[0])
        keep = per_source if len({s.year for s in sources}) > 1 else per_source[:1]
        cites += [c for _, c in keep]
    cites = list({c.quote: c for c in cites}.values())
    if not cites:
        which = "、".join(f"{s.body}{s.year}年" for s in sources) or "语料中的报告"
        return Answer("not_found", f"{which}的报告中没有找到能回答这个问题的内容。")
    cites.sort(key=lambda c: c.year or 0)
    text = "".join(f"据{c.body}{c.year}年报告（{c.locator}）：「{c.quote}」" for c in cites)
    return Answer("answered", text + _relation(topic, cites, intent), tuple(cites))


def _relation(topic: str, cites: Sequence[Citation], intent: str) -> str:
    """多了多少条: the counted numbers of two years' sentences, compared in code."""
    unit_match = _UNIT.search(topic)
    years = sorted({c.year for c in cites if c.year})
    if intent not in ("diff", "compare", "sum") or not unit_match or len(years) != 2:
        return ""
    unit = unit_match.group(1) or unit_match.group(2)
    values = []
    for year in years:
        numbers = [
            float(n)
            for c in cites
            if c.year == year
            for n in re.findall(rf"(\d+(?:\.\d+)?)\s*{unit}", c.quote)
        ]
        if len(numbers) != 1:
            return ""
        values.append(numbers[0])
    a, b = values
    n = compose.number
    if intent == "sum":
        return f"两年合计{n(a + b)}{unit}。"
    more, less = (years[1], years[0]) if b >= a else (years[0], years[1])
    return f"{more}年比{less}年多{n(abs(b - a))}{unit}（{n(max(a, b))}－{n(min(a, b))}）。"

"""Last year's count from this year's sentence: 「共办理依申请公开27件，较上年增加10件」 gives
the year before as 27－10＝17件, computed in code from the quoted span (with the formula).

Used when a question asks about a year the library has no report of, but has the next year's,
and that report states the change from 上年 for the thing asked. Only a change in the same
measure word as the count counts (件 and 件); a change in per cent is not turned back into a
count.
"""

from __future__ import annotations

import re

from nianbao.answer import compose
from nianbao.answer.model import Answer, Citation
from nianbao.answer.quote import Source
from nianbao.answer.text import ANSWER_THRESHOLD, MEASURE_WORDS, Reader

_CHANGE = re.compile(
    rf"(?<![\d.])(\d+(?:\.\d+)?)\s*([{MEASURE_WORDS}])[^。；\d]{{0,6}}?(?:较|比|同比)(?:上年|去年|上一年|上年度|(?:19|20)\d{{2}}年)"
    rf"(?:同期)?(增加|增长|多|减少|下降|少)了?\s*(\d+(?:\.\d+)?)\s*([{MEASURE_WORDS}])"
)


def from_next_year(topic: str, year: int, source: Source) -> Answer | None:
    """The count of ``year`` worked back from the change that ``source`` (the report of
    ``year + 1``) states, or None when it states none for what is asked."""
    if source.year != year + 1:
        return None
    passages = source.passages()
    within = [i for i, p in enumerate(passages) if _CHANGE.search(p.text)]
    if not within:
        return None
    scored = Reader(passages).score(topic, within)
    if not scored or scored[0].confidence < ANSWER_THRESHOLD:
        return None
    best = scored[0].passage
    now, unit, direction, change, change_unit = _CHANGE.search(best.text).groups()  # type: ignore[union-attr]
    if unit != change_unit:
        return None
    more = direction in ("增加", "增长", "多")
    value = float(now) - float(change) if more else float(now) + float(change)
    sign = "－" if more else "＋"
    n = compose.number
    cite = Citation(
        source.source,
        source.body,
        source.year,
        source.section_of(best.start) or "正文",
        best.text,
        source.report_id,
    )
    text = (
        f"语料中没有{source.body}{year}年的报告；其{source.year}年报告（{cite.locator}）写道：「{best.text}」"
        f"据此{year}年为{n(float(now))}{sign}{n(float(change))}＝{n(value)}{unit}（按{source.year}年报告所述的变化推算）。"
    )
    return Answer("answered", text, (cite,), confidence=round(scored[0].confidence, 3))

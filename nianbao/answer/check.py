"""Answers to "does it add up?": the report's arithmetic breaks, or the balance shown in numbers.

Every number said here is a stored cell, a stored narrative figure, or their sum in code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.answer import compose
from nianbao.answer.model import Answer, Citation
from nianbao.keys import BALANCES
from nianbao.model import StoredFinding
from nianbao.retrieval.figures import Figure, FiguresTool

_BALANCE = re.compile(r"表三|勾稽|平衡|对得上|新收.{0,6}结转|结转.{0,8}等于")
_TABLE4 = re.compile(r"表四|复议|诉讼|维持")
_NUMBER = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)(?!\d)")
_BALANCE_ROWS = BALANCES["t3.column_balance"].terms


def asked_numbers(text: str) -> set[float]:
    """Numbers the question itself states (not years)."""
    return {float(n) for n in _NUMBER.findall(text) if not (len(n) == 4 and n.startswith(("19", "20")))}


def related_findings(text: str, findings: Sequence[StoredFinding], keys: set[str]) -> list[StoredFinding]:
    """Findings about what the question names: a number it states, or the cells it asks about."""
    numbers = asked_numbers(text)
    by_number = [f for f in findings if numbers & {float(n) for n in f.numbers}]
    if by_number:
        return by_number
    if _TABLE4.search(text) and not _BALANCE.search(text):
        return [f for f in findings if any(k.startswith("t4.") for k in f.keys)]
    return [f for f in findings if keys & set(f.keys)]


def findings_answer(found: Sequence[StoredFinding], figures: Sequence[Figure]) -> Answer:
    """The report's own arithmetic breaks as the answer, citing the cells and the sentences involved."""
    lines = [f"不一致：{f.message}。" for f in found]
    lines = list(dict.fromkeys(lines))
    cites = compose.citations(figures)
    for f in found:
        if f.quote:  # the report's own sentence that the tables contradict
            cites += (Citation(f.source, f.body, f.year, "正文", f.quote, f.report_id),)
    return Answer("answered", "".join(lines), cites, tuple(f.as_row() for f in figures))


def balance_answer(tool: FiguresTool, report_ids: Sequence[str]) -> Answer | None:
    """一 + 二 = （七） + 四 for the 总计 column of table 3, in numbers."""
    figures = [tool.get(report_ids[:1], f"t3.{row}.total") for row in _BALANCE_ROWS]
    if not all(figures) or any(f[0].value is None for f in figures):
        return None
    new, carried, processed, forward = (f[0] for f in figures)
    left = new.value + carried.value  # type: ignore[operator]  # None ruled out above
    right = processed.value + forward.value  # type: ignore[operator]  # None ruled out above
    n = compose.number
    verdict = (
        "两边相等，表三的勾稽关系成立（一致）"
        if left == right
        else "两边不相等，表三的勾稽关系不成立（不一致）"
    )
    text = (
        f"{new.body}{new.year}年表三：新收{n(new.value)}件＋上年结转{n(carried.value)}件＝{n(left)}件；"
        f"办理结果总计{n(processed.value)}件＋结转下年度{n(forward.value)}件＝{n(right)}件。{verdict}。"
    )
    used = [new, carried, processed, forward]
    return Answer("answered", text, compose.citations(used), tuple(f.as_row() for f in used))


def wants_balance(text: str) -> bool:
    """True when the question asks whether table 3 balances (勾稽关系, 新收＋结转)."""
    return _BALANCE.search(text) is not None

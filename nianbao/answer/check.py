"""Answers to "does it add up?": the report's arithmetic breaks, or the balance shown in numbers.

Every number said here is a stored cell, a stored narrative figure, or their sum in code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.answer import compose
from nianbao.answer.model import Answer, Citation
from nianbao.keys import BALANCES, T4_RESULT_COLUMNS, T4_ROWS, TABLE_COLUMNS
from nianbao.model import StoredCell, StoredFinding
from nianbao.retrieval.figures import Figure, FiguresTool

_BALANCE = re.compile(r"表三|勾稽|平衡|对得上|新收.{0,6}结转|结转.{0,8}等于")
#: Words that name a table, or the text, as the part of a report a check is about.
_PARTS = {
    "t2": re.compile(r"表二|表2|第二张表|主动公开.{0,4}表"),
    "t3": re.compile(r"表三|表3|第三张表|依申请.{0,4}表"),
    "t4": re.compile(r"表四|表4|第四张表|复议|诉讼"),
    "narrative": re.compile(r"正文|文字|文中|文本|叙述|描述|说的|写的|所说|所写"),
}
_NUMBER = re.compile(r"(?<!\d)(\d+(?:\.\d+)?)(?!\d)")
_BALANCE_ROWS = BALANCES["t3.column_balance"].terms


def asked_numbers(text: str) -> set[float]:
    """Numbers the question itself states (not years)."""
    return {float(n) for n in _NUMBER.findall(text) if not (len(n) == 4 and n.startswith(("19", "20")))}


def scope_of(text: str) -> set[str]:
    """The parts of a report a check question names: ``t2``/``t3``/``t4`` and ``narrative``;
    empty when it names none (the whole report)."""
    return {part for part, words in _PARTS.items() if words.search(text)}


def concerns(finding: StoredFinding, scope: set[str]) -> bool:
    """Whether a finding is about the parts named: a table's cells, or (``narrative``) the text
    against the tables; every finding is about the whole report (an empty scope)."""
    tables = {key.split(".")[0] for key in finding.keys}
    named = scope - {"narrative"}
    if "narrative" in scope:
        return finding.rule == "narrative" and (not named or bool(tables & named))
    return not scope or bool(tables & named)


def related_findings(text: str, findings: Sequence[StoredFinding], keys: set[str]) -> list[StoredFinding]:
    """Findings about what the question names: a number it states, the cells it asks about,
    the tables (or the text) it names; every finding when it names none of these."""
    numbers = asked_numbers(text)
    by_number = [f for f in findings if numbers & {float(n) for n in f.numbers}]
    if by_number:
        return by_number
    touching = [f for f in findings if keys & set(f.keys)]
    scope = scope_of(text)
    if touching or ((keys or numbers) and not scope):
        return touching
    return [f for f in findings if concerns(f, scope)]


def findings_answer(found: Sequence[StoredFinding], figures: Sequence[Figure]) -> Answer:
    """The report's own arithmetic breaks as the answer: each where it is and with its numbers,
    citing the cells and the sentences involved."""
    lines = list(dict.fromkeys(f"不一致：{f.body}{f.year}年{f.message}。" for f in found))
    cites = list(compose.citations(figures))
    for f in found:
        cites += [compose.cite(c) for c in _shown_cells(f)]
        if f.quote:  # the report's own sentence that the tables contradict
            cites.append(Citation(f.source, f.body, f.year, "正文", f.quote, f.report_id))
    unique = list({(c.report_id, c.locator, c.quote): c for c in cites}.values())
    return Answer("answered", "".join(lines), tuple(unique), tuple(f.as_row() for f in figures))


def _shown_cells(finding: StoredFinding) -> list[StoredCell]:
    """The cells a break is shown with: the total it names first, and every cell with a value."""
    first = finding.keys[0] if finding.keys else None
    return [c for c in finding.cells if c.key == first or c.value]


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


def t4_answer(tool: FiguresTool, report_id: str) -> Answer | None:
    """维持 + 纠正 + 其他 + 尚未审结 = 总计 for each group of table 4, in numbers."""
    columns = (*T4_RESULT_COLUMNS, "total")
    keys = [f"t4.{row}.{col}" for row in T4_ROWS for col in columns]
    cells = {c.key: c for c in tool.cells([report_id], keys) if c.value is not None}
    groups = [
        (label, [cells[f"t4.{row}.{col}"] for col in columns])
        for row, label in T4_ROWS.items()
        if all(f"t4.{row}.{col}" in cells for col in columns)
    ]
    if not groups:
        return None
    n = compose.number
    lines, shown, holds = [], [], True
    for label, (*parts, total) in groups:
        added = sum(c.value or 0 for c in parts)
        same = added == total.value
        holds = holds and same
        if not added and not total.value:
            continue  # an empty group adds up; it is said once below
        sums = "＋".join(f"{TABLE_COLUMNS['t4'][c.key.split('.')[2]]}{n(c.value)}" for c in parts)
        lines.append(f"{label}：{sums}＝{n(added)}件，总计{n(total.value)}件{'' if same else '（不相等）'}")
        shown += [*parts, total]
    empty = [
        label for label, (*parts, total) in groups if not total.value and not any(c.value for c in parts)
    ]
    if empty:
        lines.append(f"{'、'.join(empty)}各项均为0件")
        shown += [group[-1] for label, group in groups if label in empty]
    first = groups[0][1][0]
    verdict = "各栏之和都等于总计，表四一致" if holds else "有的栏各项之和不等于总计，表四不一致"
    text = f"{first.body}{first.year}年表四：{'；'.join(lines)}。{verdict}。"
    return Answer("answered", text, tuple(map(compose.cite, shown)))


def carry_answer(tool: FiguresTool, prev_id: str, cur_id: str) -> Answer | None:
    """Last year's 结转下年度 against this year's 上年结转 (总计), in numbers."""
    befores = tool.get([prev_id], "t3.carried_forward.total")
    afters = tool.get([cur_id], "t3.carried_over.total")
    if not befores or not afters or befores[0].value is None or afters[0].value is None:
        return None
    before, after = befores[0], afters[0]
    n = compose.number
    same = before.value == after.value
    text = (
        f"{before.body}{before.year}年结转下年度{n(before.value)}件，{after.year}年上年结转{n(after.value)}件，"
        f"{'两者相等（一致）' if same else '两者不相等（不一致）'}。"
    )
    return Answer("answered", text, compose.citations([before, after]), (before.as_row(), after.as_row()))

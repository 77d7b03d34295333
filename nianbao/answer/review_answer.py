"""The answers to questions about a report as a whole (``answer.review`` tells them apart): what
changed since another year, from ``review.changes``, and whether a report is complete, from
``review.audit``. Every number in the answer is a stored cell (both years') or a rate computed
from cells; each audit item cites its place in the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.answer.compose import cite, unit_of
from nianbao.answer.model import Answer, Citation
from nianbao.answer.parse import Question
from nianbao.answer.review import asked_part
from nianbao.catalog import Catalog
from nianbao.model import StoredReport
from nianbao.retrieval.figures import RateFigure
from nianbao.review import choose
from nianbao.review.audit import CHECK_NAMES, ReportAudit, audit
from nianbao.review.changes import (
    KIND_WORDS,
    CellChange,
    Changes,
    RateChange,
    TextChange,
    cell_text,
    changes,
    signed,
)
from nianbao.review.outline import NUMERALS, STANDARD

#: Words that narrow an audit question to some of its checks.
_TOPICS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (checks, re.compile(pattern))
    for checks, pattern in (
        (("sections",), r"部分|章节|结构|板块|格式|体例"),
        (("tables", "cells"), r"表|单元格|空白|未填|没填|没有填|漏填|空着|填写|填全|填齐"),
        (("problems",), r"存在的?问题|第五"),
        (("fees",), r"收费|处理费|费用"),
        (
            ("date",),
            r"按时|按期|及时|逾期|超期|期限|时限|日期|时间|什么时候|晚|迟|推迟|按(?:照)?规定.{0,2}公开|\d月\d{1,2}日",
        ),
        (("year", "body"), r"年份|名称|落款|标题|错别字"),
    )
)
#: How many changed cells, rates and sentences an answer names (the rest: nianbao diff).
SHOWN = 5
#: The table each standard part reports (二 → 表二 …).
_PART_TABLES = {2: "t2", 3: "t3", 4: "t4"}


# --- changes ----------------------------------------------------------------------------------


def _pair(catalog: Catalog, q: Question, body: str) -> tuple[StoredReport, StoredReport]:
    """The two reports compared: the first and last years named; one year and the one before it;
    no year, the latest two."""
    years = sorted(q.years)
    if len(years) >= 2:
        return choose.pair(catalog, body, years[-1], years[0])
    return choose.pair(catalog, body, years[0] if years else None)


def changes_answer(catalog: Catalog, q: Question, body: str) -> Answer:
    """What changed between two of the body's reports (those asked, else the latest two)."""
    try:
        before, after = _pair(catalog, q, body)
    except choose.ReviewError as exc:
        return Answer("not_found", f"{exc}。")
    found = changes(catalog, before.meta.id, after.meta.id)
    if found is None:
        return Answer("not_found", f"没有{body}可以比较的两年报告。")
    a, b = before.meta.year, after.meta.year
    gap = ""
    if len(q.years) < 2 and a and b and b - a > 1:  # 上一年 is not stored: say which year is compared
        gap = f"（语料中没有{body}{b - 1}年的报告，与此前最近的{a}年报告比较。）"
    lines = [
        f"{body}{b}年与{a}年的报告相比{gap}：表格中有{len(found.cells)}个数字不同（{found.unchanged}个相同）。"
    ]
    part = asked_part(q)
    tables = _tables_named(q.text) | ({_PART_TABLES[part]} if part in _PART_TABLES else set())
    if part and not tables:  # a part without a table: its sentences only
        return _part_answer(found, part, lines[0])
    headline = found.headline(tables)
    largest = [c for c in found.largest_in(tables) if c not in headline][:SHOWN]
    if headline:
        lines.append(f"主要数字：{_moves(headline)}。")
    if largest:
        lines.append(f"{'其他' if headline else ''}变化最大的是：{_moves(largest)}。")
    lines += _rate_lines(found)
    lines += _part_lines(found, part)[0] if part else _text_lines(found)
    cells = [c for ch in (*headline, *largest) for c in (ch.before, ch.after) if c is not None]
    cells += [c for r in _moved_rates(found) for f in (r.before, r.after) if f for c in f.cells]
    cells = list(dict.fromkeys(cells))
    figures = tuple(
        {"source": c.source, "body": c.body, "year": c.year, "key": c.key, "value": c.value} for c in cells
    )
    said = _part_lines(found, part)[1] if part else []
    return Answer("answered", "".join(lines), tuple(cite(c) for c in cells) + tuple(said), figures)


def _part_answer(found: Changes, part: int, head: str) -> Answer:
    """What changed in the sentences of one part (一 总体情况, 五 存在的问题, 六 其他事项)."""
    lines, cites = _part_lines(found, part)
    if not cites:  # nothing changed: cite the part of the later report
        meta = found.after.meta
        cites = [Citation(meta.source, meta.body, meta.year, _title(part), _title(part), meta.id)]
    return Answer("answered", head.partition("：")[0] + "：" + "".join(lines), tuple(cites))


def _title(part: int) -> str:
    return f"{NUMERALS[part - 1]}、{STANDARD[part - 1]}"


def _part_lines(found: Changes, part: int) -> tuple[list[str], list[Citation]]:
    """「五、存在的主要问题及改进情况」正文新增3句、删去2句…, with the sentences quoted and cited."""
    order = list(KIND_WORDS)  # what was written new first
    changed = sorted((t for t in found.text if t.part == part), key=lambda t: order.index(t.kind))
    if not changed:
        return [f"「{_title(part)}」正文没有变化。"], []
    counts = {k: sum(t.kind == k for t in changed) for k in KIND_WORDS}
    said = "、".join(f"{KIND_WORDS[k]}{n}句" for k, n in counts.items() if n)
    quoted = [_quoted(t) for t in changed[:SHOWN]]
    more = f"（另有{len(changed) - SHOWN}句，见 nianbao diff。）" if len(changed) > SHOWN else ""
    line = f"「{_title(part)}」正文{said}：" + "；".join(q for q, _ in quoted) + "。" + more
    cites = []
    for t in changed[:SHOWN]:
        meta = (found.before if t.kind == "removed" else found.after).meta
        cites.append(Citation(meta.source, meta.body, meta.year, _title(part), t.before or t.after, meta.id))
    return [line], cites


def _quoted(t: TextChange) -> tuple[str, str]:
    if t.kind == "rewritten":
        return f"改写「{t.before}」为「{t.after}」", t.after
    return f"{KIND_WORDS[t.kind]}「{t.before or t.after}」", t.before or t.after


def _moves(cells: Sequence[CellChange]) -> str:
    """行政复议从2到7件（+5）；… for changed cells."""
    return "；".join(
        f"{c.label}从{cell_text(c.before)}到{cell_text(c.after)}{unit_of(c.key)}（{signed(c.change)}）"
        for c in cells
    )


def _tables_named(text: str) -> set[str]:
    """The tables a question names (表三, 表2): the changes it asks about are in them."""
    numerals = {"二": "2", "三": "3", "四": "4"}
    return {f"t{numerals.get(n, n)}" for n in re.findall(r"表([二三四234])", text)}


def _moved_rates(found: Changes) -> list[RateChange]:
    """The three rates that moved most (both years have a value)."""
    known = [r for r in found.rates if r.points and r.before and r.after]
    return sorted(known, key=lambda r: -abs(r.points or 0))[:3]


def _rate_lines(found: Changes) -> list[str]:
    moved = _moved_rates(found)
    if not moved:
        return []
    said = "；".join(
        f"{r.label}：{_rate(r.before)}，{_rate(r.after)}（{signed(r.points)}个百分点）"  # type: ignore[arg-type]  # _moved_rates keeps both
        for r in moved
    )
    return [f"比率变化较大的是：{said}。"]


def _rate(rate: RateFigure) -> str:
    """2024年 结果纠正1 ÷ 总计7 = 14.3%（样本较少）."""
    return f"{rate.year}年 {rate.formula}" + ("（样本较少）" if rate.small_sample else "")


def _text_lines(found: Changes) -> list[str]:
    counts = found.text_counts()
    if not counts:
        return ["正文没有变化。"]
    parts = "；".join(
        f"{_part_title(found, p)}" + "、".join(f"{KIND_WORDS[k]}{n}句" for k, n in kinds.items() if n)
        for p, kinds in sorted(counts.items())
    )
    line = f"正文：{parts}。"
    added = next((t.after for t in found.text if t.kind == "added" and t.part == 5), None) or next(
        (t.after for t in found.text if t.kind == "added"), None
    )
    if added:
        line += f"例如新写入：「{added}」。"
    if found.boilerplate_left_out:
        line += f"（多数报告共有的套话{found.boilerplate_left_out}句未计入。）"
    return [line]


def _part_title(found: Changes, part: int) -> str:
    return next(t.part_title for t in found.text if t.part == part)


# --- audit ------------------------------------------------------------------------------------


def audit_answer(catalog: Catalog, q: Question, body: str) -> Answer:
    """Whether the body's report (of the years asked, else the latest) is complete and on time."""
    years = sorted(q.years)
    try:
        reports = [choose.report_of(catalog, body, y) for y in years] or choose.reports_of(catalog, body)[-1:]
    except choose.ReviewError as exc:
        return Answer("not_found", f"{exc}。")
    wanted = {c for checks, pattern in _TOPICS if pattern.search(q.text) for c in checks}
    done = [a for a in (audit(catalog, r.meta.id) for r in reports) if a is not None]
    if not done:
        return Answer("not_found", f"没有{body}的报告可以检查。")
    texts, cites = [], []
    for one in done:
        text, cited = _audit_lines(one, wanted)
        texts.append(text)
        cites += cited
    note = "" if years else f"（未指明年份，以上是{body}最新的{done[-1].report.meta.year}年报告。）"
    return Answer("answered", "".join(texts) + note, tuple(cites))


def _audit_lines(done: ReportAudit, wanted: set[str]) -> tuple[str, list[Citation]]:
    meta = done.report.meta
    items = [i for i in done.items if not wanted or i.check in wanted]
    head = f"{meta.body}{meta.year}年报告的完整性检查："
    if wanted:
        shown = sorted(items, key=lambda i: i.status == "ok")  # problems first
        names = "、".join(dict.fromkeys(CHECK_NAMES[i.check] for i in items))
        bad = [i for i in items if i.status == "problem"]
        unsure = any(i.status == "unknown" for i in items)
        head += (
            f"{names}——{'有' + str(len(bad)) + '处问题' if bad else '无法判断' if unsure else '未发现问题'}。"
        )
    else:
        shown = [i for i in items if i.status != "ok"]
        head += f"{done.summary}。"
    said = {"ok": "通过", "problem": "有问题", "unknown": "无法判断"}
    lines = [
        f"{said[i.status]}：{i.message}" + (f"（{i.where}）" if i.where not in i.message else "")
        for i in shown[:8]
    ]
    if len(shown) > 8:
        lines.append(f"另有{len(shown) - 8}项，见 nianbao audit 或数据页。")
    cites = [
        Citation(meta.source, meta.body, meta.year, i.where, i.quote or i.message, meta.id) for i in shown[:8]
    ]
    if not cites:  # nothing wrong: cite the report the checks read
        cites = [Citation(meta.source, meta.body, meta.year, "全文", meta.title, meta.id)]
    return head + "".join(lines), cites

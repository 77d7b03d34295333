"""Questions about a report as a whole, answered from ``nianbao.review``: what changed since
another year (平潭2024年和2023年的报告比有什么变化？) and whether a report is complete (平潭2024年的
报告完整吗？ 是按时公开的吗？ 表三有没有空白单元格？).

A question is one of these only when it names no row of the tables (the figures answer 行政复议
有没有变化) and, for changes, no topic of its own (主动公开工作有什么变化 is a text question).
Every number in the answer is a stored cell (both years') or a rate computed from cells; each
audit item cites its place in the report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nianbao.answer import lexicon
from nianbao.answer.compose import cite, unit_of
from nianbao.answer.model import Answer, Citation
from nianbao.answer.parse import Question
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
from nianbao.review.outline import NUMERALS, STANDARD, part_of

_CHANGE_WORDS = r"变化|不同|区别|差异|异同|变动|改动|改变|调整"
#: A question word after a change word (变化在哪, 变化最大的是哪些, 改了哪些地方), or before it.
_ASKING = r"什么|哪些|哪里|哪儿|哪个|在哪|何处|如何|怎样|怎么样|大吗|多吗|大不大|多不多"
#: What a report's parts are called when a question asks what changed in them (数据, 表三, 内容).
_PARTS = r"数据|数字|表格|表[一二三四]|内容|地方|方面|部分|情况"
_CHANGES = re.compile(
    rf"(?:有|有没有|有什么|有哪些|有何|什么|哪些|主要|最大的?|明显的?)(?:新的?)?(?:{_CHANGE_WORDS})"
    rf"|(?:{_CHANGE_WORDS}|改了|变了)(?:最大|最多|较大|较多|比较大|明显)?的?(?:{_PARTS})?(?:是|有|在)?(?:{_ASKING})"
    rf"|(?:{_CHANGE_WORDS})(?:最大|最多|幅度最大)"
    rf"|(?:{_ASKING})(?:{_PARTS})?(?:变了|改了|不同|不一样|新增|增加了|减少了)"
    rf"|(?:新增|多|少|增加|删除|删掉|删去|去掉)了?(?:{_ASKING})"
    rf"|(?:比较|对比)一下|(?:年报|报告|{_PARTS})(?:作|的)?(?:比较|对比)$"
    rf"|(?:{_CHANGE_WORDS}|差别|增减|对比|比较|对照|相比)"  # with nothing else named (``asks_changes``)
)
#: What a question about the whole report says besides its body and years.
_ABOUT_REPORT = re.compile(
    rf"报告|年报|年度|年|的|了|吗|呢|和|与|跟|同|及|到|至|从|相比|比较|对比|比起来|相对于|相较于?|较之|比|较|上一|上|去"
    rf"|前一|最近|最新|近|这|一下|一|之间|两|主要|最大|最多|较大|较多|比较大|明显|幅度|新增|增加|减少|不一样"
    rf"|删除|删掉|删去|去掉|多|少|新|哪一?项|项|啥|如何|怎样|情况|分析|请|份|差别|增减|对照|度"
    rf"|有没有|有什么|有哪些|有何|{_ASKING}|{_PARTS}|是|有|在|{_CHANGE_WORDS}|变了|改了|[\W\d_]"
)
#: An audit question speaks of the report (or its tables, parts, cells) being complete, blank or
#: on time; 是否按时答复 is about the applications, not the report.
_AUDIT = re.compile(
    r"(?:报告|年报|表格?|部分).{0,6}(?:完整|齐全)|(?:完整|齐全)(?:吗|么|不|性)|缺项|漏填|漏报|未填|没填|没有填|空着"
    r"|缺(?:不缺|了|少)?(?:的)?(?:哪些|什么|哪)?(?:部分|章节|板块|表格?|单元格)|(?:单元格|表格?|栏).{0,6}空白"
    r"|(?:有没有|有无|是否有|存在)(?:空白|缺漏|遗漏)|空白(?:的)?(?:单元格|格|栏|地方|处|项)|填(?:全|齐|完整)"
    r"|(?:按时|按期|如期|及时)(?:公开|发布|公布|上网|挂网)|(?:逾期|超期|晚|迟|延迟|推迟)了?(?:公开|发布|公布|发)"
    r"|(?:规定|法定|要求)的?(?:时间|期限|时限|日期)(?:内|之内|前|以内)?.{0,2}(?:公开|发布|公布)"
    r"|\d{1,2}月\d{1,2}日(?:前|之前|以前).{0,2}(?:公开|发布|公布)"
    r"|(?:部分|章节|表格?).{0,4}(?:都有|全吗|齐吗|全不全|齐不齐)|(?:结构|格式|体例).{0,4}(?:规范|符合|标准)"
    r"|少了?(?:哪|哪一|哪些|什么)个?(?:部分|章节|板块|表)|(?:报告|年报).{0,6}(?:合规|合乎规范|符合规定)"
    r"|(?:发布|公开|公布).{0,8}(?:是否|有没有|是不是)?(?:及时|按时|逾期|超期)"
    r"|(?:公开|发布|公布)(?:的)?(?:期限|时限)|(?:报告|年报).{0,10}(?:按时|按期|逾期|超期|超过.{0,2}(?:期限|时限))"
    r"|(?:落款|标题).{0,8}(?:一致|相符|对得上|对吗)"
    r"|(?:名称|落款|标题|年份).{0,6}(?:写错|错误|有误|正确|对吗|对不对)|错别字"
    r"|(?:超过|超出|超了)(?:了)?(?:法定|规定)?的?(?:期限|时限)|按(?:照)?规定(?:的)?(?:时间|期限)?(?:公开|发布|公布)"
    r"|(?:收费|处理费|费用).{0,6}(?:说明|解释|交代)|(?:说明|解释)了?.{0,4}(?:收费|处理费|费用)"
    r"|(?:照抄|抄袭|照搬|雷同|重复|一样|相同).{0,2}(?:去年|上年|往年|上一年)|(?:去年|上年|往年|上一年).{0,4}(?:照抄|照搬|雷同)"
    r"|(?:报告|年报).{0,8}(?:不规范|不合规)|(?:规定|要求|标准|统一)的?格式"
)
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
#: The longest rest of a question that may name a part (依申请公开, 存在问题及改进): a longer one
#: asks about a topic of its own (主动公开政策解读工作), which the text answers.
_PART_NAME = 8
#: The table each standard part reports (二 → 表二 …).
_PART_TABLES = {2: "t2", 3: "t3", 4: "t4"}


def asks_changes(q: Question) -> bool:
    """平潭2024年和2023年的报告比有什么变化？: change words, and nothing of the report named but
    perhaps one of its six parts (存在的问题有什么变化, 第五部分有什么不同: ``asked_part``)."""
    if q.rates or not _CHANGES.search(q.text) or lexicon.named_rows(q.text):
        return False
    return len(_rest(q)) <= 1 or asked_part(q) > 0


def _rest(q: Question) -> str:
    """The question without its bodies and the words any question about a whole report has."""
    rest = q.text
    for mention in q.mentions:
        rest = rest.replace(mention.text, "")
    return _ABOUT_REPORT.sub("", rest)


def asked_part(q: Question) -> int:
    """The standard part (1–6) a question about changes names, by number (第五部分) or by the
    words of its title as ``outline.part_of`` reads a heading (依申请公开 → 三, 存在的问题 → 五);
    0 when it names none, or says more than a part's name."""
    numbered = re.search(r"第([一二三四五六])(?:部分|章|节)", q.text)
    if numbered:
        return NUMERALS.index(numbered[1]) + 1
    named = q.text
    for mention in q.mentions:
        named = named.replace(mention.text, "")
    return part_of(named) if 1 < len(_rest(q)) <= _PART_NAME else 0


def asks_audit(q: Question) -> bool:
    """平潭2024年的报告完整吗？ 是按时公开的吗？: audit words, and no row of the tables named."""
    return not q.rates and _AUDIT.search(q.text) is not None and not lexicon.named_rows(q.text)


def answer(catalog: Catalog, q: Question, bodies: Sequence[str]) -> Answer | None:
    """The answer to a changes or audit question about one body's reports; None for any other."""
    if len(set(bodies)) != 1:
        return None
    if asks_changes(q):
        return _changes_answer(catalog, q, bodies[0])
    if asks_audit(q):
        return _audit_answer(catalog, q, bodies[0])
    return None


# --- changes ----------------------------------------------------------------------------------


def _pair(catalog: Catalog, q: Question, body: str) -> tuple[StoredReport, StoredReport]:
    """The two reports compared: the first and last years named; one year and the one before it;
    no year, the latest two."""
    years = sorted(q.years)
    if len(years) >= 2:
        return choose.pair(catalog, body, years[-1], years[0])
    return choose.pair(catalog, body, years[0] if years else None)


def _changes_answer(catalog: Catalog, q: Question, body: str) -> Answer:
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


def _audit_answer(catalog: Catalog, q: Question, body: str) -> Answer:
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

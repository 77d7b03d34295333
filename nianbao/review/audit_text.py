"""The audit's checks of a report's text: its six parts, part 五's problems, part 六's fees, and
whether its year, body and date agree (``audit`` runs them with the table checks).

The legal deadline, 《政府信息公开条例》第四十九条: a department of a government at county level or
above (某某局, 某某委, 某某人民政府办公室 …) publishes its report for a year by 31 January of the next
(第一款); the report of a people's government at county level or above as a whole (published by
its 主管部门) is due by 31 March (第二款). The 条例 sets no date for a township (乡镇人民政府, 街道办事处):
its report is held to the government's 31 March, and the message says so. Which level applies is
read off the body's name (``level_of``). A report dated before 1 January (before the year is
over) or after its deadline is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Literal

from rapidfuzz import fuzz

from nianbao.model import Section, StoredCell, StoredReport
from nianbao.retrieval.bodies import same_body
from nianbao.review.boilerplate import sentences, without_years
from nianbao.review.outline import NUMERALS, STANDARD, part_named, parts

Status = Literal["ok", "problem", "unknown"]

#: Part 五 at least this alike (0–100, years masked) to last year's is last year's text again.
SAME_AS_LAST_YEAR = 90


@dataclass(frozen=True)
class AuditItem:
    """One finding of the audit: which check, ``ok``/``problem``/``unknown``, what it found (in
    Chinese), the place in the report (a part's heading, table · row, 落款 …), the report's words
    there as written, and the canonical keys of the cells it is about."""

    check: str
    status: Status
    message: str
    where: str
    quote: str = ""
    keys: tuple[str, ...] = ()


def _numeral(number: int) -> str:
    return NUMERALS[number - 1]


# --- the six parts --------------------------------------------------------------------------


def sections(text: str, stored: Sequence[Section]) -> list[AuditItem]:
    """The six parts present, each under its own numeral, in order."""
    found = parts(text, stored)
    out = []
    for number, title in enumerate(STANDARD, 1):
        part = part_named(found, number)
        if part is None:
            message = f"缺少第{_numeral(number)}部分「{title}」。"
            out.append(AuditItem("sections", "problem", message, "正文"))
        elif not part.in_place:
            message = f"「{part.heading}」是第{_numeral(number)}部分「{title}」，编号却是“{part.numeral}”。"
            out.append(AuditItem("sections", "problem", message, part.heading, part.heading))
    order = [p.number for p in found]
    if order != sorted(order):
        listed = "；".join(p.heading for p in found)
        out.append(AuditItem("sections", "problem", f"各部分的顺序不对：{listed}。", "正文"))
    if not out:
        listed = "；".join(p.heading for p in found)
        out.append(AuditItem("sections", "ok", f"六个部分齐全，顺序正确：{listed}。", "正文"))
    return out


# --- part 五: problems ---------------------------------------------------------------------

_PROBLEM_WORDS = re.compile(r"问题|不足|短板|差距|薄弱|有待|仍需|尚需|还需|不够|欠缺|不到位|不充分")


def problems(
    text: str,
    stored: Sequence[Section],
    rep: StoredReport,
    last_year: StoredReport | None,
    last_text: tuple[str, Sequence[Section]] | None,
) -> list[AuditItem]:
    """Part 五 is there, says what this year's problems were, and is not last year's again."""
    part = part_named(parts(text, stored), 5)
    if part is None:
        return [AuditItem("problems", "problem", "没有第五部分，报告没有写明存在的主要问题。", "正文")]
    content = part.content(text)
    if len(content.replace(" ", "")) < 10:
        return [AuditItem("problems", "problem", "第五部分是空的。", part.heading, content)]
    named = [s for s in sentences(content) if _PROBLEM_WORDS.search(s) and len(s) > 15]
    if not named:
        return [AuditItem("problems", "problem", "第五部分没有写出存在的问题。", part.heading, content[:120])]
    if last_year is not None and last_text is not None:
        before = part_named(parts(*last_text), 5)
        if before is not None:
            alike = fuzz.ratio(without_years(content), without_years(before.content(last_text[0])))
            if alike >= SAME_AS_LAST_YEAR:
                message = (
                    f"第五部分与{last_year.meta.year}年报告的第五部分基本相同"
                    f"（相似度{alike:.0f}%），没有写出本年的问题。"
                )
                return [AuditItem("problems", "problem", message, part.heading, content[:120])]
    message = f"第五部分写明了{rep.meta.year or '本'}年存在的问题。"
    return [AuditItem("problems", "ok", message, part.heading, named[0])]


# --- part 六: fees --------------------------------------------------------------------------

_FEE_WORDS = re.compile(r"信息处理费|处理费|收费|收取")
#: A sentence saying a non-zero fee was charged: 收取信息处理费共计380元.
_FEE_CHARGED = re.compile(
    r"收取[^。；]{0,24}?(?:信息)?处理费[^。；]{0,12}?(?<![\d.])([1-9][\d,]*(?:\.\d+)?)\s*元"
)


def fees(text: str, stored: Sequence[Section], cells: Sequence[StoredCell]) -> list[AuditItem]:
    """Fees charged (or fee notices unpaid, 表三 （六）2.) are explained in part 六."""
    notices = sum(c.value or 0 for c in cells if c.key == "t3.other_no_fee.total")
    charged = _FEE_CHARGED.search(text)
    part = part_named(parts(text, stored), 6)
    evidence = []
    if notices:
        evidence.append(f"表三「申请人逾期未按收费通知要求缴纳费用」有{notices:g}件")
    if charged and (part is None or not part.start <= charged.start() < part.end):
        evidence.append(f"正文写有「{_sentence_at(text, charged.start())}」")
    if part is None:
        status: Status = "problem" if evidence else "unknown"
        message = "没有第六部分，报告没有说明信息处理费的收取情况"
        return [
            AuditItem(
                "fees", status, message + (f"（{'；'.join(evidence)}）。" if evidence else "。"), "正文"
            )
        ]
    content = part.content(text)
    said = [s for s in sentences(content) if _FEE_WORDS.search(s)]
    if said:
        return [AuditItem("fees", "ok", "第六部分说明了信息处理费的收取情况。", part.heading, said[0])]
    if evidence:
        message = f"收取过或通知过信息处理费（{'；'.join(evidence)}），第六部分却没有说明。"
        return [AuditItem("fees", "problem", message, part.heading, content[:120])]
    return [
        AuditItem("fees", "unknown", "第六部分没有说明信息处理费的收取情况。", part.heading, content[:120])
    ]


def _sentence_at(text: str, offset: int) -> str:
    start = max(text.rfind("。", 0, offset), text.rfind("\n", 0, offset)) + 1
    end = min(i for i in (text.find("。", offset), text.find("\n", offset), len(text)) if i >= 0)
    return text[start : end + 1].strip()


# --- year, body and date --------------------------------------------------------------------

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"[^。\n]*统计(?:期限|时限|时间|周期|范围)[^。\n]*")


def year(text: str, rep: StoredReport) -> list[AuditItem]:
    """The title's year and the statistics period are the report's year."""
    wanted = rep.meta.year
    if wanted is None:
        return [AuditItem("year", "unknown", "没有读出报告的年份。", "标题", rep.meta.title)]
    out = []
    title_years = {int(y) for y in _YEAR.findall(rep.meta.title.replace(" ", ""))}
    if title_years and wanted not in title_years:
        message = f"标题写的是{'、'.join(map(str, sorted(title_years)))}年，报告按{wanted}年收录。"
        out.append(AuditItem("year", "problem", message, "标题", rep.meta.title))
    period = _PERIOD.search(text.replace("\n", ""))
    if period:
        period_years = {int(y) for y in _YEAR.findall(period.group(0).replace(" ", ""))}
        if period_years and period_years != {wanted}:
            message = (
                f"统计期限写的是{'、'.join(map(str, sorted(period_years)))}年，与报告年份{wanted}年不一致。"
            )
            out.append(AuditItem("year", "problem", message, "前言", period.group(0).strip()))
    if not out:
        said = "标题和统计期限" if period else "标题"
        quote = period.group(0).strip() if period else rep.meta.title
        out.append(AuditItem("year", "ok", f"{said}的年份与报告年份{wanted}年一致。", "前言", quote))
    return out


_SIGNATURE = re.compile(r"(?:人民政府|办公室|办公厅|管委会|委员会|[局厅委办处署院])$")


def body(text: str, rep: StoredReport, aliases: dict[str, str]) -> list[AuditItem]:
    """The title and the signature name the body the report is stored under."""
    name = rep.meta.body
    others = sorted((a for a, b in aliases.items() if b == name), key=len, reverse=True)
    title = rep.meta.title.replace(" ", "")
    out = []
    if name not in title and not any(same_body(name, w) for w in _names_in(title)):
        slip = next((a for a in others if a in title), None)
        message = (
            f"标题写作「{slip}」，与机关名称「{name}」不一致（已按同一机关收录）。"
            if slip
            else f"标题中没有机关名称「{name}」。"
        )
        out.append(AuditItem("body", "problem" if slip else "unknown", message, "标题", rep.meta.title))
    signed = signature(text)
    if signed and not same_body(signed, name):
        message = f"落款「{signed}」与机关名称「{name}」不一致" + (
            "（已按同一机关收录）。" if signed in others else "。"
        )
        out.append(AuditItem("body", "problem", message, "落款", signed))
    if not out:
        said = "标题和落款" if signed else "标题"
        out.append(
            AuditItem("body", "ok", f"{said}的机关名称与「{name}」一致。", said, signed or rep.meta.title)
        )
    return out


def _names_in(title: str) -> list[str]:
    """The part of a title before its year: the body's name as the title writes it."""
    return [title.split(str(y))[0] for y in _YEAR.findall(title)][:1]


def signature(text: str) -> str | None:
    """The body's name signed at the end: a short line naming a body among the last lines."""
    lines = [line.strip() for line in text.strip().splitlines()[-4:]]
    names = [line for line in lines if 4 <= len(line) <= 30 and _SIGNATURE.search(line) and "。" not in line]
    return names[-1] if names else None


_ALONE = re.compile(
    r"(?m)^[ \t\u3000]*[（(]?\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*[)）]?[ \t\u3000]*$"
)
_LABELLED = re.compile(
    r"(?:发布日期|发布时间|成文日期|印发日期|日期|时间)\s*[：:]\s*((?:19|20)\d{2})\s*[-年./]\s*(\d{1,2})\s*[-月./]\s*(\d{1,2})"
)


@dataclass(frozen=True)
class Dated:
    """The date a report carries and where: its signature, a 发布日期/时间 line, or the page's."""

    day: Date
    where: str
    quote: str


def report_date(text: str, rep: StoredReport) -> Dated | None:
    """The report's date: the date signed on a line of its own (the last one), else a labelled
    publication date in the text, else the publication date its page gave."""
    for pattern, where, pick in ((_ALONE, "落款", -1), (_LABELLED, "发布日期", 0)):
        found = [m for m in pattern.finditer(text) if _valid(m)]
        if found:
            m = found[pick]
            return Dated(Date(int(m[1]), int(m[2]), int(m[3])), where, m.group(0).strip())
    if rep.meta.published:
        y, mo, d = (int(x) for x in rep.meta.published.split("-"))
        return Dated(Date(y, mo, d), "页面发布时间", rep.meta.published)
    return None


def _valid(match: re.Match[str]) -> bool:
    try:
        Date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


#: A name that ends as a place (平潭综合实验区, 霞浦县, 城关镇), as its people's government
#: (淮安市人民政府), or as a body that governs an area in the government's stead (管委会, 管理委员会,
#: a 街道办事处) is a government reporting as a whole; any other ending names a department.
_GOVERNMENT_NAME = re.compile(
    r"(?:省|自治区|市|自治州|州|盟|地区|县|自治县|区|旗|乡|镇|街道|人民政府|管委会|管理委员会|办事处)$"
)
#: Of those, a township's: 城关镇, 民意乡人民政府, 鼓楼街道办事处, 某某苏木 — below county level.
_TOWNSHIP_NAME = re.compile(r"(?:乡|镇|苏木|街道)(?:人民政府|政府|办事处|办)?$")

Level = Literal["department", "government", "township"]


@dataclass(frozen=True)
class Deadline:
    """When a body's report is due under the 条例, and the rule in words for its messages."""

    month: int
    day: int
    #: The 条例's rule as the message cites it (《条例》第四十九条第二款：…).
    rule: str


_DEADLINES: dict[Level, Deadline] = {
    "department": Deadline(
        1, 31, "《条例》第四十九条第一款：县级以上人民政府部门应在每年1月31日前公布本机关上一年度的年报"
    ),
    "government": Deadline(
        3,
        31,
        "《条例》第四十九条第二款：县级以上地方人民政府的年报由其政府信息公开工作主管部门在每年3月31日前公布",
    ),
    "township": Deadline(
        3,
        31,
        "《条例》第四十九条只为县级以上人民政府及其部门规定了期限，未规定乡镇人民政府、街道办事处的；"
        "这里参照县级以上地方人民政府的3月31日（第二款）",
    ),
}


def level_of(body: str) -> Level:
    """Which of the 条例's deadlines a body's report answers to, read off its name: a government
    at county level or above (31 March), a township below it (no date of its own), a department
    (31 January).

    >>> [level_of(b) for b in ("淮安市人民政府", "平潭综合实验区", "城关镇人民政府", "沭阳县发展和改革局")]
    ['government', 'government', 'township', 'department']
    """
    name = body.strip()
    if _TOWNSHIP_NAME.search(name):
        return "township"
    return "government" if _GOVERNMENT_NAME.search(name) else "department"


def reports_as_government(body: str) -> bool:
    """Whether the body's report is that of a government as a whole (a township's too), due by 31
    March, rather than a department's, due by 31 January.

    >>> [reports_as_government(b) for b in ("淮安市人民政府", "平潭综合实验区", "沭阳县发展和改革局")]
    [True, True, False]
    """
    return level_of(body) != "department"


def date(text: str, rep: StoredReport) -> list[AuditItem]:
    """The report is dated after the year it reports on and by its deadline: 31 January for a
    department, 31 March for a government's own report (条例第四十九条), the message naming the
    rule for the body's level (``level_of``)."""
    dated = report_date(text, rep)
    if rep.meta.year is None:
        return []
    due = _DEADLINES[level_of(rep.meta.body)]
    if dated is None:
        message = f"报告没有注明成文或发布日期，无法核对是否按期公开（{due.rule}）。"
        return [AuditItem("date", "unknown", message, "落款")]
    first, last = Date(rep.meta.year + 1, 1, 1), Date(rep.meta.year + 1, due.month, due.day)
    day = f"{dated.day.year}年{dated.day.month}月{dated.day.day}日"
    deadline = f"{last.year}年{due.month}月{due.day}日"
    if dated.day < first:
        year = rep.meta.year
        message = f"报告日期{day}早于{year}年结束，{year}年度报告应在{first.year}年1月1日至{deadline}公开。"
        return [AuditItem("date", "problem", message, dated.where, dated.quote)]
    if dated.day > last:
        message = f"报告日期{day}晚于{deadline}（{due.rule}）。"
        return [AuditItem("date", "problem", message, dated.where, dated.quote)]
    message = f"报告日期{day}，在{deadline}的期限之内（{due.rule}）。"
    return [AuditItem("date", "ok", message, dated.where, dated.quote)]

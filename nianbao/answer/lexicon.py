"""Everyday wording mapped onto canonical keys.

Order matters: the more specific phrase comes first (本机关不掌握 before 无法提供, 部分公开
before 公开). A metric is ``table.row`` here; the column comes from the applicant words or the
table-4 result words.
"""

from __future__ import annotations

import os
import re

from rapidfuzz import fuzz

from nianbao.keys import (
    RATE_GROUPS,
    RATES,
    ROW_GROUPS,
    T2_COMBOS,
    T3_COLUMN_GROUPS,
    T3_COLUMNS,
    T3_RESULT_ROWS,
    TABLE_ROWS,
    Rate,
)
from nianbao.retrieval.figures import metric_label

#: (pattern, metric row), most specific first. A span a pattern takes is not matched again.
ROWS: list[tuple[str, str]] = [
    # table 3
    (r"含上年结转|包括上年结转|连同上年结转", "t3.intake"),
    (r"怎么处理|如何处理|处理结果|办理结果|办理情况|怎么办理|结果如何|处理情况", "t3.results"),
    (r"国家秘密", "t3.denied_state_secret"),
    (r"法律行政法规禁止|法律法规禁止|禁止公开", "t3.denied_law_prohibited"),
    (r"三安全|一稳定", "t3.denied_three_safeties"),
    (r"第三方", "t3.denied_third_party"),
    (r"内部事务", "t3.denied_internal_affairs"),
    (r"过程性", "t3.denied_process_info"),
    (r"执法案卷", "t3.denied_enforcement_file"),
    (r"查询事项", "t3.denied_query_item"),
    (r"不掌握等原因|等原因无法提供", "t3.unavailable"),
    (r"不掌握", "t3.unavailable_not_held"),
    (r"另行制作|没有现成", "t3.unavailable_needs_creation"),
    (r"不明确", "t3.unavailable_unclear"),
    (r"信访|举报投诉", "t3.rejected_petition"),
    (r"重复申请", "t3.rejected_duplicate"),
    (r"出版物", "t3.rejected_publication"),
    (r"大量反复", "t3.rejected_mass_repeated"),
    (r"确认或重新|重新出具", "t3.rejected_confirm_existing"),
    (r"不补正|逾期未补正", "t3.other_no_correction"),
    (r"缴纳费用|收费通知", "t3.other_no_fee"),
    (r"其他处理.{0,6}其他", "t3.other_other"),
    (r"上年结转|去年结转|上一年结转|结转过来|上年度结转", "t3.carried_over"),
    (
        r"结转下|结转到下|转入下一?年|下年度继续|留到下一?年|结转至下|顺延|结转多少|结转了?几",
        "t3.carried_forward",
    ),
    (r"予以公开(?:和|及|与)部分公开", "t3.granted_or_partly"),
    (r"部分公开", "t3.partly_granted"),
    (r"不予公开|不公开|不予以公开", "t3.denied"),
    (r"无法提供", "t3.unavailable"),
    (r"不予处理", "t3.rejected"),
    (r"其他处理", "t3.other"),
    (r"予以公开|同意公开|全部公开|决定公开", "t3.granted"),
    (r"办结|办理完|答复了|总计办理|处理了多少|办理了|共办理", "t3.total_processed"),
    (r"新收|收到|受理|接收|提交|提出|提了|申请了", "t3.new_received"),
    # table 4
    (r"未经复议|直接起诉", "t4.suit_direct"),
    (r"复议后起诉|复议后.{0,4}诉讼|(?<!未)经复议.{0,4}起诉", "t4.suit_after_review"),
    (r"行政诉讼|诉讼|起诉|打官司", "t4.suit"),
    (r"行政复议|复议", "t4.review"),
    # table 2
    (r"规范性文件", "t2.normative_docs"),
    (r"规章", "t2.rules"),
    (r"行政许可|许可", "t2.licensing"),
    (r"行政处罚|处罚", "t2.punishment"),
    (r"行政强制|强制", "t2.coercion"),
    (r"事业性收费|收费金额|行政收费", "t2.fees"),
    (r"集中采购|政府采购", "t2.procurement"),
    (r"对外管理服务", "t2.other_services"),
]

#: Used only when no other row is named: a question about applications in general.
WEAK_ROWS: list[tuple[str, str]] = [
    (r"多少.{0,6}申请|申请.{0,6}多少|几件申请|申请.{0,4}几件|申请数|申请量|申请情况", "t3.new_received"),
]

#: A group row and the rows inside it: naming both means the inner one.
_INNER = {
    name: tuple(f"{name.split('.')[0]}.{row}" for row in ROW_GROUPS[name].rows)
    for name in ("t4.suit", "t3.denied", "t3.unavailable")
}

#: Applicant-type words → table-3 column.
APPLICANTS: list[tuple[str, str]] = [
    (r"自然人|个人(?!隐私|信息)|公民|群众", "natural_person"),
    (r"商业企业|(?<!法人或其他组织和)企业|公司", "commercial"),
    (r"科研机构", "research"),
    (r"社会公益", "social_welfare"),
    (r"法律服务|律师", "legal_service"),
    (r"法人或其他组织|法人和其他组织|法人", "org"),
    (r"(?<!法人或)(?<!法人和)其他.{0,4}(?:组织|机构)", "other_org"),
]

#: Table-4 result words → column.
T4_RESULTS: list[tuple[str, str]] = [
    (r"维持", "upheld"),
    (r"纠正|纠错|撤销", "corrected"),
    (r"其他结果", "other"),
    (r"尚未审结|未审结|没审结|未结|审理中|还在审", "pending"),
]

#: Table-2 column words, by row family.
T2_COLUMNS: list[tuple[str, str]] = [
    (r"新制作", "made_new"),
    (r"新公开", "published_new"),
    (r"对外公开总数|公开总数", "published_total"),
    (r"制发|出台|发布|印发|新增", "made"),
    (r"废止|废除|失效", "repealed"),
    (r"现行有效|有效", "in_force"),
    (r"上一年项目|上年项目", "items_prev_year"),
    (r"增减|增/减|增加或减少", "items_change"),
    (r"采购项目", "projects"),
    (r"采购.{0,4}金额|总金额", "amount_yuan"),
]

_T2_DEFAULT = {
    "t2.rules": "made",
    "t2.normative_docs": "made",
    "t2.licensing": "decisions",
    "t2.punishment": "decisions",
    "t2.coercion": "decisions",
    "t2.fees": "amount_10k_yuan",
    "t2.procurement": "amount_yuan",
    "t2.other_services": "decisions",
}

#: Words naming a derived rate (``keys.RATES``); 主动公开率 is a figure of the text, not a rate.
RATE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (r"不予公开率|不公开率|拒绝公开率", ("denial",)),
    (r"无法提供率", ("unavailable",)),
    (r"实质公开率|(?<!主动)(?<!不予)(?<!不)(?<!拒绝)公开率", ("substantive_disclosure",)),
    (r"(?:争议|纠纷)?转化率", ("dispute_conversion",)),
    (
        r"申请人(?:的)?(?:结构|构成)|申请主体(?:结构|构成)|申请人(?:类型|类别)(?:分布|结构|构成)",
        RATE_GROUPS["applicant_structure"][1],
    ),
]
#: 纠错率 of 行政复议, 行政诉讼, or both when the question names neither.
_CORRECTION = r"纠错率|纠正率|(?:被)?(?:纠错|纠正)的?(?:比例|比率|占比)"
RATE_PATTERN = "|".join([_CORRECTION] + [p for p, _ in RATE_WORDS])


#: Words asking for a proportion (比例, 占多少, 几成 …): with the parts of a rate named, they ask for it.
RATIO = r"比例|比率|占比|比重|占多少|占了多少|所占|百分之|百分比|几成|占[^，。？?、]{1,10}的(?:多少|几成)"


def find_rates(text: str) -> tuple[str, ...]:
    """The rates a question names, in ``keys.RATES`` order of mention: by a rate's name, or by a
    word for a proportion and the parts of a rate's numerator (``rates_by_parts``)."""
    found: list[str] = []
    if re.search(_CORRECTION, text):
        suit = re.search(r"诉讼|起诉|官司|法院", text) is not None
        review = re.search(r"复议", re.sub(r"未经复议|复议后(?:起诉|诉讼)", "", text)) is not None
        if review or not suit:
            found.append("review_correction")
        if suit or not review:
            found.append("suit_correction")
    for pattern, names in RATE_WORDS:
        if re.search(pattern, text):
            found += names
    found += rates_named(text)
    found = list(dict.fromkeys(found)) or list(rates_by_parts(text)) or _results_of_column(text)
    return tuple(_within_column(text, _joined(text, found)))


#: A composed rate's name: rates whose numerators one category joins, over their common
#: denominator ("denial+unavailable"), and a table-3 rate within one applicant column
#: ("substantive_disclosure@natural_person"). ``rate_of`` builds them.
_JOINED, _WITHIN = "+", "@"


def rate_of(name: str) -> Rate:
    """The rate a name of ``find_rates`` stands for: one of ``keys.RATES``, or one composed of them.

    >>> rate_of("substantive_disclosure@natural_person").numerator
    ('t3.granted.natural_person', 't3.partly_granted.natural_person')
    >>> rate_of("denial+unavailable").label
    '不予公开与无法提供合计占比'
    """
    names, _, column = name.partition(_WITHIN)
    parts = [RATES[n] if n in RATES else _result_share(n) for n in names.split(_JOINED)]
    if len(parts) == 1 and not column:
        return parts[0]
    numerator = tuple(dict.fromkeys(t for r in parts for t in r.numerator))
    label = (
        parts[0].label
        if len(parts) == 1
        else "与".join(r.label.removesuffix("率") for r in parts) + "合计占比"
    )
    denominator = parts[0].denominator
    if column:
        numerator = tuple(_in_column(t, column) for t in numerator)
        denominator = tuple(_in_column(t, column) for t in denominator)
        label = f"{T3_COLUMNS[column] if column != 'org' else T3_COLUMN_GROUPS['org'].label}申请的{label}"
    return Rate(name, label, numerator, denominator)


def _result_share(row: str) -> Rate:
    """A table-3 result row (or group) as a share of （七）办理结果总计 (t3.granted → 予以公开占比)."""
    return Rate(row, f"{metric_label(f'{row}.total')}占比", (f"{row}.total",), ("t3.total_processed.total",))


def _results_of_column(text: str) -> list[str]:
    """自然人申请中予以公开的比例, 企业申请里被拒绝公开的占多少: a proportion of results asked within
    one applicant column, named before them (the column is the whole). The result rows, as the
    rate whose numerator they are, or as their share of 办理结果总计, within that column."""
    expanded = _expanded(text)
    columns = find_all(APPLICANTS, expanded)
    spans = _spans(expanded)
    if not re.search(RATIO, text) or len(columns) != 1 or not spans:
        return []
    first_column = min(m.start() for p, c in APPLICANTS if c == columns[0] for m in re.finditer(p, expanded))
    rows = named_rows(text)
    if first_column > spans[0][0] or not all(_rows_of(r) <= _RESULT_ROWS for r in rows):
        return []
    exact = [n for n, rate in RATES.items() if _terms(rate.numerator)[0] == set().union(*map(_rows_of, rows))]
    names = exact[:1] if exact and _of_results(exact[0]) else rows
    return [_JOINED.join(names) + _WITHIN + columns[0]]


#: Table-3 result rows as ``table.row`` names.
_RESULT_ROWS = {f"t3.{row}" for row in T3_RESULT_ROWS}


def _in_column(term: str, column: str) -> str:
    table, row, _ = term.split(".")
    return f"{table}.{row}.{column}"


def _joined(text: str, found: list[str]) -> list[str]:
    """Rates over one denominator whose numerators the question names as one category (不予公开或
    无法提供的比例): one rate of their joined numerators."""
    for union in unions(text):
        rows = set().union(*(_rows_of(r) for r in union))
        together = [n for n in found if _terms(RATES[n].numerator)[0] & rows]
        if len(together) > 1 and len({RATES[n].denominator for n in together}) == 1:
            joined = _JOINED.join(together)
            found = [joined if n == together[0] else n for n in found if n not in together[1:]]
    return found


def _within_column(text: str, found: list[str]) -> list[str]:
    """A result rate of table 3 asked of one applicant column (自然人申请中被公开的比例): the rate
    within that column, not beside the column's share of 新收 — unless the question names that
    share as a rate of its own (自然人申请占比)."""
    columns = find_all(APPLICANTS, text)
    inside = [n for n in found if _of_results(n)]
    if len(columns) != 1 or not inside or set(rates_named(text)) & _SHARES:
        return found
    return [f"{n}{_WITHIN}{columns[0]}" if n in inside else n for n in found if n not in _SHARES]


#: The rates that are an applicant column's share of 新收 (申请人结构).
_SHARES = set(RATE_GROUPS["applicant_structure"][1])


def _of_results(name: str) -> bool:
    """A rate of table 3's results on their 总计 column (实质公开率, 不予公开率, and joins of them)."""
    if _WITHIN in name:
        return False
    rates = [RATES[n] if n in RATES else _result_share(n) for n in name.split(_JOINED)]
    terms = [t for r in rates for t in (*r.numerator, *r.denominator)]
    return all(t.startswith("t3.") and t.endswith(".total") and ".new_received." not in t for t in terms)


def _names_of(rate: Rate) -> set[str]:
    """A rate's label and its short form: 行政复议纠错率, 复议纠错率. (自然人占比 is the share of
    a figure, answered with it.)"""
    return {rate.label, rate.label.removeprefix("行政")}


#: How alike (0–100) a span of a question must be to a rate's name to be it written with a slip
#: (复议纠措率, 实质公开律).
NEAR_NAME = 80


def rates_named(text: str) -> list[str]:
    """The rates whose name (``keys.RATES`` labels, ``_names_of``) the question writes, or writes
    with a character wrong (rapidfuzz over spans of the name's length) that still ends as a rate
    does (率, its slip 律, 占比): 不予公开的 is no 不予公开率."""
    found = []
    for rate in RATES.values():
        for name in _names_of(rate):
            spans = (text[i : i + len(name)] for i in range(len(text) - len(name) + 1))
            near = (s for s in spans if s[-1:] in "率律比" and fuzz.ratio(name, s) >= NEAR_NAME)
            if name in text or any(near):
                found.append(rate.name)
                break
    return found


def _rows_of(name: str) -> set[str]:
    """A row, or the rows of a group (t4.suit → both kinds of suit), as ``table.row`` names."""
    group = ROW_GROUPS.get(name)
    table = name.split(".")[0]
    return {f"{table}.{row}" for row in group.rows} if group else {name}


def _terms(keys: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The rows (groups opened) and the columns other than 总计 that a rate's terms read."""
    rows: set[str] = set()
    columns: set[str] = set()
    for key in keys:
        parts = key.split(".")
        rows |= _rows_of(".".join(parts[:2]))
        columns |= {parts[2]} - {"total"}
    return rows, columns


def _head(rate: Rate) -> str:
    """The word the labels of a rate's numerator rows end in, when there are several (予以公开,
    部分公开 → 公开): said alone, it names them together."""
    labels = []
    for row in _terms(rate.numerator)[0]:
        table, name = row.split(".")
        label = TABLE_ROWS[table].get(name, "")
        labels.append(re.sub(r"^（.）|^[一二三四]、", "", label.split(" ")[-1])[::-1])
    head = os.path.commonprefix(labels)[::-1] if len(labels) > 1 else ""
    return head if len(head) >= 2 else ""


#: A head word that stands for the rows (得到了公开, 公开的比例), not for a noun it modifies
#: (政府信息公开申请, 主动公开, 不予公开); only for a numerator of 总计 cells.
_HEADS = {
    rate.name: re.compile(
        rf"(?<!主动)(?<!信息)(?<!政务)(?<!不予)(?<!不)(?<!拒绝){head}(?!申请|工作|年报|报告|信息)"
    )
    for rate in RATES.values()
    if (head := _head(rate)) and not _terms(rate.numerator)[1]  # a column (纠正) is no head's
}


def _units(rate: Rate) -> set[str]:
    """What a question names to ask for a rate: its numerator's rows that are not also its
    denominator's, and its columns other than 总计 (自然人占比 → {natural_person})."""
    top, columns = _terms(rate.numerator)
    return (top - _terms(rate.denominator)[0]) | columns


def rates_by_parts(text: str) -> tuple[str, ...]:
    """The rates a question asks for with a word for a proportion and the parts of numerators
    rather than a rate's name: several rows that together are a numerator (复议和诉讼占新收的比例 →
    争议转化率), the head word of a numerator's rows (多大比例的申请得到了公开 → 实质公开率), or the
    numerators of several rates (自然人和法人的比例各是多少). Everything named must be a numerator
    or a denominator of them. One row or column alone is a share of its own total (``intent``
    ratio, with its figure), not asked here."""
    if not re.search(RATIO, text):
        return ()
    named = named_rows(text)
    rows = set().union(*(_rows_of(r) for r in named)) if named else set()
    heads = [name for name, head in _HEADS.items() if head.search(without_rows(text))]
    for name in heads:
        rows |= _terms(RATES[name].numerator)[0]
    parts = rows | set(find_all(APPLICANTS, text)) | set(find_all(T4_RESULTS, text))
    matched = [rate for rate in RATES.values() if _units(rate) and _units(rate) <= parts]
    covered = set().union(*(_units(r) | _terms(r.denominator)[0] for r in matched)) if matched else set()
    if not matched or parts - covered:
        return ()
    several = len(matched) > 1 or bool(heads) or len(named) > 1
    return tuple(r.name for r in matched) if several else ()


_compiled = [(re.compile(p), v) for p, v in ROWS]
_weak = [(re.compile(p), v) for p, v in WEAK_ROWS]


def find_rows(text: str) -> list[str]:
    """Every row the text names, in the order named; a span is taken by its most specific row.
    When no row is named, the row a general word guesses (申请多少 → 新收), if any."""
    return named_rows(text) or guessed_rows(text)


def named_rows(text: str) -> list[str]:
    """The rows the text names with a word of ``ROWS``. Two rows joined as one category (全部或部分
    公开, 予以公开或部分公开: ``_unions``) are the group of exactly those rows where there is one
    (``keys.ROW_GROUPS``: 予以公开及部分公开)."""
    taken = _spans(_expanded(text))
    rows = [row for _, _, row in taken]
    for union in _unions(text, taken):
        group = next(
            (g for g in _UNION_GROUPS if set(_rows_of(g)) == set().union(*map(_rows_of, union))), None
        )
        if group:
            rows = [group if r == union[0] else r for r in rows if r not in union[1:]]
    rows = [r for r in rows if not any(inner in rows for inner in _INNER.get(r, ()))]
    return list(dict.fromkeys(rows))


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, row) of every row word, in order; a span is taken by its most specific row."""
    taken: list[tuple[int, int, str]] = []
    for pattern, row in _compiled:
        for m in pattern.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b, _ in taken):
                taken.append((m.start(), m.end(), row))
    return sorted(taken)


#: Words that join two names into one (全部或部分, 予以公开以及部分公开).
_JOIN = re.compile(r"或者|以及|或|和|及|与|、")
#: Of them, the words that make one category of both, as 或 does (予以公开或部分公开的申请).
_EITHER = re.compile(r"或者|或")
#: Groups that are the union of two or more rows named together (not 不予公开's eight sub-rows,
#: which are one heading): 予以公开及部分公开, 行政诉讼 (both kinds), 新收及上年结转.
_UNION_GROUPS = [name for name, group in ROW_GROUPS.items() if len(group.rows) > 1 and name != "t3.denied"]


def _expanded(text: str) -> str:
    """Two row names that share their last word, written once (全部或部分公开, 不予或部分公开,
    直接或复议后起诉), as both names in full (全部公开或部分公开): the left word and the shared
    word together must be a row word of their own, a different row from the right one."""
    for join in reversed(list(_JOIN.finditer(text))):
        after = text[join.end() :]
        right = next(((m.group(), row) for p, row in _compiled if (m := p.match(after))), None)
        if right is None:
            continue
        word, row = right
        for size in range(2, len(word)):
            head = word[-size:]
            for start in range(max(0, join.start() - 4), join.start()):
                left = text[start : join.start()] + head
                other = next((r for p, r in _compiled if p.fullmatch(left)), None)
                if other and other != row:
                    text = text[: join.start()] + head + text[join.start() :]
                    break
            else:
                continue
            break
    return text


def _unions(text: str, taken: list[tuple[int, int, str]]) -> list[list[str]]:
    """Runs of rows named as one category: joined by 或, or written with their shared word once
    (``_expanded`` added it back). ``taken`` are the spans of the expanded text."""
    expanded = _expanded(text)
    elliptic = expanded != text
    runs: list[list[str]] = []
    for (_, end, row), (start, _, following) in zip(taken, taken[1:], strict=False):
        between = expanded[end:start]
        if not _JOIN.fullmatch(between) or not (elliptic or _EITHER.fullmatch(between)):
            continue
        if runs and runs[-1][-1] == row:
            runs[-1].append(following)
        else:
            runs.append([row, following])
    return runs


def unions(text: str) -> list[list[str]]:
    """The rows a question names as one category (全部或部分公开 → 予以公开, 部分公开)."""
    return _unions(text, _spans(_expanded(text)))


def asks_union(text: str) -> bool:
    """Whether the question names two or more rows as one category that no group row stands for
    (不予或部分公开的): what it asks of them is their sum."""
    named = named_rows(text)
    return any(all(r in named for r in union) for union in unions(text))


def guessed_rows(text: str) -> list[str]:
    """The row a general word of ``WEAK_ROWS`` guesses, when the text names none."""
    return [row for pattern, row in _weak if pattern.search(text)][:1]


def find_row(text: str) -> str | None:
    """The first table row the text names, or None."""
    rows = find_rows(text)
    return rows[0] if rows else None


def without_columns(text: str) -> str:
    """The text without its applicant, table-4 result and table-2 column words: what is left
    names the row (其中结果纠正的 → 其中的)."""
    for table in (APPLICANTS, T4_RESULTS, T2_COLUMNS):
        for pattern, _ in table:
            text = re.sub(rf"(?:结果)?(?:{pattern})", " ", text)
    return text


def without_rows(text: str) -> str:
    """The text without the words that name its rows (复议被认可的 → 被认可的)."""
    text = _expanded(text)
    for pattern, _ in ROWS:
        text = re.sub(pattern, " ", text)
    return text


def find_all(table: list[tuple[str, str]], text: str) -> list[str]:
    """Every value of a word table found in the text, in the order found, once each."""
    found = sorted((m.start(), value) for pattern, value in table for m in re.finditer(pattern, text))
    return list(dict.fromkeys(value for _, value in found))


def find_in(table: list[tuple[str, str]], text: str) -> str | None:
    """The value of the first pattern of a word table that the text matches, or None."""
    for pattern, value in table:
        if re.search(pattern, text):
            return value
    return None


def metrics_for(
    row: str, text: str, applicant: str | None, layout_2019: bool = False, result: str | None = None
) -> list[str]:
    """The metric keys a row and the question's words ask for; several columns give several.
    ``result``: the table-4 column the question means when its words name none."""
    table = row.split(".")[0]
    if table == "t3":
        return [f"{row}.{applicant or 'total'}"]
    if table == "t4":
        results = find_all(T4_RESULTS, text) or ([result] if result else [])
        return [f"{row}.{col}" for col in results] or [f"{row}.total"]
    columns = find_all(T2_COLUMNS, text)
    if row in ("t2.rules", "t2.normative_docs") and layout_2019:
        columns = ["made_new" if c == "made" else c for c in columns] or ["published_new"]
    columns = [c for c in columns if c in T2_COMBOS.get(row.split(".")[1], ())]
    return [f"{row}.{c}" for c in columns] or [f"{row}.{_T2_DEFAULT.get(row, 'decisions')}"]


def metric_for(row: str, text: str, applicant: str | None, layout_2019: bool = False) -> str:
    """The first metric key that ``metrics_for`` gives for this row and question."""
    return metrics_for(row, text, applicant, layout_2019)[0]

"""The report's own vocabulary: the canonical keys of report-format.md and what they stand for.

Table names, row and column labels, the table layouts, the groups the tables print (（三）不予公开
over its eight sub-rows, 法人或其他组织 over five columns), the sums the tables must satisfy
(勾稽关系) and the rates staff derive from them (实质公开率, 复议纠错率…).
Every other module takes these from here; what citizens call them in a question is
``answer/lexicon.py``, how real labels are matched to them is ``ingest/labels.py``.

>>> label_of("t3.new_received.total")
('一、本年新收政府信息公开申请数量', '总计')
>>> ROW_GROUPS["t4.suit"].rows
('suit_direct', 'suit_after_review')
>>> RATES["review_correction"].numerator
('t4.review.corrected',)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Layout(StrEnum):
    """Which national format a report's tables follow; the value is what the store and API show."""

    #: 国办公开办函〔2021〕30号: reports for 2020 onwards.
    FORMAT_2021_30 = "2021-30"
    #: 国办公开办函〔2019〕60号: reports for 2019 and 2020.
    FORMAT_2019_60 = "2019-60"
    #: A report for a year before 2019 without the standard tables.
    OLDER = "older"
    UNKNOWN = "unknown"


TABLE_NAMES = {
    "t2": "表二 主动公开政府信息情况",
    "t3": "表三 收到和处理政府信息公开申请情况",
    "t4": "表四 政府信息公开行政复议、行政诉讼情况",
}

# --- table 2 ---------------------------------------------------------------------------------

T2_ROWS: dict[str, str] = {
    "rules": "规章",
    "normative_docs": "行政规范性文件",
    "licensing": "行政许可",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "other_services": "其他对外管理服务事项",
    "procurement": "政府集中采购",
}
T2_COLUMNS: dict[str, str] = {
    "made": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_10k_yuan": "本年收费金额（万元）",
    "made_new": "本年新制作数量",
    "published_new": "本年新公开数量",
    "published_total": "对外公开总数量",
    "items_prev_year": "上一年项目数量",
    "items_change": "本年增/减",
    "projects": "采购项目数量",
    "amount_yuan": "采购总金额（元）",
}

#: Table 2's columns for each row in the 2021 layout (国办公开办函〔2021〕30号).
T2_COLUMNS_2021: dict[str, tuple[str, ...]] = {
    "rules": ("made", "repealed", "in_force"),
    "normative_docs": ("made", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount_10k_yuan",),
}
#: Table 2's columns for each row in the 2019 layout (国办公开办函〔2019〕60号), in printed order.
T2_COLUMNS_2019: dict[str, tuple[str, ...]] = {
    "rules": ("made_new", "published_new", "published_total"),
    "normative_docs": ("made_new", "published_new", "published_total"),
    "licensing": ("items_prev_year", "items_change", "decisions"),
    "punishment": ("items_prev_year", "items_change", "decisions"),
    "coercion": ("items_prev_year", "items_change", "decisions"),
    "other_services": ("items_prev_year", "items_change", "decisions"),
    "fees": ("items_prev_year", "items_change"),
    "procurement": ("projects", "amount_yuan"),
}
#: Every column a table-2 row may have in either layout: the 2021 columns first.
T2_COMBOS: dict[str, tuple[str, ...]] = {
    row: tuple(dict.fromkeys((*T2_COLUMNS_2021.get(row, ()), *columns)))
    for row, columns in T2_COLUMNS_2019.items()
}
#: Columns only the 2019 layout has: a table-2 header that names one is in that layout.
T2_COLUMNS_ONLY_2019 = frozenset(c for cs in T2_COLUMNS_2019.values() for c in cs) - frozenset(
    c for cs in T2_COLUMNS_2021.values() for c in cs
)

# --- table 3 ---------------------------------------------------------------------------------

T3_COLUMNS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

T3_ROWS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_law_prohibited": "（三）不予公开 2.其他法律行政法规禁止公开",
    "denied_three_safeties": "（三）不予公开 3.危及“三安全一稳定”",
    "denied_third_party": "（三）不予公开 4.保护第三方合法权益",
    "denied_internal_affairs": "（三）不予公开 5.属于三类内部事务信息",
    "denied_process_info": "（三）不予公开 6.属于四类过程性信息",
    "denied_enforcement_file": "（三）不予公开 7.属于行政执法案卷",
    "denied_query_item": "（三）不予公开 8.属于行政查询事项",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unavailable_unclear": "（四）无法提供 3.补正后申请内容仍不明确",
    "rejected_petition": "（五）不予处理 1.信访举报投诉类申请",
    "rejected_duplicate": "（五）不予处理 2.重复申请",
    "rejected_publication": "（五）不予处理 3.要求提供公开出版物",
    "rejected_mass_repeated": "（五）不予处理 4.无正当理由大量反复申请",
    "rejected_confirm_existing": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "other_no_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
    "other_other": "（六）其他处理 3.其他",
    "other_total": "（六）其他处理",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}

#: Rows of table 3 that （七）总计 adds up (（六）其他处理 either as one row or as its sub-rows).
T3_RESULT_ROWS = tuple(
    k for k in T3_ROWS if k not in ("new_received", "carried_over", "total_processed", "carried_forward")
)
#: The sub-rows of （六）其他处理; a report that prints them has no ``other_total`` row.
T3_OTHER_SUBROWS = ("other_no_correction", "other_no_fee", "other_other")


@dataclass(frozen=True)
class ColumnGroup:
    """Columns a table prints under one heading, which a question may ask for together."""

    label: str
    columns: tuple[str, ...]


#: Table 3's 申请人情况: 自然人, and 法人或其他组织 over five columns (a question's ``org``).
T3_COLUMN_GROUPS: dict[str, ColumnGroup] = {
    "org": ColumnGroup(
        "法人或其他组织", ("commercial", "research", "social_welfare", "legal_service", "other_org")
    ),
}
#: The applicant columns, whose sum is the row's 总计.
T3_APPLICANT_COLUMNS = ("natural_person", *T3_COLUMN_GROUPS["org"].columns)

# --- table 4 ---------------------------------------------------------------------------------

T4_ROWS: dict[str, str] = {
    "review": "行政复议",
    "suit_direct": "行政诉讼 未经复议直接起诉",
    "suit_after_review": "行政诉讼 复议后起诉",
}
T4_COLUMNS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
#: The results a group's 总计 adds up.
T4_RESULT_COLUMNS = ("upheld", "corrected", "other", "pending")

TABLE_ROWS: dict[str, dict[str, str]] = {"t2": T2_ROWS, "t3": T3_ROWS, "t4": T4_ROWS}
TABLE_COLUMNS: dict[str, dict[str, str]] = {"t2": T2_COLUMNS, "t3": T3_COLUMNS, "t4": T4_COLUMNS}

#: Every key a report's tables may have, ``table.row.column``, table by table in printed order
#: (table 2 in both layouts).
CANONICAL_KEYS: tuple[str, ...] = (
    *(f"t2.{row}.{column}" for row, columns in T2_COMBOS.items() for column in columns),
    *(f"t3.{row}.{column}" for row in T3_ROWS for column in T3_COLUMNS),
    *(f"t4.{row}.{column}" for row in T4_ROWS for column in T4_COLUMNS),
)

# --- row groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowGroup:
    """Rows whose figures are asked for, or stated in a report's text, as one sum."""

    label: str
    rows: tuple[str, ...]


def _prefixed(prefix: str) -> tuple[str, ...]:
    return tuple(row for row in T3_ROWS if row.startswith(prefix))


#: A group is named like a row (``t3.denied``); ``t3.other`` is the single row （六）其他处理,
#: or, in a report that prints them instead, the sum of ``T3_OTHER_SUBROWS``.
ROW_GROUPS: dict[str, RowGroup] = {
    "t3.denied": RowGroup("不予公开", _prefixed("denied_")),
    "t3.unavailable": RowGroup("无法提供", _prefixed("unavailable_")),
    "t3.rejected": RowGroup("不予处理", _prefixed("rejected_")),
    "t3.other": RowGroup("其他处理", ("other_total",)),
    "t4.suit": RowGroup("行政诉讼", ("suit_direct", "suit_after_review")),
    "t3.intake": RowGroup("收到的申请（新收加上年结转）", ("new_received", "carried_over")),
    "t3.granted_or_partly": RowGroup("予以公开及部分公开", ("granted", "partly_granted")),
}


def total_keys(name: str) -> tuple[str, ...]:
    """The 总计 cells a group adds up; any other key stands for itself.

    >>> total_keys("t4.suit")
    ('t4.suit_direct.total', 't4.suit_after_review.total')
    >>> total_keys("t3.new_received.total")
    ('t3.new_received.total',)
    """
    group = ROW_GROUPS.get(name)
    if group is None:
        return (name,)
    table = name.split(".")[0]
    return tuple(f"{table}.{row}.total" for row in group.rows)


def row_heading(table: str, row: str) -> str | None:
    """The heading a table-3 sub-row is printed under (``（三）不予公开``); None for other rows."""
    if table != "t3":
        return None
    heading, space, _ = T3_ROWS.get(row, "").partition(" ")
    return heading if space else None


# --- arithmetic (勾稽关系) --------------------------------------------------------------------


@dataclass(frozen=True)
class Balance:
    """A sum a table must satisfy: ``left`` adds up to ``right``.

    ``across`` says what ``left`` and ``right`` name: ``rows`` (the rule holds in every column)
    or ``columns`` (it holds in every row).
    """

    table: str
    across: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """Every row (or column) the rule names, left side first."""
        return (*self.left, *self.right)


#: The rules of report-format.md, by the name their findings carry.
BALANCES: dict[str, Balance] = {
    # 一 + 二 = （七）总计 + 四, in every column.
    "t3.column_balance": Balance(
        "t3", "rows", ("new_received", "carried_over"), ("total_processed", "carried_forward")
    ),
    # 总计 = 自然人 + the five 法人或其他组织 columns, in every row.
    "t3.row_total": Balance("t3", "columns", T3_APPLICANT_COLUMNS, ("total",)),
    # （七）总计 = every result row, in every column.
    "t3.results_total": Balance("t3", "rows", T3_RESULT_ROWS, ("total_processed",)),
    # 总计 = 维持 + 纠正 + 其他 + 尚未审结, in each group.
    "t4.group_total": Balance("t4", "columns", T4_RESULT_COLUMNS, ("total",)),
}


# --- derived rates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """A rate the tables do not print: the sum of ``numerator`` over the sum of ``denominator``.

    Terms are canonical keys or the groups ``retrieval/figures.py`` adds up (``t3.denied.total``,
    ``t3.new_received.org``), so every cell a rate uses can be cited.
    """

    name: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


#: A rate over fewer cases than this is said to rest on a small sample (样本较少).
SMALL_SAMPLE = 30

#: The rates staff compute from a report (issue 14), by name.
RATES: dict[str, Rate] = {
    rate.name: rate
    for rate in (
        Rate(
            "substantive_disclosure",
            "实质公开率",
            ("t3.granted.total", "t3.partly_granted.total"),
            ("t3.total_processed.total",),
        ),
        Rate("denial", "不予公开率", ("t3.denied.total",), ("t3.total_processed.total",)),
        Rate("unavailable", "无法提供率", ("t3.unavailable.total",), ("t3.total_processed.total",)),
        Rate("review_correction", "行政复议纠错率", ("t4.review.corrected",), ("t4.review.total",)),
        Rate(
            "suit_correction",
            "行政诉讼纠错率",
            ("t4.suit_direct.corrected", "t4.suit_after_review.corrected"),
            ("t4.suit_direct.total", "t4.suit_after_review.total"),
        ),
        Rate(
            "dispute_conversion",
            "争议转化率",
            ("t4.review.total", "t4.suit_direct.total", "t4.suit_after_review.total"),
            ("t3.new_received.total",),
        ),
        Rate(
            "natural_person_share",
            "自然人申请占比",
            ("t3.new_received.natural_person",),
            ("t3.new_received.total",),
        ),
        Rate("org_share", "法人或其他组织申请占比", ("t3.new_received.org",), ("t3.new_received.total",)),
    )
}

#: Rates that are read together under one name.
RATE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "applicant_structure": ("申请人结构", ("natural_person_share", "org_share")),
}


def label_of(key: str) -> tuple[str, str]:
    """The (row, column) labels of a canonical key, e.g. ``t3.new_received.total``."""
    table, row, column = key.split(".")
    return TABLE_ROWS[table].get(row, row), TABLE_COLUMNS[table].get(column, column)

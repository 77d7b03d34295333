"""Match the labels of real tables to canonical rows and columns, by meaning.

Real labels carry typos (其他法律行政止公开), short forms (规范性文件), ``1、`` or ``1.`` numbering,
bookmarks, line breaks and padding. We normalise them and look for the words that carry the
meaning, not for exact strings.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOISE = re.compile(r"\[(?:bookmark|image):[^\]]*\]|\s|\u3000|\xa0|&nbsp;|\*")
_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．]|\d+\s*[、.．])"
)


def normalise(label: str) -> str:
    """Remove whitespace, bookmarks and markup noise; unify brackets and quotes."""
    text = _NOISE.sub("", label)
    return text.replace("(", "（").replace(")", "）").replace('"', "“").replace("，", "，")


def strip_numbering(label: str) -> str:
    """``（三）1.属于国家秘密`` → ``属于国家秘密``; repeated prefixes are all removed."""
    text = normalise(label)
    while True:
        stripped = _NUMBERING.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


# Table 3 rows: each key with the words that identify it, most specific first. A row label
# matches a key when it contains every word of one of the key's alternatives.
_T3_ROW_WORDS: list[tuple[str, tuple[tuple[str, ...], ...]]] = [
    ("new_received", (("本年新收",), ("新收",))),
    ("carried_over", (("上年结转",),)),
    ("carried_forward", (("结转下年度",), ("下年度继续办理",))),
    ("denied_state_secret", (("国家秘密",),)),
    ("denied_law_prohibited", (("其他法律",), ("行政法规", "禁止"), ("法律", "止公开"))),
    ("denied_three_safeties", (("三安全",), ("一稳定",))),
    ("denied_third_party", (("第三方",),)),
    ("denied_internal_affairs", (("内部事务",),)),
    ("denied_process_info", (("过程性",),)),
    ("denied_enforcement_file", (("执法案卷",),)),
    ("denied_query_item", (("查询事项",),)),
    ("unavailable_not_held", (("不掌握",),)),
    ("unavailable_needs_creation", (("另行制作",), ("没有现成",))),
    ("unavailable_unclear", (("不明确",),)),
    ("rejected_petition", (("信访",), ("举报投诉",))),
    ("rejected_duplicate", (("重复申请",),)),
    ("rejected_publication", (("出版物",),)),
    ("rejected_mass_repeated", (("大量反复",),)),
    ("rejected_confirm_existing", (("确认或重新",), ("已获取信息",), ("重新出具",))),
    ("other_no_correction", (("不补正",),)),
    ("other_no_fee", (("缴纳费用",), ("收费通知",))),
    ("partly_granted", (("部分公开",),)),
    ("granted", (("予以公开",),)),
    ("other_total", (("其他处理",),)),
    ("total_processed", (("总计",),)),
]


@lru_cache(maxsize=4096)
def t3_row_key(label: str) -> str | None:
    """The table 3 row key for a row label, or None.

    ``label`` is the row's most specific label (``3.其他`` alone means （六）3.其他; a parent
    group label such as （六）其他处理 given on its own means the collapsed single row).
    """
    text = strip_numbering(label)
    if text in ("其他", "其它"):
        return "other_other"
    for key, alternatives in _T3_ROW_WORDS:
        if any(all(word in text for word in words) for words in alternatives):
            return key
    return None


_T3_COLUMN_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("natural_person", ("自然人",)),
    ("commercial", ("商业企业", "商业", "企业")),
    ("research", ("科研机构", "科研")),
    ("social_welfare", ("社会公益", "公益")),
    ("legal_service", ("法律服务", "法律")),
    ("total", ("总计", "合计")),
    ("other_org", ("其他",)),
]


def t3_column_key(label: str) -> str | None:
    """The table 3 column key (申请人情况) for a column label, or None."""
    text = normalise(label)
    for key, words in _T3_COLUMN_WORDS:
        if any(w in text for w in words):
            return key
    return None


_T2_ROW_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("normative_docs", ("规范性文件",)),
    ("rules", ("规章",)),
    ("licensing", ("行政许可",)),
    ("punishment", ("行政处罚",)),
    ("coercion", ("行政强制",)),
    ("fees", ("事业性收费", "行政收费")),
    ("other_services", ("其他对外管理服务", "对外管理服务")),
    ("procurement", ("政府集中采购", "集中采购")),
]


@lru_cache(maxsize=4096)
def t2_row_key(label: str) -> str | None:
    """The table 2 row key for a row label, or None; a long sentence is not a label."""
    text = strip_numbering(label)
    if len(text) > 20:  # a sentence, not a row label
        return None
    for key, words in _T2_ROW_WORDS:
        if any(w in text for w in words):
            return key
    return None


_T2_COLUMN_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("made_new", ("新制作",)),
    ("published_new", ("新公开",)),
    ("published_total", ("公开总数",)),
    ("made", ("制发",)),
    ("repealed", ("废止",)),
    ("in_force", ("现行有效",)),
    ("items_prev_year", ("上一年项目", "上年项目")),
    ("items_change", ("增/减", "增减", "增／减")),
    ("amount_10k_yuan", ("收费金额",)),
    ("projects", ("采购项目",)),
    ("amount_yuan", ("采购总金额", "总金额")),
    ("decisions", ("处理决定",)),
]


def t2_column_key(label: str) -> str | None:
    """The table 2 column key for a column label, or None."""
    text = normalise(label)
    for key, words in _T2_COLUMN_WORDS:
        if any(w in text for w in words):
            return key
    return None


_T4_COLUMN_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("upheld", ("维持",)),
    ("corrected", ("纠正",)),
    ("other", ("其他",)),
    ("pending", ("尚未", "审结")),
    ("total", ("总计", "合计")),
]


def t4_column_key(label: str) -> str | None:
    """The table 4 result column key (维持, 纠正, 其他, 尚未审结, 总计) for a label, or None."""
    text = normalise(label)
    for key, words in _T4_COLUMN_WORDS:
        if any(w in text for w in words):
            return key
    return None

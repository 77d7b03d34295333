"""The canonical keys of report-format.md and the Chinese labels they stand for."""

from __future__ import annotations

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

#: Rows of table 3 that （七）总计 adds up.
T3_RESULT_ROWS = tuple(
    k for k in T3_ROWS if k not in ("new_received", "carried_over", "total_processed", "carried_forward")
)
T3_OTHER_SUBROWS = ("other_no_correction", "other_no_fee", "other_other")

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

TABLE_NAMES = {
    "t2": "表二 主动公开政府信息情况",
    "t3": "表三 收到和处理政府信息公开申请情况",
    "t4": "表四 政府信息公开行政复议、行政诉讼情况",
}


def label_of(key: str) -> tuple[str, str]:
    """The (row, column) labels of a canonical key, e.g. ``t3.new_received.total``."""
    table, row, column = key.split(".")
    rows, columns = {"t2": (T2_ROWS, T2_COLUMNS), "t3": (T3_ROWS, T3_COLUMNS), "t4": (T4_ROWS, T4_COLUMNS)}[
        table
    ]
    return rows.get(row, row), columns.get(column, column)

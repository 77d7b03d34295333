"""What each row and column of the report's tables counts, in the words people use for it.

One ``Description`` per canonical row (or row group) and column of ``nianbao.keys``: its official
label (report-format.md), what it counts in plain words (from the 政府信息公开条例 articles the
row stands for), and common paraphrases written from that meaning. ``answer/meaning.py`` matches
a question against these texts with the keyword index and the embedding model.

The names are those of ``answer/lexicon.py``: a row is ``table.row`` (``t3.denied`` a group),
an applicant column its ``keys.T3_COLUMNS`` key (``org`` the 法人或其他组织 group), a table-4
result its ``keys.T4_COLUMNS`` key.

>>> DESCRIPTIONS["t3.unavailable_not_held"].label
'（四）无法提供 1.本机关不掌握相关政府信息'
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.keys import ROW_GROUPS, T2_ROWS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_ROWS


@dataclass(frozen=True)
class Description:
    """A row or column: ``kind`` is ``row``, ``applicant`` (表三 column) or ``result`` (表四 column);
    or ``text``, a topic of the narrative that no table counts."""

    name: str
    kind: str
    label: str
    meaning: str
    paraphrases: tuple[str, ...]

    @property
    def texts(self) -> tuple[str, ...]:
        """Every text that says what this row or column is: label, meaning, paraphrases."""
        return (self.label, self.meaning, *self.paraphrases)


#: Rows a question may ask for that the tables do not print as one row.
_PSEUDO_ROWS = {"t3.results": "三、本年度办理结果"}


def _label(name: str) -> str:
    if name in _PSEUDO_ROWS:
        return _PSEUDO_ROWS[name]
    table, _, key = name.partition(".")
    rows = {"t2": T2_ROWS, "t3": T3_ROWS, "t4": T4_ROWS}[table]
    if key in rows:
        return rows[key]
    return ROW_GROUPS[name].label if name in ROW_GROUPS else key


# (meaning, paraphrases) by row name; the label comes from keys.py.
_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    # --- 表三: intake ---
    "t3.new_received": (
        "本年度机关新收到的政府信息公开申请件数，即群众和单位当年向机关提出的依申请公开的数量",
        (
            "今年收到了多少政府信息公开申请",
            "当年受理的依申请公开数量",
            "有多少人来申请公开政府信息",
            "申请人提交、递交、提出的申请件数",
            "申请量",
        ),
    ),
    "t3.carried_over": (
        "上一年度没有办结、结转到本年度继续办理的申请件数",
        (
            "去年结转过来的申请",
            "上年度遗留下来今年接着办的申请",
            "跨年度从上年转入的申请数量",
        ),
    ),
    "t3.intake": (
        "本年新收的申请加上上年结转的申请，即本年度需要办理的全部申请",
        ("新收和上年结转合计的申请", "今年要办的申请连同去年转来的一共多少"),
    ),
    # --- 表三: results ---
    "t3.results": (
        "申请的办理结果：予以公开、部分公开、不予公开、无法提供、不予处理、其他处理各多少",
        ("申请都是怎么处理的", "答复结果分布", "办理结果情况"),
    ),
    "t3.granted": (
        "申请公开的政府信息全部向申请人提供或告知获取方式的件数",
        (
            "同意公开的申请",
            "全部公开、全部满足的申请",
            "申请人要的信息都给了的",
            "答复公开的件数",
        ),
    ),
    "t3.partly_granted": (
        "所申请信息可以区分处理，只提供其中可以公开的那部分内容的件数",
        (
            "只公开了一部分的申请",
            "区分处理后部分提供的",
            "部分满足、部分没有给的申请",
        ),
    ),
    "t3.granted_or_partly": (
        "予以公开和部分公开加在一起，即申请人实际拿到信息的件数",
        ("全部公开和部分公开合计", "公开了的（含部分公开）一共多少"),
    ),
    "t3.denied": (
        "依法决定不予公开的申请件数，含国家秘密、法律禁止、三安全一稳定、第三方权益、内部事务、过程性信息、执法案卷、查询事项八种情形",
        ("拒绝公开的申请", "决定不公开的件数", "不同意公开的"),
    ),
    "t3.denied_state_secret": (
        "所申请信息属于国家秘密，依法不予公开的件数",
        ("涉及国家秘密不公开", "属于保密信息、密级文件不能公开", "因为保密原因没有公开"),
    ),
    "t3.denied_law_prohibited": (
        "法律、行政法规明确规定禁止公开，因而不予公开的件数",
        ("法律法规禁止公开的", "其他法律规定不能公开的信息", "法规不允许公开"),
    ),
    "t3.denied_three_safeties": (
        "公开后可能危及国家安全、公共安全、经济安全和社会稳定，因而不予公开的件数",
        ("危及三安全一稳定", "公开会威胁国家安全或社会稳定", "可能影响安全稳定不公开"),
    ),
    "t3.denied_third_party": (
        "涉及商业秘密、个人隐私等，公开会损害第三方合法权益，因而不予公开的件数",
        ("保护第三方合法权益不公开", "涉及他人隐私或企业商业秘密", "第三方不同意公开"),
    ),
    "t3.denied_internal_affairs": (
        "属于人事管理、后勤管理、内部工作流程等机关内部事务的信息，不予公开的件数",
        ("三类内部事务信息", "机关内部事务不公开", "内部管理信息不属于公开范围"),
    ),
    "t3.denied_process_info": (
        "属于讨论记录、过程稿、磋商信函、请示报告等过程性信息，不予公开的件数",
        ("四类过程性信息", "尚在讨论研究中的过程性材料", "草稿、内部请示等过程信息不公开"),
    ),
    "t3.denied_enforcement_file": (
        "属于行政执法案卷信息，不予公开的件数",
        ("行政执法案卷不公开", "执法案件卷宗材料", "处罚案卷信息不公开"),
    ),
    "t3.denied_query_item": (
        "属于工商登记、不动产登记等应通过行政查询渠道获取的事项，不作为公开申请办理的件数",
        ("行政查询事项", "应当通过查询途径获取的信息", "登记资料查询类事项"),
    ),
    "t3.unavailable": (
        "机关无法提供所申请信息的件数，含本机关不掌握、没有现成信息需另行制作、补正后仍不明确三种情形",
        ("无法提供的申请", "提供不了所申请的信息", "没有办法给出信息的"),
    ),
    "t3.unavailable_not_held": (
        "经检索本机关没有制作或保存所申请的政府信息，信息不存在或不由本机关掌握的件数",
        (
            "本机关不掌握相关信息",
            "所申请的信息不存在",
            "本单位没有这项信息、不归本机关管",
            "经检索查无此信息",
        ),
    ),
    "t3.unavailable_needs_creation": (
        "本机关没有现成的信息，需要对现有信息进行加工、分析、汇总或另行制作才能提供，因而无法提供的件数",
        ("没有现成信息需要另行制作", "需要加工分析汇总才能形成的信息", "要重新制作统计的信息"),
    ),
    "t3.unavailable_unclear": (
        "申请内容不明确，告知申请人补正后申请内容仍然不明确，因而无法提供的件数",
        ("补正后申请内容仍不明确", "申请描述不清楚无法确定要什么", "补正了也说不明白所需信息"),
    ),
    "t3.rejected": (
        "不予处理的申请件数，含信访举报投诉、重复申请、要求提供出版物、大量反复申请、要求确认或重新出具五种情形",
        ("不予处理的申请", "不处理的申请", "没有处理的申请"),
    ),
    "t3.rejected_petition": (
        "以政府信息公开申请的形式进行信访、投诉、举报等活动，不作为公开申请处理的件数",
        ("信访举报投诉类申请", "借申请公开之名信访投诉", "实际是反映诉求、举报投诉的来信"),
    ),
    "t3.rejected_duplicate": (
        "申请人重复提出相同的政府信息公开申请，不予重复处理的件数",
        ("重复申请", "重复提出已经答复过的申请", "同一事项再次申请"),
    ),
    "t3.rejected_publication": (
        "要求提供政府公报、报刊、书籍等公开出版物的申请，不予处理的件数",
        ("要求提供公开出版物", "索要公报报刊图书", "申请已出版的刊物"),
    ),
    "t3.rejected_mass_repeated": (
        "申请公开的数量、频次明显超过合理范围，无正当理由大量反复申请的件数",
        ("无正当理由大量反复申请", "频繁大量提出申请", "申请次数明显超出合理范围"),
    ),
    "t3.rejected_confirm_existing": (
        "要求行政机关确认或者重新出具申请人已经获取的信息的件数",
        ("要求确认或重新出具已获取信息", "对已经拿到的信息要求确认", "要求重新出具已有的材料"),
    ),
    "t3.other": (
        "既不是公开、不公开、无法提供也不是不予处理的其他处理方式的件数，含逾期不补正、逾期不缴费和其他",
        ("其他处理", "其他方式处理的申请", "其他情形处理"),
    ),
    "t3.other_no_correction": (
        "申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请的件数",
        ("逾期不补正不再处理", "申请人没有在期限内补正材料", "要求补正后申请人未补正视为放弃"),
    ),
    "t3.other_no_fee": (
        "申请人逾期未按收费通知要求缴纳信息处理费，行政机关不再处理其申请的件数",
        ("逾期未缴纳费用不再处理", "没有按时缴纳信息处理费", "未交信息处理费的申请"),
    ),
    "t3.other_other": (
        "其他处理中除逾期不补正、逾期未缴费以外的其他情形的件数",
        ("其他处理中的其他", "其他处理下的第三项其他", "其他处理里别的情况"),
    ),
    "t3.total_processed": (
        "本年度办结的申请总数：办理完毕、作出答复的申请，即办理结果的总计",
        ("办理结果总计", "全年办结的申请", "办结数", "答复完毕的申请总数", "处理了多少申请"),
    ),
    "t3.carried_forward": (
        "本年度没有办结、结转到下一年度继续办理的申请件数",
        ("结转下年度继续办理", "跨年未办结转入下年", "年末尚未办完的申请"),
    ),
    # --- 表四 ---
    "t4.review": (
        "申请人对政府信息公开答复不服，向复议机关申请行政复议的案件数",
        ("行政复议案件", "被申请复议的件数", "不服答复提出复议"),
    ),
    "t4.suit": (
        "因政府信息公开被提起行政诉讼的案件数，含未经复议直接起诉和复议后起诉",
        ("行政诉讼案件", "被起诉到法院的案件", "打官司、当被告的信息公开案件"),
    ),
    "t4.suit_direct": (
        "申请人没有经过行政复议，直接向人民法院提起行政诉讼的案件数",
        ("未经复议直接起诉", "不经复议直接到法院起诉", "绕过复议直接打官司"),
    ),
    "t4.suit_after_review": (
        "申请人先申请行政复议，对复议结果不服再向人民法院起诉的案件数",
        ("复议后起诉", "经过复议后又提起诉讼", "复议结束后再到法院告"),
    ),
    # --- 表二 ---
    "t2.rules": (
        "本机关制定的规章：本年制发、废止和现行有效的件数",
        ("规章", "制定的政府规章"),
    ),
    "t2.normative_docs": (
        "行政规范性文件：本年制发、废止和现行有效的件数",
        ("规范性文件", "红头文件"),
    ),
    "t2.licensing": ("本年作出的行政许可处理决定数量", ("行政许可", "审批许可决定")),
    "t2.punishment": ("本年作出的行政处罚决定数量", ("行政处罚", "处罚决定")),
    "t2.coercion": ("本年作出的行政强制决定数量", ("行政强制", "强制措施")),
    "t2.fees": ("本年行政事业性收费的金额（万元）", ("行政事业性收费", "收费金额")),
    "t2.other_services": ("其他对外管理服务事项的数量", ("其他对外管理服务事项",)),
    "t2.procurement": ("政府集中采购的项目数量和总金额", ("政府集中采购", "采购项目和金额")),
}

_APPLICANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "natural_person": (
        "以个人身份提出申请的公民，即普通群众个人",
        ("自然人", "个人申请", "公民个人", "群众本人"),
    ),
    "commercial": (
        "以企业名义申请的公司、厂商等营利性企业",
        ("商业企业", "企业申请", "公司提出的申请", "企业法人"),
    ),
    "research": (
        "以单位名义申请的科研院所、高等院校等研究机构",
        ("科研机构", "科研院所申请", "高等院校、研究院、研究中心"),
    ),
    "social_welfare": (
        "基金会、慈善组织、社会团体、志愿者组织等非营利的社会公益组织",
        ("社会公益组织", "公益机构申请", "慈善团体、社会团体"),
    ),
    "legal_service": (
        "律师事务所、公证机构、法律援助机构等提供法律服务的机构",
        ("法律服务机构", "律师事务所申请", "律师代理提出的申请"),
    ),
    "other_org": (
        "不属于商业企业、科研机构、社会公益组织、法律服务机构的其他法人或组织",
        ("其他组织", "其他法人或组织", "其他类别的单位"),
    ),
    "org": (
        "法人或其他组织，即以单位名义而非个人提出的申请，五类合计",
        ("法人或其他组织", "单位申请", "机构和企业等组织提出的"),
    ),
}

_RESULTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "upheld": (
        "复议机关或法院维持原答复、驳回诉讼请求，机关的决定被认定正确的案件数",
        ("结果维持", "维持原决定", "机关胜诉"),
    ),
    "corrected": (
        "复议机关或法院撤销、变更、确认违法或责令重新答复，原答复被纠正的案件数",
        ("结果纠正", "被纠错", "原答复被撤销或确认违法", "机关败诉"),
    ),
    "other": (
        "驳回申请、终止、撤回、和解等维持和纠正以外的其他结果的案件数",
        ("其他结果", "撤回或终止审理", "以其他方式结案"),
    ),
    "pending": (
        "到年底还在审理、没有结论的案件数",
        ("尚未审结", "正在审理中", "未结案"),
    ),
}


#: What the narrative sections of report-format.md tell and no table counts. A question closest to
#: one of these is about the text, not about a row (they compete with the rows, and never win one).
_TEXT_TOPICS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "text.published": (
        "一、总体情况（一）主动公开",
        "主动公开政府信息的条数，在政府网站、公开专栏发布的信息，政策解读、新闻发布会",
        ("主动公开了多少条政府信息", "网站发布信息条数", "发布政策解读多少篇", "召开新闻发布会"),
    ),
    "text.management": (
        "一、总体情况（三）政府信息管理",
        "公文公开属性审查、保密审查，清理过期失效信息，规范性文件清理",
        ("公开属性审查", "清理过期信息", "发布前保密审查"),
    ),
    "text.platforms": (
        "一、总体情况（四）政府信息公开平台建设",
        "政府网站、政务新媒体、微博、微信公众号、政府公报、公开专栏的建设和运维，访问量",
        ("政务新媒体账号", "政府门户网站", "编发政府公报", "关停整合网站", "专栏访问量"),
    ),
    "text.oversight": (
        "一、总体情况（五）监督保障",
        "政务公开工作机构和人员、业务培训、考核评议、社会评议、责任追究、工作经费",
        ("举办培训", "专职工作人员", "考核评议", "工作经费"),
    ),
    "text.problems": (
        "五、存在的主要问题及改进情况",
        "政府信息公开工作存在的问题、不足和差距，下一步的改进措施和打算",
        ("存在哪些问题", "工作中的不足", "改进措施"),
    ),
    "text.other_matters": (
        "六、其他需要报告的事项",
        "收取信息处理费的情况，人大代表建议和政协提案办理，政务公开年度工作要点落实",
        ("收取信息处理费", "依申请公开是否收取费用", "建议提案办理"),
    ),
    "text.contact": (
        "前言：联系方式",
        "年度报告的联系单位、地址、邮政编码、联系电话、电子邮箱、网址，报告下载地址",
        ("联系电话", "办公地址", "电子邮箱", "在哪里下载年报"),
    ),
}


def _build() -> dict[str, Description]:
    out: dict[str, Description] = {}
    for name, (meaning, paraphrases) in _ROWS.items():
        out[name] = Description(name, "row", _label(name), meaning, paraphrases)
    for name, (meaning, paraphrases) in _APPLICANTS.items():
        label = "法人或其他组织" if name == "org" else T3_COLUMNS[name]
        out[name] = Description(name, "applicant", label, meaning, paraphrases)
    for name, (meaning, paraphrases) in _RESULTS.items():
        out[name] = Description(name, "result", T4_COLUMNS[name], meaning, paraphrases)
    for name, (label, meaning, paraphrases) in _TEXT_TOPICS.items():
        out[name] = Description(name, "text", label, meaning, paraphrases)
    return out


#: Every description by name.
DESCRIPTIONS: dict[str, Description] = _build()

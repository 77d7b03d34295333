"""Questions about a report as a whole, answered from ``nianbao.review``: what changed since
another year (平潭2024年和2023年的报告比有什么变化？) and whether a report is complete (平潭2024年的
报告完整吗？ 是按时公开的吗？ 表三有没有空白单元格？).

A question is one of these only when it names no row of the tables (the figures answer 行政复议
有没有变化) and, for changes, no topic of its own (主动公开工作有什么变化 is a text question).
Every number in the answer is a stored cell (both years') or a rate computed from cells; each
audit item cites its place in the report.

This module tells such questions apart (every question is asked); ``answer.review_answer``
answers them, with ``nianbao.review``, imported only then.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nianbao.answer import lexicon
from nianbao.answer.parse import Question
from nianbao.review.outline import NUMERALS, part_of

if TYPE_CHECKING:
    from nianbao.answer.model import Answer
    from nianbao.catalog import Catalog

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
#: The longest rest of a question that may name a part (依申请公开, 存在问题及改进): a longer one
#: asks about a topic of its own (主动公开政策解读工作), which the text answers.
_PART_NAME = 8


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
        from nianbao.answer.review_answer import changes_answer

        return changes_answer(catalog, q, bodies[0])
    if asks_audit(q):
        from nianbao.answer.review_answer import audit_answer

        return audit_answer(catalog, q, bodies[0])
    return None

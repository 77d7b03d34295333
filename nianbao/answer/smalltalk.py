"""Turns that ask nothing of a report: greetings, thanks, goodbyes, "what can you do", "which
reports do you have". They are answered from the catalogue of stored reports, never from the
conversation's earlier figure.

A turn is small talk when, with the greeting and politeness words taken out, nothing of a
question about a report is left: no body, no year, no metric, no word of a topic. It asks about
the assistant (你能做什么) or the catalogue (有哪些单位的年报) when what is left is a question about
"you" or about the stored bodies, years and reports, and names no body or metric.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from nianbao.answer.parse import Question
from nianbao.model import StoredReport
from nianbao.retrieval.bodies import canonical

#: Greeting and politeness words by kind, the most telling kind first.
_POLITE: list[tuple[str, str]] = [
    ("thanks", r"谢谢|多谢|感谢|谢了|谢啦|辛苦了?|麻烦了|thanks?(?:\s*you)?|thx"),
    ("bye", r"再见|拜拜|回见|下次见|good\s*bye|bye"),
    (
        "greeting",
        r"你好|您好|大家好|嗨|哈喽|哈啰|早上好|上午好|中午好|下午好|晚上好|早安|晚安|在吗|在不在|hello|hi|hey",
    ),
    ("ack", r"好的|好吧|好滴|明白了?|知道了|懂了|了解了?|ok(?:ay)?|没问题|没事了?|好"),
]
#: What is left of a greeting besides the greeting: particles, pronouns, punctuation.
_FILLER = re.compile(r"[\W_\d]|[啊呀吧哈啦嘛哟哦噢喔嗯呢吗的了哇呐你您我们很非常太多]")
#: A question about the assistant itself.
_ABOUT_YOU = re.compile(
    r"(?:你|您)们?(?:都|还)?(?:能|会|可以|是|叫|有).{0,6}?(?:什么|谁|哪些|啥|干嘛|功能)"
    r"|(?:能|会|可以)(?:做|干|问|回答|查|查询|帮)(?:些)?(?:什么|哪些|啥)"
    r"|怎么用|如何使用|怎么使用|使用方法|怎么问|帮助|功能|help",
    re.IGNORECASE,
)
#: A question about what is stored: which bodies, years, reports.
_ABOUT_STORE = re.compile(
    r"(?:哪些|什么|哪几|几个|多少个|多少家|多少份|几份)(?:个|家)?(?:单位|机关|部门|年份|年度|年的|报告|年报|数据)"
    r"|(?:单位|机关|部门|年份|年度|报告|年报|数据)(?:都)?(?:有|包括|包含|收录了?)(?:哪些|什么|几个|多少)"
    r"|收录了?(?:哪些|什么|多少|几)"
)
#: The words of a question about the catalogue besides what it asks for (你们都收录了…的年报).
_STORE_WORDS = re.compile(
    r"[\W_\d]|年报|报告|数据|资料|文件|收录|包括|包含|可以|能够?|查询?|问|系统|这里|目前|现在|语料|库|里|中"
    r"|单位|机关|部门|年份|年度|哪些|什么|哪几|多少|[有都的你您们几个家份年啊呀吧哈啦嘛哟哦噢喔嗯呢吗了些]"
)
#: How many bodies a catalogue answer names before it says 等.
MAX_LISTED = 30


def kind_of(question: Question) -> str | None:
    """``greeting``, ``thanks``, ``bye``, ``ack``, ``capability`` or ``catalogue`` for a turn
    that asks nothing of a report; None for a question about a report."""
    if question.mentions or question.unknown_body or question.asks or question.recent:
        return None
    text = question.text.strip()
    kinds = [kind for kind, pattern in _POLITE if re.search(pattern, text, re.IGNORECASE)]
    rest = text
    for _, pattern in _POLITE:
        rest = re.sub(pattern, " ", rest, flags=re.IGNORECASE)
    if _ABOUT_STORE.search(rest):
        # 哪些单位的年报 asks the catalogue; 哪些单位开了新闻发布会 asks every report
        topic = _STORE_WORDS.sub("", _ABOUT_STORE.sub("", rest))
        return "catalogue" if len(topic) < 2 else None
    if question.years:
        return None
    if _ABOUT_YOU.search(rest):
        return "capability"
    if _FILLER.sub("", rest):
        return None
    return kinds[0] if kinds else "capability"


def years_text(years: Iterable[int]) -> str:
    """2018–2025年 for a run of years, 2019、2023、2024年 otherwise."""
    ys = sorted(set(years))
    if not ys:
        return "年份不详"
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}年"
    return "、".join(str(y) for y in ys) + "年"


def bodies_and_years(catalogue: Mapping[str, Sequence[StoredReport]]) -> dict[str, list[int]]:
    """Each stored body (two names of one body as one) with its years, most reports first."""
    names = canonical(catalogue)
    out: dict[str, set[int]] = {}
    for name, reports in catalogue.items():
        out.setdefault(names[name], set()).update(r.meta.year for r in reports if r.meta.year)
    return dict(sorted(((b, sorted(ys)) for b, ys in out.items()), key=lambda p: (-len(p[1]), p[0])))


def catalogue_text(catalogue: Mapping[str, Sequence[StoredReport]], years: Sequence[int] = ()) -> str:
    """目前收录了N个单位的M份年度报告（2018–2025年）：…; only the years asked, when given."""
    bodies = bodies_and_years(catalogue)
    if years:
        bodies = {b: [y for y in ys if y in years] for b, ys in bodies.items()}
        bodies = {b: ys for b, ys in bodies.items() if ys}
    if not bodies:
        which = f"{years_text(years)}的" if years else ""
        return f"目前还没有收录{which}年度报告。"
    count = sum(len(ys) for ys in bodies.values())
    every = years_text(y for ys in bodies.values() for y in ys)
    listed = "、".join(f"{b}（{years_text(ys)}）" for b, ys in list(bodies.items())[:MAX_LISTED])
    more = f"等{len(bodies)}个单位" if len(bodies) > MAX_LISTED else ""
    return f"目前收录了{len(bodies)}个单位的{count}份年度报告（{every}）：{listed}{more}。"


CAPABILITY = (
    "我可以回答已收录的政府信息公开工作年度报告里的问题：表格里的数字（如新收申请、予以公开、"
    "行政复议的件数）、正文中的事实（如联系电话、主动公开情况、存在的问题）、不同年份或单位之间的比较，"
    "以及报告的数字是否对得上（勾稽关系）。每个数字都注明出处。"
)


def reply(
    kind: str, catalogue: Mapping[str, Sequence[StoredReport]], years: Sequence[int], examples: Sequence[str]
) -> str:
    """The answer to a small-talk turn; ``examples`` are questions that the stored reports
    answer."""
    if kind == "thanks":
        return "不客气！还有问题可以接着问。"
    if kind == "bye":
        return "再见！有问题随时再来问。"
    if kind == "ack":
        return "好的。还有问题可以接着问。"
    stored = catalogue_text(catalogue, years)
    asked = "例如可以问：" + "".join(f"「{e}」" for e in examples) + "。" if examples else ""
    if kind == "catalogue":
        return stored + asked
    hello = "你好！" if kind == "greeting" else ""
    return hello + CAPABILITY + stored + asked


def example_questions(catalogue: Mapping[str, Sequence[StoredReport]]) -> list[str]:
    """Questions about the stored reports, in the order to offer them: a figure of the body with
    the most reports, a fact from another body's text, a comparison of two years, a check."""
    bodies = bodies_and_years(catalogue)
    if not bodies:
        return []
    names = list(bodies)
    first, years = names[0], bodies[names[0]]
    other = names[1] if len(names) > 1 else first
    at = f"{years[-1]}年" if years else ""
    other_at = f"{bodies[other][-1]}年" if bodies[other] else ""
    out = [f"{first}{at}本年新收政府信息公开申请多少件？", f"{other}{other_at}的联系电话是多少？"]
    if len(years) > 1:
        out.append(f"{first}{years[-2]}年和{years[-1]}年新收申请哪年多？")
    return [*out, f"{other}{other_at}行政复议有几件？", f"{first}{at}的表三对得上吗？"]

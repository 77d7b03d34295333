"""Which sentence answers a question, and how sure that is.

The reports a question resolves to are read sentence by sentence (``retrieval.passages``).
Each sentence gets two numbers:

- ``confidence`` (0–1): how much of what the question asks the sentence covers — the question's
  word pairs weighted by how rare they are among the sentences read (a pair the reports never
  use, such as 经费, weighs most), a pair found only in the sentence's heading or in the sentence
  before it counting half — and whether it has the *kind* of fact asked: a phone number for
  一 phone question; for a counting question (多少条, 几期) a number with a measure word or an
  explicit none (未收到, 无…). A count in the question's own measure word counts more; another
  measure word (篇 where the question says 条) still counts, since reports and people word
  counts differently. ``ANSWER_THRESHOLD`` (calibrated on the dev set's text questions, not
  per question) separates an answer from "the report does not say".
- ``rank``: the confidence plus the retrieval signals — BM25 over the sentences read, and, where
  the library has its search index, the fused keyword + embedding rank of the window holding
  the sentence (which brings in wordings that share no word with the question).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the passages load when a text answer reads them (a figure answer never does)
    from nianbao.retrieval.passages import Passage

#: Below this confidence the best sentence is not taken as an answer (see the module docstring).
ANSWER_THRESHOLD = 0.35

#: Function characters: a pair of two of them carries no topic (的是, 有在).
_FUNCTION = set("的了吗呢么是有在和与及对于")
#: Words every report or every question uses; their character pairs carry no topic. 公报 (two
#: characters of these words) still does: only the pairs inside the words are dropped.
_STOP_WORDS = (
    "政府信息公开工作年度报告",
    "多少",
    "几个",
    "哪些",
    "什么",
    "怎么",
    "如何",
    "为何",
    "为什么",
    "请问",
)
_STOP_PAIRS = {w[i : i + 2] for w in _STOP_WORDS for i in range(len(w) - 1)}
_STOP_CHARS = _FUNCTION | set("".join(_STOP_WORDS)) | set("年度几个")
_ASKING = set("了吗呢么几多少哪些什么怎样如何是否有没")
_TIME_WORDS = re.compile(r"全年|一年|今年|去年|前年|本年度?|当年|上年|年内|每年|年度|目前|现在|截至目前|至今")
#: Function words (adverbs of quantity and time, aspect particles) and light verbs: a question
#: says 一共搞了几期 where the report says 共开展…期; they carry no topic, so they weigh nothing.
_FILLER = re.compile(
    r"一共|总共|共计|总计|合计|总数|一直|曾经|已经|到底|究竟|大概|大约|请问|一下|麻烦|"
    r"[过了着都还又曾]|搞|弄|干|做|办|进行"
)

#: Question words → the form an answering sentence must contain.
SLOTS: list[tuple[str, re.Pattern[str]]] = [
    (r"电话|联系方式|热线|传真", re.compile(r"(?<!\d)(?:0\d{2,3}[-－—]?\d{7,8}|1[3-9]\d{9})(?!\d)")),
    (r"邮箱|电子邮件|e-?mail|Email", re.compile(r"[\w.\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    (r"邮编|邮政编码", re.compile(r"(?<!\d)\d{6}(?!\d)")),
    (r"地址|在哪里|什么地方|办公地点", re.compile(r"地址|[路街道巷]\s*\d+\s*号|号楼|\d+\s*[层楼]|大厦|大楼")),
    (r"网址|网站地址|链接|在哪.*下载|哪里.*查", re.compile(r"https?://|www\.|网站")),
    # a fee: the sentence that states an amount charged, or that none was
    (
        r"处理费|收费(?!标准)|费用|收取.{0,8}费",
        re.compile(
            r"费[^。；]{0,30}?(?<![\d.])\d+(?:\.\d+)?\s*万?元|(?:未|无|没有|不)[^。；，]{0,16}费|费[^。；]{0,8}(?:为零|为0)"
        ),
    ),
]

#: Chinese measure words and units a count is written with (a closed word class).
MEASURE_WORDS = "条篇期次场件个名人家份项批轮处所座部台本户位则封起宗例天"
#: The measure words the tables count in: documents, applications and cases.
TABLE_MEASURE_WORDS = "件起宗例"
_UNIT = rf"万元|元|个语种|[{MEASURE_WORDS}]"
_ASKS_COUNT = re.compile(rf"(?:多少|几)\s*({_UNIT})?|数量|数目|金额|多大")
#: A count: a number (not a year or a date) with its measure word or unit.
_COUNT = re.compile(rf"(?<![\d.])\d+(?:\.\d+)?\s*(?:万|亿)?\s*({_UNIT}|%|余|多)")
#: An explicit none: nothing received, nothing charged.
_NONE = re.compile(
    r"未(?:收到|发生|收取|产生|出现|开展|承办|受理|有)|没有(?:收到|发生|收取|产生)|无(?:依申请|收费|相关|此类|其他)"
    r"|均为0|为零|(?<![\d.])0\s*(?:元|件|条)"
)


#: Whether something happened at all (有人申请吗, 收费了没有, 是否收取): a count or an explicit
#: none answers.
_ASKS_WHETHER = re.compile(r"有没有|是否|有无|[了过].{0,12}没有?[？?。]*$|吗[？?。]*$")
#: A number glued to a word that is not its unit (条00受理, 206912106其中): a table's rows run
#: together as text. A sentence with several of them is a table, not a statement.
_CONTENTS = re.compile(
    r"(?:本报告|报告全文|全文)(?:由|包括|共分|分为)|[六五七6-7]个?部分(?:组成|内容)?[。，,]"
)
_GLUED = re.compile(rf"\d(?=[\u4e00-\u9fff])(?![年月日号万亿元余多{MEASURE_WORDS}])")


@dataclass(frozen=True)
class Need:
    """What a question (part) asks for: a form (a phone number), a count and its measure word,
    or whether something happened (a count or an explicit none answers)."""

    form: re.Pattern[str] | None
    counting: bool
    unit: str | None
    whether: bool = False


def slot_of(question: str) -> re.Pattern[str] | None:
    """The form of the detail the question asks for (phone, e-mail, postcode, address, site), or None."""
    return next((form for words, form in SLOTS if re.search(words, question, re.IGNORECASE)), None)


def need_of(question: str) -> Need:
    """What a question (part) asks for: the form of the detail, and whether it counts, in what."""
    form = slot_of(question)
    match = _ASKS_COUNT.search(question)
    whether = form is None and match is None and _ASKS_WHETHER.search(question) is not None
    counting = (match is not None or whether) and form is None
    return Need(form, counting, match.group(1) if match and match.lastindex else None, whether)


@lru_cache(maxsize=65536)
def heading_like(sentence: str) -> bool:
    """Whether a "sentence" is a heading: short, or a line with no number that does not end as a
    sentence does (本年度信息公开处理费收费情况)."""
    if len(sentence) < 12:
        return True
    return (
        len(sentence) < 30 and not re.search(r"\d", sentence) and sentence[-1] not in "。！？；;.!?：:”」）)"
    )


@lru_cache(maxsize=65536)
def contents_like(sentence: str) -> bool:
    """Whether a sentence lists the report's own parts (本报告由概述、…共六个部分组成): it names
    every topic and answers none."""
    return _CONTENTS.search(sentence) is not None


@lru_cache(maxsize=65536)
def table_like(sentence: str) -> bool:
    """Whether a "sentence" is a table's rows run together (several numbers glued to words)."""
    return len(_GLUED.findall(sentence)) >= 5


def counts_in(sentence: str) -> list[str]:
    """The measure words of the counts a sentence states (``['条', '篇']``)."""
    return [m.group(1) for m in _COUNT.finditer(sentence)]


def states_none(sentence: str) -> bool:
    """Whether a sentence states an explicit none (未收到, 无依申请公开收费, 0元)."""
    return _NONE.search(sentence) is not None


def bigrams(text: str) -> set[str]:
    """Character pairs within each run of Chinese, letters or digits (not across punctuation)."""
    return set(_bigrams(text))


@lru_cache(maxsize=65536)
def _bigrams(text: str) -> frozenset[str]:
    grams = {
        run[i : i + 2] for run in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", text) for i in range(len(run) - 1)
    }
    return frozenset(g for g in grams if g not in _STOP_PAIRS and not _function_pair(g))


def _function_pair(pair: str) -> bool:
    """A function character with another of the stop words' (的工, 开了, 是有): no topic."""
    a, b = pair[0], pair[1]
    return (a in _FUNCTION and b in _STOP_CHARS) or (b in _FUNCTION and a in _STOP_CHARS)


@dataclass(frozen=True)
class Scored:
    """A sentence with how well it answers (``confidence``) and where it ranks (``rank``)."""

    passage: Passage
    confidence: float
    rank: float


class Reader:
    """Scores the sentences of the reports read for one question.

    ``prior`` maps (report id, start) of a sentence to the search index's fused score of the
    window holding it, scaled to 0–1 (empty without an index).
    """

    def __init__(
        self, passages: Sequence[Passage], prior: Mapping[tuple[str, int], float] | None = None
    ) -> None:
        self.passages = list(passages)
        self.prior = prior or {}
        from nianbao.retrieval.passages import PassageSearch

        self.search = PassageSearch(self.passages)
        self._grams = [_bigrams(p.text) for p in self.passages]
        self._context = [self._context_grams(i) for i in range(len(self.passages))]
        self._df: Counter[str] = Counter()
        for grams, context in zip(self._grams, self._context, strict=True):
            self._df.update(grams | context)

    def _context_grams(self, i: int) -> frozenset[str]:
        """The heading words and the sentence before (same section): what the sentence is about."""
        p = self.passages[i]
        before = self.passages[i - 1] if i > 0 else None
        if before is not None and before.section == p.section and before.report_id == p.report_id:
            return _bigrams(" ".join(p.section[-1:])) | _bigrams(before.text)
        return _bigrams(" ".join(p.section[-1:]))

    def weights(self, question: str) -> dict[str, float]:
        n = len(self.passages)
        question = _FILLER.sub(" ", _TIME_WORDS.sub(" ", question))  # 全年, 一共, 搞 are no topic
        wanted = {g for g in bigrams(question) if not set(g) & _ASKING}
        return {g: math.log(1 + n / (1 + self._df[g])) for g in wanted}

    def coverage(self, i: int, weights: Mapping[str, float]) -> tuple[float, int]:
        """The weighted share of the question's word pairs the sentence (or its context) covers,
        and how many pairs the sentence itself has."""
        total = sum(weights.values())
        if not total:
            return 0.0, 0
        text = self.passages[i].text
        grams, context = self._grams[i], self._context[i]
        hits = set(weights) & grams
        near = (set(weights) & context) - hits
        loose = {g for g in set(weights) - hits - near if g[0] in text and g[1] in text}
        covered = sum(weights[g] for g in hits) + 0.5 * sum(weights[g] for g in near | loose)
        return covered / total, len(hits)

    def score(self, question: str, within: Sequence[int] | None = None) -> list[Scored]:
        """Every sentence that could answer, best first."""
        need = need_of(question)
        weights = self.weights(question)
        bm25 = self.search.scores(question)
        top_bm25 = max(bm25, default=0.0) or 1.0
        out = []
        for i in within if within is not None else range(len(self.passages)):
            p = self.passages[i]
            if (need.form is not None and not need.form.search(p.text)) or table_like(p.text):
                continue
            covered, hits = self.coverage(i, weights)
            confidence = covered if hits >= 2 or need.form else covered * 0.5
            if need.form is not None:
                confidence = max(confidence, 0.5) + 0.2
            if need.counting:
                units = counts_in(p.text)
                none = states_none(p.text)
                if need.unit and need.unit in units or need.whether and none:
                    confidence += 0.15
                elif not units and not none:
                    confidence *= 0.5
            if need.form is None and (heading_like(p.text) or contents_like(p.text)):
                confidence *= 0.5  # a heading names the topic; it does not answer
            confidence = min(1.0, confidence)
            prior = self.prior.get((p.report_id, p.start), 0.0)
            rank = confidence + 0.25 * bm25[i] / top_bm25 + 0.25 * prior
            if need.counting:
                rank += 0.3 * _focus(p.text, weights)
            if p.text.startswith("其中") and "其中" not in question:
                rank -= 0.15  # a breakdown of the sentence before: the total answers first
            if rank > 0:
                out.append(Scored(p, confidence, rank))
        out.sort(key=lambda s: -s.rank)
        return out


def _focus(sentence: str, weights: Mapping[str, float]) -> float:
    """How much of the question the clause holding a count covers (0–1): in 「全区主动公开政府信息
    2069条」 the count stands by the question's words; in a list of categories (机构职能类信息211条)
    it does not."""
    total = sum(weights.values())
    if not total:
        return 0.0
    best = 0.0
    for clause in re.split(r"[，,；;：:、。]", sentence):
        if _COUNT.search(clause):
            best = max(best, sum(w for g, w in weights.items() if g in _bigrams(clause)) / total)
    return best


_TEXT_ONLY = re.compile(
    rf"(?:多少|几)\s*(?:(?![{TABLE_MEASURE_WORDS}])[{MEASURE_WORDS}]|个语种)|主动公开(?!.{{0,12}}(?:规章|规范性文件))"
    r"|网络问政|问政|撤回|催办|留言|热线|培训|解读|发布会|公报|粉丝|关注|浏览|联系|电话|邮箱|地址|网站"
    r"|发布时间|发布日期|落款|哪天发布|何时发布|什么时候发布|标题|处理费"
)


def prefers_text(question: str) -> bool:
    """Questions about things the tables do not count: a count in a measure word the tables never
    use (条 of information, 场 of training; the tables count 件 and 起), contact details, the date."""
    return _TEXT_ONLY.search(question) is not None

"""Answers that live in the narrative: pick the sentences that answer, and quote them exactly.

A sentence is scored by the question's content bigrams it contains (weighted by how rare they
are in the report); some questions ask for a kind of fact with a form (a phone number, an
e-mail address): a sentence without that form cannot answer them, and when no sentence of the
report has it, the honest answer is that the report does not say.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d+[.、．]\s*\D)"
)
_STOP = set("的了吗呢么是有在和与及对于年度多少几个哪些什么怎么如何为何为什么请问报告政府信息公开工作")

#: Question words → the form an answering sentence must contain.
SLOTS: list[tuple[str, re.Pattern[str]]] = [
    (r"电话|联系方式|热线", re.compile(r"(?<!\d)(?:0\d{2,3}[-－—]?\d{7,8}|1[3-9]\d{9})(?!\d)")),
    (r"邮箱|电子邮件|e-?mail|Email", re.compile(r"[\w.\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    (r"邮编|邮政编码", re.compile(r"(?<!\d)\d{6}(?!\d)")),
    (r"地址|在哪里|什么地方|办公地点", re.compile(r"地址|路\d+号|号楼|大厦|中心")),
    (r"网址|网站地址|在哪.*下载|哪里.*查", re.compile(r"https?://|www\.|网站")),
]


@dataclass(frozen=True)
class Sentence:
    """A sentence of a report with its span [start, end) in the report's text."""

    text: str
    start: int
    end: int


def _unwrap(text: str) -> str:
    """Join lines that a PDF conversion wrapped mid-sentence (same length: spans stay valid).

    A line break stays a break after a stop, before a heading, or after a short line (a
    heading); elsewhere it becomes a zero-width join marker that sentence splitting ignores.
    """
    lines = text.split("\n")
    long_lines = [line.strip() for line in lines if len(line.strip()) >= 15]
    open_ended = [line for line in long_lines if line[-1] not in "。！？；：:」”）)"]
    if len(open_ended) < 0.4 * max(1, len(long_lines)):
        return text  # paragraphs, not lines wrapped at a page's width
    out = []
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        keep = len(line.strip()) < 20 or line.rstrip()[-1:] in "。！？；：:」”）)" or _HEADING.match(nxt)
        out.append(line + ("\n" if keep else "\u2060"))
    out.append(lines[-1])
    return "".join(out)


@lru_cache(maxsize=256)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences with their spans in ``text``; wrapped lines are read as one sentence."""
    joined = _unwrap(text)
    out = []
    for match in _SENTENCE.finditer(joined):
        raw = match.group(0)
        stripped = raw.strip()
        if len(stripped) >= 4:
            offset = match.start() + raw.index(stripped)
            quote = text[offset : offset + len(stripped)].replace("\n", "")
            out.append(Sentence(quote, offset, offset + len(stripped)))
    return tuple(out)


@lru_cache(maxsize=256)
def sentence_grams(text: str) -> tuple[frozenset[str], ...]:
    """The word pairs of each sentence of a report, computed once per report text."""
    return tuple(frozenset(bigrams(s.text)) for s in sentences(text))


def bigrams(text: str) -> set[str]:
    """Character pairs within each run of Chinese, letters or digits (not across punctuation)."""
    grams = {
        run[i : i + 2] for run in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", text) for i in range(len(run) - 1)
    }
    return {g for g in grams if not (g[0] in _STOP and g[1] in _STOP)}


def slot_of(question: str) -> re.Pattern[str] | None:
    """The form of the detail the question asks for (phone, e-mail, postcode, address, site), or None."""
    return next((form for words, form in SLOTS if re.search(words, question)), None)


_SECTION_WORDS: list[tuple[str, str]] = [
    (r"问题|不足|差距|短板|薄弱|改进|整改|措施|打算|下一步|解决", "五"),
    (r"收费|处理费|其他需要报告|建议|提案|创新|要点", "六"),
]


def section_boost(question: str, path: str) -> float:
    """Questions about problems and fixes are answered in section 五, fees in 六."""
    for words, numeral in _SECTION_WORDS:
        if re.search(words, question) and path.startswith(numeral):
            return 3.0
    return 0.0


def best_sentences(
    question: str,
    text: str,
    limit: int = 2,
    section_of=None,  # noqa: ANN001 - offset → path
) -> list[tuple[float, Sentence]]:
    """The report's sentences that best answer the question, best first; [] when none does."""
    pairs = list(zip(sentences(text), sentence_grams(text), strict=True))
    slot = slot_of(question)
    if slot is not None:
        pairs = [(s, g) for s, g in pairs if slot.search(s.text)]
    if not pairs:
        return []
    pool = [s for s, _ in pairs]
    counting = re.search(r"多少|几", question) is not None
    wanted = bigrams(question)
    df = Counter(g for _, grams in pairs for g in grams & wanted)
    scored = []
    for s, grams in pairs:
        hits = grams & wanted
        score = sum(math.log(1 + len(pool) / df[g]) for g in hits)
        if slot is not None:
            score += 1.0
        if score > 0 and section_of is not None:
            score += section_boost(question, section_of(s.start))
        if score > 0 and len(s.text) < 30 and not slot:
            score *= 0.5  # a heading or a title names the topic; it does not answer
        if score > 0 and counting and not _COUNTED.search(s.text):
            score *= 0.5  # 多少 is answered by a count (or by 未收到), not by a description
        if score > 0:
            scored.append((score, s))
    scored.sort(key=lambda pair: -pair[0])
    if not scored:
        return []
    top = scored[0][0]
    return [pair for pair in scored[:limit] if pair[0] >= 0.6 * top]


#: A sentence that counts something: a number that is not a year or a date, or a "none".
_COUNTED = re.compile(r"\d+(?:\.\d+)?\s*(?![年月日\d])|未收到|没有|未发生|无")

_ASKING = set("了吗呢么几多少哪些什么怎样如何是否有没")


def enough(question: str, sentence: str, report: str) -> bool:
    """Whether a sentence covers enough of the question to count as an answer.

    A question that asks for a form (a phone number) is answered by a sentence with that form.
    Otherwise the question's word pairs are weighted by how rare they are in the report — a
    pair the report never uses (经费) weighs most — and the sentence must cover over a third of
    that weight: a question about something the report does not mention finds nothing.
    """
    if slot_of(question) is not None:
        return True
    pool = sentences(report)
    wanted = {g for g in bigrams(question) if not set(g) & _ASKING}
    if not wanted or not pool:
        return False
    grams = sentence_grams(report)
    weight = {g: math.log(1 + len(pool) / (1 + sum(g in gs for gs in grams))) for g in wanted}
    hits = wanted & bigrams(sentence)
    # 编发 in a question is 编辑发布 in the report: a pair whose two characters both occur counts half
    loose = {g for g in wanted - hits if g[0] in sentence and g[1] in sentence}
    covered = sum(weight[g] for g in hits) + 0.5 * sum(weight[g] for g in loose)
    return len(hits) >= 2 and covered >= 0.35 * sum(weight.values())


_TEXT_ONLY = re.compile(
    r"[几多少]\s*(?:条|次|期|篇|场|家|名|人|个语种|个新媒体|个单位|个账号)|主动公开(?!.{0,12}(?:规章|规范性文件))"
    r"|网络问政|问政|撤回|催办|留言|热线|培训|解读|发布会|公报|粉丝|关注|浏览|联系|电话|邮箱|地址|网站"
)


def prefers_text(question: str) -> bool:
    """Questions about things the tables do not count (条 of information, training sessions)."""
    return _TEXT_ONLY.search(question) is not None

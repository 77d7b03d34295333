"""Answers quoted from the narrative: the sentences that answer, each with its report and section.

The reports come in the order they should be read: the years asked, or — when no year is named —
every year of the body, the nearest first, so the answer comes from the latest report that
states the fact (and says which year that is). A question with several parts (多少条？多少篇？)
gets a sentence for each part; a question about several years a sentence from each year's
report; a question naming no body is read across bodies and answered body by body. Problems,
measures and plans come back as one list from the right subsection (``answer.lists``); the
report's date line and title as facts (``answer.facts``). When the question compares a counted
thing across years (多了多少条), the numbers are read from the quoted sentences and the
difference is done in code.

Every quote is a span of the stored report text (line breaks that only wrapped a line dropped),
and every answer carries its ``confidence``: that of its weakest part.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nianbao.answer import compose
from nianbao.answer.facts import ASKS_DATE, ASKS_TITLE, date_line
from nianbao.answer.lists import MEASURES, PROBLEMS, kinds_asked, list_items
from nianbao.answer.model import Answer, Citation
from nianbao.answer.text import ANSWER_THRESHOLD, Reader, bigrams
from nianbao.model import Section
from nianbao.retrieval.passages import Passage, report_passages

_PARTS = re.compile(r"[？?；;。！!]|，(?=[^，]{4,})")
_UNIT = re.compile(r"多少(条|次|期|篇|场|个|家|名|人)|几(条|次|期|篇|场|个|家|名)")
#: Across bodies, a body is listed when its best sentence is this close to the best of all.
ACROSS_MARGIN = 0.85
LIST_NAMES = {PROBLEMS: "存在的主要问题", MEASURES: "改进措施"}


@dataclass(frozen=True)
class Source:
    """A report as the quoting step reads it: its text, and where each section lies."""

    report_id: str
    source: str
    body: str
    year: int | None
    text: str
    section_of: Callable[[int], str]
    sections: tuple[Section, ...] = ()
    title: str = ""
    #: The date the page the report came from gives (``YYYY-MM-DD``), when it gives one.
    published: str | None = None

    def passages(self) -> tuple[Passage, ...]:
        return report_passages(self.report_id, self.text, self.sections)


@dataclass(frozen=True)
class Hit:
    """A window the search index found, as the quoting step uses it: report, span, fused score."""

    report_id: str
    start: int
    end: int
    score: float


@dataclass
class _Found:
    """What one report gives for one question: citations and their confidence."""

    source: Source
    cites: list[Citation] = field(default_factory=list)
    confidence: float = 0.0
    lists: list[tuple[str, list[Citation]]] = field(default_factory=list)


def _cite(src: Source, start: int, quote: str) -> Citation:
    return Citation(src.source, src.body, src.year, src.section_of(start) or "正文", quote, src.report_id)


def _parts(topic: str) -> list[str]:
    parts = [p for p in _PARTS.split(topic) if len(re.sub(r"\W", "", p)) >= 4]
    return parts or [topic]


def _prior(sources: Sequence[Source], hits: Sequence[Hit]) -> dict[tuple[str, int], float]:
    """Each sentence inside a retrieved window → the window's fused score, the best scaled to 1."""
    top = max((h.score for h in hits), default=0.0)
    if top <= 0:
        return {}
    by_report: dict[str, list[Hit]] = {}
    for h in hits:
        by_report.setdefault(h.report_id, []).append(h)
    out: dict[tuple[str, int], float] = {}
    for src in sources:
        for p in src.passages():
            for h in by_report.get(src.report_id, ()):
                if p.start < h.end and h.start < p.end:  # overlaps the window
                    key = (src.report_id, p.start)
                    out[key] = max(out.get(key, 0.0), h.score / top)
    return out


def quote_answer(
    topic: str,
    sources: Sequence[Source],
    intent: str,
    *,
    hits: Sequence[Hit] = (),
    nearest_first: bool = False,
    across: bool = False,
) -> Answer:
    """The quoted answer, or ``not_found`` saying which reports were read.

    ``nearest_first``: no year was named; ``sources`` run from the nearest year back, and the
    first report of each body that answers is the answer. ``across``: no body was named; each
    body whose report answers about as well as the best is listed.
    """
    facts = _facts(topic, sources)
    if facts is not None:
        return facts
    passages = [p for src in sources for p in src.passages()]
    reader = Reader(passages, _prior(sources, hits))
    offsets = {}
    for src in sources:
        offsets[src.report_id] = [i for i, p in enumerate(passages) if p.report_id == src.report_id]
    found = [_read(topic, src, reader, offsets[src.report_id]) for src in sources]
    chosen = _choose(found, sources, nearest_first, across)
    if not chosen:
        best = max((f.confidence for f in found), default=0.0)
        return Answer(
            "not_found", f"{_which(sources)}中没有找到能回答这个问题的内容。", confidence=round(best, 3)
        )
    return _compose(topic, chosen, intent, nearest_first and len(sources) > 1, across)


def _read(topic: str, src: Source, reader: Reader, within: list[int]) -> _Found:
    """One report's answer to every part of the question."""
    found = _Found(src)
    confidences = []
    for part in _parts(topic):
        kinds = kinds_asked(part)
        listed = [(kind, list_items(kind, src.text, src.sections, src.year)) for kind in kinds]
        listed = [(kind, items) for kind, items in listed if items]
        if listed:
            for kind, items in listed:
                found.lists.append((kind, [_cite(src, item.start, item.quote) for item in items]))
            confidences.append(0.9)
            continue
        scored = reader.score(part, within)
        if scored and scored[0].confidence >= ANSWER_THRESHOLD:
            best = scored[0].passage
            found.cites.append(_cite(src, best.start, best.text))
            confidences.append(scored[0].confidence)
        else:
            confidences.append(scored[0].confidence if scored else 0.0)
    answered = [c for c in confidences if c >= ANSWER_THRESHOLD]
    found.confidence = min(answered) if answered else max(confidences, default=0.0)
    found.cites = list({c.quote: c for c in found.cites}.values())
    return found


def _answers(f: _Found) -> bool:
    return bool(f.cites or f.lists)


def _choose(
    found: list[_Found], sources: Sequence[Source], nearest_first: bool, across: bool
) -> list[_Found]:
    """The reports whose answers are given."""
    answering = [f for f in found if _answers(f)]
    if not answering:
        return []
    if nearest_first or across:
        per_body: dict[str, _Found] = {}
        for f in answering:  # sources come nearest year first
            per_body.setdefault(f.source.body, f)
        answering = list(per_body.values())
    if across:
        best = max(f.confidence for f in answering)
        answering = [f for f in answering if f.confidence >= ACROSS_MARGIN * best]
        return answering
    if len({s.year for s in sources}) > 1 and not nearest_first:
        return answering
    return answering if len({f.source.body for f in answering}) > 1 else answering[:1]


def _compose(topic: str, chosen: list[_Found], intent: str, said_year: bool, across: bool) -> Answer:
    chosen = sorted(chosen, key=lambda f: (f.source.body if across else "", f.source.year or 0))
    pieces: list[str] = []
    cites: list[Citation] = []
    for f in chosen:
        src = f.source
        lead = f"据{src.body}{src.year}年报告"
        if said_year and not across:
            pieces.append(f"问题未指明年份，以下据写明此项的最近一份报告（{src.year}年）。")
        for c in f.cites:
            pieces.append(f"{lead}（{c.locator}）：「{c.quote}」")
        for kind, items in f.lists:
            where = items[0].locator
            numbered = "".join(f"{n}.「{c.quote}」" for n, c in enumerate(items, start=1))
            verb = "是" if kind == MEASURES else "有"
            pieces.append(f"{lead}（{where}），{LIST_NAMES.get(kind, '')}{verb}：{numbered}")
        cites += f.cites + [c for _, items in f.lists for c in items]
    cites = list({(c.report_id, c.quote): c for c in cites}.values())
    confidence = round(min(f.confidence for f in chosen), 3)
    if across and len(chosen) > 1:
        bodies = "、".join(dict.fromkeys(f.source.body for f in chosen))
        latest = "（各机关据写明此项的最近一份报告）" if said_year else ""
        pieces.insert(0, f"共有{len({f.source.body for f in chosen})}个机关的报告写到{latest}：{bodies}。")
    text = "".join(pieces) + _relation(topic, cites, intent)
    return Answer("answered", text, tuple(cites), confidence=confidence)


def _which(sources: Sequence[Source]) -> str:
    """「平潭综合实验区2023年、2024年的报告」; across many bodies, how many reports were read."""
    if not sources:
        return "语料中的报告"
    bodies = list(dict.fromkeys(s.body for s in sources))
    if len(bodies) > 3:
        return f"语料中的{len(sources)}份报告（{len(bodies)}个机关）"
    return "、".join(b + "、".join(f"{s.year}年" for s in sources if s.body == b) for b in bodies) + "的报告"


# --- facts about the report itself ----------------------------------------------------------


def _facts(topic: str, sources: Sequence[Source]) -> Answer | None:
    """The date of publication or the title, from the first report (nearest year) that has it."""
    if ASKS_DATE.search(topic):
        for src in sources:
            line = date_line(src.text)
            if line is not None:
                cite = _cite(src, line.start, line.line)
                text = f"{src.body}{src.year}年报告的落款日期（发布日期）是{line.date}：「{line.line}」。"
                return Answer("answered", text, (cite,), confidence=1.0)
            if src.published:  # no date line in the text: the page's 发布时间
                cite = Citation(src.source, src.body, src.year, "网页发布时间", src.published, src.report_id)
                text = f"{src.body}{src.year}年报告的发布日期是{src.published}（据报告所在网页的发布时间）。"
                return Answer("answered", text, (cite,), confidence=0.9)
        return Answer("not_found", f"{_which(sources)}正文没有写明发布日期。", confidence=0.0)
    if ASKS_TITLE.search(topic) and sources:
        src = sources[0]
        title = src.title or src.text.strip().split("\n", 1)[0]
        at = src.text.find(title)
        cite = _cite(src, max(at, 0), title)
        return Answer("answered", f"{src.body}{src.year}年报告的标题是《{title}》。", (cite,), confidence=1.0)
    return None


def _relation(topic: str, cites: Sequence[Citation], intent: str) -> str:
    """多了多少条: the counted numbers of two years' sentences, compared in code."""
    unit_match = _UNIT.search(topic)
    years = sorted({c.year for c in cites if c.year})
    if intent not in ("diff", "compare", "sum") or not unit_match or len(years) != 2:
        return ""
    unit = unit_match.group(1) or unit_match.group(2)
    values = []
    for year in years:
        numbers = [n for c in cites if c.year == year for n in _counted(topic, c.quote, unit)]
        if not numbers:
            return ""
        values.append(max(numbers)[1])
    a, b = values
    n = compose.number
    if intent == "sum":
        return f"两年合计{n(a + b)}{unit}。"
    more, less = (years[1], years[0]) if b >= a else (years[0], years[1])
    return f"{more}年比{less}年多{n(abs(b - a))}{unit}（{n(max(a, b))}－{n(min(a, b))}）。"


def _counted(topic: str, quote: str, unit: str) -> list[tuple[int, float]]:
    """(words shared with the question, number) for each count in this unit in a quote, by clause:
    「发布信息2428条，公开常务会议7期，解读信息发布7条」 counts 信息…条 twice; the clause closer to
    the question wins, the first one on a tie."""
    wanted = bigrams(topic)
    out = []
    for order, clause in enumerate(re.split(r"[，,；;。、]", quote)):
        for n in re.findall(rf"(\d+(?:\.\d+)?)\s*{unit}", clause):
            out.append((len(wanted & bigrams(clause)) * 1000 - order, float(n)))
    return out


def hits_of(results: Sequence[object]) -> list[Hit]:
    """Search index hits (``retrieval.hybrid.Hit``) with a span, as the quoting step reads them."""
    out = []
    for h in results:
        span = getattr(h, "span", None)
        if span:
            out.append(Hit(h.report_id, span[0], span[1], float(h.score)))  # type: ignore[attr-defined]
    return out

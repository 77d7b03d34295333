"""Problems, measures, plans: the items of the right subsection, each quoted once.

Section 五 of a report (存在的主要问题及改进情况) holds this year's problems and the measures
taken or planned, and often last year's 整改 too. Which block answers is decided by the
headings: a subsection whose heading says 问题/不足/差距 holds problems; one that says
改进/整改/措施 holds measures — unless its heading names an earlier year than the report's
(（一）2022年问题整改情况 in a 2023 report is last year's). A section 五 without subsections is cut
where its text turns from problems to measures (下一步…, 针对存在问题…, 将采取以下措施).

A block is cut into items at its list markers (一是…二是…, （一）…（二）…, 1.…2.…); a block
without markers into its sentences. Each item is an exact span of the report's text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.model import Section
from nianbao.retrieval.passages import quote_of, sentence_spans, unwrap

PROBLEMS = "problems"
MEASURES = "measures"

_ASKS_PROBLEMS = re.compile(r"问题|不足|差距|短板|薄弱|困难|欠缺")
_ASKS_MEASURES = re.compile(r"措施|改进|整改|怎么解决|如何解决|怎样解决|打算|下一步|计划|举措|怎么办|如何改")
_HEADS_PROBLEMS = re.compile(r"问题|不足|差距|短板")
_HEADS_MEASURES = re.compile(r"改进|整改|措施|打算|计划|下一步|努力方向|工作安排|举措")
_SECTION_FIVE = re.compile(r"问题|不足|改进|整改")
#: Where a section's text turns from its problems to its measures.
_TURN = re.compile(
    r"下一步|今后|将采取|采取以下|以下措施|改进措施|整改措施|改进方向|针对(?:存在|上述|以上|这些)的?(?:问题|不足)"
)
_MARKER = re.compile(
    r"(?:(?<=^)|(?<=[。；;：:\s\u2060]))"
    r"(?:[一二三四五六七八九十]是|[一二三四五六七八九十][、.．]|[（(][一二三四五六七八九十\d]{1,2}[）)]|\d{1,2}[、.．](?!\d)"
    r"|(?<=[：:])[一二三四五六七八九十](?=[\u4e00-\u9fff]))"
    r"|(?<=[，,])[二三四五六七八九十]是"
)
_YEAR = re.compile(r"(20\d{2})\s*年")


def kinds_asked(question: str) -> list[str]:
    """Which lists a question asks for: problems, measures, or both (in the order asked).

    A question about how a problem is solved (怎么解决…问题) asks for measures only.
    """
    measures = _ASKS_MEASURES.search(question)
    problems = _ASKS_PROBLEMS.search(question)
    if measures and problems:
        solving = re.search(r"怎么|如何|怎样|打算|解决", question)
        if solving:
            return [MEASURES]
        return [PROBLEMS, MEASURES] if problems.start() < measures.start() else [MEASURES, PROBLEMS]
    if problems and re.search(r"哪些|什么|有何|存在|主要|哪几|何种|不足|差距|短板", question):
        return [PROBLEMS]
    if measures and re.search(r"哪些|什么|怎么|如何|怎样|有何|打算|下一步|计划", question):
        return [MEASURES]
    return []


@dataclass(frozen=True)
class Item:
    """One item of a list: its span in the report's text, the quote, its section path."""

    start: int
    end: int
    quote: str
    section: tuple[str, ...]


def list_items(kind: str, text: str, sections: Sequence[Section], year: int | None) -> list[Item]:
    """The items of the block of this kind in a report; [] when the report has no such block."""
    block = _block(kind, text, sections, year)
    if block is None:
        return []
    path, start, end = block
    return [Item(s, e, quote_of(text, s, e), path) for s, e in items_of(text, start, end)]


def _block(kind: str, text: str, sections: Sequence[Section], year: int | None):  # noqa: ANN202
    """(path, start, end) of the subsection (or the part of section 五) holding this kind."""
    heads = _HEADS_PROBLEMS if kind == PROBLEMS else _HEADS_MEASURES
    other = _HEADS_MEASURES if kind == PROBLEMS else None
    subs = []
    for path, start, end in _subsections(text, sections):
        title = path[-1]
        if not heads.search(title) or (other is not None and other.search(title)):
            continue
        earlier = [int(y) for y in _YEAR.findall(title) if year and int(y) < year]
        subs.append((bool(earlier), not _SECTION_FIVE.search(path[0]), start, path, end))
    if subs:
        _, _, start, path, end = min(subs)
        return path, start, _before_next_top(text, start, end)
    top = _section_five(sections)
    if top is None:
        return None
    start = _past_heading(text, top)
    inner = [s for _, s, _ in _subsections(text, [top, *[s for s in sections if s.path[0] == top.path[0]]])]
    end = _before_next_top(text, start, top.end)
    if kind == PROBLEMS and inner:
        end = min(end, *inner)
    turn = _TURN.search(text, start, end if kind == PROBLEMS else top.end)
    if turn is not None:
        cut = _sentence_start(text, start, turn.start())
        if kind == PROBLEMS and cut > start:
            end = min(end, cut)
        elif kind == MEASURES:
            start = cut
    return top.path, start, end


def _section_five(sections: Sequence[Section]) -> Section | None:
    return next((s for s in sections if len(s.path) == 1 and _SECTION_FIVE.search(s.path[0])), None)


#: A heading on a line of its own inside a section: （一）2022年问题整改情况
_INLINE_HEADING = re.compile(r"(?m)^[ \t\u3000]*[（(][一二三四五六七八九十][）)][^\n。；]{1,30}$")
#: Where the section after 五 begins, when the section splitter did not see it.
_NEXT_TOP = re.compile(r"\n\s*[一二三四五六七八九十]+\s*[、.．]\s*其他")


def _subsections(text: str, sections: Sequence[Section]) -> list[tuple[tuple[str, ...], int, int]]:
    """(path, body start, end) of the subsections as stored, and of those on a line of their own
    inside a top-level section that has none stored (a heading the splitter did not read)."""
    out = [(s.path, _past_heading(text, s), s.end) for s in sections if len(s.path) >= 2]
    with_subs = {s.path[0] for s in sections if len(s.path) >= 2}
    for top in sections:
        if len(top.path) != 1 or top.path[0] in with_subs:
            continue
        found = list(_INLINE_HEADING.finditer(text, top.start, top.end))
        for i, m in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else top.end
            title = m.group(0).strip()
            out.append(((top.path[0], title), m.end(), end))
    return out


def _before_next_top(text: str, start: int, end: int) -> int:
    nxt = _NEXT_TOP.search(text, start, end)
    return nxt.start() if nxt else end


def _past_heading(text: str, section: Section) -> int:
    s = section.start
    title = section.path[-1]
    while s < section.end and text[s].isspace():
        s += 1
    if text.startswith(title, s):
        s += len(title)
    while s < section.end and text[s] in " \t\n\u3000。：:．.、":
        s += 1
    return s


def _sentence_start(text: str, lo: int, at: int) -> int:
    """The start of the sentence holding offset ``at`` (not before ``lo``)."""
    i = at
    while i > lo and text[i - 1] not in "。！？；\n":
        i -= 1
    return i


def items_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A block cut at its list markers; a lead-in that only introduces them (…如下：) is dropped.
    Without markers, the block's sentences."""
    joined = unwrap(text)
    marks = [m.start() for m in _MARKER.finditer(joined, start, end)]
    if len(marks) < 2:
        return sentence_spans(joined, start, end)
    bounds = [*marks, end]
    spans = sentence_spans(joined, start, marks[0])
    spans = [(s, e) for s, e in spans if joined[e - 1] not in "：:"]
    spans += [_trim(joined, s, e) for s, e in zip(bounds, bounds[1:], strict=False)]
    return [(s, e) for s, e in spans if e - s >= 4]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == "\u2060"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "\u2060；;，,"):
        end -= 1
    return start, end

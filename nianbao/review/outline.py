"""A report's six standard parts (一、总体情况 … 六、其他需要报告的事项), found by their headings.

The national format prints six numbered parts. Ingest splits the text into sections only while
the numerals run 一, 二, 三 … in order (``ingest/sections.py``); here a heading that breaks the
run is read too (an extraction that lost 五 still has its 六), and each heading is matched to
the part its words name (存在的主要问题及整改措施 is part 五 as much as …及改进情况 is), so a part
that is missing, misnumbered or out of place can be named, and two years' parts lined up.

>>> [p.number for p in parts(text, sections)]
[1, 2, 3, 4, 5, 6]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.model import Section

#: The six parts' titles as the national format prints them, part 1 first.
STANDARD = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)
NUMERALS = "一二三四五六七八九十"

#: What a heading's words must say to be one of the parts, the most specific first (因政府信息公开
#: 申请行政复议 is part 四, not part 三).
_NAMES: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (number, re.compile(pattern))
    for number, pattern in (
        (4, r"复议|诉讼"),
        (5, r"问题|不足"),
        (6, r"其他需要报告|其他事项"),
        (2, r"主动公开"),
        (3, r"申请"),
        (1, r"总体情况|概述|概况|基本情况"),
    )
)
#: A numbered heading at the start of a line: 五、其他需要报告的事项.
_LINE_HEADING = re.compile(
    r"(?m)^[ \t\u3000]*(?P<numeral>[一二三四五六七八九十])\s*[、.．]\s*(?P<title>[^\n。]{2,30})"
)


@dataclass(frozen=True)
class Part:
    """A standard part as the report prints it: which part its heading names (1–6), the
    heading as written, and its span [start, end) in the report's text (to the next heading)."""

    number: int
    heading: str
    start: int
    end: int

    @property
    def numeral(self) -> str:
        """The numeral the heading carries (五), which may not be the part's own."""
        return self.heading[:1]

    @property
    def in_place(self) -> bool:
        """The heading carries the part's own numeral (part 五 headed 五、…)."""
        return self.numeral == NUMERALS[self.number - 1]

    def content(self, text: str) -> str:
        """The part's text without its heading line."""
        body = text[self.start : self.end]
        line, newline, rest = body.partition("\n")
        if newline and len(line.strip()) <= 40:  # the heading on a line of its own
            return rest.strip()
        return body[len(self.heading) :].strip()


def part_of(heading: str) -> int:
    """Which standard part a heading's words name (1–6); 0 for none (二、工作机制保障)."""
    title = re.sub(rf"^[{NUMERALS}]\s*[、.．]\s*", "", heading)
    return next((number for number, pattern in _NAMES if pattern.search(title)), 0)


def parts(text: str, sections: Sequence[Section]) -> list[Part]:
    """The standard parts a report has, in text order (each part once: its first heading).

    The headings are the top sections ingest found, and any numbered heading at the start of a
    line that names a part they lack."""
    heads = {s.start: s.path[0] for s in sections if len(s.path) == 1 and s.path[0] != "前言"}
    named = {part_of(h) for h in heads.values()}
    for match in _LINE_HEADING.finditer(text):
        heading = f"{match['numeral']}、{match['title'].strip()}"
        if part_of(heading) not in named and match.start("numeral") not in heads:
            heads[match.start("numeral")] = heading
            named.add(part_of(heading))
    starts = sorted(heads)
    out: list[Part] = []
    seen: set[int] = set()
    for i, start in enumerate(starts):
        number = part_of(heads[start])
        if number and number not in seen:
            seen.add(number)
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            out.append(Part(number, heads[start], start, end))
    return out


def part_named(found: Sequence[Part], number: int) -> Part | None:
    """The part with this number, if the report has it."""
    return next((p for p in found if p.number == number), None)

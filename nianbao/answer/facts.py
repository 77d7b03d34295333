"""Facts about a report itself: its title, body and year, and the date it was published.

The date of publication is the report's date line: a date standing alone on a line (or after
the body's name, as a signature) at the end of the report, or a 发布日期 line at the top. Dates
that bound the statistics period (自2023年1月1日起至12月31日止) are not it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ASKS_DATE = re.compile(
    r"发布时间|发布日期|哪天发布|何时发布|什么时候发布|几月几[日号]发布|落款|成文日期|印发日期|发布于"
)
ASKS_TITLE = re.compile(r"标题|题目|全称|报告.{0,4}(?:名称|名字)")

_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?!\d)"
)
_PERIOD = re.compile(r"(?:自|从|至|到|起|期限|时限|截至|截止)\s*$")
_PERIOD_AFTER = re.compile(r"^\s*(?:起|止|至|到|－|-|—)")


@dataclass(frozen=True)
class DateLine:
    """The report's date of publication: the line that states it and where it sits."""

    start: int
    end: int
    line: str
    date: str


def date_line(text: str) -> DateLine | None:
    """The report's date line, or None when the text does not state a date of publication."""
    candidates = []
    for match in _DATE.finditer(text):
        before = text[max(0, match.start() - 8) : match.start()]
        after = text[match.end() : match.end() + 3]
        if _PERIOD.search(before) or _PERIOD_AFTER.match(after):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end].strip()
        labelled = re.search(r"发布|日期|时间", text[line_start : match.start()]) is not None
        alone = len(line) <= len(match.group(0)) + 2
        at_end = match.end() >= len(text.rstrip()) - 40
        if labelled or alone or (at_end and len(line) <= 40):
            candidates.append((labelled, at_end, match, line_start, line_end, line))
    if not candidates:
        return None
    _, _, match, lo, hi, line = candidates[-1]
    lo += len(text[lo:hi]) - len(text[lo:hi].lstrip())
    return DateLine(lo, lo + len(line), line, match.group(0))

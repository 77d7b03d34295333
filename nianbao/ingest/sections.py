"""The section tree of a report: preamble, 一…六 and their （一）… subsections, as spans."""

from __future__ import annotations

import re

from nianbao.model import Section

_NUMERALS = "一二三四五六七八九十"
_TOP = re.compile(r"(?:^|(?<=[\n。\s]))([一二三四五六七八九十])\s*[、.．]\s*(?=[\u4e00-\u9fff])")
_SUB = re.compile(r"(?:^|(?<=[\n。\s：:]))[（(]([一二三四五六七八九十])[）)]\s*(?=[\u4e00-\u9fff])")
_TITLE_END = re.compile(r"[。：:；，\n]|(?:(?<=方面)|(?<=情况))(?=[\u4e00-\u9fff])")
_KNOWN_TITLES = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)


def _heading_title(text: str, start: int) -> str:
    """The heading's words: up to the line end or the first stop, at most 24 characters."""
    window = text[start : start + 40]
    for known in _KNOWN_TITLES:
        if window.startswith(known):
            return known
    end = _TITLE_END.search(window)
    title = window[: end.start()] if end else window
    return title[:24].strip()


def _headings(text: str, pattern: re.Pattern[str], lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Headings in [lo, hi) whose numerals run 一, 二, 三 … in order; (start, body start, label)."""
    found: list[tuple[int, int, str]] = []
    expected = 0
    for match in pattern.finditer(text, lo, hi):
        index = _NUMERALS.index(match.group(1))
        if index != expected:
            continue
        marker = match.group(0).strip()
        found.append((match.start(), match.end(), marker + _heading_title(text, match.end())))
        expected += 1
    return found


def split_sections(text: str) -> tuple[Section, ...]:
    """A flat list of sections.

    ``("前言",)``, ``("一、总体情况",)``, ``("一、总体情况", "（一）主动公开")``.
    """
    tops = _headings(text, _TOP, 0, len(text))
    sections: list[Section] = []
    first = tops[0][0] if tops else len(text)
    if text[:first].strip():
        sections.append(Section(("前言",), 0, first))
    for i, (start, body, label) in enumerate(tops):
        end = tops[i + 1][0] if i + 1 < len(tops) else len(text)
        sections.append(Section((label,), start, end))
        subs = _headings(text, _SUB, body, end)
        for j, (sub_start, _, sub_label) in enumerate(subs):
            sub_end = subs[j + 1][0] if j + 1 < len(subs) else end
            sections.append(Section((label, sub_label), sub_start, sub_end))
    return tuple(sections)


def section_at(sections: tuple[Section, ...], offset: int) -> tuple[str, ...]:
    """The deepest section path containing a character offset."""
    best: tuple[str, ...] = ()
    for section in sections:
        if section.start <= offset < section.end and len(section.path) >= len(best):
            best = section.path
    return best

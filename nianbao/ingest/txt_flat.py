"""Web text that flattened a whole report page into one line (the 平潭 crawler copies).

The body runs headings, narrative and tables together: ``…工作要求。二、主动公开政府信息情况第二
十条第（一）项信息内容本年制发件数…规章000行政规范性文件77132470第二十条…``. We cut it at the
section headings (一、总体情况 … 六、其他需要报告的事项) and, in the narrative, before （一）（二）…
subheadings. The stretch after 二、三、四 becomes a ``Table(flat=True)`` when it starts like the
standard table (第二十条…, （本列数据…/申请人情况, 行政复议…); each row is ``(label, digits)``.

Digit strings keep their written spaces and minus signs. A digit run followed by ``.`` and a
non-digit ends with the next label's number: ``00000002.其他法律`` is ``0000000`` and the label
``2.其他法律…``. Header text glued before a row label (``第二十条第（五）项信息内容本年处理决定数量
行政许可``) becomes a row of its own with empty digits, so the row label is ``行政许可``; table 4's
header stays the label of its single row of fifteen numbers. Labels lose their whitespace.

A row the report left blank leaves no digits, so its label runs into the next one
(``2.其他法律行政法规禁止公开3.危及“三安全一稳定”4.保护第三方合法权益5``): table 3's labels are
cut at their row markers (一、 （一） 1.), each blank row becoming a row with empty digits, and a
group label (（三）不予公开) stays with the sub-row it heads.
"""

from __future__ import annotations

import re

from nianbao.model import Block, Paragraph, Table

_HEADINGS = (
    re.compile(r"一、(?:总体情况|概述)"),
    re.compile(r"二、主动公开政府信息(?:情况)?"),
    re.compile(r"三、(?:收到和处理政府信息公开申请情况|政府信息依申请公开[^。，、]{0,6}?情况)"),
    re.compile(r"四、[^、。，]{0,14}?行政法?复议、[^。，、]{0,4}?行政诉讼的?情况"),
    re.compile(r"五、[^。，、]{0,14}?问题[^。，、]{0,4}?(?:改进|整改)(?:情况|措施)"),
    re.compile(r"六、(?:其他需要报告的事项|政府信息公开情况统计表)"),
)
_TABLE_STARTS = {
    1: ("t2", re.compile(r"\s*第[一二三四五六七八九十]+条")),
    2: ("t3", re.compile(r"\s*(?:[（(]本列数据|申请人情况)")),
    3: ("t4", re.compile(r"\s*行政复议")),
}
_SUBHEADING = re.compile(r"(?:(?<=[。；！？：:\s])|^)(?=[（(][一二三四五六七八九十]+[）)])")
_RUN = re.compile(r"-?\d(?:[\d ]|\.(?=\d)|-(?=\d))*元?")
_HEADER_WORDS = {
    "t2": r"第[一二三四五六七八九十]+条第[（(][一二三四五六七八九十]+[）)]项|信息内容|本年制发件数"
    r"|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额[（(]单位[：:]?万元[）)]|本年新制作数量|本年新公开数量"
    r"|对外公开总数量|上一年项目数量|本年增/减|处理决定数量|采购项目数量|采购总金额",
    "t3": r"[（(]本列数据[^）)]*[）)]|申请人情况|自然人|法人或其他组织|总计|商业企业|科研机构|社会公益组织"
    r"|法律服务机构|其他",
    "t4": r"行政复议|行政诉讼|结果维持|结果纠正|其他结果|尚未审结|总计|未经复议直接起诉|复议后起诉",
}


def has_flat_tables(text: str) -> bool:
    """True when ``text`` holds a standard table run into one line (二、…第二十条… and so on)."""
    for index, (_, start) in _TABLE_STARTS.items():
        for match in _HEADINGS[index].finditer(text):
            if start.match(text, match.end()):
                return True
    return False


def read_flat(text: str) -> list[Block]:
    """Paragraphs cut at headings, and a flat Table after each table heading."""
    blocks: list[Block] = []
    headings = _find_headings(text)
    if not headings:  # a long line without section headings is narrative only
        return _narrative(text)
    ends = [start for _, start, _ in headings[1:]] + [len(text)]
    blocks.extend(_narrative(text[: headings[0][1]]))
    for (index, start, end), stop in zip(headings, ends, strict=True):
        blocks.append(Paragraph(text[start:end].strip()))
        body = text[end:stop]
        kind, table_start = _TABLE_STARTS.get(index, (None, None))
        if kind and table_start and table_start.match(body):
            rows = flat_rows(body, kind)
            if rows:
                blocks.append(Table(rows=tuple(rows), flat=True))
                continue
        blocks.extend(_narrative(body))
    return blocks


def _find_headings(text: str) -> list[tuple[int, int, int]]:
    """(heading index 0–5, start, end) of the section headings, in order, each at most once."""
    found: list[tuple[int, int, int]] = []
    position = 0
    for index, pattern in enumerate(_HEADINGS):
        match = pattern.search(text, position)
        if match:
            found.append((index, match.start(), match.end()))
            position = match.end()
    return found


def _narrative(text: str) -> list[Block]:
    parts = (part.strip() for part in _SUBHEADING.split(text))
    return [Paragraph(part) for part in parts if part]


def flat_rows(text: str, kind: str) -> list[tuple[str, str]]:
    """``(label, digits)`` pairs of a flat table's text (see the module docstring)."""
    rows: list[tuple[str, str]] = []
    label_start = 0
    for match in _RUN.finditer(text):
        digits = match.group().strip()
        next_label = match.end()
        following = text[match.end() : match.end() + 1]
        if following in (".", "．", "、") and digits[-1:].isdigit():
            next_label = match.start() + len(match.group().rstrip()) - 1
            digits = digits[:-1].strip()  # "00000002.其他法律": the 2 numbers the next label
        if not digits:
            continue  # "1.属于国家秘密": the digit only numbers the label
        label = re.sub(r"\s+", "", text[label_start : match.start()])
        if kind == "t3":
            *blank, label = split_t3_labels(label)
            rows.extend((piece, "") for piece in blank)
        rows.extend(_split_header(label, digits, kind))
        label_start = next_label
    return rows


_ROW_MARKER = re.compile(r"(?=[一二三四]、|[（(][一二三四五六七][）)]|(?<![\d.．])\d{1,2}[.．、](?!\d))")
_MARKED = re.compile(r"^(?:[一二三四]、|[（(][一二三四五六七][）)]|\d{1,2}[.．、](?!\d))")
_FIRST_SUBROW = re.compile(r"^(?:1[.．、]|[（(]一[）)])")


def split_t3_labels(label: str) -> list[str]:
    """Table 3 labels run together, cut at their row markers; a group label that heads the next
    piece (（三）不予公开 before 1.…, 三、本年度办理结果 before （一）…) stays with it.

    >>> split_t3_labels("（三）不予公开1.属于国家秘密")
    ['（三）不予公开1.属于国家秘密']
    >>> split_t3_labels("2.其他法律行政法规禁止公开3.危及“三安全一稳定”")
    ['2.其他法律行政法规禁止公开', '3.危及“三安全一稳定”']
    """
    pieces = [p for p in _ROW_MARKER.split(label) if p]
    out: list[str] = []
    carry = ""
    for i, piece in enumerate(pieces):
        following = pieces[i + 1] if i + 1 < len(pieces) else None
        heads = following is not None and (
            _FIRST_SUBROW.match(following) is not None or not _MARKED.match(piece)
        )
        carry += piece
        if not heads:
            out.append(carry)
            carry = ""
    return out


def _split_header(label: str, digits: str, kind: str) -> list[tuple[str, str]]:
    """Header text glued before a row label becomes a row of its own with empty digits."""
    header = re.match(rf"(?:{_HEADER_WORDS[kind]})+", label)
    if not header or header.end() == len(label):
        return [(label, digits)]
    return [(header.group(), ""), (label[header.end() :], digits)]

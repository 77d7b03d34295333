"""Tables in plain text: one cell a line (text taken from a .docx) and markdown (PDF/OCR output).

Both give ``Table`` grids whose data rows read ``[label cells…, value cells…]``, so a mapper can
take the row label from the last non-numeric cell and the values from the trailing run of
numbers and blanks (see ``ingest/tables.py``).

*One cell a line* (the seed report): each cell is a line starting with a TAB, an empty line ends a
row, a line holding only a TAB is an empty cell (the continuation of a merged cell), and a line
without the TAB between two cell lines continues the cell before it (a wrapped label). Empty
cells at the start of a row are filled from the row above, as merged cells are in a grid.

*Markdown* converted from PDF is partly garbled; see ``MarkdownReader`` for what is repaired.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.ingest.labels import t2_row_key, t3_row_key
from nianbao.ingest.values import clean, is_value_text, parse_value
from nianbao.keys import T3_OTHER_SUBROWS, T3_ROWS
from nianbao.model import Block, Paragraph, Table

# --- one cell a line -------------------------------------------------------------------------


def is_cell_line(line: str) -> bool:
    """A line of the one-cell-a-line form: a TAB, then one cell (a line with more TABs is a row
    of tab-separated cells)."""
    return line.startswith("\t") and "\t" not in line[1:]


def cell_region_end(lines: Sequence[str], start: int) -> int:
    """The end (exclusive) of the one-cell-a-line region starting at ``lines[start]``."""
    end = start
    i = start
    while i < len(lines):
        line = lines[i]
        if is_cell_line(line):
            end = i + 1
        elif line.strip():
            after = i + 1 < len(lines) and is_cell_line(lines[i + 1])
            if not (i > 0 and is_cell_line(lines[i - 1]) and after):  # not a wrapped cell: the end
                break
        i += 1
    return end


def read_cell_region(lines: Sequence[str]) -> Table:
    """A grid from lines of TAB-led cells; empty lines separate rows."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if is_cell_line(line):
            current.append(line.strip())
        elif line.strip() and current:
            current[-1] += line.strip()  # a wrapped label: "5.要求行政机关确认或重新" + "出具已获取信息"
        elif current:
            rows.append(current)
            current = []
    if current:
        rows.append(current)
    return Table(rows=tuple(_trim_header(row) for row in fill_merged_labels(rows)))


def _trim_header(row: Sequence[str]) -> tuple[str, ...]:
    """A header row (no numbers) loses its trailing empty cells (merged header cells), so that
    no header word such as 其他 looks like a row label with a blank value. A row left blank in
    the report keeps them: its label names a row (see ``is_blank_row``)."""
    cells = list(row)
    if not _has_number(cells) and not is_blank_row(cells):
        while cells and not clean(cells[-1]):
            cells.pop()
    return tuple(cells)


#: Header words that are also row words (（六）3.其他, （七）总计): alone, they are a column.
_COLUMN_WORDS = frozenset({"其他", "其它", "总计", "合计"})


def is_blank_row(cells: Sequence[str]) -> bool:
    """A table row whose value cells the report left all blank: one to three label cells, the
    last naming a row of table 2 or 3, then empty cells only."""
    texts = [c for c in cells if clean(c)]
    if not texts or len(texts) > 3 or not all(not is_value_text(c) for c in texts):
        return False
    last = max(i for i, c in enumerate(cells) if clean(c))
    if last == len(cells) - 1:
        return False
    label = clean(cells[last])
    if label in _COLUMN_WORDS:
        return False
    return t3_row_key(label) is not None or t2_row_key(label) is not None


def fill_merged_labels(rows: list[list[str]]) -> list[list[str]]:
    """Give the leading empty cells of a row the label above them (vertically merged cells)."""
    filled: list[list[str]] = []
    for row in rows:
        row = list(row)
        above = filled[-1] if filled else []
        for i, text in enumerate(row):
            if text:
                break
            if i < len(above) and above[i] and not is_value_text(above[i]):
                row[i] = above[i]
        filled.append(row)
    return filled


# --- markdown ----------------------------------------------------------------------------------

_NUMERAL_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_TOPICS = (
    ("t2", re.compile(r"主动公开政府信息情况")),
    ("t3", re.compile(r"收到和处理政府信息公开申请")),
    ("t4", re.compile(r"行政复议.{0,6}行政诉讼")),
)
_SECTION_WORDS = re.compile(r"总体情况|存在的?主要问题|存在问题|改进情况|其他需要报告|需要报告的事项")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
_CONVERTER_HEADING = re.compile(r"^#+\s*表[一二三四]")
_NUMBER = r"-?\d+(?:\.\d+)?"
_PLAIN_ROW = re.compile(  # "行政许可 97": a short label, then numbers only
    rf"^(?P<label>[^|，。；：]{{0,20}}[\u4e00-\u9fff）)])\s+(?P<values>{_NUMBER}(?:\s+{_NUMBER})*)$"
)
_BARE_NUMBER = re.compile(rf"^{_NUMBER}$")
_ANNOTATION = re.compile(r"^[（(][^（()）]*(?:其中|含|件)[^（()）]*[）)]$")
_ROW_MARKER = re.compile(r"\d+\s*[.．、](?=\D)")
_GROUP_MARKER = re.compile(r"[（(][一二三四五六七八九十]+[）)]")
_NUMBERED = re.compile(r"^(?:\d+\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")
_VALUE_WIDTH = {"t2": 3, "t3": 7, "t4": 15}
_T4_GROUPS = (
    ("suit_after_review", re.compile(r"复议后")),
    ("suit_direct", re.compile(r"未经复议|直接起诉")),
    ("review", re.compile(r"行政复议")),
)
#: Table 3 rows in the national order: 25 rows, or 23 where （六）其他处理 is a single row.
_T3_ORDER = tuple(key for key in T3_ROWS if key != "other_total")
_T3_ORDER_COLLAPSED = tuple(key for key in T3_ROWS if key not in T3_OTHER_SUBROWS)


def table_topic(line: str) -> str | None:
    """``t2``/``t3``/``t4`` when ``line`` is the section heading above that table."""
    if not _NUMERAL_HEADING.match(line) or len(line) > 40:
        return None
    return next((kind for kind, words in _TOPICS if words.search(line)), None)


def is_section_heading(line: str) -> bool:
    """A numbered heading of a narrative section (一、总体情况, 五、…存在的主要问题…)."""
    return bool(_NUMERAL_HEADING.match(line)) and len(line) <= 40 and bool(_SECTION_WORDS.search(line))


def is_markdown_row(line: str) -> bool:
    """A markdown table row, not its ``|---|`` separator."""
    return line.startswith("|") and not _SEPARATOR.match(line)


def markdown_noise(line: str) -> bool:
    """Lines the converter added: ``|---|`` separators and repeated ``## 表二：…`` headers."""
    return bool(_SEPARATOR.match(line) or _CONVERTER_HEADING.match(line))


def _has_number(cells: Sequence[str]) -> bool:
    return any(parse_value(c).value is not None for c in cells if is_value_text(c))


@dataclass
class _Item:
    """A row of the region, or a line of text waiting to become a label, a note or a row."""

    cells: list[str]
    is_row: bool
    used: bool = False

    @property
    def text(self) -> str:
        return self.cells[0]


class MarkdownRegion:
    """The markdown rows and stray lines of one table section (二/三/四).

    Repairs, each a pattern seen in the corpus: a label printed on lines just before a label-less
    row is attached to it (only when it names at most one row, so a jumble of several labels is
    never pinned on the wrong row); ``22`` + ``（其中修订 16 件）`` lines rejoin the cell ``22`` of
    a later row; ``行政许可 0`` lines become rows; a label cell that continues the one before
    (``缴纳费用、`` | ``行政机关不再处理其政``) is joined; padding blanks after the last column
    are dropped; table 3 rows that lost their label take it from the national row order when
    their place leaves no doubt (see ``_label_rows_by_order``); table 4 given as three
    five-cell mini-tables becomes one row of fifteen under a row naming the three groups.
    Nothing is invented: a value the text lost stays lost.
    """

    def __init__(self, kind: str | None) -> None:
        self.kind = kind
        self.items: list[_Item] = []

    def add_row(self, line: str) -> None:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        label_less = all(is_value_text(c) for c in cells) and _has_number(cells)
        if label_less and (self.kind != "t4" or len(cells) == 5):
            label = self._take_label()
            if label:
                cells = [label, *cells]
        cells = self._attach_notes(_join_wrapped_labels(cells))
        self.items.append(_Item(list(_trim_header(self._trim(cells))), is_row=True))

    def add_text(self, line: str) -> None:
        plain = _PLAIN_ROW.match(line)
        if plain:
            self.items.append(_Item([plain["label"].strip(), *plain["values"].split()], is_row=True))
            return
        before = self.items[-1] if self.items else None
        if _ANNOTATION.match(line) and before and not before.is_row and _BARE_NUMBER.match(before.text):
            before.cells = [before.text + line]  # "22" + "（其中修订 16 件）"
            return
        self.items.append(_Item([line], is_row=False))

    def blocks(self) -> list[Block]:
        """The Table, then the lines after its last row as Paragraphs.

        Unused lines between rows stay in the table as one-cell rows (header fragments, a note
        no cell took); in table 4 a stray number goes to the paragraphs instead, so that the
        fifteen figures are never joined by a sixteenth."""
        self._merge_t4_groups()
        self._label_rows_by_order()
        last = max((i for i, item in enumerate(self.items) if item.is_row), default=-1)
        rows: list[tuple[str, ...]] = []
        after: list[Block] = []
        for i, item in enumerate(self.items):
            if item.used:
                continue
            if item.is_row or (i < last and not (self.kind == "t4" and _is_number_text(item.text))):
                rows.append(tuple(item.cells))
            else:
                after.append(Paragraph(item.text))
        return ([Table(rows=tuple(rows))] if rows else []) + after

    def _take_label(self) -> str:
        """The lines just before a label-less row (header rows may stand between), if they
        name one row. Table 4 rows take a label only in five-cell mini-tables."""
        lines: list[_Item] = []
        for item in reversed(self.items):
            if item.used:
                continue
            if item.is_row:
                if _has_number(item.cells):
                    break
                continue
            if _is_number_text(item.text) or item.text.startswith("注") or item.text.endswith("。"):
                continue
            lines.insert(0, item)
        label = "".join(item.text for item in lines)
        if not label or len(_ROW_MARKER.findall(label)) > 1 or len(_GROUP_MARKER.findall(label)) > 1:
            return ""
        for item in lines:
            item.used = True
        return label

    def _attach_notes(self, cells: list[str]) -> list[str]:
        """Rejoin a cell with the note printed apart from it ("22" → "22（其中修订 16 件）")."""
        for item in self.items:
            if item.used or item.is_row or not _is_number_text(item.text) or _BARE_NUMBER.match(item.text):
                continue
            number = _BARE_NUMBER.match(item.text.split("（")[0].split("(")[0].strip())
            if number is None:
                continue
            for i, cell in enumerate(cells):
                if cell == number.group(0):
                    cells[i] = item.text
                    item.used = True
                    break
        return cells

    def _trim(self, cells: list[str]) -> list[str]:
        """Drop blank cells after the last column (the converter pads rows to its widest)."""
        width = _VALUE_WIDTH.get(self.kind or "", 0)
        while cells and not clean(cells[-1]) and _trailing_values(cells) > width:
            cells.pop()
        return cells

    def _merge_t4_groups(self) -> None:
        """Three labelled five-value rows 行政复议, 直接起诉, 复议后起诉 → one row of fifteen.

        The group labels become a row of their own above the table's rows (with the column
        header 结果维持… below it, that is what tells a mapper the table is table 4)."""
        if self.kind != "t4":
            return
        data = [item for item in self.items if item.is_row and _has_number(item.cells)]
        groups = [_t4_group(item.cells) for item in data]
        if len(data) != 3 or groups != ["review", "suit_direct", "suit_after_review"]:
            return
        if any(_trailing_values(item.cells) != 5 for item in data):
            return
        group_labels = ["".join(item.cells[:-5]) for item in data]
        data[-1].cells = [c for item in data for c in item.cells[-5:]]
        for item in data[:-1]:
            item.used = True
        first_row = next(i for i, item in enumerate(self.items) if item.is_row)
        self.items.insert(first_row, _Item(group_labels, is_row=True))

    def _label_rows_by_order(self) -> None:
        """Give a table 3 row without a recognisable label the label of its place in the
        national row order, when that place is certain.

        The rows with numbers are taken in order; those whose label names a row are anchors.
        Only a table with exactly as many rows as the national order, its anchors in that
        order, is considered. A run of rows without such a label (no label, or a fragment such
        as ``行政机关不再处理其政府信息公``) between two anchors is labelled only when it holds
        exactly as many rows as the national order has between those anchors; a run at either
        end or of any other length stays as it is. The label given is the canonical one
        (``keys.T3_ROWS``), after any fragment the row had.
        """
        if self.kind != "t3":
            return
        data = [item for item in self.items if item.is_row and not item.used and _has_number(item.cells)]
        keys = [t3_row_key(_row_label(item.cells)) for item in data]
        order = _T3_ORDER_COLLAPSED if "other_total" in keys else _T3_ORDER
        anchors = [(i, order.index(key)) for i, key in enumerate(keys) if key in order]
        places = [place for _, place in anchors]
        in_order = len(anchors) == sum(key is not None for key in keys) and places == sorted(set(places))
        if len(data) != len(order) or not in_order:
            return
        for (i, a), (j, b) in zip(anchors, anchors[1:], strict=False):
            if j - i > 1 and j - i == b - a:
                for item, key in zip(data[i + 1 : j], order[a + 1 : b], strict=True):
                    labels = len(item.cells) - _trailing_values(item.cells)
                    item.cells = [*item.cells[:labels], T3_ROWS[key], *item.cells[labels:]]


def _is_number_text(text: str) -> bool:
    """A bare number or a number with its note: ``22``, ``55（含自然失效 29 件）``."""
    return is_value_text(text) and parse_value(text).value is not None


def _trailing_values(cells: Sequence[str]) -> int:
    count = 0
    for cell in reversed(cells):
        if not is_value_text(cell):
            break
        count += 1
    return count


def _join_wrapped_labels(cells: list[str]) -> list[str]:
    """``缴纳费用、`` | ``行政机关不再处理其政`` → one label: the second continues a sentence."""
    labels = len(cells) - _trailing_values(cells)
    if labels >= 2:
        first, second = cells[labels - 2], cells[labels - 1]
        if first.endswith(("、", "，")) and not _NUMBERED.match(second):
            return [*cells[: labels - 2], first + second, *cells[labels:]]
    return cells


def _row_label(cells: Sequence[str]) -> str:
    """The most specific label of a row: its last non-empty cell before the values."""
    labels = cells[: len(cells) - _trailing_values(cells)]
    return next((text for text in reversed(labels) if clean(text)), "")


def _t4_group(cells: Sequence[str]) -> str | None:
    label = "".join(cells[: len(cells) - _trailing_values(cells)])
    return next((key for key, words in _T4_GROUPS if words.search(label)), None)


def read_markdown(lines: Sequence[str]) -> list[Block]:
    """Paragraphs and one Table per table section from markdown-converted text."""
    blocks: list[Block] = []
    region: MarkdownRegion | None = None
    for raw in lines:
        line = raw.strip()
        if not line or markdown_noise(line):
            continue
        plain = re.sub(r"^#+\s*", "", line)
        topic = table_topic(plain)
        if topic or is_section_heading(plain):
            if region:
                blocks.extend(region.blocks())
            region = MarkdownRegion(topic) if topic else None
            blocks.append(Paragraph(plain))
        elif is_markdown_row(line):
            region = region or MarkdownRegion(None)
            region.add_row(line)
        elif region:
            region.add_text(plain)
        else:
            blocks.append(Paragraph(plain))
    if region:
        blocks.extend(region.blocks())
    return blocks

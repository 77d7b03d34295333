"""Tables in plain text as rows of delimited cells, or as one cell a line without marks.

A table section (the lines after 二、主动公开政府信息情况, 三、收到和处理政府信息公开申请情况 or
四、…行政复议、行政诉讼情况, up to the next section heading) is read in the layout most of its
lines have:

- ``tsv``: cells separated by TABs (a spreadsheet saved as text); an empty cell is empty;
- ``csv``: cells separated by commas, quoted as CSV quotes them;
- ``spaces``: columns aligned with spaces (``pdftotext -layout``). Cells are separated by two
  spaces or more, and a blank cell is only spaces, so each number is placed by its column: the
  right edges of the numbers, and of the header words that name a column, mark the columns;
- ``cell_lines``: one cell a line and an empty line for an empty cell, nothing else marking a
  row (crawler exports). A line of text is a label or a header word; the lines after a row's
  label, numbers and empty lines, are its cells; header words that name columns become a header
  row, so table 2's blocks keep their column order.

Each gives ``Table`` grids whose rows read ``[label cells…, value cells…]`` (see
``ingest/tables.py``); lines between tables (第二十条第（一）项) are Paragraphs. The TAB-led
one-cell-a-line and markdown layouts are read by ``txt_tables``; a section holding them is not
claimed here.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Sequence

from nianbao.ingest.labels import normalise, t2_column_key, t2_row_key, t3_row_key
from nianbao.ingest.txt_tables import is_cell_line, is_markdown_row, is_section_heading, table_topic
from nianbao.ingest.values import is_value_text
from nianbao.model import Block, Paragraph, Table

#: A section needs this many rows in a layout before it is read in that layout.
MIN_ROWS = 2
#: A cell of a table is short; a longer "cell" is a sentence with commas in it.
MAX_CELL = 40
#: The longest row label of the national tables is under 40 characters; a longer line is text.
MAX_LABEL = 60

_GAP = re.compile(r"\S+(?: \S+)*")  # tokens separated by two spaces or more


def section_end(lines: Sequence[str], start: int) -> int:
    """The index of the first line at or after ``start`` that opens another section."""
    for i in range(start, len(lines)):
        text = lines[i].strip()
        if text and len(text) <= 40 and (table_topic(text) or is_section_heading(text)):
            return i
    return len(lines)


def read_section(lines: Sequence[str]) -> list[Block] | None:
    """The blocks of one table section, or None when its lines are in none of these layouts."""
    if any(is_cell_line(line) or is_markdown_row(line.strip()) for line in lines):
        return None
    layout = detect(lines)
    if layout is None:
        return None
    if layout == "cell_lines":
        return _cell_lines(lines)
    if layout == "spaces":
        return _spaces(lines)
    return _delimited(lines, _SPLITTERS[layout])


def detect(lines: Sequence[str]) -> str | None:
    """The layout most lines of the section have, if at least ``MIN_ROWS`` do and one of them
    holds a number."""
    counts = {"tsv": 0, "csv": 0, "spaces": 0, "cell_lines": 0}
    numbers = dict.fromkeys(counts, False)
    for line in lines:
        if not line.strip():
            continue
        if "\t" in line.strip("\t") or line.count("\t") >= 2:
            layout, cells = "tsv", line.split("\t")
        elif (csv_cells := _csv_cells(line)) is not None:
            layout, cells = "csv", csv_cells
        elif _space_cells(line):
            layout, cells = "spaces", _GAP.findall(line)
        elif is_value_text(line):
            layout, cells = "cell_lines", [line]
        else:
            continue
        counts[layout] += 1
        numbers[layout] |= any(c.strip() and is_value_text(c) for c in cells)
    layout, count = max(counts.items(), key=lambda item: item[1])
    needed = 3 if layout == "cell_lines" else MIN_ROWS
    return layout if count >= needed and numbers[layout] else None


# --- tsv and csv ----------------------------------------------------------------------------------


def _tsv_cells(line: str) -> list[str] | None:
    if "\t" not in line:
        return None
    return [cell.strip() for cell in line.split("\t")]


def _csv_cells(line: str, commas: int = 2) -> list[str] | None:
    if line.count(",") < commas:
        return None
    try:
        cells = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None
    if len(cells) < commas + 1 or any(len(c.strip()) > MAX_CELL for c in cells):
        return None
    return [c.strip() for c in cells]


_SPLITTERS: dict[str, Callable[[str], list[str] | None]] = {
    "tsv": _tsv_cells,
    "csv": lambda line: _csv_cells(line, commas=1),  # in a CSV section, two cells make a row
}


def _delimited(lines: Sequence[str], split: Callable[[str], list[str] | None]) -> list[Block]:
    """Consecutive rows of cells become one Table; a line that is not a row ends it."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    for line in lines:
        if not line.strip():
            continue
        cells = split(line)
        if cells is not None and len(cells) >= 2:
            rows.append(tuple(cells))
            continue
        if rows:
            blocks.append(Table(rows=tuple(rows)))
            rows = []
        blocks.append(Paragraph(line.strip()))
    if rows:
        blocks.append(Table(rows=tuple(rows)))
    return blocks


# --- column words ---------------------------------------------------------------------------------

_T3_T4_HEADER_WORDS = frozenset(
    "自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 其它 总计 合计 "
    "结果维持 结果纠正 其他结果 尚未审结".split()
)


def names_column(text: str) -> bool:
    """A header word naming a value column (本年制发件数, 自然人, 其他, 结果维持…); row labels
    such as 3.其他 or （七）总计 do not."""
    word = normalise(text)
    return word in _T3_T4_HEADER_WORDS or (len(word) <= 20 and t2_column_key(word) is not None)


def _label_row(line: str) -> bool:
    """A line holding only a row's label cells (one to three): the row of table 2 or 3 the
    report left blank."""
    tokens = _GAP.findall(line)
    if not 1 <= len(tokens) <= 3 or any(is_value_text(t) or names_column(t) for t in tokens):
        return False
    return t3_row_key(tokens[-1]) is not None or t2_row_key(tokens[-1]) is not None


# --- space-aligned --------------------------------------------------------------------------------


def _space_cells(line: str) -> bool:
    """Two or more short cells separated by two spaces or more."""
    tokens = _GAP.findall(line)
    return len(tokens) >= 2 and all(len(t) <= MAX_CELL for t in tokens)


def _tokens(line: str, measure: Callable[[str], int]) -> list[tuple[str, int, int]]:
    """(text, start, end) of each token, positions in ``measure`` units."""
    out = []
    for match in _GAP.finditer(line):
        start = measure(line[: match.start()])
        out.append((match.group(), start, start + measure(match.group())))
    return out


def _display(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _has_value(line: str) -> bool:
    return any(is_value_text(t) for t in _GAP.findall(line))


def _spaces(lines: Sequence[str]) -> list[Block]:
    """Runs of table lines (rows, header rows, blank rows) become Tables; other lines Paragraphs."""
    blocks: list[Block] = []
    run: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if _space_cells(line) or (run and _label_row(line)):
            run.append(line)
            continue
        if run:
            blocks.extend(_space_tables(run))
            run = []
        blocks.append(Paragraph(line.strip()))
    if run:
        blocks.extend(_space_tables(run))
    return blocks


def _space_tables(run: list[str]) -> list[Block]:
    """One Table per group of header rows and data rows: a header row after data rows starts
    the next group (table 2's blocks each have their own columns)."""
    groups: list[list[str]] = [[]]
    for line in run:
        is_data = _has_value(line) or _label_row(line)
        if not is_data and any(_has_value(prev) or _label_row(prev) for prev in groups[-1]):
            groups.append([])
        groups[-1].append(line)
    return [Table(rows=tuple(_space_grid(group))) for group in groups]


def _anchors(lines: Sequence[str], measure: Callable[[str], int]) -> list[int]:
    """Right edges of the value tokens, each column once (within one position)."""
    edges = sorted({end for line in lines for text, _, end in _tokens(line, measure) if is_value_text(text)})
    merged: list[int] = []
    for edge in edges:
        if not merged or edge - merged[-1] > 1:
            merged.append(edge)
    return merged


def _space_grid(lines: list[str]) -> list[tuple[str, ...]]:
    """Header rows as their words; each data row as its label words, then one cell per column
    (empty where nothing stands).

    Positions are measured both in display width (CJK counts two) and in characters; the
    measure under which numbers and header words line up in fewer columns is the one the text
    was aligned in."""
    data = [line for line in lines if _has_value(line) or _label_row(line)]
    headers = [line for line in lines if line not in data]
    naming = [line for line in headers if any(names_column(t) for t in _GAP.findall(line))]
    measure, columns = min(
        ((m, _columns(data, naming[-1] if naming else None, m)) for m in (_display, len)),
        key=lambda found: len(found[1]),
    )
    rows: list[tuple[str, ...]] = []
    for line in lines:
        tokens = _tokens(line, measure)
        if line in headers:
            rows.append(tuple(text for text, _, _ in tokens))
            continue
        labels = tuple(text for text, _, _ in tokens if not is_value_text(text))
        cells = [""] * len(columns)
        for text, _, end in tokens:
            if is_value_text(text) and columns:
                cells[min(range(len(columns)), key=lambda i: abs(columns[i] - end))] = text
        rows.append((*labels, *cells))
    return rows


def _columns(data: list[str], header: str | None, measure: Callable[[str], int]) -> list[int]:
    columns = _anchors(data, measure)
    return _with_header(columns, _tokens(header, measure)) if header else columns


def _with_header(columns: list[int], header: list[tuple[str, int, int]]) -> list[int]:
    """The columns of the numbers, plus the column of each header word that names one and has
    no number under it in any row (a column left blank all the way down)."""
    out = list(columns)
    for text, start, end in header:
        if names_column(text) and not any(start - 1 <= c <= end + 1 for c in out):
            out.append(end)
    return sorted(out)


# --- one cell a line ------------------------------------------------------------------------------


def _cell_lines(lines: Sequence[str]) -> list[Block]:
    """Rows from label lines and the value lines after them (an empty line is an empty cell);
    header words that name columns become a header row, and fix how many value cells a row has
    (trailing empty lines past that are the gap before the next section). A sentence (a long
    line, or one ending in 。) ends the table: it and what follows are paragraphs."""
    rows: list[tuple[str, ...]] = []
    texts: list[str] = []
    values: list[str] = []
    width: int | None = None
    after: list[Block] = []
    for i, line in enumerate(lines):
        text = line.strip()
        if text and (len(text) > MAX_LABEL or text.endswith("。")):
            after = [Paragraph(rest.strip()) for rest in lines[i:] if rest.strip()]
            break
        if text and not is_value_text(text):
            if values:
                width = _flush(rows, texts, values, width)
                texts, values = [], []
            texts.append(text)
        elif texts or values or text:
            values.append(text)
    if texts or values:
        _flush(rows, texts, values, width)
    return ([Table(rows=tuple(rows))] if rows else []) + after


def _flush(rows: list[tuple[str, ...]], texts: list[str], values: list[str], width: int | None) -> int | None:
    """Append the header row (if the texts hold one) and the data row; the value width now."""
    named = [i for i, text in enumerate(texts) if names_column(text)]
    if named:
        first, last = named[0], named[-1]
        start = first - 1 if first > 0 and not names_column(texts[first - 1]) else first
        if texts[:start]:
            rows.append(tuple(texts[:start]))
        rows.append(tuple(texts[start : last + 1]))
        texts = texts[last + 1 :]
        width = len(named)
    while width is not None and len(values) > width and not values[-1]:
        values.pop()
    rows.append((*texts, *values))
    return width

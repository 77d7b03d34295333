"""Render a gold report's tables into the plain-text layouts real exports use.

From any gold file (``../shared/corpus/gold/*.json``: ``cells`` are the numbers, ``as_written``
the cells not written as a plain number, blanks included) this builds a minimal report — the
title with the body and year, a few narrative lines, the 二/三/四 section headings with tables 2,
3 and 4 under their standard row and column labels (``nianbao/keys.py``) — in one of

- ``tsv``: a row a line, cells separated by TABs (a spreadsheet's "save as text");
- ``csv``: the same with commas, quoted where a cell needs it;
- ``spaces``: columns aligned with spaces, numbers right-aligned (``pdftotext -layout``);
- ``markdown``: ``| a | b |`` rows under a ``|---|`` rule (PDF and OCR converters);
- ``cell_lines``: one cell a line, an empty line for an empty cell, no other marks (the
  crawler exports whose empty cells are extra line breaks);
- ``docx_tabs``: one cell a line behind a TAB, a TAB alone for an empty cell, an empty line
  after each row (what a generic converter extracts from a .docx; the seed report);
- ``flat``: each section run into one line, a row's label followed by its digits glued
  together (web pages copied by the 平潭 crawler); blank cells leave no trace there;

with any line end (``\\n``, ``\\r\\n``, ``\\r``, and ``\\r\\r\\n`` of a file converted twice) and
encoding (UTF-8, UTF-8 with a BOM, GB18030, UTF-16), digits optionally full-width.
``mismatches`` says how a reading differs from the gold: every gold cell must come back with its
value (for ``flat``, a cell may instead come back without a value: an honest "cannot be cut"
or "left blank" record, never a wrong number), a blank cell as written (``""``), and no cell
the gold lacks may have a value.

The rendering follows the national template (国办公开办函〔2021〕30号, or 〔2019〕60号 for a gold of
that layout): table 2 in its blocks (第二十条第（一）项 …) each under its column header, table 3
under 申请人情况 with its group labels (三、本年度办理结果, （三）不予公开 …) as merged cells are
exported — repeated beside each sub-row in a grid, written once where a cell is a line —, table
4 as three header rows over one row of fifteen.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nianbao.keys import T2_COLUMNS, T2_ROWS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_ROWS
from nianbao.model import Cell

GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "gold"

LAYOUTS = ("tsv", "csv", "spaces", "markdown", "cell_lines", "docx_tabs", "flat")
LINE_ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "crcrlf": "\r\r\n"}
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")

#: Table 2 of each layout: blocks of (第二十条 item, rows, columns), as the templates print them.
T2_BLOCKS = {
    "2021-30": (
        ("第二十条第（一）项", ("rules", "normative_docs"), ("made", "repealed", "in_force")),
        ("第二十条第（五）项", ("licensing",), ("decisions",)),
        ("第二十条第（六）项", ("punishment", "coercion"), ("decisions",)),
        ("第二十条第（八）项", ("fees",), ("amount_10k_yuan",)),
    ),
    "2019-60": (
        ("第二十条第（一）项", ("rules", "normative_docs"), ("made_new", "published_new", "published_total")),
        (
            "第二十条第（五）项",
            ("licensing", "other_services"),
            ("items_prev_year", "items_change", "decisions"),
        ),
        ("第二十条第（六）项", ("punishment", "coercion"), ("items_prev_year", "items_change", "decisions")),
        ("第二十条第（八）项", ("fees",), ("items_prev_year", "items_change")),
        ("第二十条第（九）项", ("procurement",), ("projects", "amount_yuan")),
    ),
}
T2_HEADER_LABELS = {**T2_COLUMNS, "amount_10k_yuan": "本年收费金额（单位：万元）"}
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_RESULTS = "三、本年度办理结果"
T3_HEADER = ("申请人情况", *T3_COLUMNS.values())
T4_GROUPS = ("行政复议", "未经复议直接起诉", "复议后起诉")
DOC_NUMBER = {"2021-30": "国办公开办函〔2021〕30号", "2019-60": "国办公开办函〔2019〕60号"}


@dataclass(frozen=True)
class Row:
    """A table row: its label cells (merged group labels first) and its value cells."""

    labels: tuple[str, ...]
    values: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """A run of rows under one header; ``title`` is printed above it (第二十条第（一）项)."""

    title: str | None
    header: tuple[tuple[str, ...], ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Gold:
    """A gold file's report as the generator needs it."""

    name: str
    agency: str
    year: int
    layout: str
    cells: dict[str, int | float]
    as_written: dict[str, str]

    def text_of(self, key: str) -> str | None:
        """The cell as the report wrote it; None when the report has no such cell."""
        if key in self.as_written:
            return self.as_written[key]
        if key in self.cells:
            return str(self.cells[key])
        return None

    def has(self, key: str) -> bool:
        return key in self.as_written or key in self.cells


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def load(path: Path) -> Gold:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Gold(path.stem, data["agency"], data["year"], data["layout"], data["cells"], data["as_written"])


# --- the tables -----------------------------------------------------------------------------------


def t2_blocks(gold: Gold) -> list[Block]:
    blocks = []
    for title, rows, columns in T2_BLOCKS[gold.layout]:
        present = [r for r in rows if any(gold.has(f"t2.{r}.{c}") for c in columns)]
        if not present:
            continue
        header = (("信息内容", *(T2_HEADER_LABELS[c] for c in columns)),)
        body = tuple(
            Row((T2_ROWS[r],), tuple(gold.text_of(f"t2.{r}.{c}") or "" for c in columns)) for r in present
        )
        blocks.append(Block(title, header, body))
    return blocks


def t3_block(gold: Gold) -> Block:
    rows = []
    for key, label in T3_ROWS.items():
        texts = [gold.text_of(f"t3.{key}.{c}") for c in T3_COLUMNS]
        if all(t is None for t in texts):
            continue
        parts = label.split(" ")
        if key not in ("new_received", "carried_over", "carried_forward"):
            parts.insert(0, T3_RESULTS)
        rows.append(Row(tuple(parts), tuple(t or "" for t in texts)))
    return Block(None, (T3_HEADER,), tuple(rows))


def t4_block(gold: Gold) -> Block:
    values = tuple(gold.text_of(f"t4.{r}.{c}") or "" for r in T4_ROWS for c in T4_COLUMNS)
    header = (
        ("行政复议", "", "", "", "", "行政诉讼", *[""] * 9),
        ("", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""),
        tuple(T4_COLUMNS.values()) * 3,
    )
    return Block(None, header, (Row((), values),))


def sections(gold: Gold) -> Iterator[tuple[str, list[Block]]]:
    yield "二、主动公开政府信息情况", t2_blocks(gold)
    yield "三、收到和处理政府信息公开申请情况", [t3_block(gold)]
    yield "四、政府信息公开行政复议、行政诉讼情况", [t4_block(gold)]


# --- the report around them -----------------------------------------------------------------------


def report_text(gold: Gold, layout: str) -> str:
    """The whole report in ``layout``, lines separated by ``\\n``."""
    lines = [
        f"{gold.agency}{gold.year}年度政府信息公开工作年度报告",
        "",
        f"本报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（{DOC_NUMBER[gold.layout]}）编制。",
        "一、总体情况",
        f"{gold.year}年，本机关认真落实政府信息公开工作要求，依法做好政府信息公开工作。",
    ]
    for heading, blocks in sections(gold):
        if layout == "flat":
            table = "".join(_flat_block(b) for b in blocks)
            lines.append(heading + table)
        else:
            lines += [heading, *(_render(layout, b) for b in blocks)]
    lines += [
        "五、存在的主要问题及改进情况",
        "下一步将继续改进政府信息公开工作。",
        "六、其他需要报告的事项",
        "无。",
        gold.agency,
        f"{gold.year + 1}年1月20日",
    ]
    return "\n".join(lines) + "\n"


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def render(
    gold: Gold, layout: str, line_end: str = "lf", encoding: str = "utf-8", full_width: bool = False
) -> bytes:
    """The report file's bytes."""
    text = report_text(gold, layout)
    if full_width:
        text = text.translate(_FULL_WIDTH)
    return text.replace("\n", LINE_ENDS[line_end]).encode(encoding)


def mismatches(gold: Gold, layout: str, cells: Iterable[Cell]) -> dict[str, tuple[object, object]]:
    """``{key: (gold, read)}`` for every way ``cells`` differ from the gold (see the module
    docstring); empty when the reading is right."""
    got = {c.key: c for c in cells}
    out: dict[str, tuple[object, object]] = {}
    for key, value in gold.cells.items():
        cell = got.get(key)
        if cell is not None and (cell.value == value or (layout == "flat" and cell.value is None)):
            continue
        out[key] = (value, cell.value if cell else "missing")
    for key, cell in got.items():
        if key not in gold.cells and cell.value is not None:
            out[key] = ("no value", cell.value)
    if layout != "flat":
        for key, text in gold.as_written.items():
            written = got[key].as_written if key in got else "missing"
            if not text.strip() and written.strip():
                out[key] = (text, written)
    return out


def _render(layout: str, block: Block) -> str:
    title = [block.title] if block.title else []
    if layout == "cell_lines":
        return "\n".join(title + _cell_lines(block))
    if layout == "docx_tabs":
        return "\n".join(title + _docx_tabs(block))
    rows = [list(h) for h in block.header] + [[*r.labels, *r.values] for r in block.rows]
    if layout == "tsv":
        return "\n".join(title + ["\t".join(r) for r in rows])
    if layout == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return "\n".join(title + [out.getvalue().rstrip("\n")])
    if layout == "markdown":
        return "\n".join(title + _markdown(block))
    if layout == "spaces":
        return "\n".join(title + _spaces(block))
    raise ValueError(f"unknown layout {layout!r}")


def _markdown(block: Block) -> list[str]:
    """The first header row, the ``|---|`` rule, the other rows; a row with fewer label cells
    than the widest gets empty ones after its first (a merged cell)."""
    rows = [list(h) for h in block.header] + [[*r.labels, *r.values] for r in block.rows]
    size = max(len(r) for r in rows)
    padded = [[r[0], *[""] * (size - len(r)), *r[1:]] for r in rows]
    lines = ["| " + " | ".join(r) + " |" for r in padded]
    return [lines[0], "|" + "---|" * size, *lines[1:]]


def _cell_lines(block: Block) -> list[str]:
    """One cell a line; a merged cell (a group label, a header spanning columns) once."""
    lines = [text for row in block.header for text in row if text]
    groups: tuple[str, ...] = ()
    for row in block.rows:
        shared = len([a for a, b in zip(row.labels, groups, strict=False) if a == b])
        lines += [*row.labels[shared:], *row.values]
        groups = row.labels[:-1]
    return lines


def _docx_tabs(block: Block) -> list[str]:
    """A TAB before each cell, a TAB alone for an empty one, an empty line after each row."""
    lines = []
    for header in block.header:
        lines += [f"\t{text}" for text in header] + [""]
    for row in block.rows:
        lines += [f"\t{text}" for text in (*row.labels, *row.values)] + [""]
    return lines


def width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _spaces(block: Block) -> list[str]:
    """Label columns left-aligned (two spaces between label cells), value columns right-aligned
    under their header, two spaces at least between columns; a blank cell is spaces. Header
    rows above the last are printed as their words."""
    values = max(len(r.values) for r in block.rows)
    last = block.header[-1]
    left = "  ".join(h for h in last[: len(last) - values] if h)
    labels = ["  ".join(r.labels) for r in block.rows]
    label_width = max(width(t) for t in [left, *labels]) + 2
    cells = [*last[len(last) - values :], *(v for r in block.rows for v in r.values)]
    column = max(width(t) for t in cells) + 2
    lines = ["  ".join(h for h in header if h) for header in block.header[:-1]]
    lines.append(_pad(left, label_width) + "".join(_right(h, column) for h in last[len(last) - values :]))
    for label, row in zip(labels, block.rows, strict=True):
        lines.append(_pad(label, label_width) + "".join(_right(v, column) for v in row.values))
    return [line.rstrip() for line in lines]


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


def _right(text: str, size: int) -> str:
    return " " * (size - width(text)) + text


def _flat_block(block: Block) -> str:
    """A block as the crawler copies it: every cell's text glued, a merged cell once."""
    parts = [block.title or ""] + [text for row in block.header for text in row if text]
    groups: tuple[str, ...] = ()
    for row in block.rows:
        shared = len([a for a, b in zip(row.labels, groups, strict=False) if a == b])
        parts += [*row.labels[shared:], *row.values]
        groups = row.labels[:-1]
    text = "".join(parts)
    return (T3_NOTE + text) if block.header and block.header[0][0] == "申请人情况" else text

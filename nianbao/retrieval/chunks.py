"""A report → search chunks: narrative sentences packed within sections, and tables as text rows.

Narrative chunks never cross a section boundary; each begins with its section path for context
(``一、总体情况 › （二）依申请公开：…``) while ``start``/``end`` stay the span of the original text
in ``Report.text``, so a quote can be cut from the report. Tables 2–4 become readable text built
from their cells: one chunk per table-3 row, one for table 2, one for table 4.

Chunk ids hash (report id, kind, span or row key), so re-ingesting a report upserts the same ids.

>>> rows = [c.row() for c in chunk_report(report)]   # rows for the ``chunks`` table
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nianbao.keys import T2_COLUMNS, T2_ROWS, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_ROWS, TABLE_NAMES
from nianbao.model import Cell, Report, Section

MIN_CHARS = 150
MAX_CHARS = 300
PATH_SEPARATOR = " › "

_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*|\n+")
_SOFT_BREAK = re.compile(r"[，、,：:]")
_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")
_WIDE = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_BROKEN_LINE = re.compile(rf"(?<={_WIDE})\s+(?={_WIDE})")


@dataclass(frozen=True)
class Chunk:
    """A piece of a report as searched: its text, where it sits, and a stable id.

    ``start``/``end`` index ``Report.text`` for narrative chunks; table chunks have no span
    (they are rendered from cells) and carry the table name as their section path.
    """

    id: str
    report_id: str
    text: str
    section_path: tuple[str, ...]
    start: int | None
    end: int | None
    page: int | None
    kind: str  # "text" or "table"

    def row(self) -> dict[str, Any]:
        """The row for the store's ``chunks`` table."""
        return {
            "id": self.id,
            "report_id": self.report_id,
            "text": self.text,
            "section_path": list(self.section_path),
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "kind": self.kind,
        }


def squeeze(text: str) -> str:
    """The text as matched (embedded, tokenised): line breaks and spaces that a PDF or a text file
    put between two Chinese characters are dropped (行 政规范性文件 reads 行政规范性文件)."""
    return _BROKEN_LINE.sub("", text)


def report_header(body: str, year: int | None) -> str:
    """``平潭综合实验区 2022年``: the words by which a question names a report.

    The keyword index reads it before every chunk's text: questions name the body and year
    (平潭2022年…), chunks seldom do, so without it a same-topic chunk of another year scores as
    high as the right one. (The embedding model does better without it: measured on the dev
    questions, see ``eval/recall.py``.)"""
    return f"{body} {year}年" if year else body


def chunk_id(report_id: str, kind: str, where: str) -> str:
    """A content address: the same report, kind and place always give the same id."""
    return hashlib.sha1(f"{report_id}|{kind}|{where}".encode()).hexdigest()


def chunk_report(report: Report) -> list[Chunk]:
    """Every chunk of a report: narrative first, in text order, then the tables."""
    return text_chunks(report) + table_chunks(report)


# --- narrative ------------------------------------------------------------------------------


def text_chunks(report: Report, min_chars: int = MIN_CHARS, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """Sentences packed into chunks of about ``min_chars``–``max_chars``, one section at a time.

    A chunk's text is its section path, ``：``, then exactly ``report.text[start:end]``; the
    heading itself is left out of the span since the path already says it.
    """
    out: list[Chunk] = []
    for path, start, end in leaf_segments(report.text, report.sections):
        start = _skip_heading(report.text, start, end, path)
        for s, e in pack(sentence_spans(report.text, start, end, max_chars), min_chars, max_chars):
            s, e = _trim(report.text, s, e)
            if not _CONTENT.search(report.text, s, e):
                continue
            prefix = PATH_SEPARATOR.join(path) + "：" if path else ""
            out.append(
                Chunk(
                    chunk_id(report.meta.id, "text", f"{s}:{e}"),
                    report.meta.id,
                    prefix + report.text[s:e],
                    path,
                    s,
                    e,
                    None,
                    "text",
                )
            )
    return out


def _skip_heading(text: str, start: int, end: int, path: tuple[str, ...]) -> int:
    """Past the section's own heading (and the stop or colon after it), if the piece opens with it."""
    s, _ = _trim(text, start, end)
    if path and text.startswith(path[-1], s):
        s += len(path[-1])
        while s < end and (text[s].isspace() or text[s] in "。：:．.、"):
            s += 1
        return s
    return start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def leaf_segments(text: str, sections: Sequence[Section]) -> list[tuple[tuple[str, ...], int, int]]:
    """The text cut at every section start and end; each piece labelled with its deepest section.

    A top-level section's own lead-in (before its first subsection) is a piece of its own, so a
    subsection heading always starts a new piece.
    """
    cuts = sorted({0, len(text), *(s.start for s in sections), *(s.end for s in sections)})
    pieces: list[tuple[tuple[str, ...], int, int]] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        if lo >= hi or not text[lo:hi].strip():
            continue
        covering = [s for s in sections if s.start <= lo and hi <= s.end]
        path = max(covering, key=lambda s: len(s.path)).path if covering else ()
        pieces.append((path, lo, hi))
    return pieces


def sentence_spans(text: str, start: int, end: int, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]``, each ending after its 。！？； (or a line break).

    A sentence longer than ``max_chars`` is cut at its last comma before the limit, or at the
    limit where it has none.
    """
    spans: list[tuple[int, int]] = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        if match.end() > pos:
            spans += _cut_long(text, pos, match.end(), max_chars)
            pos = match.end()
    if pos < end:
        spans += _cut_long(text, pos, end, max_chars)
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _cut_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    while end - start > max_chars:
        breaks = [m.end() for m in _SOFT_BREAK.finditer(text, start + max_chars // 2, start + max_chars)]
        cut = breaks[-1] if breaks else start + max_chars
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return spans


def pack(spans: list[tuple[int, int]], min_chars: int, max_chars: int) -> list[tuple[int, int]]:
    """Greedy packing of consecutive spans up to ``max_chars``; a short tail joins the chunk before."""
    chunks: list[tuple[int, int]] = []
    for s, e in spans:
        if chunks and e - chunks[-1][0] <= max_chars:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    if len(chunks) > 1 and chunks[-1][1] - chunks[-1][0] < min_chars // 3:
        if chunks[-1][1] - chunks[-2][0] <= max_chars + min_chars // 3:
            last = chunks.pop()
            chunks[-1] = (chunks[-1][0], last[1])
    return chunks


# --- tables ---------------------------------------------------------------------------------


def table_chunks(report: Report) -> list[Chunk]:
    """Table 2 and table 4 as one chunk each, table 3 as one chunk per row."""
    by_table: dict[str, dict[str, list[Cell]]] = {}
    for cell in report.cells:
        table, row, _ = cell.key.split(".", 2)
        by_table.setdefault(table, {}).setdefault(row, []).append(cell)
    out: list[Chunk] = []
    if "t2" in by_table:
        out.append(_table_chunk(report.meta.id, "t2", by_table["t2"], T2_ROWS, T2_COLUMNS))
    for row, cells in _ordered(by_table.get("t3", {}), T3_ROWS):
        out.append(_table_chunk(report.meta.id, f"t3.{row}", {row: cells}, T3_ROWS, T3_COLUMNS))
    if "t4" in by_table:
        out.append(_table_chunk(report.meta.id, "t4", by_table["t4"], T4_ROWS, T4_COLUMNS))
    return out


def _table_chunk(
    report_id: str,
    key: str,
    rows: dict[str, list[Cell]],
    row_labels: dict[str, str],
    column_labels: dict[str, str],
) -> Chunk:
    table = key.split(".")[0]
    name = TABLE_NAMES[table]
    body = "；".join(
        f"{row_labels.get(row, cells[0].row_label)}：{_values(cells, column_labels)}"
        for row, cells in _ordered(rows, row_labels)
    )
    cells = [c for group in rows.values() for c in group]
    page = next((c.page for c in cells if c.page is not None), None)
    return Chunk(
        chunk_id(report_id, "table", key), report_id, f"{name} · {body}", (name,), None, None, page, "table"
    )


def _values(cells: list[Cell], column_labels: dict[str, str]) -> str:
    """``自然人10，商业企业0，…，总计10`` in the canonical column order."""
    order = list(column_labels)
    ranked = sorted(
        cells,
        key=lambda c: (
            order.index(c.key.rsplit(".", 1)[1]) if c.key.rsplit(".", 1)[1] in order else len(order)
        ),
    )
    return "，".join(
        f"{column_labels.get(c.key.rsplit('.', 1)[1], c.column_label)}{_written(c)}" for c in ranked
    )


def _written(cell: Cell) -> str:
    text = cell.as_written.strip()
    if text:
        return text
    return "空" if cell.value is None else str(cell.value)


def _ordered(rows: dict[str, list[Cell]], labels: dict[str, str]) -> list[tuple[str, list[Cell]]]:
    """Rows in the canonical order of the table; unknown row keys last, in key order."""
    order = list(labels)
    return sorted(rows.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0]))

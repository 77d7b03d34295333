"""Turn table grids into cell records under canonical keys.

Cells are located by their row and column labels, never by the order in which numbers appear:
a blank cell, a bookmark's digits or a collapsed （六）其他处理 row cannot shift a value into
the wrong key. What cannot be placed is reported as a warning, not guessed. A blank cell is
kept blank (no value); ``ingest.blanks`` decides which blanks the report fixes at 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nianbao.ingest import labels
from nianbao.ingest.values import clean, is_value_text, parse_value
from nianbao.keys import (
    T2_COLUMNS,
    T2_COLUMNS_2021,
    T2_COLUMNS_ONLY_2019,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_ROWS,
    TABLE_NAMES,
    Layout,
)
from nianbao.model import Cell, Table

T3_COLUMN_ORDER = tuple(T3_COLUMNS)
T4_KEYS = tuple(f"{row}.{col}" for row in T4_ROWS for col in T4_COLUMNS)


@dataclass(frozen=True)
class Row:
    """A grid row split into its label cells and the value cells after them."""

    labels: tuple[str, ...]
    values: tuple[str, ...]
    page: int | None

    @property
    def label(self) -> str:
        """The most specific label: the last label cell that says something."""
        return next((text for text in reversed(self.labels) if clean(text)), "")


@dataclass
class Extraction:
    """The cells read from a report's tables, the warnings, and hints at its layout."""

    cells: list[Cell] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    layout_hints: set[str] = field(default_factory=set)

    _keys: set[str] = field(default_factory=set, repr=False)

    def add(self, cell: Cell) -> None:
        if cell.key in self._keys:
            self.warnings.append(f"{cell.key}: a second cell ({cell.as_written!r}) was ignored")
            return
        self._keys.add(cell.key)
        self.cells.append(cell)


def split_row(cells: Iterable[str], page: int | None) -> Row:
    """Value cells are the trailing run of numbers and empty marks; the rest are labels."""
    texts = list(cells)
    start = len(texts)
    while start > 0 and is_value_text(texts[start - 1]):
        start -= 1
    return Row(tuple(texts[:start]), tuple(texts[start:]), page)


def table_kind(table: Table) -> str | None:
    """Which standard table a grid holds: ``t2``, ``t3``, ``t4`` or None when it cannot tell."""
    text = clean("".join("".join(row) for row in table.rows))
    if "新收" in text or "申请人情况" in text or "上年结转" in text or "予以公开" in text:
        return "t3"
    if "行政复议" in text and ("维持" in text or "直接起诉" in text):
        return "t4"
    if "第二十条" in text or "规章" in text or "行政许可" in text or "规范性文件" in text:
        return "t2"
    return None


def extract(tables: Iterable[Table]) -> Extraction:
    """All cells of tables 2–4 found in ``tables`` (grids, not flat text)."""
    result = Extraction()
    kind: str | None = None
    for table in tables:
        if table.flat:
            continue
        kind = table_kind(table) or kind
        rows = [split_row(cells, table.page_of(i)) for i, cells in enumerate(table.rows)]
        if kind == "t2":
            _extract_t2(rows, result)
        elif kind == "t3":
            _extract_t3(rows, result)
        elif kind == "t4":
            _extract_t4(rows, result)
    return result


def _cell(key: str, text: str, row: Row, column_label: str) -> Cell:
    parsed = parse_value(text)
    return Cell(
        key=key,
        value=parsed.value,
        as_written=text.strip(),
        table=TABLE_NAMES[key[:2]],
        row_label=clean(row.label),
        column_label=column_label,
        page=row.page,
        note=parsed.note,
    )


# --- table 3 -----------------------------------------------------------------------------


def _extract_t3(rows: list[Row], out: Extraction) -> None:
    for row in rows:
        key = labels.t3_row_key(row.label)
        if key is None or not row.values:
            continue
        values = _fit(row.values, len(T3_COLUMN_ORDER))
        if values is None:
            out.warnings.append(f"表三 row {clean(row.label)!r}: {len(row.values)} value cells, expected 7")
            continue
        for col, text in zip(T3_COLUMN_ORDER, values, strict=True):
            out.add(_cell(f"t3.{key}.{col}", text, row, T3_COLUMNS[col]))


def _fit(values: tuple[str, ...], width: int) -> tuple[str, ...] | None:
    """Drop padding blanks after the last column (markdown and PDF grids add them)."""
    trimmed = list(values)
    while len(trimmed) > width and not clean(trimmed[-1]):
        trimmed.pop()
    if len(trimmed) > width and all(not clean(t) for t in trimmed[: len(trimmed) - width]):
        trimmed = trimmed[len(trimmed) - width :]
    return tuple(trimmed) if len(trimmed) == width else None


# --- table 4 -----------------------------------------------------------------------------


def _extract_t4(rows: list[Row], out: Extraction) -> None:
    data = [row for row in rows if row.values and any(clean(v) for v in row.values)]
    if not data:  # table 4 left blank throughout: its row of fifteen blank cells
        data = [row for row in rows if len(row.values) == len(T4_KEYS)][-1:]
    texts = [text for row in data for text in row.values]
    if len(texts) > len(T4_KEYS) and not any(clean(t) for t in texts[len(T4_KEYS) :]):
        texts = texts[: len(T4_KEYS)]  # blank padding after the last column
    if len(texts) != len(T4_KEYS):
        numbered = [t for t in texts if clean(t)]
        if len(numbered) != len(T4_KEYS):
            out.warnings.append(f"表四: {len(texts)} value cells, expected {len(T4_KEYS)}")
            return
        texts = numbered
    pairs = (
        [(row, text) for row in data for text in row.values]
        if len(texts) == sum(len(r.values) for r in data)
        else [(data[-1], text) for text in texts]
    )[: len(T4_KEYS)]
    for key, (row, text) in zip(T4_KEYS, pairs, strict=True):
        group, col = key.split(".")
        out.add(_cell(f"t4.{key}", text, Row((T4_ROWS[group],), row.values, row.page), T4_COLUMNS[col]))


# --- table 2 -----------------------------------------------------------------------------


def _extract_t2(rows: list[Row], out: Extraction) -> None:
    header: list[str | None] = []
    for row in rows:
        cells = list(row.labels) + list(row.values)
        mapped = [labels.t2_column_key(text) for text in cells]
        if not any(clean(v) and parse_value(v).value is not None for v in row.values) and any(mapped):
            header = mapped
            if T2_COLUMNS_ONLY_2019 & set(mapped):
                out.layout_hints.add(Layout.FORMAT_2019_60)
            continue
        key = labels.t2_row_key(row.label)
        if key is None or not row.values:
            continue
        pairs = _t2_columns(key, row, header)
        if not pairs:
            out.warnings.append(
                f"表二 row {clean(row.label)!r}: {len(row.values)} values fit no column layout"
            )
        for col, text in pairs:
            out.add(_cell(f"t2.{key}.{col}", text, row, T2_COLUMNS.get(col, col)))


def _t2_columns(key: str, row: Row, header: list[str | None]) -> list[tuple[str, str]]:
    """Pair a data row's values with the column keys of the header above it.

    By grid position when the header row is as wide as the data row; else by order, and only
    when there are as many values as columns (after folding a merged cell's repeats): a row
    that lost a cell must not shift the rest. [] when the row cannot be placed.
    """
    pairs: Iterable[tuple[str | None, str]]
    if header and len(header) == len(row.labels) + len(row.values):
        pairs = zip(header[len(row.labels) :], row.values, strict=True)
    else:
        named = [c for c in dict.fromkeys(header) if c]
        default = list(T2_COLUMNS_2021.get(key, ()))
        pairs = iter(())
        for values in (list(row.values), _distinct(row.values)):
            columns = next((c for c in (named, default) if len(c) == len(values)), None)
            if columns:
                pairs = zip(columns, values, strict=True)
                break
    seen: set[str] = set()
    out = []
    for col, text in pairs:
        if col and col not in seen:
            seen.add(col)
            out.append((col, text))
    return out


def _distinct(values: tuple[str, ...]) -> list[str]:
    """Values with the repeats of a merged cell folded (a cell spread over three columns)."""
    out: list[str] = []
    for text in values:
        if not out or text != out[-1] or not clean(text):
            out.append(text)
    return out

"""Cells from flat tables: web text that glued each row's numbers into one digit string.

Where the arithmetic rules leave one way to cut the digits, the cells get their numbers; where
several cuts satisfy every rule, the cells are stored without a value and with the candidates in
their note, so an answer can say the table cannot be read unambiguously instead of guessing.
A report whose flat tables show blank cells (a row label without digits, a row with fewer
digits than cells) may hide a blank in any digit string: its rows are not cut (see
``flat_split.leaves_blanks``), and a row left blank becomes blank cells.
"""

from __future__ import annotations

from collections.abc import Iterable

from nianbao.ingest.flat_split import FlatSplit, leaves_blanks, split_table
from nianbao.ingest.tables import Extraction
from nianbao.keys import T2_COLUMNS_ONLY_2019, TABLE_NAMES, Layout, label_of
from nianbao.model import Cell, Table


def extract_flat(tables: Iterable[Table]) -> Extraction:
    """Split each flat row's digits where the arithmetic rules leave one way; report the rest."""
    result = Extraction()
    tables = list(tables)
    blanks = any(leaves_blanks(t) for t in tables)
    for table in tables:
        split = split_table(table, blanks)
        if split is None:
            continue
        result.warnings.extend(split.warnings)
        if any(T2_COLUMNS_ONLY_2019 & set(cols) for cols in split.columns.values()):
            result.layout_hints.add(Layout.FORMAT_2019_60)
        for cell in _cells(split, table.page):
            result.add(cell)
    return result


def _cells(split: FlatSplit, page: int | None) -> list[Cell]:
    out: list[Cell] = []
    for row, values in split.values.items():
        for column, value in zip(split.columns[row], values, strict=False):
            out.append(_cell(split.table, row, column, value, str(value), None, page))
    for row, candidates in split.ambiguous.items():
        shown = " 或 ".join("|".join(str(v) for v in c) for c in candidates[:3])
        more = f" 等{len(candidates)}种" if len(candidates) > 3 else ""
        note = f"连写数字无法唯一拆分，可能为：{shown}{more}"
        glued = "".join(str(v) for v in candidates[0])  # the row's digits as the page runs them
        for column in split.columns[row]:
            out.append(_cell(split.table, row, column, None, glued, note, page))
    for row, digits in split.unsplit.items():
        for column in split.columns.get(row, ()):
            out.append(_cell(split.table, row, column, None, digits, f"连写数字「{digits}」无法拆分", page))
    for row in split.blank:
        for column in split.columns.get(row, ()):
            out.append(_cell(split.table, row, column, None, "", None, page))
    return out


def _cell(
    table: str,
    row: str,
    column: str,
    value: float | int | None,
    written: str,
    note: str | None,
    page: int | None,
) -> Cell:
    key = f"{table}.{row}.{column}"
    row_label, column_label = label_of(key)
    return Cell(
        key=key,
        value=value,
        as_written=written,
        table=TABLE_NAMES[table],
        row_label=row_label,
        column_label=column_label,
        page=page,
        note=note,
    )

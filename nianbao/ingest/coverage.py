"""Never silently text-only: which standard tables a report has, and how many of their cells
were read.

A report has a table when its text carries the table's section heading (二、主动公开政府信息情况,
三、收到和处理政府信息公开申请情况, 四、…行政复议、行政诉讼情况) or the table's own labels (第二十条第
（一）项, 本年新收政府信息公开申请数量, 结果维持 … 尚未审结). Its layout says how many cells the table
has: table 2 has 10 (〔2021〕30号) or 22 (〔2019〕60号), table 3 has 175, or 161 where （六）其他处理
is one row, table 4 has 15. A cell read blank counts as read; a cell the reader gave up on (a
digit string it could not cut) counts as read too, with its note: it is stored, not lost.
Reports for years before 2019 predate the tables and are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nianbao.keys import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T3_COLUMNS,
    T3_OTHER_SUBROWS,
    T3_ROWS,
    TABLE_NAMES,
    Layout,
)
from nianbao.model import Cell, Table, TableCoverage

_NUMBERED = r"[一二三四五六七八九十]+\s*[、.．]\s*"
_MARKERS = {
    "t2": re.compile(
        rf"{_NUMBERED}主动公开政府信息情况|第二十条第[（(]一[）)]项|本年制发件数|本年新制作数量"
    ),
    "t3": re.compile(rf"{_NUMBERED}收到和处理政府信息公开申请情况|本年新收政府信息公开申请数量|申请人情况"),
    "t4": re.compile(
        rf"{_NUMBERED}[^。，\n]{{0,14}}行政复议、[^。，\n]{{0,4}}行政诉讼[^。，\n]{{0,4}}情况|结果维持.{{0,40}}尚未审结"
    ),
}
_T3_ROWS_FULL = len([r for r in T3_ROWS if r != "other_total"])
_T3_ROWS_COLLAPSED = len([r for r in T3_ROWS if r not in T3_OTHER_SUBROWS])


def tables_present(text: str, tables: Iterable[Table]) -> list[str]:
    """``t2``/``t3``/``t4``: the tables whose heading or labels the report carries."""
    grid = "\n".join("".join(row) for table in tables for row in table.rows)
    return [kind for kind, marker in _MARKERS.items() if marker.search(text) or marker.search(grid)]


def expected_cells(table: str, layout: str, cells: Iterable[Cell]) -> int:
    """How many cells ``table`` has in ``layout``."""
    if table == "t2":
        columns = T2_COLUMNS_2019 if layout == Layout.FORMAT_2019_60 else T2_COLUMNS_2021
        return sum(len(c) for c in columns.values())
    if table == "t3":
        collapsed = any(c.key.startswith("t3.other_total.") for c in cells)
        return (_T3_ROWS_COLLAPSED if collapsed else _T3_ROWS_FULL) * len(T3_COLUMNS)
    return 15


def coverage(
    text: str, tables: Iterable[Table], cells: Iterable[Cell], layout: str, year: int | None
) -> tuple[TableCoverage, ...]:
    """Cells read against cells expected, for each standard table the report has."""
    if layout == Layout.OLDER or (year is not None and year < 2019):
        return ()
    cells = list(cells)
    out = []
    for table in tables_present(text, tables):
        read = len({c.key for c in cells if c.key.startswith(table + ".")})
        name = TABLE_NAMES[table].split(" ")[0]
        out.append(TableCoverage(table, name, read, expected_cells(table, layout, cells)))
    return tuple(out)

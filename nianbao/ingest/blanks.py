"""Blank is not zero: which blank cells of tables 2–4 the report itself fixes at 0.

A cell left blank (or written ``—``, ``/``, ``无``) keeps ``as_written`` as written and has no
value, unless one of two rules fixes it. Everything else stays unknown (``None``): checks skip
it, answers say the report did not fill it in.

1. **The sums force it.** The tables' own arithmetic (report-format.md, 勾稽关系) holds sums of
   counts, and counts are never negative. Where one side of a sum is known and the known cells of
   the other side already add up to it, every blank there is 0: 总计 10 beside 自然人 10 makes the
   five blank 法人或其他组织 cells 0. A blank 总计 whose parts are all known and all 0 is 0. A blank
   beside parts that do not add up yet (总计 10, 自然人 4, one blank) is the missing difference,
   not 0, and stays unknown; so does a blank 总计 beside non-zero parts (the report did not fill
   it in; ``checks.row_total`` adds the parts where a sum is asked for).
2. **The table writes zero as a blank.** A table that writes no 0 anywhere, has numbers, and
   leaves cells blank uses the blank for zero (the 2019 上海市政府办公厅 tables): its blanks are 0,
   except a 总计 whose parts are not all 0 (not filled in, as above).

Rule 1 is applied before and after rule 2, until nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from nianbao.ingest.values import EMPTY_MARKS, clean
from nianbao.keys import BALANCES, T3_OTHER_SUBROWS, TABLE_COLUMNS, TABLE_ROWS
from nianbao.model import Cell

#: ``(left, right)``: the left keys add up to the right keys.
Rule = tuple[tuple[str, ...], tuple[str, ...]]


def is_blank(cell: Cell) -> bool:
    """A cell the report left empty (or marked ``—``/``/``/``无``), with no number and no note."""
    return cell.value is None and cell.note is None and clean(cell.as_written) in EMPTY_MARKS


def sum_rules(keys: Iterable[str]) -> list[Rule]:
    """The sums of ``keys.BALANCES`` among ``keys`` (a report's cell keys), cell by cell.

    Table 3's results are its （六）其他处理 row or that row's three sub-rows, whichever the
    report prints."""
    keys = set(keys)
    collapsed = any(k.startswith("t3.other_total.") for k in keys)
    rules: list[Rule] = []
    for balance in BALANCES.values():
        table = balance.table
        rows = {k.split(".")[1] for k in keys if k.startswith(table + ".")} | set(TABLE_ROWS[table])
        if balance.across == "rows":
            left, right = _results(balance.left, collapsed), _results(balance.right, collapsed)
            for column in TABLE_COLUMNS[table]:
                rules.append(
                    (
                        tuple(f"{table}.{r}.{column}" for r in left),
                        tuple(f"{table}.{r}.{column}" for r in right),
                    )
                )
        else:
            for row in sorted(rows):
                rules.append(
                    (
                        tuple(f"{table}.{row}.{c}" for c in balance.left),
                        tuple(f"{table}.{row}.{c}" for c in balance.right),
                    )
                )
    return rules


def _results(rows: tuple[str, ...], collapsed: bool) -> tuple[str, ...]:
    drop = set(T3_OTHER_SUBROWS) if collapsed else {"other_total"}
    return tuple(r for r in rows if r not in drop)


def settle(cells: Sequence[Cell]) -> list[Cell]:
    """``cells`` with the blanks the rules fix set to 0 (see the module docstring)."""
    by_key = {c.key: c for c in cells}
    values: dict[str, float | None] = {c.key: c.value for c in cells}
    blank = {c.key for c in cells if is_blank(c)}
    if not blank:
        return list(cells)
    rules = sum_rules(by_key)
    _force(values, blank, rules)
    for table in ("t2", "t3", "t4"):
        if _writes_zero_as_blank(table, cells, blank):
            _blank_is_zero(table, values, blank, rules)
            _force(values, blank, rules)
    return [replace(c, value=0) if c.key in blank and values[c.key] == 0 else c for c in cells]


def _force(values: dict[str, float | None], blank: set[str], rules: list[Rule]) -> None:
    """Rule 1, until nothing changes: set to 0 every blank that a sum forces to be 0."""
    changed = True
    while changed:
        changed = False
        for left, right in rules:
            for known, other in ((left, right), (right, left)):
                changed |= _force_side(values, blank, known, other)


def _force_side(
    values: dict[str, float | None], blank: set[str], known: tuple[str, ...], other: tuple[str, ...]
) -> bool:
    """When ``known`` is all known and the known cells of ``other`` already add up to it,
    the open blanks of ``other`` are 0. True when a blank was set."""
    sides = [values.get(k) for k in known]
    if any(v is None for v in sides):
        return False
    known_values = [v for v in sides if v is not None]
    total = sum(known_values)
    present = [v for v in (values.get(k) for k in other) if v is not None]
    if any(v < 0 for v in [*present, *known_values]):
        return False  # the sums hold for counts; a negative number is not one
    open_blanks = [k for k in other if k in blank and values.get(k) is None]
    if not open_blanks or sum(present) != total:
        return False
    for key in open_blanks:
        values[key] = 0
    return True


def _writes_zero_as_blank(table: str, cells: Sequence[Cell], blank: set[str]) -> bool:
    """Rule 2's condition: the table has blanks and non-zero numbers and no written 0."""
    mine = [c for c in cells if c.key.startswith(table + ".")]
    written = [c.value for c in mine if c.key not in blank and c.value is not None]
    return any(c.key in blank for c in mine) and any(written) and all(v != 0 for v in written)


def _blank_is_zero(table: str, values: dict[str, float | None], blank: set[str], rules: list[Rule]) -> None:
    """Rule 2: the table's blanks are 0, except a total whose parts are not all 0."""
    totals = {right[0]: left for left, right in rules if len(right) == 1}
    for key in blank:
        if key.startswith(table + ".") and values.get(key) is None and key not in totals:
            values[key] = 0
    for key in blank:
        parts = totals.get(key)
        if key.startswith(table + ".") and values.get(key) is None and parts is not None:
            if all(values.get(p) == 0 for p in parts):
                values[key] = 0

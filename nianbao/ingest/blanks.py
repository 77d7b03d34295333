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
from nianbao.keys import T3_COLUMNS, T3_OTHER_SUBROWS, T3_RESULT_ROWS, T4_COLUMNS, T4_ROWS
from nianbao.model import Cell

_T3_PARTS = tuple(c for c in T3_COLUMNS if c != "total")
_T4_PARTS = tuple(c for c in T4_COLUMNS if c != "total")

#: ``(left, right)``: the left keys add up to the right keys.
Rule = tuple[tuple[str, ...], tuple[str, ...]]


def is_blank(cell: Cell) -> bool:
    """A cell the report left empty (or marked ``—``/``/``/``无``), with no number and no note."""
    return cell.value is None and cell.note is None and clean(cell.as_written) in EMPTY_MARKS


def sum_rules(keys: Iterable[str]) -> list[Rule]:
    """The sums of tables 3 and 4 among ``keys`` (a report's cell keys)."""
    keys = set(keys)
    rows = {k.split(".")[1] for k in keys if k.startswith("t3.")}
    results = (
        [r for r in T3_RESULT_ROWS if r not in T3_OTHER_SUBROWS]
        if "other_total" in rows
        else [r for r in T3_RESULT_ROWS if r != "other_total"]
    )
    rules: list[Rule] = []
    for row in rows:
        rules.append(((f"t3.{row}.total",), tuple(f"t3.{row}.{c}" for c in _T3_PARTS)))
    for col in T3_COLUMNS:
        rules.append(((f"t3.total_processed.{col}",), tuple(f"t3.{r}.{col}" for r in results)))
        rules.append(
            (
                (f"t3.new_received.{col}", f"t3.carried_over.{col}"),
                (f"t3.total_processed.{col}", f"t3.carried_forward.{col}"),
            )
        )
    for group in T4_ROWS:
        rules.append(((f"t4.{group}.total",), tuple(f"t4.{group}.{c}" for c in _T4_PARTS)))
    return rules


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
    present = [values.get(k) for k in other]
    if any(v is not None and v < 0 for v in [*sides, *present]):
        return False  # the sums hold for counts; a negative number is not one
    open_blanks = [k for k in other if k in blank and values.get(k) is None]
    if not open_blanks or sum(v for v in present if v is not None) != sum(sides):  # type: ignore[misc]
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
    totals = {left[0]: right for left, right in rules if len(left) == 1}
    for key in blank:
        if key.startswith(table + ".") and values.get(key) is None and key not in totals:
            values[key] = 0
    for key in blank:
        parts = totals.get(key)
        if key.startswith(table + ".") and values.get(key) is None and parts is not None:
            if all(values.get(p) == 0 for p in parts):
                values[key] = 0

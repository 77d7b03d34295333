"""Blank is not zero: a cell the report left blank keeps no value unless the tables' own sums,
or a table that writes zero as a blank, fix it; checks treat the rest as unknown."""

from __future__ import annotations

from nianbao.ingest import blanks, checks, tables
from nianbao.keys import T3_COLUMNS, T3_ROWS, T4_COLUMNS
from nianbao.model import Cell, Table

T3_HEADER = ("申请人情况", *T3_COLUMNS.values())
T4_HEADER = tuple(T4_COLUMNS.values()) * 3


def t3(rows: dict[str, tuple[str, ...]]) -> dict[str, Cell]:
    """The settled cells of a table 3 holding ``rows`` (row key → seven cell texts)."""
    grid = Table(rows=(T3_HEADER, *((T3_ROWS[key], *texts) for key, texts in rows.items())))
    cells = blanks.settle(tables.extract([grid]).cells)
    return {c.key: c for c in cells}


def t4(texts: tuple[str, ...]) -> dict[str, Cell]:
    grid = Table(rows=(("行政复议", "行政诉讼"), T4_HEADER, texts))
    return {c.key: c for c in blanks.settle(tables.extract([grid]).cells)}


def test_blank_parts_beside_a_total_they_already_make_up_are_zero() -> None:
    cells = t3({"new_received": ("10", "", "", "", "", "", "10")})
    assert [cells[f"t3.new_received.{c}"].value for c in T3_COLUMNS] == [10, 0, 0, 0, 0, 0, 10]
    assert cells["t3.new_received.commercial"].as_written == ""


def test_a_blank_part_that_may_hold_the_difference_stays_unknown() -> None:
    cells = t3({"new_received": ("4", "0", "", "0", "0", "0", "10")})
    blank = cells["t3.new_received.research"]
    assert (blank.value, blank.as_written) == (None, "")
    assert checks.check_tables(cells.values()) == []  # unknown, so no break is claimed


def test_a_blank_total_is_zero_only_where_its_parts_are() -> None:
    cells = t3(
        {
            "granted": ("3", "1", "0", "0", "0", "0", ""),
            "partly_granted": ("0", "0", "0", "0", "0", "0", ""),
        }
    )
    assert cells["t3.granted.total"].value is None
    assert cells["t3.partly_granted.total"].value == 0


def test_a_table_that_writes_zero_as_a_blank_reads_its_blanks_as_zero() -> None:
    cells = t4(("5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""))
    assert [cells[f"t4.suit_after_review.{c}"].value for c in T4_COLUMNS] == [0, 0, 0, 0, 0]
    assert cells["t4.review.corrected"].value == 0


def test_a_blank_in_a_table_that_writes_its_zeros_is_unknown_and_breaks_nothing() -> None:
    cells = t4(("5", "0", "", "2", "9", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"))
    assert cells["t4.review.other"].value is None
    assert checks.check_tables(cells.values()) == []


def test_a_table_left_blank_throughout_stays_unknown() -> None:
    cells = t4(("",) * 15)
    assert cells and all(c.value is None for c in cells.values())


def test_a_whole_blank_row_is_read_as_a_row_of_blank_cells() -> None:
    cells = t3(
        {
            "new_received": ("2", "0", "0", "0", "0", "0", "2"),
            "denied_state_secret": ("", "", "", "", "", "", ""),
        }
    )
    assert [cells[f"t3.denied_state_secret.{c}"].as_written for c in T3_COLUMNS] == [""] * 7

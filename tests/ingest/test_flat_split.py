"""ingest/flat_split.py: single cells recovered from the glued digit strings of flat web text.

The expected Pingtan figures were read by eye from the HTML copies of the same reports
(``corpus/raw/20{23,24,25}_pingtan_zonghe_shiyanqu.html``, real ``<td>`` cells) and typed in
by hand; the 表四 rows are also the ones SOURCES.md lists. They never come from the splitter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.ingest.flat_split import FlatSplit, split_row, split_t2, split_t3, split_t4, split_table
from nianbao.ingest.read_txt import read_txt
from nianbao.model import Table

RAW = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "raw"
ZERO = "0 0 0 0 0 0 0"


def _t3(**rows: str) -> dict[str, tuple[int, ...]]:
    """Every table 3 row of a report, a row written as its seven numbers; unlisted rows are 0."""
    keys = (
        "new_received carried_over granted partly_granted denied_state_secret denied_law_prohibited "
        "denied_three_safeties denied_third_party denied_internal_affairs denied_process_info "
        "denied_enforcement_file denied_query_item unavailable_not_held unavailable_needs_creation "
        "unavailable_unclear rejected_petition rejected_duplicate rejected_publication "
        "rejected_mass_repeated rejected_confirm_existing other_no_correction other_no_fee other_other "
        "total_processed carried_forward"
    ).split()
    assert set(rows) <= set(keys)
    return {k: tuple(int(x) for x in rows.get(k, ZERO).split()) for k in keys}


# Read from the HTML tables (表三 rows, 表四 groups), cell by cell.
PINGTAN_HTML = {
    2023: (
        _t3(
            new_received="80 1 0 0 0 0 81",
            granted="22 0 0 0 0 0 22",
            partly_granted="19 1 0 0 0 0 20",
            denied_third_party="1 0 0 0 0 0 1",
            denied_process_info="1 0 0 0 0 0 1",
            denied_enforcement_file="1 0 0 0 0 0 1",
            denied_query_item="2 0 0 0 0 0 2",
            unavailable_not_held="31 0 0 0 0 0 31",
            rejected_duplicate="1 0 0 0 0 0 1",
            other_no_correction="1 0 0 0 0 0 1",
            other_other="1 0 0 0 0 0 1",
            total_processed="80 1 0 0 0 0 81",
        ),
        {"review": (1, 1, 0, 0, 2), "suit_direct": (4, 0, 0, 1, 5), "suit_after_review": (1, 0, 1, 0, 2)},
    ),
    2024: (
        _t3(
            new_received="217 1 0 0 0 0 218",
            granted="71 0 0 0 0 0 71",
            partly_granted="29 0 0 0 0 0 29",
            denied_state_secret="4 0 0 0 0 0 4",
            denied_third_party="3 0 0 0 0 0 3",
            denied_internal_affairs="32 0 0 0 0 0 32",
            unavailable_not_held="75 0 0 0 0 0 75",
            rejected_duplicate="1 0 0 0 0 0 1",
            other_no_correction="1 0 0 0 0 0 1",
            other_other="1 1 0 0 0 0 2",
            total_processed="217 1 0 0 0 0 218",
        ),
        {"review": (2, 1, 3, 1, 7), "suit_direct": (0, 0, 0, 0, 0), "suit_after_review": (13, 2, 4, 0, 19)},
    ),
    2025: (
        _t3(
            new_received="151 3 0 0 0 0 154",
            granted="33 0 0 0 0 0 33",
            partly_granted="38 0 0 0 0 0 38",
            denied_internal_affairs="3 0 0 0 0 0 3",
            denied_process_info="2 0 0 0 0 0 2",
            denied_enforcement_file="3 0 0 0 0 0 3",
            denied_query_item="3 0 0 0 0 0 3",
            unavailable_not_held="49 1 0 0 0 0 50",
            unavailable_needs_creation="3 0 0 0 0 0 3",
            rejected_petition="2 0 0 0 0 0 2",
            other_no_correction="8 0 0 0 0 0 8",
            other_no_fee="2 0 0 0 0 0 2",
            other_other="1 0 0 0 0 0 1",
            total_processed="147 1 0 0 0 0 148",
            carried_forward="4 2 0 0 0 0 6",
        ),
        {"review": (25, 3, 8, 0, 36), "suit_direct": (3, 3, 0, 0, 6), "suit_after_review": (3, 0, 0, 0, 3)},
    ),
}


def _flat_tables(year: int) -> dict[str, FlatSplit]:
    path = RAW / f"{year}_pingtan_zonghe_shiyanqu.txt"
    doc = read_txt(path.read_bytes(), path.name, "0")
    splits = [split_table(t) for t in doc.tables if t.flat]
    return {s.table: s for s in splits if s is not None}


# --- split_row -----------------------------------------------------------------------------


def test_split_row_lists_every_cut_into_n_numbers() -> None:
    assert split_row("1234", 2) == [[1, 234], [12, 34], [123, 4]]
    assert split_row("000", 3) == [[0, 0, 0]]


def test_split_row_never_makes_a_number_with_a_leading_zero() -> None:
    assert split_row("105", 2) == [[10, 5]]
    assert split_row("1020", 3) == [[1, 0, 20], [10, 2, 0]]
    assert split_row("05", 1) == []


def test_split_row_cuts_at_every_written_space_and_before_a_minus_sign() -> None:
    assert split_row("1 23", 2) == [[1, 23]]
    assert split_row("35-15", 2) == [[35, -15]]
    assert split_row("12 3", 1) == []  # a space never sits inside a number
    assert split_row("10 0", 2) == [[10, 0]]


def test_split_row_returns_nothing_when_no_cut_exists() -> None:
    assert split_row("12", 3) == []
    assert split_row("1a2", 2) == []
    assert split_row("", 1) == []


# --- the real flat tables --------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(PINGTAN_HTML))
def test_flat_table_three_splits_into_the_html_tables_figures(year: int) -> None:
    expected, _ = PINGTAN_HTML[year]
    split = _flat_tables(year)["t3"]
    assert split.ambiguous == {} and split.unsplit == {}
    assert dict(split.values) == expected
    assert split.columns["new_received"][-1] == "total"


@pytest.mark.parametrize("year", sorted(PINGTAN_HTML))
def test_flat_table_four_splits_into_the_html_tables_three_groups(year: int) -> None:
    _, expected = PINGTAN_HTML[year]
    split = _flat_tables(year)["t4"]
    assert split.ambiguous == {}
    assert dict(split.values) == expected


def test_flat_table_two_keeps_forced_and_single_value_rows_and_reports_the_rest() -> None:
    split = _flat_tables(2023)["t2"]
    assert split.values["rules"] == (0, 0, 0)
    assert split.values["licensing"] == (2629,)
    assert split.values["punishment"] == (1330,)
    assert split.values["fees"] == (5949.088667,)
    # 77132470 has no arithmetic to pin it: the HTML's 77 | 132 | 470 is one candidate of many
    assert "normative_docs" not in split.values
    assert (77, 132, 470) in split.ambiguous["normative_docs"]
    assert split.columns["normative_docs"] == ("made", "repealed", "in_force")


def test_old_layout_table_two_uses_its_own_columns_and_negative_changes() -> None:
    split = _flat_tables(2020)["t2"]
    assert split.columns["fees"] == ("items_prev_year", "items_change")
    assert split.values["fees"] == (35, -15)
    assert split.values["rules"] == (0, 0, 7)
    assert "punishment" in split.ambiguous  # 2648-18538: -18 | 538 or -185 | 38 …


def test_a_report_whose_columns_do_not_balance_is_split_by_row_totals_only_and_says_so() -> None:
    split = _flat_tables(2020)["t3"]  # its result rows add up to 27, its （七）总计 says 21
    assert any("balances" in w for w in split.warnings)
    assert split.values["new_received"] == (20, 0, 0, 0, 0, 1, 21)
    assert split.values["other_total"] == (4, 0, 0, 0, 0, 0, 4)


# --- ambiguity is reported, never resolved by guessing ----------------------------------------


def test_two_balanced_splits_leave_both_rows_ambiguous() -> None:
    rows = [
        ("一、本年新收政府信息公开申请数量", "1212000024"),
        ("二、上年结转政府信息公开申请数量", "0000000"),
        ("（一）予以公开", "111000012"),  # 11 | 1 or 1 | 11: both rows can swap
        ("（二）部分公开", "111000012"),
        ("（七）总计", "1212000024"),
        ("四、结转下年度继续办理", "0000000"),
    ]
    split = split_t3(rows)
    assert split.values["total_processed"] == (12, 12, 0, 0, 0, 0, 24)
    assert "granted" not in split.values and "partly_granted" not in split.values
    assert set(split.ambiguous["granted"]) == {(11, 1, 0, 0, 0, 0, 12), (1, 11, 0, 0, 0, 0, 12)}
    assert set(split.ambiguous["partly_granted"]) == set(split.ambiguous["granted"])


def test_column_rules_pick_the_one_split_that_balances() -> None:
    granted = "121000013"  # 12 | 1 | … | 13, or 1 | 2 | 10 | … | 13: both add up along the row
    assert len([c for c in split_row(granted, 7) if sum(c[:6]) == c[6]]) == 2
    rows = [
        ("一、本年新收政府信息公开申请数量", "1212000024"),
        ("二、上年结转政府信息公开申请数量", "0000000"),
        ("（一）予以公开", granted),
        ("（二）部分公开", "011000011"),
        ("（七）总计", "1212000024"),
        ("四、结转下年度继续办理", "0000000"),
    ]
    split = split_t3(rows)  # only 12 | 1 leaves the 科研机构 column at 0 = （七）总计's 0
    assert split.values["granted"] == (12, 1, 0, 0, 0, 0, 13)
    assert split.ambiguous == {}


def test_table_four_with_two_valid_splits_reports_the_group_as_ambiguous() -> None:
    split = split_t4("0011011" + "00000" + "00000")
    assert set(split.ambiguous["review"]) == {(0, 0, 1, 10, 11), (0, 0, 11, 0, 11)}
    assert split.values["suit_direct"] == (0, 0, 0, 0, 0)


def test_digits_that_allow_no_split_are_reported_as_unsplit() -> None:
    split = split_t3([("一、本年新收政府信息公开申请数量", "12")])
    assert split.unsplit == {"new_received": "12"} and split.values == {}
    assert split_t4("123").unsplit["review"] == "123"
    assert split_t2([("行政规范性文件", "12")]).unsplit == {"normative_docs": "12"}


def test_unknown_labels_and_header_rows_are_skipped_with_a_warning_for_the_unknown() -> None:
    split = split_t3([("申请人情况自然人", ""), ("某某情况", "1000001")])
    assert split.values == {} and any("某某情况" in w for w in split.warnings)


def test_split_table_dispatches_on_the_tables_labels() -> None:
    t4 = Table(rows=(("行政复议行政诉讼结果维持结果纠正", "000000000000000"),), flat=True)
    assert split_table(t4) == split_t4("000000000000000")
    assert split_table(Table(rows=(("其他内容", "1"),), flat=True)) is None

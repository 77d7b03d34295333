"""The arithmetic rules, on constructed cells: each break is found and no number changes."""

from __future__ import annotations

from nianbao.ingest.checks import check_carry_over, check_narrative, check_tables
from nianbao.ingest.narrative import find_figures
from nianbao.model import Cell


def cell(key: str, value: float | None) -> Cell:
    return Cell(key, value, "" if value is None else str(value), "t", "row", "col")


def t3_balanced() -> list[Cell]:
    rows = {
        "new_received": 27,
        "carried_over": 2,
        "granted": 20,
        "unavailable_not_held": 8,
        "total_processed": 28,
        "carried_forward": 1,
    }
    cells = []
    for row, total in rows.items():
        cells.append(cell(f"t3.{row}.natural_person", total))
        cells += [
            cell(f"t3.{row}.{c}", 0)
            for c in ("commercial", "research", "social_welfare", "legal_service", "other_org")
        ]
        cells.append(cell(f"t3.{row}.total", total))
    return cells


def test_a_balanced_table_has_no_findings() -> None:
    assert check_tables(t3_balanced()) == []


def test_column_balance_break_names_the_cells_and_numbers() -> None:
    cells = [c if c.key != "t3.carried_forward.total" else cell(c.key, 3) for c in t3_balanced()]
    rules = {f.rule for f in check_tables(cells)}
    assert "t3.column_balance" in rules
    finding = next(f for f in check_tables(cells) if f.rule == "t3.column_balance")
    assert finding.numbers == (27, 2, 28, 3)
    assert "t3.carried_forward.total" in finding.keys


def test_table4_group_total_break() -> None:
    cells = [
        cell("t4.review.upheld", 10),
        cell("t4.review.corrected", 1),
        cell("t4.review.other", 0),
        cell("t4.review.pending", 0),
        cell("t4.review.total", 0),
    ]
    [finding] = check_tables(cells)
    assert finding.rule == "t4.group_total"
    assert "11" in finding.message and "0" in finding.message


def test_narrative_figure_against_table() -> None:
    text = "全年共受理政府信息公开申请30件，答复28件。"
    findings = check_narrative(t3_balanced(), find_figures(text), text)
    assert [f.numbers for f in findings] == [(30, 27)]


def test_a_narrative_finding_keeps_the_sentence_it_quotes_and_a_table_finding_has_none() -> None:
    text = "全年共受理政府信息公开申请30件，答复28件。"
    [finding] = check_narrative(t3_balanced(), find_figures(text), text)
    assert finding.quote and finding.quote in text and "30件" in finding.quote
    cells = [c if c.key != "t3.carried_forward.total" else cell(c.key, 3) for c in t3_balanced()]
    assert all(f.quote is None for f in check_tables(cells))


def test_an_all_upheld_claim_that_table4_contradicts_quotes_the_claim() -> None:
    text = "本年度发生的行政复议案件均获维持。"
    cells = [cell("t4.review.total", 3), cell("t4.review.upheld", 2), cell("t4.review.corrected", 1)]
    [finding] = check_narrative(cells, [], text)
    assert finding.quote == "本年度发生的行政复议案件均获维持"


def test_carry_over_across_years() -> None:
    prev = [cell("t3.carried_forward.total", 5)]
    cur = [cell("t3.carried_over.total", 4)]
    [finding] = check_carry_over(prev, cur, 2023, 2024)
    assert finding.numbers == (5, 4)
    assert check_carry_over(prev, [cell("t3.carried_over.total", 5)], 2023, 2024) == []

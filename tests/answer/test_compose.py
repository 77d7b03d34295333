"""Sentences from figures: the number as the report printed it, its unit, and its cells cited."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nianbao.answer import compose
from nianbao.model import StoredCell
from nianbao.retrieval.figures import Figure, FiguresTool
from tests.fixtures import BUREAU, BUREAU_2023, OFFICE, OFFICE_2022, OFFICE_2023, MadeUp, report_id

T3 = "表三 收到和处理政府信息公开申请情况"


def one(tool: FiguresTool, made: MadeUp, metric: str) -> Figure:
    [figure] = tool.get([report_id(made)], metric)
    return figure


def test_a_value_answer_states_the_number_and_cites_the_cell_where_it_sits(tool: FiguresTool) -> None:
    answer = compose.value_answer([one(tool, OFFICE_2023, "t3.new_received.total")], [])
    assert answer.status == "answered"
    assert answer.text.startswith(f"{OFFICE}2023年") and "37件" in answer.text
    [cite] = answer.citations
    assert cite.locator == f"{T3} · 一、本年新收政府信息公开申请数量 · 总计"
    assert cite.quote.endswith("37") and cite.source == "2023_bailuxian_zfb.docx"
    assert answer.figures[0]["value"] == 37 and answer.figures[0]["key"] == "t3.new_received.total"


def test_money_keeps_its_decimals_and_its_unit(tool: FiguresTool) -> None:
    answer = compose.value_answer([one(tool, OFFICE_2023, "t2.fees.amount_10k_yuan")], [])
    assert "1.25万元" in answer.text
    assert answer.citations[0].locator == "表二 主动公开政府信息情况 · 行政事业性收费 · 本年收费金额（万元）"


def test_a_summed_group_shows_its_nonzero_terms_and_cites_every_cell(tool: FiguresTool) -> None:
    figure = one(tool, OFFICE_2023, "t3.denied.total")
    answer = compose.value_answer([figure], [])
    assert "6件" in answer.text and "1＋3＋2" in answer.text
    assert len(answer.citations) == 8  # all eight （三）不予公开 rows, zeros too


def test_two_years_are_compared_with_the_difference_computed(tool: FiguresTool) -> None:
    figures = tool.get([report_id(OFFICE_2022), report_id(OFFICE_2023)], "t3.new_received.total")
    answer = compose.compare_answer(figures, "diff", [])
    assert "25件" in answer.text and "37件" in answer.text
    assert "多12件" in answer.text and "增加了12件" in answer.text
    assert [c.year for c in answer.citations] == [2022, 2023]


def test_a_sum_across_years_writes_its_terms(tool: FiguresTool) -> None:
    figures = tool.get([report_id(OFFICE_2022), report_id(OFFICE_2023)], "t3.new_received.total")
    assert "合计62件（25＋37）" in compose.compare_answer(figures, "sum", []).text


def test_several_metrics_get_a_sentence_each_and_their_sum_when_asked(tool: FiguresTool) -> None:
    table = [
        (metric, [one(tool, OFFICE_2023, metric)])
        for metric in ("t3.granted.total", "t3.partly_granted.total")
    ]
    answer = compose.several_answer(table, "sum", [])
    assert "14件" in answer.text and "5件" in answer.text and "合计19件（14＋5）" in answer.text
    assert {c.key for c in answer.citations} == {"t3.granted.total", "t3.partly_granted.total"}


def test_a_break_touching_a_cited_cell_is_flagged_and_one_elsewhere_is_not(
    findings: Callable[[MadeUp], list], tool: FiguresTool
) -> None:
    found = findings(BUREAU_2023)
    forward = compose.value_answer([one(tool, BUREAU_2023, "t3.carried_forward.total")], found)
    assert forward.text.startswith(f"{BUREAU}2023年") and "3件" in forward.text
    assert "不一致" in forward.text and "=11" in forward.text and "=12" in forward.text
    granted = compose.value_answer([one(tool, BUREAU_2023, "t3.granted.total")], found)
    assert "不一致" not in granted.text


def test_a_flagged_break_cites_nothing_as_text_that_the_text_does_not_say(
    findings: Callable[[MadeUp], list], stored_text: Callable[[MadeUp], str], tool: FiguresTool
) -> None:
    answer = compose.value_answer([one(tool, BUREAU_2023, "t3.carried_forward.total")], findings(BUREAU_2023))
    text = stored_text(BUREAU_2023)
    quoted = [c.quote for c in answer.citations if not c.key]
    assert all(q in text for q in quoted)


@pytest.mark.parametrize(
    ("value", "written"),
    [(27, "27"), (27.0, "27"), (18651.06, "18651.06"), (4166.241619, "4166.241619"), (None, "（未填写）")],
)
def test_a_number_is_written_as_the_report_wrote_it(value: float | None, written: str) -> None:
    assert compose.number(value) == written


def _figure_of(as_written: str) -> Figure:
    """A figure whose one cell has no value, written as ``as_written``."""
    cell = StoredCell(
        "r1", "a.txt", "某局", 2023, "t4.review.other", None, as_written, "表四", "行政复议", "其他结果"
    )
    return Figure(
        "r1", "a.txt", "某局", 2023, "t4.review.other", "行政复议（其他结果）", None, (cell,), False
    )


def test_a_figure_the_report_left_blank_says_so() -> None:
    assert compose.describe(_figure_of("")) == "某局2023年行政复议（其他结果）为报告未填写"
    assert "报告未填写" in compose.describe(_figure_of("—"))


def test_a_figure_that_could_not_be_read_does_not_claim_the_report_left_it_blank() -> None:
    assert "报告未填写" not in compose.describe(_figure_of("110024001510102"))

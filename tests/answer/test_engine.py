"""Routing a question: ask back, say what is missing, read the tables, or quote the text.

The library holds the made-up reports of ``tests.fixtures``: 白鹭县人民政府办公室 2022 and 2023,
白鹭县发展和改革局 2023. Expected values are the numbers those reports print.
"""

from __future__ import annotations

import pytest

from nianbao.answer.engine import Answerer
from nianbao.answer.model import Answer
from tests.fixtures import BUREAU, OFFICE

T3 = "表三 收到和处理政府信息公开申请情况"


def answered_from_tables(answer: Answer) -> bool:
    """Answered with figures, each of whose cells is cited."""
    cited = {(c.year, c.key) for c in answer.citations}
    used = {(f["year"], key) for f in answer.figures for key in f["cells"]}
    return answer.status == "answered" and bool(used) and used <= cited


def answered_from_text(answer: Answer) -> bool:
    return answer.status == "answered" and not answer.figures and all(not c.key for c in answer.citations)


# --- asking back and saying what is missing ------------------------------------------------


def test_a_name_that_fits_two_bodies_is_asked_back_with_both_as_options(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县2023年本年新收政府信息公开申请多少件？")
    assert answer.status == "clarify"
    assert set(answer.options) == {OFFICE, BUREAU}
    assert "白鹭县" in answer.text and OFFICE in answer.text and BUREAU in answer.text


def test_a_reply_naming_one_of_the_options_answers_the_question_asked(answerer: Answerer) -> None:
    asked = answerer.ask("白鹭县2023年本年新收政府信息公开申请多少件？")
    answer = answerer.ask("白鹭县发展和改革局", asked.conversation_id)
    assert answered_from_tables(answer) and answer.text.startswith(f"{BUREAU}2023年")
    assert [(f["source"], f["key"], f["value"]) for f in answer.figures] == [
        ("2023_bailuxian_fgj.docx", "t3.new_received.total", 10)
    ]


def test_a_body_that_is_not_stored_is_not_found_and_the_stored_bodies_are_offered(
    answerer: Answerer,
) -> None:
    answer = answerer.ask("红枫市人民政府2023年新收政府信息公开申请多少件？")
    assert answer.status == "not_found"
    assert "红枫市人民政府" in answer.text and set(answer.options) == {OFFICE, BUREAU}
    assert not answer.citations and not answer.figures


def test_a_year_without_a_report_is_not_found_and_the_stored_years_are_offered(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县发改局2021年新收政府信息公开申请多少件？")
    assert answer.status == "not_found"
    assert "2021" in answer.text and answer.options == ("2023",)
    assert not answer.figures


def test_an_empty_library_says_that_no_report_is_stored(empty_answerer: Answerer) -> None:
    answer = empty_answerer.ask("白鹭县政府办2023年新收政府信息公开申请多少件？")
    assert answer.status == "not_found" and not answer.citations


# --- the tables -------------------------------------------------------------------------------


def test_a_table_metric_is_answered_from_its_cell_with_the_cell_cited(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年本年新收政府信息公开申请多少件？")
    assert answered_from_tables(answer)
    assert "37件" in answer.text
    [cite] = answer.citations
    assert (cite.source, cite.year, cite.key) == ("2023_bailuxian_zfb.docx", 2023, "t3.new_received.total")
    assert cite.locator == f"{T3} · 一、本年新收政府信息公开申请数量 · 总计"


def test_a_row_group_is_answered_with_the_sum_of_its_rows(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年不予公开多少件？")
    assert answered_from_tables(answer) and "6件" in answer.text
    assert {c.key for c in answer.citations} >= {
        "t3.denied_state_secret.total",
        "t3.denied_third_party.total",
        "t3.denied_process_info.total",
    }


def test_a_difference_between_two_years_is_computed_from_both_years_cells(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年新收申请比2022年增加了多少？")
    assert answered_from_tables(answer)
    assert "25件" in answer.text and "37件" in answer.text and "12件" in answer.text
    assert {c.year for c in answer.citations} == {2022, 2023}


def test_a_result_row_is_a_share_of_the_results_total_and_a_column_of_its_row(answerer: Answerer) -> None:
    total = answerer.ask("白鹭县政府办2023年予以公开占比多少？")
    assert answered_from_tables(total)
    assert "14件" in total.text and "38件" in total.text and "36.84%" in total.text  # 14 / 38
    assert "t3.total_processed.total" in {c.key for c in total.citations}  # the total is cited too
    person = answerer.ask("白鹭县政府办2023年予以公开的申请中自然人占比多少？")
    assert "12件" in person.text and "14件" in person.text and "85.7%" in person.text  # 12 / 14
    group = answerer.ask("白鹭县政府办2023年不予公开占比多少？")
    assert "6件" in group.text and "38件" in group.text and "15.79%" in group.text  # (1 + 3 + 2) / 38
    bureau = answerer.ask("白鹭县发改局2023年予以公开的比例是多少？")
    assert "9件" in bureau.text and "77.78%" in bureau.text  # 7 / 9, not 7 / 10 (新收)


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="「2023年是2022年的多少倍」 is answered the other way round: 2022年是2023年的0.68倍 (25÷37), "
    "because the ratio always divides the earlier year by the later one",
)
def test_a_ratio_question_divides_the_year_it_names_first(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年新收申请是2022年的多少倍？")
    assert answered_from_tables(answer)
    assert "1.48倍" in answer.text  # 37 / 25


def test_a_figure_of_a_report_that_breaks_a_rule_carries_the_warning(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县发改局2023年结转下年度继续办理的申请多少件？")
    assert answer.status == "answered" and answer.figures[0]["value"] == 3 and "3件" in answer.text
    assert "不一致" in answer.text and "11" in answer.text and "12" in answer.text


# --- the text ---------------------------------------------------------------------------------


def test_a_contact_question_is_answered_by_quoting_the_preamble(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年的联系电话是多少？")
    assert answered_from_text(answer)
    [cite] = answer.citations
    assert "0599-7654321" in cite.quote and cite.locator == "前言" and cite.year == 2023
    assert cite.quote in answer.text


def test_a_narrative_count_is_quoted_from_its_section(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年主动公开政府信息多少条？")
    assert answered_from_text(answer)
    [cite] = answer.citations
    assert "1520条" in cite.quote and cite.locator == "一、总体情况 › （一）主动公开"


def test_a_question_about_problems_quotes_section_five(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年存在的主要问题是什么？")
    assert answered_from_text(answer)
    assert answer.citations and {c.locator for c in answer.citations} == {"五、存在的主要问题及改进情况"}
    assert any("政策解读形式较为单一" in c.quote for c in answer.citations)


def test_a_narrative_difference_between_two_years_is_computed_from_the_quotes(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年主动公开政府信息比2022年多了多少条？")
    assert answered_from_text(answer)
    assert {c.year for c in answer.citations} == {2022, 2023}
    assert "210条" in answer.text  # 1520 - 1310


def test_a_fact_the_report_does_not_state_is_not_found(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年政府信息公开经费是多少？")
    assert answer.status == "not_found" and not answer.citations


def test_a_short_question_finds_the_sentence_that_answers_it(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年培训了几场？")
    assert answered_from_text(answer) and "培训3场" in answer.citations[0].quote


# --- checks -----------------------------------------------------------------------------------


def test_a_table_figure_and_the_text_that_states_it_are_compared(answerer: Answerer) -> None:
    answer = answerer.ask("白鹭县政府办2023年新收申请与正文一致吗？")
    assert answer.status == "answered" and "与表格一致" in answer.text
    assert {c.locator for c in answer.citations} == {
        f"{T3} · 一、本年新收政府信息公开申请数量 · 总计",
        "正文",
    }
    assert any(c.quote == "全年共受理政府信息公开申请37件" for c in answer.citations)

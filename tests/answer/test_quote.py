"""Answers quoted from the narrative: exact spans of the stored text, with report and section."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nianbao.answer.quote import Source, quote_answer
from tests.fixtures import OFFICE, OFFICE_2022, OFFICE_2023, MadeUp, report_id


@pytest.fixture(scope="module")
def office_2023(source: Callable[[MadeUp], Source]) -> Source:
    return source(OFFICE_2023)


@pytest.fixture(scope="module")
def office_2022(source: Callable[[MadeUp], Source]) -> Source:
    return source(OFFICE_2022)


def test_each_quote_is_an_exact_span_of_the_stored_text(office_2023: Source) -> None:
    answer = quote_answer("联系电话是多少", [office_2023], "value")
    assert answer.status == "answered"
    [cite] = answer.citations
    assert "0599-7654321" in cite.quote and cite.quote in office_2023.text
    assert cite.quote.startswith("如对本报告有疑问") and cite.quote.endswith("）。")


def test_a_citation_names_the_report_and_the_section_the_sentence_sits_in(office_2023: Source) -> None:
    [cite] = quote_answer("主动公开政府信息多少条", [office_2023], "value").citations
    assert (cite.source, cite.year, cite.report_id) == (
        "2023_bailuxian_zfb.docx",
        2023,
        report_id(OFFICE_2023),
    )
    assert cite.locator == "一、总体情况 › （一）主动公开"
    assert cite.quote == "全年主动公开政府信息1520条，发布政策解读36篇。"


def test_the_answer_text_carries_each_quote_in_corner_brackets(office_2023: Source) -> None:
    answer = quote_answer("主动公开政府信息多少条", [office_2023], "value")
    assert f"「{answer.citations[0].quote}」" in answer.text and f"{OFFICE}2023年" in answer.text


def test_a_question_in_two_parts_gets_a_sentence_for_each(office_2023: Source) -> None:
    answer = quote_answer("主动公开政府信息多少条？共受理政府信息公开申请多少件？", [office_2023], "value")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == 2 and "1520条" in quotes[0] and "37件" in quotes[1]
    assert all(q in office_2023.text for q in quotes)


def test_two_years_are_quoted_and_their_counts_compared_in_code(
    office_2022: Source, office_2023: Source
) -> None:
    answer = quote_answer("主动公开政府信息多了多少条", [office_2023, office_2022], "diff")
    assert [c.year for c in answer.citations] == [2022, 2023]  # oldest first, whatever the order read
    assert "2023年比2022年多210条（1520－1310）" in answer.text


def test_problems_and_fixes_are_quoted_from_the_opening_of_section_five(office_2023: Source) -> None:
    answer = quote_answer("存在的主要问题和改进措施", [office_2023], "text")
    assert answer.citations and all(c.locator == "五、存在的主要问题及改进情况" for c in answer.citations)
    assert all(c.quote in office_2023.text for c in answer.citations)


def test_a_question_the_report_does_not_answer_is_not_found_naming_the_report(office_2023: Source) -> None:
    answer = quote_answer("政府信息公开经费是多少", [office_2023], "value")
    assert answer.status == "not_found" and not answer.citations
    assert f"{OFFICE}2023年" in answer.text


def test_a_sentence_wrapped_across_lines_is_quoted_as_its_span_without_the_line_breaks() -> None:
    # PDF text wraps lines at the page width, mid-sentence.
    text = (
        "一、总体情况\n"
        "本机关全年通过政府网站主动公开政府信息共计\n"
        "1136条，其中政策文件解读材料42篇，图片解读\n"
        "18篇，均已按时在政府信息公开专栏发布完毕。\n"
        "全年没有收到任何涉及政府信息公开的投诉举报。"
    )
    source = Source("r", "wrapped.pdf", "某机关", 2023, text, lambda at: "一、总体情况")
    [cite] = quote_answer("主动公开政府信息多少条", [source], "value").citations
    span = text[text.index("本机关") : text.index("发布完毕。") + len("发布完毕。")]
    assert "\n" in span and cite.quote == span.replace("\n", "")

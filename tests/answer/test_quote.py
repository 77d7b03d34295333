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


# --- lists, facts, years and bodies -------------------------------------------------------------

#: Sections 一 to 四 of a made-up report, as short as they come (the splitter wants them in order).
LEAD = "一、总体情况\n概述。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、行政复议\n"

#: Section 五 of a made-up 2024 report: last year's 整改 first, then this year's problems and plans.
FIVE = LEAD + (
    "五、存在的主要问题及改进情况\n"
    "（一）2023年问题整改情况\n"
    "一是针对网站栏目更新不及时的问题，建立了栏目巡查制度。二是针对解读形式单一的问题，新增图解解读40篇。\n"
    "（二）2024年存在的主要问题\n"
    "一是基层政务公开专区使用率不高；二是依申请公开答复文书格式还不够统一；三是公开队伍人员流动较快。\n"
    "（三）下一步改进措施\n"
    "一是开展专区使用情况专项调查。二是制定统一的答复文书范本。三是建立新上岗人员培训制度。\n"
    "六、其他需要报告的事项\n"
    "本年度未收取信息处理费。"
)


def _made(text: str, year: int = 2024, body: str = "青禾市人民政府办公室") -> Source:
    """A Source over ``text``, its sections read with the ingest splitter."""
    from nianbao.ingest.sections import section_at, split_sections

    sections = split_sections(text)
    return Source(
        f"r{year}-{body}",
        f"{year}_qinghe_{len(body)}.docx",
        body,
        year,
        text,
        lambda at: " › ".join(section_at(sections, at)),
        sections,
        f"{body}{year}年政府信息公开工作年度报告",
    )


def test_problems_of_the_year_asked_come_from_the_problems_subsection_not_last_years_fixes() -> None:
    answer = quote_answer("工作中还有哪些不足", [_made(FIVE)], "text")
    quotes = [c.quote for c in answer.citations]
    assert len(quotes) == 3 and "专区使用率不高" in quotes[0] and "人员流动较快" in quotes[2]
    assert not any("巡查制度" in q or "专项调查" in q for q in quotes)
    assert all(q in FIVE for q in quotes)


def test_a_list_comes_back_once_each_item_quoted_once_in_order() -> None:
    answer = quote_answer("下一步有什么改进打算", [_made(FIVE)], "text")
    quotes = [c.quote for c in answer.citations]
    assert quotes == [
        "一是开展专区使用情况专项调查。",
        "二是制定统一的答复文书范本。",
        "三是建立新上岗人员培训制度。",
    ]
    assert answer.text.count("「") == 3 and "1.「" in answer.text and "3.「" in answer.text


def test_problems_and_measures_asked_together_come_back_as_two_lists() -> None:
    answer = quote_answer("存在什么问题？采取了哪些措施？", [_made(FIVE)], "text")
    quotes = [c.quote for c in answer.citations]
    assert any("答复文书格式" in q for q in quotes) and any("答复文书范本" in q for q in quotes)
    assert len(quotes) == 6


def test_a_section_five_without_subsections_is_cut_where_it_turns_to_measures() -> None:
    text = LEAD + (
        "五、存在的主要问题及改进情况\n"
        "本年度工作仍有不足：一是部分单位信息更新不及时，二是政策解读的针对性不强。"
        "针对上述问题，我办将加强日常巡查，并邀请专家参与政策解读。\n"
        "六、其他需要报告的事项\n无。"
    )
    problems = [c.quote for c in quote_answer("有哪些问题", [_made(text)], "text").citations]
    measures = [c.quote for c in quote_answer("准备采取什么措施", [_made(text)], "text").citations]
    assert any("更新不及时" in q for q in problems) and not any("专家" in q for q in problems)
    assert any("专家" in q for q in measures) and not any("更新不及时" in q for q in measures)


def test_the_date_of_publication_is_the_date_line_at_the_end_cited() -> None:
    text = (
        "一、总体情况\n本年度统计期限自2024年1月1日起至2024年12月31日止。\n"
        "六、其他需要报告的事项\n无。\n青禾市人民政府办公室\n2025年1月20日"
    )
    answer = quote_answer("这份报告是哪天发布的", [_made(text)], "text")
    assert answer.status == "answered" and "2025年1月20日" in answer.text
    [cite] = answer.citations
    assert cite.quote == "2025年1月20日" and cite.quote in text


def test_a_date_line_at_the_top_counts_and_the_statistics_period_does_not() -> None:
    dated = "青禾市2024年政府信息公开工作年度报告\n发布日期：2025-01-31\n统计期限自2024年1月1日至12月31日。"
    assert "2025-01-31" in quote_answer("发布时间", [_made(dated)], "text").text
    undated = "一、总体情况\n统计期限自2024年1月1日起至2024年12月31日止。"
    assert quote_answer("发布日期是什么时候", [_made(undated)], "text").status == "not_found"


def test_with_no_year_named_the_latest_report_that_states_the_fact_answers_saying_its_year() -> None:
    old = _made("前言\n如有疑问请联系本机关，联系电话：0591-2345678。", 2022)
    newer = _made("前言\n本报告可在青禾市人民政府网站下载。", 2024)
    answer = quote_answer("联系电话是多少", [newer, old], "value", nearest_first=True)
    assert answer.status == "answered" and "0591-2345678" in answer.text
    assert "2022年" in answer.text and answer.citations[0].year == 2022


def test_a_fee_amount_is_quoted_from_the_sentence_that_states_it_not_from_a_label() -> None:
    text = (
        "二、主动公开政府信息情况\n行政事业性收费\n"
        "六、其他需要报告的事项\n全年收取行政事业性收费共计12.5万元，均按规定公示。"
    )
    answer = quote_answer("收了多少万元的行政事业性收费", [_made(text)], "value")
    assert answer.status == "answered" and "12.5万元" in answer.citations[0].quote


def test_across_bodies_each_body_that_says_it_is_listed_by_body() -> None:
    a = _made("一、总体情况\n全年召开新闻发布会8场，发布权威信息。", 2024, "青禾市人民政府办公室")
    b = _made("一、总体情况\n全年举办新闻发布会3场，回应社会关切。", 2024, "青禾市教育局")
    c = _made("一、总体情况\n全年主动公开政府信息900条。", 2024, "青禾市财政局")
    answer = quote_answer("哪些单位开了新闻发布会", [a, b, c], "text", across=True)
    assert {cite.body for cite in answer.citations} == {"青禾市人民政府办公室", "青禾市教育局"}
    assert "青禾市财政局" not in answer.text


def test_an_answer_states_its_confidence_and_not_found_does_too(office_2023: Source) -> None:
    found = quote_answer("联系电话是多少", [office_2023], "value")
    missing = quote_answer("政府信息公开经费是多少", [office_2023], "value")
    assert found.confidence is not None and found.confidence >= 0.35
    assert missing.confidence is not None and missing.confidence < 0.35

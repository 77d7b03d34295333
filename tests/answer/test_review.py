"""Questions about a report as a whole, in chat: what changed since another year, and whether a
report is complete, answered from ``nianbao.review`` with the cells and places cited.

Corpus reports, records only; figures read by hand: 平潭 表三 新收 81 (2023) and 218 (2024), 表二
行政许可 2629 and 4529; 2024 page dated 2025-03-10; 沭阳县发改局 2023 leaves the five 法人或其他组织
columns of 表三 blank and is signed 2024年1月17日. Questions are worded here, not taken from a set.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.answer.engine import Answerer
from nianbao.catalog import Catalog
from nianbao.library import Library
from nianbao.settings import Settings
from tests.answer.conftest import TODAY
from tests.conftest import RAW

FILES = [
    "2021_pingtan_zonghe_shiyanqu.txt",  # 2022 left out: a gap
    "2023_pingtan_zonghe_shiyanqu.html",
    "2024_pingtan_zonghe_shiyanqu.html",
    "2023_suqian_shuyangxian_fagaiju.html",
]


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("review_chat") / "data"))
    for name in FILES:
        assert library.ingest_bytes((RAW / name).read_bytes(), name).status == "ingested"
    yield Answerer(Catalog(library.engine), today=TODAY)
    library.engine.dispose()


@pytest.mark.parametrize(
    "question",
    [
        "平潭2024年和2023年的报告比有什么变化？",
        "平潭2024年的年报跟上一年相比有哪些不同",
        "平潭综合实验区2023年与2024年年度报告的区别是什么？",
        "平潭的年报最近一年变了什么",
        "平潭2024年的数据和2023年比有哪些变化",
        "平潭2023年到2024年有什么变化",
        "平潭2024年年报与2023年年报的主要区别",
        "比较一下平潭2023年和2024年的年报",
        "平潭2024年年报和上年相比哪些数字变了",
        "平潭2024年年报较2023年的变化情况",
        "平潭2024年与2023年的年报差异",
        "请对比平潭2023年和2024年的年度报告",
        "平潭2024年跟2023年相比，报告有啥变化",
    ],
)
def test_a_question_about_what_changed_gets_both_years_figures(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered", answer.text
    assert "2629到4529" in answer.text and "81到218" in answer.text
    sources = {c.source for c in answer.citations}
    assert sources == {"2023_pingtan_zonghe_shiyanqu.html", "2024_pingtan_zonghe_shiyanqu.html"}
    assert "行政复议纠错率" in answer.text and "结果纠正1 ÷ 总计7 = 14.3%（样本较少）" in answer.text


def test_a_change_in_one_figure_is_still_the_figure_answer(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2024年新收申请比2023年增加了多少？")
    assert answer.status == "answered" and "137" in answer.text
    assert "数字不同" not in answer.text  # not the whole-report comparison


def test_a_change_with_no_other_year_stored_says_so(answerer: Answerer) -> None:
    answer = answerer.ask("沭阳县发改局2023年的报告和上一年比有什么变化？")
    assert answer.status == "not_found" and "2023年以前" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("平潭2024年的报告是按时公开的吗？", "2025年3月10日"),
        ("平潭2024年年报有没有超过公开期限", "在2025年3月31日的期限之内"),
        ("沭阳县发改局2023年的年报是否按期发布", "2024年1月17日"),
        ("沭阳县发改局2023年年报是否在规定时间内公开", "2024年1月31日的期限之内（《条例》第四十九条"),
        ("沭阳县发改局2023年年报是否在1月31日前发布", "2024年1月17日"),
        ("平潭2024年的报告有没有迟发", "第四十九条第二款"),
    ],
)
def test_a_question_about_the_deadline_gets_the_date_check(
    answerer: Answerer, question: str, expected: str
) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered" and expected in answer.text
    assert answer.citations and answer.citations[0].locator in ("发布日期", "落款")


def test_blank_cells_are_named_with_their_rows(answerer: Answerer) -> None:
    answer = answerer.ask("沭阳县发改局2023年报告的表三有没有空白没填的单元格？")
    assert answer.status == "answered"
    assert "商业企业（空白）" in answer.text and "一、本年新收政府信息公开申请数量" in answer.text
    assert all(c.source == "2023_suqian_shuyangxian_fagaiju.html" for c in answer.citations)


def test_is_it_complete_summarises_every_check(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2024年的年度报告完整吗？")
    # a government's report published on 10 March is within 第四十九条第二款's 31 March
    assert answer.status == "answered" and "9项检查均未发现问题" in answer.text


def test_the_signature_date_is_still_a_text_answer(answerer: Answerer) -> None:
    answer = answerer.ask("沭阳县发改局这份年报的落款日期是哪天？")
    assert answer.status == "answered" and answer.citations[0].quote == "2024年1月17日"
    assert "完整性检查" not in answer.text


def test_replying_on_time_is_about_the_applications_not_the_report(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2024年的申请是否都按时答复了？")
    assert "完整性检查" not in answer.text and "数字不同" not in answer.text


def test_a_question_naming_a_table_gets_that_tables_changes(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2024年表三跟2023年比有什么变化")
    assert "81到218" in answer.text and "2629到4529" not in answer.text  # 表二's 行政许可 left out


@pytest.mark.parametrize(
    "question",
    [
        "沭阳县发改局2023年报告有没有漏填？",
        "沭阳县发改局2023年的数据有没有填全",
        "沭阳县发改局2023年年报有没有空白的地方",
    ],
)
def test_blank_cells_asked_in_other_words(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered" and "商业企业（空白）" in answer.text


def test_a_follow_up_audits_the_other_year(answerer: Answerer) -> None:
    first = answerer.ask("平潭2024年的报告完整吗")
    answer = answerer.ask("2023年呢？", first.conversation_id)
    assert answer.status == "answered" and "平潭综合实验区2023年报告的完整性检查" in answer.text


@pytest.mark.parametrize(
    "question",
    ["平潭2024年年报第五部分与2023年相比有什么变化", "平潭2024年存在的问题和2023年比有什么不同"],
)
def test_a_change_question_naming_a_part_gets_that_parts_sentences(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered" and "「五、存在的主要问题及改进情况」正文" in answer.text
    assert "表格中" not in answer.text and "81到218" not in answer.text  # no table for part 五
    # a sentence of 2024's part 五 (read in the report), quoted as added and cited to that report
    assert "新增「2024年，实验区政府信息公开工作取得了新进展新成果" in answer.text
    assert {c.locator for c in answer.citations} == {"五、存在的主要问题及改进情况"}


def test_a_change_question_naming_a_part_with_a_table_gets_its_figures(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2024年与2023年相比，依申请公开情况有什么变化")
    assert "81到218" in answer.text and "2629到4529" not in answer.text  # 表三, not 表二
    assert "「三、收到和处理政府信息公开申请情况」" in answer.text


def test_a_longer_topic_stays_a_text_question(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2024年和2023年比主动公开政策解读工作有什么变化")
    assert "报告相比" not in answer.text


def test_the_year_before_missing_says_which_year_is_compared(answerer: Answerer) -> None:
    answer = answerer.ask("平潭2023年的年报和上一年相比有什么变化")
    assert (
        "2023年与2021年的报告相比（语料中没有平潭综合实验区2022年的报告，与此前最近的2021年报告比较。）"
        in answer.text
    )


@pytest.mark.parametrize(
    ("question", "check"),
    [
        ("沭阳县发改局2023年报告是否说明了收费情况", "信息处理费"),
        ("沭阳县发改局2023年年报的机关名称有没有写错", "年份、机关名称"),
        ("平潭2024年的年报什么时候发布的，有没有超过法定期限", "公开日期"),
        ("平潭2024年存在的问题是不是照抄去年的", "存在的问题"),
        ("平潭2024年年报有没有按照规定的格式编写", "六个部分"),
    ],
)
def test_an_audit_question_in_other_words_gets_its_check(
    answerer: Answerer, question: str, check: str
) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered" and f"完整性检查：{check}" in answer.text, answer.text


def test_a_question_about_answers_not_done_by_the_rules_is_no_audit(answerer: Answerer) -> None:
    # 不规范 of the replies, not of the report
    answer = answerer.ask("沭阳县发改局打算怎么解决依申请公开答复不规范的问题？")
    assert "完整性检查" not in answer.text

"""Which sentence answers: forms a question asks for, counts in any measure word, confidence."""

from __future__ import annotations

from nianbao.answer.text import ANSWER_THRESHOLD, Reader, counts_in, need_of, prefers_text, states_none
from nianbao.model import Section
from nianbao.retrieval.passages import report_passages

REPORT = (
    "一、总体情况\n"
    "全年主动公开政府信息1520条，发布政策解读36篇。\n"
    "全年共受理政府信息公开申请37件，均在法定期限内答复。\n"
    "做好政府公报编辑发布工作，全年共编辑发布《白鹭县人民政府公报》6期。\n"
    "如有疑问请联系县政府办公室，电话：0599-7654321。\n"
    "本年度未收取信息处理费。"
)
SECTIONS = (Section(("一、总体情况",), 0, len(REPORT)),)


def _reader(text: str = REPORT, sections: tuple[Section, ...] = SECTIONS) -> Reader:
    return Reader(report_passages("r", text, sections))


def _best(question: str, reader: Reader | None = None) -> tuple[str, float]:
    scored = (reader or _reader()).score(question)
    return (scored[0].passage.text, scored[0].confidence) if scored else ("", 0.0)


def test_a_phone_question_is_answered_only_by_a_sentence_with_a_phone_number() -> None:
    text, confidence = _best("联系电话是多少")
    assert "0599-7654321" in text and confidence >= ANSWER_THRESHOLD
    other = "一、总体情况\n如有疑问请联系县政府办公室。\n全年主动公开政府信息1520条。"
    assert _reader(other, (Section(("一、总体情况",), 0, len(other)),)).score("联系电话是多少") == []


def test_the_best_sentence_shares_the_rarest_words_of_the_question() -> None:
    text, _ = _best("受理政府信息公开申请多少件")
    assert text == "全年共受理政府信息公开申请37件，均在法定期限内答复。"


def test_a_count_asked_in_other_words_and_another_measure_word_is_still_found() -> None:
    # 出了几期 / 编发 in the question; 编辑发布…期 in the report
    text, confidence = _best("县政府公报一年出了几期")
    assert "6期" in text and confidence >= ANSWER_THRESHOLD
    # 篇 asked, 条 written: a count in another measure word still answers a counting question
    text, confidence = _best("主动公开了多少篇政府信息")
    assert "1520条" in text and confidence >= ANSWER_THRESHOLD


def test_a_counting_question_prefers_the_sentence_with_a_count_over_one_that_only_names_the_topic() -> None:
    text = (
        "一、总体情况\n"
        "我县高度重视政务新媒体建设管理，持续规范政务新媒体运行。\n"
        "目前全县共有政务新媒体账号42个，均已备案。"
    )
    reader = _reader(text, (Section(("一、总体情况",), 0, len(text)),))
    assert "42个" in _best("有多少个政务新媒体", reader)[0]


def test_an_explicit_none_answers_a_counting_question() -> None:
    assert states_none("2018年未收到有关政府信息公开申请。")
    text = (
        "三、政府信息依申请公开工作情况\n2018年未收到有关政府信息公开申请。\n"
        "四、行政复议情况\n因政府信息公开申请提起行政复议的案件共1件。"
    )
    cut = text.index("四、")
    sections = (
        Section(("三、政府信息依申请公开工作情况",), 0, cut),
        Section(("四、行政复议情况",), cut, len(text)),
    )
    found, confidence = _best("收到多少政府信息公开申请", _reader(text, sections))
    assert found == "2018年未收到有关政府信息公开申请。" and confidence >= ANSWER_THRESHOLD


def test_a_question_the_report_does_not_answer_scores_under_the_threshold() -> None:
    _, confidence = _best("政府信息公开经费是多少")
    assert confidence < ANSWER_THRESHOLD


def test_counts_are_numbers_with_a_measure_word_not_years_or_dates() -> None:
    assert counts_in("2023年共编辑发布公报4期，刊登文件243件") == ["期", "件"]
    assert counts_in("统计期限自2023年1月1日至12月31日") == []
    assert counts_in("收取信息处理费3940元") == ["元"]


def test_what_a_question_needs() -> None:
    assert need_of("开了几场新闻发布会").unit == "场"
    assert need_of("收了多少万元的行政事业性收费").unit == "万元"
    assert need_of("电子邮箱是什么").form is not None and not need_of("电子邮箱是什么").counting
    assert not need_of("存在哪些主要问题").counting


def test_questions_about_what_the_tables_do_not_count_prefer_the_text() -> None:
    assert prefers_text("主动公开政府信息多少条")
    assert prefers_text("联系电话是多少")
    assert prefers_text("举办了几场培训")
    assert prefers_text("报告的发布时间是哪天")
    assert not prefers_text("本年新收政府信息公开申请多少件")
    assert not prefers_text("主动公开的规章有多少件")

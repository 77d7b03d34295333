"""Understanding questions as citizens and staff write them."""

from __future__ import annotations

from datetime import date

import pytest

from nianbao.answer import smalltalk
from nianbao.answer.parse import follow_up, parse, parse_years, state_of
from nianbao.retrieval.bodies import BodyResolver

BODIES = [
    "市中区人民政府办公室",
    "淮安市洪泽区人民政府",
    "洪泽区人民政府",
    "淮安市人民政府",
    "平潭综合实验区",
    "沐阳县人民政府",
    "沭阳县发展和改革局",
    "上海市科委",
    "上海市人民政府办公厅",
]
TODAY = date(2026, 11, 28)


def ask(text: str):
    return parse(text, BodyResolver(BODIES), TODAY)


@pytest.mark.parametrize(
    ("text", "years", "recent"),
    [
        ("2023年", (2023,), None),
        ("2021到2023年", (2021, 2022, 2023), None),
        ("2019-2020年", (2019, 2020), None),
        ("去年", (2025,), None),
        ("前年", (2024,), None),
        ("二〇二三年", (2023,), None),
        ("近三年", (), 3),
        ("电话0632-3921308", (), None),
    ],
)
def test_years(text: str, years: tuple[int, ...], recent: int | None) -> None:
    assert parse_years(text, TODAY) == (years, recent)


@pytest.mark.parametrize(
    ("text", "row", "applicant"),
    [
        ("市中区政府办2023年收到多少信息公开申请？", "t3.new_received", None),
        ("淮安市2024年商业企业新提交的信息公开申请有多少？", "t3.new_received", "commercial"),
        ("上海市政府办公厅2025年因本机关不掌握等原因无法提供的有多少件？", "t3.unavailable", None),
        ("本机关不掌握相关信息而无法提供的有几件", "t3.unavailable_not_held", None),
        ("淮安市2024年未经复议直接起诉的行政诉讼还有几件尚未审结？", "t4.suit_direct", None),
        ("平潭2023年行政处罚决定有多少件？", "t2.punishment", None),
        ("洪泽区2023年上年结转的申请有几件", "t3.carried_over", None),
    ],
)
def test_metric_words_map_to_canonical_rows(text: str, row: str, applicant: str | None) -> None:
    question = ask(text)
    assert question.row == row
    assert question.applicant == applicant


def test_several_asks_in_one_question() -> None:
    question = ask("平潭2025年行政复议多少起？其中结果维持多少？")
    assert [row for row, _ in question.asks] == ["t4.review", "t4.review"]
    assert ask("平潭2022年行政复议和行政诉讼各有几件？").intent == "compare"


def test_bodies_and_unknown_bodies() -> None:
    assert [m.exact for m in ask("市中区政府办2023年收到多少申请").mentions] == [("市中区人民政府办公室",)]
    question = ask("枣庄市人民政府2023年行政许可处理决定有多少？")
    assert question.mentions == () and question.unknown_body == "枣庄市人民政府"


def test_a_follow_up_keeps_body_year_and_metric() -> None:
    first = ask("市中区政府办2023年收到多少信息公开申请？")
    state = state_of(first, ["市中区人民政府办公室"], [2023])
    second = follow_up(ask("其中自然人呢？"), state)
    assert second.row == "t3.new_received" and second.applicant == "natural_person"
    assert second.years == (2023,)
    assert [m.text for m in second.mentions] == ["市中区人民政府办公室"]
    third = follow_up(ask("那行政复议呢？"), state)
    assert third.row == "t4.review"


@pytest.mark.parametrize("text", ["", "？？？", "a" * 2000, "2023年" * 300, "\x00\u202e"])
def test_odd_input_parses(text: str) -> None:
    assert ask(text).text == text


# --- what a follow-up inherits (answer.parse.follow_up) ------------------------------------------

STATE = {
    "bodies": ["市中区人民政府办公室"],
    "years": [2023],
    "row": "t3.new_received",
    "applicant": None,
    "intent": "value",
    "topic": "",
}


def test_a_follow_up_naming_another_body_keeps_the_metric_and_year() -> None:
    switched = follow_up(ask("换成平潭呢？"), STATE, is_topic=lambda words: False)
    assert [m.exact for m in switched.mentions] == [("平潭综合实验区",)]
    assert switched.row == "t3.new_received" and switched.years == (2023,)


def test_a_question_with_a_topic_of_its_own_does_not_inherit_the_metric() -> None:
    phone = follow_up(ask("联系电话是多少？"), STATE, is_topic=lambda words: True)
    assert phone.row is None and phone.years == (2023,)
    assert [m.text for m in phone.mentions] == ["市中区人民政府办公室"]


def test_words_the_reports_do_not_use_are_no_topic_only_in_the_form_of_a_follow_up() -> None:
    weather = ask("今天天气怎么样？")  # neither 那…呢 nor a body: it keeps its own (missing) metric
    assert follow_up(weather, STATE, is_topic=lambda words: False).row is None
    looked = follow_up(ask("那平潭那边看看呢？"), STATE, is_topic=lambda words: False)
    assert looked.row == "t3.new_received"


def test_a_question_naming_its_own_body_year_and_metric_inherits_nothing() -> None:
    own = ask("平潭2024年行政复议有几件？")
    assert follow_up(own, STATE) == own


def test_a_question_about_every_body_does_not_inherit_the_body() -> None:
    ranked = follow_up(ask("哪个单位受理的申请最多？"), STATE)
    assert ranked.mentions == () and ranked.years == (2023,)


def test_a_question_about_the_trend_does_not_inherit_the_years() -> None:
    trend = follow_up(ask("新收申请历年的变化趋势"), STATE)
    assert trend.years == () and [m.text for m in trend.mentions] == ["市中区人民政府办公室"]


def test_a_stray_character_is_no_topic_of_its_own() -> None:
    review = {**STATE, "row": "t4.review"}
    corrected = follow_up(ask("其中被纠正的有几件？"), review)
    assert corrected.row == "t4.review"
    more = follow_up(ask("比上一年增加了多少？"), STATE)
    assert more.row == "t3.new_received"


def test_a_text_question_is_asked_again_for_another_year() -> None:
    first = ask("市中区政府办2023年的联系电话是多少？")
    state = state_of(first, ["市中区人民政府办公室"], [2023])
    again = follow_up(ask("那2022年呢？"), state)
    assert again.years == (2022,) and again.row is None and "联系电话" in again.text


# --- small talk (answer.smalltalk.kind_of) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("谢谢！", "thanks"),
        ("非常感谢您", "thanks"),
        ("您好", "greeting"),
        ("hello", "greeting"),
        ("再见啦", "bye"),
        ("好的", "ack"),
        ("你能做什么？", "capability"),
        ("你是谁", "capability"),
        ("能问些什么？", "capability"),
        ("有哪些单位的年报？", "catalogue"),
        ("收录了哪些年份的报告", "catalogue"),
        ("2023年有哪些单位的报告？", "catalogue"),
    ],
)
def test_small_talk_is_told_by_what_is_left_without_the_polite_words(text: str, kind: str) -> None:
    assert smalltalk.kind_of(ask(text)) == kind


@pytest.mark.parametrize(
    "text",
    [
        "谢谢，那2022年呢？",
        "你好，平潭2023年收到多少申请？",
        "其中自然人呢？",
        "联系电话是多少？",
        "市中区政府办存在什么问题？",
        "2023年",
    ],
)
def test_a_question_with_something_of_a_report_in_it_is_no_small_talk(text: str) -> None:
    assert smalltalk.kind_of(ask(text)) is None

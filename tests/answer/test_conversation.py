"""A conversation: a follow-up inherits only what it leaves open; small talk, another body and
an unrelated question never get the earlier figure; greetings and "what can you ask" are answered
from what is stored.

The library holds the made-up reports of ``tests.fixtures``: 白鹭县人民政府办公室 2022 and 2023,
白鹭县发展和改革局 2023. Expected values are the numbers those reports print.
"""

from __future__ import annotations

import re

import pytest

from nianbao.answer.engine import Answerer
from nianbao.answer.model import Answer
from tests.fixtures import BUREAU, OFFICE

#: 白鹭县政府办 2023 表三 一、本年新收 总计, and what the other turns must not repeat.
OFFICE_2023_NEW = 37
FIRST = "白鹭县政府办2023年本年新收政府信息公开申请多少件？"


def has_number(text: str, number: float) -> bool:
    return re.search(rf"(?<![\d.]){number}(?![\d.])", text) is not None


def table_citations(answer: Answer) -> list:
    return [c for c in answer.citations if c.key]


def start(answerer: Answerer, question: str = FIRST) -> Answer:
    first = answerer.ask(question)
    assert first.status == "answered" and first.figures, first
    return first


# --- small talk -------------------------------------------------------------------------------


@pytest.mark.parametrize("said", ["谢谢！", "多谢啦", "好的，谢谢你"])
def test_thanks_after_a_figure_is_answered_politely_without_the_figure(answerer: Answerer, said: str) -> None:
    first = start(answerer)
    thanks = answerer.ask(said, first.conversation_id)
    assert thanks.status == "answered" and not thanks.citations and not thanks.figures
    assert not has_number(thanks.text, OFFICE_2023_NEW)
    assert any(word in thanks.text for word in ("不客气", "不用谢", "很高兴"))


def test_a_follow_up_after_thanks_still_goes_on_from_the_figure(answerer: Answerer) -> None:
    first = start(answerer)
    answerer.ask("谢谢", first.conversation_id)
    follow = answerer.ask("其中自然人呢？", first.conversation_id)
    assert follow.status == "answered" and has_number(follow.text, 32)
    assert [c.key for c in follow.citations] == ["t3.new_received.natural_person"]


@pytest.mark.parametrize("said", ["你好", "您好！", "再见"])
def test_a_greeting_or_goodbye_after_a_figure_does_not_repeat_it(answerer: Answerer, said: str) -> None:
    first = start(answerer)
    reply = answerer.ask(said, first.conversation_id)
    assert reply.status == "answered" and not reply.citations and not reply.figures
    assert not has_number(reply.text, OFFICE_2023_NEW)


def examples_in(text: str) -> list[str]:
    return re.findall(r"「([^」]+)」", text)


@pytest.mark.parametrize("asked", ["你能做什么？", "你好", "您可以回答哪些问题？"])
def test_what_can_be_asked_is_answered_from_the_catalogue_with_examples_that_work(
    answerer: Answerer, asked: str
) -> None:
    reply = answerer.ask(asked)
    assert reply.status == "answered" and not reply.citations
    assert OFFICE in reply.text and BUREAU in reply.text
    assert "2022" in reply.text and "2023" in reply.text
    examples = examples_in(reply.text)
    assert len(examples) == 2
    for example in examples:
        assert OFFICE in example or BUREAU in example
        assert answerer.ask(example).status == "answered", example


def test_which_reports_are_stored_lists_each_body_with_its_years(answerer: Answerer) -> None:
    reply = answerer.ask("有哪些单位的年报？")
    assert reply.status == "answered" and not reply.citations
    assert re.search(rf"{OFFICE}（2022、2023年）", reply.text), reply.text
    assert re.search(rf"{BUREAU}（2023年）", reply.text), reply.text
    only_2022 = answerer.ask("2022年有哪些单位的报告？")
    assert OFFICE in only_2022.text and BUREAU not in only_2022.text


def test_small_talk_with_an_empty_library_says_nothing_is_stored(empty_answerer: Answerer) -> None:
    reply = empty_answerer.ask("你能做什么？")
    assert reply.status == "answered" and "没有收录" in reply.text and not examples_in(reply.text)


# --- what a follow-up inherits ----------------------------------------------------------------


def test_a_question_about_another_body_is_answered_for_that_body(answerer: Answerer) -> None:
    first = start(answerer)
    phone = answerer.ask("白鹭县发改局的联系电话是多少？", first.conversation_id)
    assert phone.status == "answered" and not phone.figures and not table_citations(phone)
    assert "0599-7651234" in phone.text and {c.body for c in phone.citations} == {BUREAU}
    assert not has_number(phone.text, OFFICE_2023_NEW)


def test_a_question_about_another_body_its_report_does_not_answer_is_not_found(answerer: Answerer) -> None:
    first = start(answerer)
    site = answerer.ask("白鹭县发改局2023年的电子邮箱是什么？", first.conversation_id)  # none is given
    assert site.status == "not_found" and not site.figures and not site.citations
    assert not has_number(site.text, OFFICE_2023_NEW)


def test_a_follow_up_that_names_another_body_keeps_the_metric_and_the_year(answerer: Answerer) -> None:
    first = start(answerer)
    other = answerer.ask("那白鹭县发改局呢？", first.conversation_id)
    assert other.status == "answered" and has_number(other.text, 10)
    assert {(c.body, c.year, c.key) for c in other.citations} == {(BUREAU, 2023, "t3.new_received.total")}


@pytest.mark.parametrize("asked", ["明天会下雨吗？", "推荐一部好看的电影"])
def test_an_unrelated_question_is_not_answered_with_the_earlier_figure(
    answerer: Answerer, asked: str
) -> None:
    first = start(answerer)
    reply = answerer.ask(asked, first.conversation_id)
    assert not reply.figures and not table_citations(reply)
    assert not has_number(reply.text, OFFICE_2023_NEW)


def test_a_question_with_its_own_metric_keeps_it_and_inherits_only_the_year(answerer: Answerer) -> None:
    first = start(answerer, "白鹭县政府办2022年本年新收政府信息公开申请多少件？")
    assert has_number(first.text, 25)
    partly = answerer.ask("部分公开多少件？", first.conversation_id)
    assert partly.status == "answered" and has_number(partly.text, 4)  # 2022, not 2023's 5
    assert {(c.year, c.key) for c in partly.citations} == {(2022, "t3.partly_granted.total")}


def test_a_body_without_the_inherited_year_is_answered_from_its_own_report_and_says_so(
    answerer: Answerer,
) -> None:
    first = start(answerer, "白鹭县政府办2022年本年新收政府信息公开申请多少件？")
    other = answerer.ask("白鹭县发改局部分公开多少件？", first.conversation_id)
    assert other.status == "answered" and has_number(other.text, 1)
    assert {(c.body, c.year) for c in other.citations} == {(BUREAU, 2023)}
    assert "2022" in other.text  # the note: that body has no report of the year asked before


def test_a_text_follow_up_asks_the_earlier_topic_of_another_year(answerer: Answerer) -> None:
    first = answerer.ask("白鹭县政府办2023年的联系电话是多少？")
    assert first.status == "answered"
    again = answerer.ask("那2022年呢？", first.conversation_id)
    assert again.status == "answered" and "0599-7654321" in again.text
    assert {(c.year, c.key) for c in again.citations} == {(2022, "")}


def test_a_bare_follow_up_with_nothing_before_it_asks_for_a_whole_question(answerer: Answerer) -> None:
    reply = answerer.ask("那自然人呢？")
    assert reply.status == "clarify" and not reply.figures and not reply.citations


# --- conversation ids and turns ---------------------------------------------------------------


def test_a_conversation_id_that_is_not_kept_starts_a_new_one_under_a_new_id(answerer: Answerer) -> None:
    made_up = "a" * 32
    reply = answerer.ask("其中自然人呢？", made_up)
    assert reply.conversation_new and reply.conversation_id != made_up
    assert re.fullmatch(r"[0-9a-f]{32}", reply.conversation_id)
    assert reply.status == "clarify" and not reply.figures  # nothing was inherited
    assert "对话" in reply.text  # and the answer says the conversation was not found


def test_only_the_first_answer_of_a_conversation_is_new(answerer: Answerer) -> None:
    first = start(answerer)
    follow = answerer.ask("其中自然人呢？", first.conversation_id)
    assert first.conversation_new and not follow.conversation_new
    assert follow.conversation_id == first.conversation_id


def test_the_turns_of_a_conversation_are_kept_with_their_citations(answerer: Answerer) -> None:
    first = start(answerer)
    answerer.ask("谢谢", first.conversation_id)
    answerer.ask("其中自然人呢？", first.conversation_id)
    kept = answerer.conversation(first.conversation_id)
    assert kept is not None
    assert [t.question for t in kept.turns] == [FIRST, "谢谢", "其中自然人呢？"]
    assert [t.status for t in kept.turns] == ["answered"] * 3
    assert [c["key"] for c in kept.turns[2].citations] == ["t3.new_received.natural_person"]
    assert has_number(kept.turns[0].answer, OFFICE_2023_NEW)
    assert answerer.conversation("b" * 32) is None

"""Picking the sentences that answer: spans, forms a question asks for, and what the tables lack."""

from __future__ import annotations

from nianbao.answer.text import best_sentences, enough, prefers_text, sentences

REPORT = (
    "一、总体情况\n"
    "全年主动公开政府信息1520条，发布政策解读36篇。\n"
    "全年共受理政府信息公开申请37件，均在法定期限内答复。\n"
    "如有疑问请联系县政府办公室，电话：0599-7654321。\n"
    "本年度未收取信息处理费。"
)


def test_sentences_carry_their_spans_in_the_text() -> None:
    found = sentences(REPORT)
    assert [s.text for s in found][:2] == ["一、总体情况", "全年主动公开政府信息1520条，发布政策解读36篇。"]
    assert all(REPORT[s.start : s.end] == s.text for s in found)


def test_a_phone_question_is_answered_only_by_a_sentence_with_a_phone_number() -> None:
    [(_, best)] = best_sentences("联系电话是多少", REPORT, limit=1)
    assert "0599-7654321" in best.text
    assert best_sentences("联系电话是多少", "如有疑问请联系县政府办公室。") == []


def test_the_best_sentence_shares_the_rarest_words_of_the_question() -> None:
    [(_, best)] = best_sentences("受理政府信息公开申请多少件", REPORT, limit=1)
    assert best.text == "全年共受理政府信息公开申请37件，均在法定期限内答复。"


def test_a_sentence_that_covers_too_little_of_the_question_is_not_enough() -> None:
    assert enough(
        "受理政府信息公开申请多少件", "全年共受理政府信息公开申请37件，均在法定期限内答复。", REPORT
    )
    assert not enough("政府信息公开经费是多少", "全年主动公开政府信息1520条，发布政策解读36篇。", REPORT)


def test_questions_about_what_the_tables_do_not_count_prefer_the_text() -> None:
    assert prefers_text("主动公开政府信息多少条")
    assert prefers_text("联系电话是多少")
    assert not prefers_text("本年新收政府信息公开申请多少件")
    assert not prefers_text("主动公开的规章有多少件")

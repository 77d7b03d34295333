"""Sentences as the unit a text answer quotes: exact spans, their sections, BM25 over them."""

from __future__ import annotations

from nianbao.ingest.sections import split_sections
from nianbao.retrieval.passages import LONG_SENTENCE, PassageSearch, report_passages

TEXT = (
    "前言文字：本报告由青禾市人民政府办公室编制。\n"
    "一、总体情况\n"
    "（一）主动公开\n"
    "全年主动公开政府信息1520条。发布政策解读36篇！\n"
    "（二）依申请公开\n"
    "全年共受理政府信息公开申请37件，均按时答复。"
)


def test_each_passage_is_an_exact_span_within_one_section() -> None:
    sections = split_sections(TEXT)
    passages = report_passages("r", TEXT, sections)
    assert [p.text for p in passages] == [
        "前言文字：本报告由青禾市人民政府办公室编制。",
        "全年主动公开政府信息1520条。",
        "发布政策解读36篇！",
        "全年共受理政府信息公开申请37件，均按时答复。",
    ]
    assert all(TEXT[p.start : p.end] == p.text for p in passages)
    assert passages[1].section == ("一、总体情况", "（一）主动公开")
    assert passages[3].locator == "一、总体情况 › （二）依申请公开"


def test_a_sentence_wrapped_by_a_pdf_is_one_passage_quoted_without_the_breaks() -> None:
    text = (
        "一、总体情况\n"
        "本机关全年通过政府网站主动公开政府信息共计\n"
        "1136条，其中政策文件解读材料42篇，图片解读\n"
        "18篇，均已按时在政府信息公开专栏发布完毕。\n"
        "全年没有收到任何涉及政府信息公开的投诉举报。"
    )
    passages = report_passages("w", text, split_sections(text))
    first = passages[0]
    assert first.text.startswith("本机关") and first.text.endswith("发布完毕。") and "\n" not in first.text
    assert text[first.start : first.end].replace("\n", "") == first.text


def test_a_heading_glued_to_its_sentence_stays_with_it() -> None:
    # flat web text: the subsection's heading runs straight into its first sentence
    text = "一、总体情况（一）主动公开的数量2018年全区主动公开政府信息2069条。其余略。"
    passages = report_passages("g", text, split_sections(text))
    assert any("2069条" in p.text and "主动公开政府信息" in p.text for p in passages)


def test_a_long_sentence_is_cut_at_its_semicolons() -> None:
    clause = "开展政务公开专题培训并组织各单位交流经验" * 3
    text = "一、总体情况\n" + "；".join([clause] * 4) + "。"
    passages = report_passages("l", text, split_sections(text))
    assert len(passages) == 4 and all(len(p.text) <= LONG_SENTENCE for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)


def test_bm25_ranks_the_sentence_with_the_questions_words_first() -> None:
    passages = report_passages("r", TEXT, split_sections(TEXT))
    [(score, best), *_] = PassageSearch(passages).top("发布了多少篇政策解读")
    assert best.text == "发布政策解读36篇！" and score > 0
    assert PassageSearch(passages).top("天气预报") == []

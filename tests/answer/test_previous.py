"""Last year's count worked back from this year's 较上年 sentence (``answer.previous``)."""

from __future__ import annotations

from nianbao.answer.previous import from_next_year
from nianbao.answer.quote import Source

TEXT = (
    "一、总体情况\n"
    "2024年，本机关共办理依申请公开35件，较上年减少8件，均按时答复。"
    "全年发布政策解读42篇，比上年增长20%。"
    "全年召开新闻发布会12场。\n"
)


def _source(year: int) -> Source:
    return Source("r", "made_up.txt", "某机关", year, TEXT, lambda at: "一、总体情况")


def test_last_years_count_is_this_years_count_less_the_stated_change_with_the_formula() -> None:
    answer = from_next_year("办理了多少件依申请公开", 2023, _source(2024))
    assert answer is not None and answer.status == "answered"
    assert "35＋8＝43件" in answer.text and "语料中没有某机关2023年的报告" in answer.text
    [cite] = answer.citations
    assert cite.quote in TEXT and cite.year == 2024


def test_a_change_in_per_cent_or_none_stated_gives_no_count() -> None:
    assert from_next_year("发布了多少篇政策解读", 2023, _source(2024)) is None  # 增长20%: no count
    assert from_next_year("开了几场新闻发布会", 2023, _source(2024)) is None  # no change stated
    assert from_next_year("办理了多少件依申请公开", 2022, _source(2024)) is None  # not the year after

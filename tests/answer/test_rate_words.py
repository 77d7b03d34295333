"""Which derived rates a question asks for (``lexicon.find_rates``): by a rate's name as
``keys.RATES`` labels it, that name with a slip, or a word for a proportion with the parts of
the rates' numerators. Questions worded here."""

from __future__ import annotations

import pytest

from nianbao.answer import lexicon


@pytest.mark.parametrize(
    ("question", "rates"),
    [
        # by name, and with a character wrong where the name still ends as a rate
        ("平潭2024年行政复议纠错率是多少", ("review_correction",)),
        ("平潭2024年复议纠措率是多少", ("review_correction",)),
        ("淮安市2024年的实质公开律", ("substantive_disclosure",)),
        ("沭阳县2025年自然人申请占比", ("natural_person_share",)),
        # by parts: several rows that make one numerator, the head word of a numerator's rows
        ("平潭2024年复议和诉讼占新收申请的比例", ("dispute_conversion",)),
        ("淮安市2024年有多大比例的申请得到了公开", ("substantive_disclosure",)),
        # the numerators of several rates at once
        ("平潭2024年自然人和法人的比例各是多少", ("natural_person_share", "org_share")),
        ("平潭2024年不予公开和无法提供的比例", ("denial", "unavailable")),
    ],
)
def test_a_rate_is_found_by_its_name_or_its_parts(question: str, rates: tuple[str, ...]) -> None:
    assert lexicon.find_rates(question) == rates


@pytest.mark.parametrize(
    "question",
    [
        "平潭2024年不予公开的数量",  # 不予公开的 is one character from 不予公开率, but no rate
        "平潭2024年主动公开率",  # a figure of the text
        "平潭2024年不予公开的占比",  # one row: the share of its total, with the figure
        "平潭2024年自然人占比多少",
        "平潭2023年予以公开和部分公开一共多少件？占比多少？",  # one group row the lexicon names
        "平潭2024年政府信息公开申请中自然人的比例",  # 信息公开 names the applications
        "平潭2024年复议的比例",  # part of a numerator only
    ],
)
def test_a_figure_or_a_share_is_no_derived_rate(question: str) -> None:
    assert lexicon.find_rates(question) == ()


@pytest.mark.parametrize(
    ("question", "rows"),
    [
        # two row names sharing their last word, written once: both rows, as one category
        ("全部或部分公开的申请有几件", ["t3.granted_or_partly"]),
        ("部分或全部公开了多少", ["t3.granted_or_partly"]),
        ("直接或复议后起诉的案件", ["t4.suit"]),
        ("不予或部分公开的", ["t3.denied", "t3.partly_granted"]),
        # written in full and joined by 或: one category too
        ("予以公开或者部分公开的申请", ["t3.granted_or_partly"]),
        # not a shared word: each name stands for itself
        ("复议和诉讼各有多少", ["t4.review", "t4.suit"]),
        ("新收和上年结转各多少", ["t3.new_received", "t3.carried_over"]),
    ],
)
def test_row_names_joined_as_one_category_are_read_together(question: str, rows: list[str]) -> None:
    assert lexicon.named_rows(question) == rows


def test_only_a_category_without_a_group_row_asks_for_a_sum() -> None:
    assert lexicon.asks_union("不予或部分公开的有多少")  # no group row: added up by the answer
    assert not lexicon.asks_union("全部或部分公开的有多少")  # 予以公开及部分公开 is a group row
    assert not lexicon.asks_union("不予公开和部分公开各多少")  # 和, in full: two figures


@pytest.mark.parametrize(
    ("question", "rates"),
    [
        # result categories that one 或 makes one: one rate of their joined numerators
        ("不予公开或无法提供的比例", ("denial+unavailable",)),
        # a result rate asked within one applicant column, named first
        ("自然人申请中被公开的比例", ("substantive_disclosure@natural_person",)),
        ("个人申请的实质公开率", ("substantive_disclosure@natural_person",)),
        ("法人或其他组织的申请有多大比例得到了公开", ("substantive_disclosure@org",)),
        ("企业申请中不予公开的比例", ("denial@commercial",)),
        ("自然人申请中予以公开的比例", ("t3.granted@natural_person",)),
        # the column's share named as a rate of its own stays itself
        ("实质公开率和自然人申请占比", ("substantive_disclosure", "natural_person_share")),
    ],
)
def test_a_rate_of_a_category_or_within_a_column_is_composed(question: str, rates: tuple[str, ...]) -> None:
    assert lexicon.find_rates(question) == rates


def test_a_composed_rate_reads_its_cells_in_the_column_asked() -> None:
    within = lexicon.rate_of("substantive_disclosure@natural_person")
    assert within.numerator == ("t3.granted.natural_person", "t3.partly_granted.natural_person")
    assert within.denominator == ("t3.total_processed.natural_person",)
    joined = lexicon.rate_of("denial+unavailable")
    assert joined.numerator == ("t3.denied.total", "t3.unavailable.total")
    assert joined.denominator == ("t3.total_processed.total",)
    share = lexicon.rate_of("t3.granted@commercial")
    assert (share.numerator, share.denominator) == (
        ("t3.granted.commercial",),
        ("t3.total_processed.commercial",),
    )

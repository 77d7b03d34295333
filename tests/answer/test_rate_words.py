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

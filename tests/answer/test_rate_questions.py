"""Rates in chat where the report's own figures make them awkward: a denominator that disagrees
with its parts, two result categories asked as one, and a result share asked within one
applicant column. Every expected value was computed by hand from the report's table.

- 2024_pingtan_zonghe_shiyanqu.html, 表三 (自然人 | 商业企业 | 总计): 新收 217 | 1 | 218; 予以公开 71 | 0 |
  71; 部分公开 29 | 0 | 29; 不予公开 4 + 3 + 32 = 39 (all 自然人); 无法提供 75 | 0 | 75; （七）总计 217 | 1 |
  218. 表四 行政复议: 维持2 纠正1 其他3 未审结1, 总计7.
- The same page relabelled as 连江县 (a body never stored) with its 行政复议 总计 printed 9 instead of
  7: the parts still add up to 7.
- 2023_huaian_hongzequ.pdf, 表四 行政复议: 维持10 纠正1 其他0 未审结0, 总计 printed 0.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.answer.engine import Answerer
from nianbao.answer.model import Answer
from nianbao.catalog import Catalog
from nianbao.eval.variants import relabel
from nianbao.library import Library
from nianbao.settings import Settings
from tests.answer.conftest import TODAY
from tests.conftest import RAW

PINGTAN = "2024_pingtan_zonghe_shiyanqu.html"
HONGZE = "2023_huaian_hongzequ.pdf"
#: 平潭 2024 as 连江县 2024, its 行政复议 总计 (the only cell of the page that reads 7) printed as 9.
VARIANT = "2024_lianjiang_xian.html"
RELABEL = [
    ["平潭综合实验区管委会办公室", "连江县人民政府办公室"],
    ["平潭综合实验区", "连江县"],
    ["实验区", "县"],
]
RELABEL += [["平潭", "连江"], [">7</p>", ">9</p>"]]


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Answerer]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("rate_questions") / "data"))
    page = (RAW / PINGTAN).read_text(encoding="utf-8")
    assert page.count(">7</p>") == 1
    files = [(HONGZE, (RAW / HONGZE).read_bytes()), (VARIANT, relabel(page, RELABEL).encode("utf-8"))]
    for name, data in files:
        assert library.ingest_bytes(data, name).status == "ingested", name
    yield Answerer(Catalog(library.engine), today=TODAY)
    library.engine.dispose()


def cited(answer: Answer) -> set[str]:
    """The canonical key of every table cell an answer cites."""
    return {c.key for c in answer.citations if c.key}


# --- a denominator that disagrees with its parts ------------------------------------------------


def test_a_review_total_printed_as_zero_is_replaced_by_its_parts_and_the_break_is_said(
    answerer: Answerer,
) -> None:
    answer = answerer.ask("洪泽区2023年行政复议的纠错率是多少？")
    assert answer.status == "answered"
    assert "9.1%" in answer.text  # 1 ÷ (10 + 1 + 0 + 0)
    assert "表中为0" in answer.text and "按所印总计无法计算" in answer.text
    assert "无法计算（分母为0）" not in answer.text
    parts = {f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending")}
    assert parts | {"t4.review.total"} <= cited(answer)  # the parts summed, and the total as printed


def test_a_printed_total_that_is_too_large_gives_both_rates_the_parts_one_first(answerer: Answerer) -> None:
    answer = answerer.ask("连江县2024年复议纠错率")
    assert answer.status == "answered"
    assert "14.3%" in answer.text  # 1 ÷ (2 + 1 + 3 + 1)
    assert "按所印总计为11.1%" in answer.text  # 1 ÷ 9, as printed
    assert all(c.source == VARIANT for c in answer.citations)
    [total] = [c for c in answer.citations if c.key == "t4.review.total"]
    assert total.quote.endswith("9")  # the printed 总计 is cited as it stands


# --- two result categories asked as one -----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("连江县2024年全部或部分公开的申请有多少件", "100"),  # 71 + 29
        ("连江县2024年部分或全部公开了几件", "100"),
        ("连江县2024年不予或部分公开的有多少", "68"),  # 39 + 29
        ("连江县2024年全部或部分公开的占比是多少", "45.9%"),  # 100 ÷ 218
        ("连江县2024年不予公开或者无法提供的比例", "52.3%"),  # (39 + 75) ÷ 218
    ],
)
def test_two_result_categories_asked_as_one_are_added_up(
    answerer: Answerer, question: str, expected: str
) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered" and expected in answer.text, answer.text


# --- a result share within one applicant column -----------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected", "column"),
    [
        ("连江县2024年自然人申请中被公开的比例是多少", "46.1%", "natural_person"),  # (71 + 29) ÷ 217
        ("连江县2024年个人提出的申请里无法提供的占多少", "34.6%", "natural_person"),  # 75 ÷ 217
        ("连江县2024年自然人申请中予以公开的比例", "32.7%", "natural_person"),  # 71 ÷ 217
        ("连江县2024年企业申请的不予公开率", "0.0%", "commercial"),  # 0 ÷ 1
    ],
)
def test_a_result_share_within_an_applicant_column_is_taken_in_that_column(
    answerer: Answerer, question: str, expected: str, column: str
) -> None:
    answer = answerer.ask(question)
    assert answer.status == "answered" and expected in answer.text, answer.text
    assert "99.5%" not in answer.text  # not the column's share of 新收 beside it
    assert {key.split(".")[2] for key in cited(answer)} == {column}
    assert f"t3.total_processed.{column}" in cited(answer)

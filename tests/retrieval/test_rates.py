"""Derived rates: each defined once in keys.RATES, computed in one place with every cell it used.

Corpus values were checked by hand in 2024_pingtan_zonghe_shiyanqu.html: 表三 新收 自然人217 商业企业1
总计218; 予以公开71, 部分公开29, 不予公开 4+3+32 = 39, 无法提供75, （七）总计218; 表四 行政复议 维持2 纠正1
其他3 未审结1 总计7, 未经复议直接起诉 all 0, 复议后起诉 维持13 纠正2 其他4 总计19. The made-up reports
are those of ``tests.fixtures``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.catalog import Catalog
from nianbao.keys import RATES, SMALL_SAMPLE, T3_APPLICANT_COLUMNS
from nianbao.library import Library
from nianbao.retrieval.figures import FiguresTool, RateFigure, parts_of, share_of
from nianbao.settings import Settings
from tests.conftest import RAW
from tests.fixtures import BUREAU_2023, OFFICE_2022, OFFICE_2023, made_up_library
from tests.fixtures import report_id as rid

PINGTAN_2024 = "2024_pingtan_zonghe_shiyanqu.html"


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FiguresTool, str]]:
    library = Library(Settings(data_dir=tmp_path_factory.mktemp("rates") / "data"))
    assert library.ingest_bytes((RAW / PINGTAN_2024).read_bytes(), PINGTAN_2024).status == "ingested"
    [report] = Catalog(library.engine).reports()
    yield FiguresTool(library.engine), report.meta.id
    library.engine.dispose()


@pytest.fixture(scope="module")
def made_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FiguresTool]:
    library = made_up_library(Settings(data_dir=tmp_path_factory.mktemp("rates_made_up") / "data"))
    yield FiguresTool(library.engine)
    library.engine.dispose()


def rate_of(tool: FiguresTool, report: str, name: str) -> RateFigure:
    [rate] = tool.rate([report], RATES[name])
    return rate


@pytest.mark.parametrize(
    ("name", "formula", "percent", "keys"),
    [
        (
            "review_correction",
            "结果纠正1 ÷ 总计7 = 14.3%",
            14.3,
            {"t4.review.corrected", "t4.review.total"},
        ),
        (
            "natural_person_share",
            "自然人217 ÷ 总计218 = 99.5%",
            99.5,
            {"t3.new_received.natural_person", "t3.new_received.total"},
        ),
        (
            "substantive_disclosure",
            "(予以公开71 + 部分公开29) ÷ 办理结果总计（办结）218 = 45.9%",
            45.9,
            {"t3.granted.total", "t3.partly_granted.total", "t3.total_processed.total"},
        ),
        ("denial", "不予公开39 ÷ 办理结果总计（办结）218 = 17.9%", 17.9, None),
        ("unavailable", "无法提供75 ÷ 办理结果总计（办结）218 = 34.4%", 34.4, None),
        (
            "suit_correction",
            "(未经复议直接起诉（结果纠正）0 + 复议后起诉（结果纠正）2) ÷ "
            "(未经复议直接起诉（总计）0 + 复议后起诉（总计）19) = 10.5%",
            10.5,
            {
                "t4.suit_direct.corrected",
                "t4.suit_after_review.corrected",
                "t4.suit_direct.total",
                "t4.suit_after_review.total",
            },
        ),
        (
            "dispute_conversion",
            "(行政复议7 + 未经复议直接起诉的行政诉讼0 + 复议后起诉的行政诉讼19)"
            " ÷ 新收政府信息公开申请218 = 11.9%",
            11.9,
            {
                "t4.review.total",
                "t4.suit_direct.total",
                "t4.suit_after_review.total",
                "t3.new_received.total",
            },
        ),
        ("org_share", "法人或其他组织1 ÷ 总计218 = 0.5%", 0.5, None),
    ],
)
def test_each_rate_of_pingtan_2024_comes_with_its_formula_and_cells(
    pingtan: tuple[FiguresTool, str], name: str, formula: str, percent: float, keys: set[str] | None
) -> None:
    tool, report = pingtan
    rate = rate_of(tool, report, name)
    assert rate.formula == formula and rate.percent == percent
    assert rate.body == "平潭综合实验区" and rate.year == 2024 and rate.source == PINGTAN_2024
    if keys is not None:
        assert {c.key for c in rate.cells} == keys
    assert all(c.report_id == report for c in rate.cells)


def test_a_rate_over_fewer_than_thirty_cases_is_a_small_sample(pingtan: tuple[FiguresTool, str]) -> None:
    tool, report = pingtan
    assert SMALL_SAMPLE == 30
    assert rate_of(tool, report, "review_correction").small_sample  # 7 cases
    assert not rate_of(tool, report, "natural_person_share").small_sample  # 218


def test_the_denial_rate_adds_up_all_eight_denied_rows(pingtan: tuple[FiguresTool, str]) -> None:
    tool, report = pingtan
    rate = rate_of(tool, report, "denial")
    assert rate.parts == (39, 218)  # 4 + 3 + 32 of the eight rows
    assert sum(c.key.startswith("t3.denied_") for c in rate.cells) == 8


def test_a_blank_total_is_rebuilt_from_its_row(made_up: FiguresTool) -> None:
    # 政府办2022: 予以公开's 总计 was left blank (its columns add up to 10); 部分公开4; 办结23.
    rate = rate_of(made_up, rid(OFFICE_2022), "substantive_disclosure")
    assert rate.parts == (14, 23) and rate.percent == 60.9
    assert "t3.granted.natural_person" in {c.key for c in rate.cells}


def test_a_rate_over_nothing_has_no_value(made_up: FiguresTool) -> None:
    rate = rate_of(made_up, rid(BUREAU_2023), "review_correction")  # no 行政复议 at all
    assert rate.value is None and rate.percent is None and "无法计算" in rate.formula


def test_rates_of_several_reports_come_in_their_order(made_up: FiguresTool) -> None:
    rates = made_up.rate([rid(OFFICE_2023), rid(OFFICE_2022)], RATES["natural_person_share"])
    assert [(r.year, r.parts) for r in rates] == [(2023, (32, 37)), (2022, (24, 25))]


@pytest.mark.parametrize(
    ("metric", "whole"),
    [
        ("t3.new_received.natural_person", "t3.new_received.total"),  # a column of its row
        ("t3.granted.commercial", "t3.granted.total"),
        ("t3.new_received.org", "t3.new_received.total"),
        ("t3.granted.total", "t3.total_processed.total"),  # a result row of 办理结果总计
        ("t3.denied.total", "t3.total_processed.total"),
        ("t3.unavailable_not_held.total", "t3.total_processed.total"),
        ("t4.review.corrected", "t4.review.total"),  # a result of its row's 总计
        ("t4.suit.upheld", "t4.suit.total"),
        ("t3.new_received.total", None),  # no part of a total
        ("t3.carried_forward.total", None),
        ("t3.total_processed.total", None),
    ],
)
def test_a_share_is_of_the_total_it_is_part_of(metric: str, whole: str | None) -> None:
    share = share_of(metric)
    assert (share.denominator if share else None) == ((whole,) if whole else None)
    assert share is None or share.numerator == (metric,)


def test_office_2023_shares_use_the_row_and_the_results_total(made_up: FiguresTool) -> None:
    [person] = made_up.rate([rid(OFFICE_2023)], share_of("t3.new_received.natural_person"))  # type: ignore[arg-type]
    assert person.parts == (32, 37)
    [granted] = made_up.rate([rid(OFFICE_2023)], share_of("t3.granted.total"))  # type: ignore[arg-type]
    assert granted.parts == (14, 38)


@pytest.mark.parametrize(
    ("total", "parts"),
    [
        (
            "t4.suit_direct.total",
            tuple(f"t4.suit_direct.{c}" for c in ("upheld", "corrected", "other", "pending")),
        ),
        (
            "t3.total_processed.natural_person",
            tuple(
                f"t3.{r}.natural_person"
                for r in ("granted", "partly_granted", "denied", "unavailable", "rejected", "other")
            ),
        ),
        ("t3.new_received.total", tuple(f"t3.new_received.{c}" for c in T3_APPLICANT_COLUMNS)),
        ("t4.review.corrected", ()),  # a part, not a total
        ("t2.normative_docs.in_force", ()),
    ],
)
def test_a_total_has_the_parts_the_report_format_says_it_adds_up(total: str, parts: tuple[str, ...]) -> None:
    assert parts_of(total) == parts

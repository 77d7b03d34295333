"""The rates of stored reports, as ``nianbao rates`` and GET /api/rates list them.

Values checked by hand in 2024_pingtan_zonghe_shiyanqu.html: 表四 行政复议 结果纠正1 总计7; 表三
新收 自然人217 总计218; 予以公开71 部分公开29 （七）总计218.
"""

from __future__ import annotations

from nianbao.catalog import Catalog
from nianbao.keys import RATES
from nianbao.review.rates import report_rates, sample_note
from tests.review.conftest import PINGTAN


def test_every_rate_of_a_report_comes_in_the_order_rates_are_defined(catalog: Catalog) -> None:
    found = report_rates(catalog, "平潭", [2024])
    assert [r.rate.name for r in found] == list(RATES)
    assert {(r.body, r.year, r.source) for r in found} == {
        (PINGTAN, 2024, "2024_pingtan_zonghe_shiyanqu.html")
    }


def test_pingtan_2024_review_correction_is_one_in_seven_on_a_small_sample(catalog: Catalog) -> None:
    [rate] = [r for r in report_rates(catalog, "平潭", [2024]) if r.rate.name == "review_correction"]
    assert rate.formula == "结果纠正1 ÷ 总计7 = 14.3%"
    assert sample_note(rate) == "样本较少（7件，少于30件）"
    assert [(c.key, c.value) for c in rate.cells] == [("t4.review.corrected", 1), ("t4.review.total", 7)]


def test_pingtan_2024_natural_persons_are_217_of_218_and_no_small_sample(catalog: Catalog) -> None:
    [rate] = [r for r in report_rates(catalog, "平潭", [2024]) if r.rate.name == "natural_person_share"]
    assert rate.formula == "自然人217 ÷ 总计218 = 99.5%" and sample_note(rate) == ""


def test_rates_of_several_years_come_year_by_year(catalog: Catalog) -> None:
    found = report_rates(catalog, PINGTAN, [2023, 2024])
    years = [r.year for r in found]
    assert years == sorted(years) and set(years) == {2023, 2024}
    # 2023: 予以公开22 + 部分公开20 of 81 (2023_pingtan_zonghe_shiyanqu.html)
    [disclosed] = [r for r in found if r.year == 2023 and r.rate.name == "substantive_disclosure"]
    assert disclosed.parts == (42, 81) and disclosed.percent == 51.9

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


def test_a_total_printed_as_zero_beside_parts_of_eleven_gives_the_rate_over_the_parts(
    catalog: Catalog,
) -> None:
    # 洪泽区 2023 表四 行政复议 (2023_huaian_hongzequ.pdf, p. 4): 维持10 纠正1 其他0 尚未审结0, 总计 0
    [rate] = [r for r in report_rates(catalog, "洪泽", [2023]) if r.rate.name == "review_correction"]
    assert rate.parts == (1, 11) and rate.percent == 9.1
    assert rate.formula == "结果纠正1 ÷ 总计按各项之和11（表中为0） = 9.1%"
    assert [(f.metric, f.value) for f in rate.printed] == [("t4.review.total", 0)]
    assert {c.key for c in rate.cells} == {
        f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")
    }
    note = sample_note(rate)
    assert "样本较少（11件" in note and "比率按各项之和计算" in note and "按所印总计无法计算" in note


def test_a_total_that_agrees_with_its_parts_is_used_as_printed(catalog: Catalog) -> None:
    for rate in report_rates(catalog, "平潭", [2024]):  # every total of this report adds up
        assert rate.printed == () and rate.note == "" and "各项之和" not in rate.formula

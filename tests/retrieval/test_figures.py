"""The figures tool: stored cells, row groups added up in code, comparisons across reports.

The store holds the made-up reports of ``tests.fixtures``; the expected values are the numbers
those reports print.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nianbao.library import Library
from nianbao.retrieval.figures import FiguresTool, metric_label
from nianbao.settings import Settings
from tests.fixtures import BUREAU_2023, OFFICE_2022, OFFICE_2023, MadeUp, made_up_library
from tests.fixtures import report_id as rid


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    lib = made_up_library(Settings(data_dir=tmp_path_factory.mktemp("figures") / "data"))
    yield lib
    lib.engine.dispose()


@pytest.fixture(scope="module")
def tool(library: Library) -> FiguresTool:
    return FiguresTool(library.engine)


def value(tool: FiguresTool, made: MadeUp, metric: str) -> float | int | None:
    [figure] = tool.get([rid(made)], metric)
    return figure.value


def test_a_single_cell_is_read_with_where_it_sits(tool: FiguresTool) -> None:
    [figure] = tool.get([rid(OFFICE_2023)], "t3.new_received.total")
    assert (figure.report_id, figure.year, figure.value, figure.summed) == (rid(OFFICE_2023), 2023, 37, False)
    [cell] = figure.cells
    assert cell.key == "t3.new_received.total" and cell.as_written == "37"
    assert cell.locator == "表三 收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计"
    assert figure.source == "2023_bailuxian_zfb.docx" and figure.label == "新收政府信息公开申请"


def test_money_keeps_its_decimals(tool: FiguresTool) -> None:
    assert value(tool, OFFICE_2023, "t2.fees.amount_10k_yuan") == 1.25


@pytest.mark.parametrize(
    ("metric", "expected", "rows"),
    [
        ("t3.denied.total", 6, 8),  # 1 + 3 + 2 over the eight （三）不予公开 rows
        ("t3.unavailable.total", 8, 3),  # 7 + 1
        ("t3.rejected.total", 3, 5),  # 2 + 1
        ("t3.other.total", 2, 3),  # the three （六） sub-rows: 1 + 0 + 1
        ("t3.intake.total", 40, 2),  # 新收37 + 上年结转3
        ("t3.granted_or_partly.total", 19, 2),  # 14 + 5
        ("t4.suit.total", 2, 2),  # 未经复议直接起诉1 + 复议后起诉1
    ],
)
def test_a_row_group_adds_up_its_rows_and_cites_each(
    tool: FiguresTool, metric: str, expected: int, rows: int
) -> None:
    [figure] = tool.get([rid(OFFICE_2023)], metric)
    assert figure.value == expected and figure.summed
    assert len(figure.cells) == rows and sum(c.value or 0 for c in figure.cells) == expected


def test_the_organisation_columns_add_up_the_five_kinds_of_applicant(tool: FiguresTool) -> None:
    [figure] = tool.get([rid(OFFICE_2023)], "t3.new_received.org")
    assert figure.value == 5  # 商业企业4 + 法律服务机构1
    assert {c.column_label for c in figure.cells} == {
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    }


def test_a_column_of_a_row_group_adds_that_column_only(tool: FiguresTool) -> None:
    assert value(tool, OFFICE_2023, "t3.denied.natural_person") == 5  # 1 + 2 + 2
    assert value(tool, OFFICE_2023, "t3.denied.commercial") == 1


def test_a_blank_total_is_added_up_from_its_row_and_each_part_is_cited(tool: FiguresTool) -> None:
    [figure] = tool.get([rid(OFFICE_2022)], "t3.granted.total")
    assert figure.value == 10
    assert {c.key for c in figure.cells} == {
        f"t3.granted.{c}"
        for c in ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
    }


def test_the_total_is_read_as_printed_even_when_its_row_adds_up_to_another(tool: FiguresTool) -> None:
    assert value(tool, BUREAU_2023, "t3.carried_forward.total") == 3  # its columns add up to 2


def test_figures_come_back_in_the_order_of_the_reports_asked(tool: FiguresTool) -> None:
    ids = [rid(BUREAU_2023), rid(OFFICE_2022), rid(OFFICE_2023)]
    figures = tool.get(ids, "t3.new_received.total")
    assert [(f.report_id, f.year, f.value) for f in figures] == [
        (ids[0], 2023, 10),
        (ids[1], 2022, 25),
        (ids[2], 2023, 37),
    ]


def test_a_report_without_the_cells_gives_no_figure(tool: FiguresTool) -> None:
    assert tool.get(["no-such-report"], "t3.new_received.total") == []
    assert tool.get([rid(OFFICE_2023)], "t2.procurement.projects") == []


def test_compare_gives_the_last_minus_the_first(tool: FiguresTool) -> None:
    figures, difference = tool.compare([rid(OFFICE_2022), rid(OFFICE_2023)], "t3.new_received.total")
    assert [f.value for f in figures] == [25, 37] and difference == 12
    _, backwards = tool.compare([rid(OFFICE_2023), rid(OFFICE_2022)], "t3.new_received.total")
    assert backwards == -12
    _, alone = tool.compare([rid(OFFICE_2023)], "t3.new_received.total")
    assert alone is None


def test_a_difference_of_money_keeps_its_decimals(tool: FiguresTool) -> None:
    _, difference = tool.compare([rid(OFFICE_2022), rid(OFFICE_2023)], "t2.fees.amount_10k_yuan")
    assert difference == 1.25


def test_total_adds_a_metric_across_reports(tool: FiguresTool) -> None:
    figures, total = tool.total(
        [rid(OFFICE_2022), rid(OFFICE_2023), rid(BUREAU_2023)], "t3.new_received.total"
    )
    assert len(figures) == 3 and total == 72  # 25 + 37 + 10


def test_rank_orders_by_value_and_trend_by_year(tool: FiguresTool) -> None:
    ids = [rid(OFFICE_2022), rid(BUREAU_2023), rid(OFFICE_2023)]
    assert [f.value for f in tool.rank(ids, "t2.licensing.decisions")] == [120, 100, 35]
    assert [f.value for f in tool.rank(ids, "t2.licensing.decisions", descending=False)] == [35, 100, 120]
    assert [f.year for f in tool.trend([rid(OFFICE_2023), rid(OFFICE_2022)], "t3.new_received.total")] == [
        2022,
        2023,
    ]


@pytest.mark.parametrize(
    ("metric", "words"),
    [
        ("t3.new_received.natural_person", "新收政府信息公开申请（自然人）"),
        ("t3.new_received.org", "新收政府信息公开申请（法人或其他组织）"),
        ("t3.denied.total", "不予公开"),
        ("t3.unavailable_not_held.total", "无法提供（本机关不掌握相关政府信息）"),
        ("t4.suit.total", "行政诉讼"),
        ("t4.review.upheld", "行政复议（结果维持）"),
        ("t2.licensing.decisions", "行政许可"),
    ],
)
def test_a_metric_reads_as_chinese_words(metric: str, words: str) -> None:
    assert metric_label(metric) == words

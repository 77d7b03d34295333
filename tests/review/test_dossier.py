"""The per-body export: the .docx opens with python-docx and its tables equal the stored cells;
the .csv carries the same figures with their places; rates, audit and changes are in both.

Hand-checked: 平潭 2023 表三 新收 总计 81, 2024 218 (the .html reports); 2022 is not stored.
"""

from __future__ import annotations

import csv
import io

import docx
import pytest

from nianbao.catalog import Catalog
from nianbao.keys import TABLE_NAMES
from nianbao.review.choose import AmbiguousBody, NotStored, parse_years
from nianbao.review.dossier import Dossier, cell_text, csv_of, docx_bytes, dossier
from tests.review.conftest import PINGTAN


@pytest.fixture(scope="module")
def pingtan(catalog: Catalog) -> Dossier:
    return dossier(catalog, "平潭", range(2021, 2025))


def test_the_dossier_holds_the_years_stored_and_names_the_missing_one(pingtan: Dossier) -> None:
    assert pingtan.body == PINGTAN
    assert [r.meta.year for r in pingtan.reports] == [2021, 2023, 2024]
    assert pingtan.missing == (2022,)
    assert [(c.before.meta.year, c.after.meta.year) for c in pingtan.changes] == [(2021, 2023), (2023, 2024)]


def test_the_docx_tables_equal_the_stored_cells(catalog: Catalog, pingtan: Dossier) -> None:
    document = docx.Document(io.BytesIO(docx_bytes(pingtan)))
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    stored = {(c.report_id, c.key): c for c in catalog.cells(PINGTAN, [2021, 2023, 2024])}
    compared = 0
    for title in TABLE_NAMES.values():
        assert title in headings
    # a figures table: 项目, 键, then one column per year headed by the year and its file
    figure_tables = [
        t for t in document.tables if t.rows[0].cells[1].text == "键" and "\n" in t.rows[0].cells[2].text
    ]
    assert len(figure_tables) == 3
    for table in figure_tables:
        header = [c.text for c in table.rows[0].cells]
        assert header[2:] == [f"{r.meta.year}年\n{r.meta.source}" for r in pingtan.reports]
        for row in table.rows[1:]:
            texts = [c.text for c in row.cells]
            for rep, shown in zip(pingtan.reports, texts[2:], strict=True):
                cell = stored.get((rep.meta.id, texts[1]))
                assert shown == cell_text(cell), (rep.meta.year, texts[1])
                compared += 1
    assert compared == 3 * 200
    [new_received] = [
        [c.text for c in row.cells]
        for t in figure_tables
        for row in t.rows
        if row.cells[1].text == "t3.new_received.total"
    ]
    assert new_received[3:] == ["81", "218"]  # 2023, 2024
    assert "比率" in tables and "检查" in tables  # the rates table and an audit table


def test_the_docx_has_rates_audit_and_changes(pingtan: Dossier) -> None:
    document = docx.Document(io.BytesIO(docx_bytes(pingtan)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "结果纠正1 ÷ 总计7 = 14.3%" in cells and "样本较少" in cells
    assert "2023年 → 2024年" in text and "行政许可" in text
    assert "2022年" in cells and "（未收录）" in cells


def test_the_csv_has_every_figure_with_its_file_and_place(pingtan: Dossier) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_of(pingtan))))
    figures = [r for r in rows if r["section"] == "数据"]
    assert len(figures) == len(pingtan.cells) == 600
    [new_2024] = [r for r in figures if r["year"] == "2024" and r["key"] == "t3.new_received.total"]
    assert new_2024["value"] == "218" and new_2024["source"] == "2024_pingtan_zonghe_shiyanqu.html"
    assert (
        new_2024["where"] == "表三 收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计"
    )
    assert {r["section"] for r in rows} == {"数据", "比率", "完整性检查", "年度变化", "正文变化"}
    [change] = [
        r
        for r in rows
        if r["section"] == "年度变化" and r["year_to"] == "2024" and r["key"] == "t3.new_received.total"
    ]
    assert (change["value"], change["value_to"], change["change"]) == ("81", "218", "137")


def test_bodies_and_years_that_cannot_be_exported_say_why(catalog: Catalog) -> None:
    with pytest.raises(AmbiguousBody, match="上海市人民政府办公厅"):
        dossier(catalog, "上海", [2024])
    with pytest.raises(NotStored, match="已收录的年份：2021、2023、2024"):
        dossier(catalog, "平潭", [2010, 2011])
    with pytest.raises(NotStored, match="已收录的机关"):
        dossier(catalog, "北京市", [2024])


@pytest.mark.parametrize(
    ("text", "years"),
    [("2021-2025", [2021, 2022, 2023, 2024, 2025]), ("2021,2023", [2021, 2023]), ("2024", [2024])],
)
def test_years_are_read_as_a_range_or_a_list(text: str, years: list[int]) -> None:
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "abc", "21-25", "2021-", "2021--2023", "0000"])
def test_years_that_are_not_years_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="2021-2025"):
        parse_years(text)

"""Every corpus file ingests; the documented arithmetic breaks are found, and no table rule
fires on the reports SOURCES.md documents as balancing."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.ingest.errors import IngestError
from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_path
from tests.conftest import RAW

ALL = sorted(p for p in RAW.iterdir() if p.is_file() and p.suffix != ".md")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_corpus_file_yields_records_or_a_reason(path: Path) -> None:
    try:
        report = extract_report(read_path(path))
    except IngestError as exc:  # a clear reason is acceptable; a crash is not
        pytest.fail(f"{path.name} was refused: {exc}")
    assert report.cells or report.warnings
    assert report.meta.year is not None


def test_the_2018_report_has_text_but_no_tables_and_says_why() -> None:
    report = extract_report(read_path(RAW / "2018_pingtan_zonghe_shiyanqu_oldformat.txt"))
    assert report.cells == ()
    assert any("predates" in w for w in report.warnings)
    assert len(report.text) > 1000


def test_hongze_2023_table4_totals_that_do_not_add_up_are_found() -> None:
    report = extract_report(read_path(RAW / "2023_huaian_hongzequ.pdf"))
    broken = {f.keys[0] for f in report.findings if f.rule == "t4.group_total"}
    assert broken == {"t4.review.total", "t4.suit_after_review.total"}
    # the finding never changes a number
    assert report.cell("t4.review.total").value == 0
    assert report.cell("t4.review.upheld").value == 10


@pytest.mark.parametrize(
    "name",
    [
        "2024_huaian_hongzequ.pdf",
        "2024_huaian_shi.pdf",
        "2025_shanghai_shizhengfu_bangongting.txt",
        "2025_suqian_shuyangxian.txt",
        "2023_zaozhuang_shizhongqu_zfb.txt",
    ],
)
def test_reports_documented_as_balancing_break_no_table_rule(name: str) -> None:
    report = extract_report(read_path(RAW / name))
    assert [f.message for f in report.findings if f.rule.startswith(("t3.", "t4."))] == []


def test_hongze_carry_over_across_years_agrees() -> None:
    from nianbao.ingest.checks import check_carry_over

    prev = extract_report(read_path(RAW / "2023_huaian_hongzequ.pdf"))
    cur = extract_report(read_path(RAW / "2024_huaian_hongzequ.pdf"))
    assert check_carry_over(prev.cells, cur.cells, 2023, 2024) == []
    assert prev.cell("t3.carried_forward.total").value == cur.cell("t3.carried_over.total").value

"""Synthetic variants: a corpus report re-labelled as another body and year."""

from pathlib import Path

from nianbao.eval.variants import Variant, relabel, write
from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_path
from tests.conftest import SHARED

SEED = "2023_zaozhuang_shizhongqu_zfb.txt"


def test_pairs_are_applied_at_once_so_years_do_not_chain() -> None:
    text = "2023年报告，与2022年相比"
    assert relabel(text, [["2023年", "2022年"], ["2022年", "2021年"]]) == "2022年报告，与2021年相比"


def test_the_longest_old_text_wins_where_two_overlap() -> None:
    assert relabel("市中区人民政府办公室", [["市中区", "某县"], ["市中区人民政府办公室", "某厅"]]) == "某厅"


def test_a_variant_reads_as_the_new_body_and_year_with_the_same_cells(tmp_path: Path) -> None:
    raw = SHARED / "corpus" / "raw"
    original = extract_report(read_path(raw / SEED))
    pairs = (("市中区人民政府办公室", "江苏省工业和信息化厅"), ("2023年", "2020年"), ("2024年", "2021年"))
    [path] = write([Variant("2020_jiangsu_gxt.txt", SEED, pairs)], raw, tmp_path)
    variant = extract_report(read_path(path))
    assert variant.meta.body == "江苏省工业和信息化厅"
    assert variant.meta.year == 2020
    assert {c.key: c.value for c in variant.cells} == {c.key: c.value for c in original.cells}

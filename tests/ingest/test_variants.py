"""Every gold report reads back exactly through every text layout, line end and encoding.

The variants are made by ``tests/ingest/variants.py`` from the hand-checked gold files; nothing
here is tuned to a file. The property test draws combinations (bounded for CI;
``benchmarks/fuzz.py --only variants`` runs it for as long as you like); the table test below
covers every layout of every gold once.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.ingest.pipeline import extract_report
from nianbao.ingest.read import read_bytes
from tests.ingest import variants

GOLDS = [variants.load(path) for path in variants.gold_files()]


def _read_back(gold: variants.Gold, layout: str, line_end: str, encoding: str, full_width: bool = False):
    data = variants.render(gold, layout, line_end, encoding, full_width)
    return extract_report(read_bytes(data, f"{gold.name}.{layout}.txt"))


@pytest.mark.parametrize("layout", variants.LAYOUTS)
@pytest.mark.parametrize("gold", GOLDS, ids=[g.name for g in GOLDS])
def test_each_layout_reads_back_every_gold_cell(gold: variants.Gold, layout: str) -> None:
    report = _read_back(gold, layout, "lf", "utf-8")
    assert variants.mismatches(gold, layout, report.cells) == {}
    assert (report.meta.body, report.meta.year) == (gold.agency, gold.year)
    assert report.partial == ()  # every table's every cell is stored (uncut glued rows included)


@pytest.mark.parametrize("gold", GOLDS, ids=[g.name for g in GOLDS])
def test_a_bare_cr_export_with_empty_lines_for_empty_cells_reads_back(gold: variants.Gold) -> None:
    """The exports that read as 0 cells before: old-Mac line ends, GBK, one cell a line."""
    report = _read_back(gold, "cell_lines", "cr", "gb18030")
    assert variants.mismatches(gold, "cell_lines", report.cells) == {}


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    gold=st.sampled_from(GOLDS),
    layout=st.sampled_from(variants.LAYOUTS),
    line_end=st.sampled_from(sorted(variants.LINE_ENDS)),
    encoding=st.sampled_from(variants.ENCODINGS),
    full_width=st.booleans(),
)
def test_every_variant_reads_back_the_gold(
    gold: variants.Gold, layout: str, line_end: str, encoding: str, full_width: bool
) -> None:
    report = _read_back(gold, layout, line_end, encoding, full_width)
    assert variants.mismatches(gold, layout, report.cells) == {}, (layout, line_end, encoding)
    assert report.meta.layout == gold.layout


def test_a_flat_report_with_blank_cells_is_never_cut_into_wrong_numbers() -> None:
    """The 2019 上海 tables leave many cells blank; glued, the blanks vanish. Rows must then
    be left uncut (no value, the digits as written), never cut into a plausible wrong split."""
    gold = next(g for g in GOLDS if g.layout == "2019-60")
    report = _read_back(gold, "flat", "lf", "utf-8")
    t3 = [c for c in report.cells if c.key.startswith("t3.")]
    assert t3 and all(c.value is None or c.value == gold.cells.get(c.key) for c in t3)
    assert any(c.note and "无法拆分" in c.note for c in t3)
